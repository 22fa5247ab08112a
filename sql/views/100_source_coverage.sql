-- source_coverage: per source, its crawl record (runs, complete runs, last verdict), what
-- it brought (postings, still listed, labelled), how many distinct ads it carries and how
-- many of those no other source has, and its quarantined records.
-- Grain: one row per source_id.
CREATE OR REPLACE VIEW source_coverage AS
WITH
source_list AS (
    SELECT source_id, source_type, first_seen, last_crawled
    FROM sources
),

runs AS (
    SELECT
        source_id,
        count(*) AS crawl_runs,
        count(*) FILTER (WHERE status = 'complete') AS complete_runs,
        arg_max(status, (started_at, run_id)) AS last_run_status
    FROM crawl_runs
    GROUP BY source_id
),

postings_labelled AS (
    SELECT posting_id, source_id, cluster_id, is_open, label
    FROM labelled_postings
),

cluster_sources AS (
    SELECT cluster_id, count(DISTINCT source_id) AS source_count
    FROM postings_labelled
    GROUP BY cluster_id
),

posting_counts AS (
    SELECT
        p.source_id,
        count(*) AS postings,
        count(*) FILTER (WHERE p.is_open) AS open_postings,
        count(*) FILTER (WHERE p.label IS NOT NULL) AS labelled_postings,
        count(DISTINCT p.cluster_id) AS distinct_ads,
        count(DISTINCT p.cluster_id) FILTER (WHERE c.source_count = 1) AS unique_ads
    FROM postings_labelled AS p
    JOIN cluster_sources AS c ON c.cluster_id = p.cluster_id
    GROUP BY p.source_id
),

quarantined AS (
    SELECT source_id, count(*) AS quarantined_records
    FROM quarantine
    GROUP BY source_id
),

final AS (
    SELECT
        s.source_id,
        s.source_type,
        s.first_seen,
        s.last_crawled,
        coalesce(r.crawl_runs, 0) AS crawl_runs,
        coalesce(r.complete_runs, 0) AS complete_runs,
        r.last_run_status,
        coalesce(p.postings, 0) AS postings,
        coalesce(p.open_postings, 0) AS open_postings,
        coalesce(p.labelled_postings, 0) AS labelled_postings,
        coalesce(p.distinct_ads, 0) AS distinct_ads,
        coalesce(p.unique_ads, 0) AS unique_ads,
        CASE WHEN p.distinct_ads > 0 THEN p.unique_ads / p.distinct_ads END AS unique_ad_share,
        coalesce(q.quarantined_records, 0) AS quarantined_records
    FROM source_list AS s
    LEFT JOIN runs AS r ON r.source_id = s.source_id
    LEFT JOIN posting_counts AS p ON p.source_id = s.source_id
    LEFT JOIN quarantined AS q ON q.source_id = s.source_id
)

SELECT * FROM final;
