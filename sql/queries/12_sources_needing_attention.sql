-- Question: Which sources need attention: their last crawl was not complete, or they sent
--   input that had to be quarantined?
-- Columns:
--   source_id            the source
--   source_type          its spider type
--   last_run_status      verdict of its most recent crawl
--   complete_runs        crawls judged complete
--   crawl_runs           crawls recorded
--   quarantined_records  quarantined inputs from it
--   open_postings        postings it still lists
--   unique_ads           distinct ads only this source carries
WITH
coverage AS (
    SELECT
        source_id, source_type, last_run_status, complete_runs, crawl_runs,
        quarantined_records, open_postings, unique_ads
    FROM source_coverage
),

final AS (
    SELECT *
    FROM coverage
    WHERE last_run_status IS DISTINCT FROM 'complete' OR quarantined_records > 0
)

SELECT * FROM final ORDER BY source_id;
