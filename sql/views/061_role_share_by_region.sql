-- role_share_by_region: for each country, region (as the source spells it) and role, how
-- many distinct labelled ads had that role and their share of the region's labelled ads,
-- over all time.
-- Grain: one row per (country, region, role).
CREATE OR REPLACE VIEW role_share_by_region AS
WITH
ads AS (
    SELECT country, region, label AS role
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

regions AS (
    SELECT country, region, count(*) AS labelled_ads
    FROM ads
    GROUP BY country, region
),

role_counts AS (
    SELECT country, region, role, count(*) AS ads
    FROM ads
    GROUP BY country, region, role
),

final AS (
    SELECT
        g.country,
        g.region,
        r.role,
        coalesce(c.ads, 0) AS ads,
        g.labelled_ads,
        coalesce(c.ads, 0) / g.labelled_ads AS share
    FROM regions AS g
    CROSS JOIN roles AS r
    LEFT JOIN role_counts AS c
        ON c.country IS NOT DISTINCT FROM g.country
        AND c.region IS NOT DISTINCT FROM g.region
        AND c.role = r.role
)

SELECT * FROM final;
