-- Question: Which criteria are more typical of social media strategist ads than of the
--   other roles' ads?
-- Columns:
--   ref_id            the criterion
--   family            its family
--   strategist_ads    strategist ads mentioning it
--   strategist_share  strategist_ads / all strategist ads
--   other_ads         ads of the other roles mentioning it
--   other_share       other_ads / all ads of the other roles
--   lift              strategist_share / other_share (NULL when other_share is 0)
-- Largest strategist_share - other_share first.
WITH
criteria AS (
    -- role_skills counts each ad once per criterion, and an ad has one role, so counts
    -- and role sizes add up across roles
    SELECT role = 'social_media_strategist' AS is_strategist, ref_id, family, ads
    FROM role_skills
    WHERE kind = 'criterion'
),

group_sizes AS (
    SELECT
        coalesce(sum(ads) FILTER (WHERE role = 'social_media_strategist'), 0)
            AS strategist_total,
        coalesce(sum(ads) FILTER (WHERE role <> 'social_media_strategist'), 0) AS other_total
    FROM role_share_by_country
),

counts AS (
    SELECT
        ref_id,
        min(family) AS family,
        coalesce(sum(ads) FILTER (WHERE is_strategist), 0) AS strategist_ads,
        coalesce(sum(ads) FILTER (WHERE NOT is_strategist), 0) AS other_ads
    FROM criteria
    GROUP BY ref_id
),

shares AS (
    SELECT
        c.ref_id,
        c.family,
        c.strategist_ads,
        CASE WHEN g.strategist_total > 0 THEN c.strategist_ads / g.strategist_total END
            AS strategist_share,
        c.other_ads,
        CASE WHEN g.other_total > 0 THEN c.other_ads / g.other_total END AS other_share
    FROM counts AS c
    CROSS JOIN group_sizes AS g
),

final AS (
    SELECT *, CASE WHEN other_share > 0 THEN strategist_share / other_share END AS lift
    FROM shares
)

SELECT * FROM final
ORDER BY coalesce(strategist_share, 0) - coalesce(other_share, 0) DESC, ref_id;
