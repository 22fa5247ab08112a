-- Question: Which employers are hiring for social-media roles right now, and for which
--   roles?
-- Columns:
--   company            hiring organisation
--   open_ads           its distinct ads still listed, labelled with a social-media role
--   community_manager  of those, community manager ads
--   social_media_manager     of those, social media manager ads
--   social_media_strategist  of those, social media strategist ads
-- Most open ads first.
WITH
open_role_ads AS (
    SELECT company, label
    FROM distinct_ads
    WHERE is_open AND label IN (
        'community_manager', 'social_media_manager', 'social_media_strategist'
    )
),

final AS (
    SELECT
        company,
        count(*) AS open_ads,
        count(*) FILTER (WHERE label = 'community_manager') AS community_manager,
        count(*) FILTER (WHERE label = 'social_media_manager') AS social_media_manager,
        count(*) FILTER (WHERE label = 'social_media_strategist') AS social_media_strategist
    FROM open_role_ads
    GROUP BY company
)

SELECT * FROM final ORDER BY open_ads DESC, company;
