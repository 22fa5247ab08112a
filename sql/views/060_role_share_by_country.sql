-- role_share_by_country: for each country and role, how many distinct labelled ads had
-- that role and their share of the country's labelled ads, over all time.
-- Grain: one row per (country, role); country NULL when the source did not say.
CREATE OR REPLACE VIEW role_share_by_country AS
WITH
ads AS (
    SELECT country, label AS role
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

countries AS (
    SELECT country, count(*) AS labelled_ads
    FROM ads
    GROUP BY country
),

role_counts AS (
    SELECT country, role, count(*) AS ads
    FROM ads
    GROUP BY country, role
),

final AS (
    SELECT
        g.country,
        r.role,
        coalesce(c.ads, 0) AS ads,
        g.labelled_ads,
        coalesce(c.ads, 0) / g.labelled_ads AS share
    FROM countries AS g
    CROSS JOIN roles AS r
    LEFT JOIN role_counts AS c
        ON c.country IS NOT DISTINCT FROM g.country AND c.role = r.role
)

SELECT * FROM final;
