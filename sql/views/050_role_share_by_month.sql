-- role_share_by_month: for each month (of publication, else of first sighting) and each
-- role, how many distinct labelled ads had that role and their share of the month's
-- labelled ads. Every role appears in every month, with 0 when absent.
-- Grain: one row per (posting_month, role).
CREATE OR REPLACE VIEW role_share_by_month AS
WITH
ads AS (
    SELECT posting_month, label AS role
    FROM distinct_ads
    WHERE label IS NOT NULL
),

roles AS (
    SELECT role FROM (VALUES
        ('community_manager'), ('social_media_manager'),
        ('social_media_strategist'), ('other')
    ) AS known (role)
    UNION
    SELECT DISTINCT role FROM ads
),

months AS (
    SELECT posting_month, count(*) AS labelled_ads
    FROM ads
    GROUP BY posting_month
),

role_counts AS (
    SELECT posting_month, role, count(*) AS ads
    FROM ads
    GROUP BY posting_month, role
),

final AS (
    SELECT
        m.posting_month,
        r.role,
        coalesce(c.ads, 0) AS ads,
        m.labelled_ads,
        coalesce(c.ads, 0) / m.labelled_ads AS share
    FROM months AS m
    CROSS JOIN roles AS r
    LEFT JOIN role_counts AS c
        ON c.posting_month = m.posting_month AND c.role = r.role
)

SELECT * FROM final;
