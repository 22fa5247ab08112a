-- Question: Which skills and criteria separate a community manager from a social media
--   manager in Québec (country CA, region QC or Québec)?
-- Columns:
--   kind       skill or criterion
--   ref_id     the skill or criterion
--   family     its family
--   cm_ads     Québec community manager ads mentioning it
--   cm_share   cm_ads / all Québec community manager ads
--   smm_ads    Québec social media manager ads mentioning it
--   smm_share  smm_ads / all Québec social media manager ads
--   share_gap  cm_share - smm_share (positive: more typical of community managers)
-- Sorted by the size of the gap, largest first.
WITH
quebec_ads AS (
    SELECT cluster_id, label
    FROM distinct_ads
    WHERE country = 'CA'
        AND upper(strip_accents(trim(region))) IN ('QC', 'QUEBEC')
        AND label IN ('community_manager', 'social_media_manager')
),

role_sizes AS (
    SELECT
        count(*) FILTER (WHERE label = 'community_manager') AS cm_total,
        count(*) FILTER (WHERE label = 'social_media_manager') AS smm_total
    FROM quebec_ads
),

ad_mentions AS (
    -- each ad counts once per skill, however often it repeats it
    SELECT a.cluster_id, a.label, m.kind, m.ref_id, min(m.family) AS family
    FROM quebec_ads AS a
    JOIN posting_mentions AS m ON m.cluster_id = a.cluster_id
    WHERE m.is_cluster_representative AND m.kind IN ('skill', 'criterion')
    GROUP BY a.cluster_id, a.label, m.kind, m.ref_id
),

counts AS (
    SELECT
        kind,
        ref_id,
        min(family) AS family,
        count(*) FILTER (WHERE label = 'community_manager') AS cm_ads,
        count(*) FILTER (WHERE label = 'social_media_manager') AS smm_ads
    FROM ad_mentions
    GROUP BY kind, ref_id
),

final AS (
    SELECT
        c.kind,
        c.ref_id,
        c.family,
        c.cm_ads,
        CASE WHEN s.cm_total > 0 THEN c.cm_ads / s.cm_total END AS cm_share,
        c.smm_ads,
        CASE WHEN s.smm_total > 0 THEN c.smm_ads / s.smm_total END AS smm_share,
        coalesce(cm_share, 0) - coalesce(smm_share, 0) AS share_gap
    FROM counts AS c
    CROSS JOIN role_sizes AS s
)

SELECT * FROM final ORDER BY abs(share_gap) DESC, ref_id;
