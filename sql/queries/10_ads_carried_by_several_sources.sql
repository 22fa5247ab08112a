-- Question: Which ads were published on more than one source (cross-posted duplicates)?
-- Columns:
--   cluster_id    the distinct ad
--   title         title of its representative posting
--   company       hiring organisation
--   label         role of the ad
--   source_count  number of sources that carried it
--   source_ids    those sources
--   cluster_size  number of postings of the ad
-- Most widely carried first.
WITH
ads AS (
    SELECT cluster_id, title, company, label, source_count, source_ids, cluster_size
    FROM distinct_ads
),

final AS (
    SELECT * FROM ads WHERE source_count > 1
)

SELECT * FROM final ORDER BY source_count DESC, cluster_size DESC, cluster_id;
