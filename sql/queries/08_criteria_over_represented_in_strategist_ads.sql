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
ads AS (
    SELECT cluster_id, label = 'social_media_strategist' AS is_strategist
    FROM distinct_ads
    WHERE label IS NOT NULL
),

group_sizes AS (
    SELECT
        count(*) FILTER (WHERE is_strategist) AS strategist_total,
        count(*) FILTER (WHERE NOT is_strategist) AS other_total
    FROM ads
),

criteria AS (
    SELECT DISTINCT cluster_id, ref_id, family
    FROM posting_mentions
    WHERE is_cluster_representative AND kind = 'criterion'
),

counts AS (
    SELECT
        c.ref_id,
        min(c.family) AS family,
        count(DISTINCT c.cluster_id) FILTER (WHERE a.is_strategist) AS strategist_ads,
        count(DISTINCT c.cluster_id) FILTER (WHERE NOT a.is_strategist) AS other_ads
    FROM criteria AS c
    JOIN ads AS a ON a.cluster_id = c.cluster_id
    GROUP BY c.ref_id
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
