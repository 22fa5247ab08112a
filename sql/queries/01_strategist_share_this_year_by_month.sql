-- Question: How did the share of social media strategist roles change this year, month by
--   month?
-- Columns:
--   posting_month   first day of the month (January of this year up to this month)
--   strategist_ads  distinct labelled ads of the month labelled social_media_strategist
--   labelled_ads    distinct labelled ads of the month, all roles
--   share           strategist_ads / labelled_ads (NULL for a month without ads)
-- Variables: as_of (DATE, default today); "this year" is the year of as_of.
WITH
params AS (
    SELECT coalesce(CAST(getvariable('as_of') AS DATE), current_date) AS as_of
),

months AS (
    SELECT CAST(m AS DATE) AS posting_month
    FROM params,
        range(date_trunc('year', as_of), date_trunc('month', as_of) + INTERVAL 1 MONTH,
              INTERVAL 1 MONTH) AS r (m)
),

strategist_share AS (
    SELECT posting_month, ads, labelled_ads
    FROM role_share_by_month
    WHERE role = 'social_media_strategist'
),

final AS (
    SELECT
        m.posting_month,
        coalesce(s.ads, 0) AS strategist_ads,
        coalesce(s.labelled_ads, 0) AS labelled_ads,
        s.ads / s.labelled_ads AS share
    FROM months AS m
    LEFT JOIN strategist_share AS s ON s.posting_month = m.posting_month
)

SELECT * FROM final ORDER BY posting_month;
