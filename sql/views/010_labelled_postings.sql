-- labelled_postings: every posting ever seen (still listed or removed), with its current
-- content, the active model's label and probabilities for that content, the latest human
-- label, and its duplicate cluster. The base of every other analyst view.
-- Grain: one row per posting_id.
CREATE OR REPLACE VIEW labelled_postings AS
WITH
source_postings AS (
    SELECT
        posting_id, source_id, canonical_url, title, company, city, region, country,
        language, date_posted, first_seen, last_seen, removed_at, content_hash,
        version_count, cluster_id, employment_type, salary_min, salary_max,
        salary_currency, salary_period
    FROM postings
),

active_model AS (
    -- the flow keeps one active model; the newest registration wins if ever two are
    SELECT model_version
    FROM model_versions
    WHERE is_active
    ORDER BY registered_at DESC, model_version DESC
    LIMIT 1
),

active_classifications AS (
    SELECT
        c.posting_id, c.content_hash, c.model_version, c.classified_at, c.label,
        c.prob_community_manager, c.prob_social_media_manager,
        c.prob_social_media_strategist, c.prob_other, c.confidence, c.low_confidence,
        c.title_label, c.title_mismatch
    FROM classifications AS c
    JOIN active_model AS m ON m.model_version = c.model_version
),

latest_extractions AS (
    SELECT
        posting_id,
        content_hash,
        arg_max(language, (extracted_at, extractor_version)) AS detected_language
    FROM extractions
    GROUP BY posting_id, content_hash
),

latest_human_labels AS (
    SELECT posting_id, arg_max(label, (labelled_at, label_id)) AS human_label
    FROM labels
    GROUP BY posting_id
),

joined AS (
    SELECT
        p.*,
        coalesce(p.cluster_id, p.posting_id) AS cluster_key,
        e.detected_language,
        c.model_version, c.classified_at, c.label, c.prob_community_manager,
        c.prob_social_media_manager, c.prob_social_media_strategist, c.prob_other,
        c.confidence, c.low_confidence, c.title_label, c.title_mismatch,
        h.human_label
    FROM source_postings AS p
    LEFT JOIN latest_extractions AS e
        ON e.posting_id = p.posting_id AND e.content_hash = p.content_hash
    LEFT JOIN active_classifications AS c
        ON c.posting_id = p.posting_id AND c.content_hash = p.content_hash
    LEFT JOIN latest_human_labels AS h ON h.posting_id = p.posting_id
),

cluster_representatives AS (
    -- one posting speaks for its cluster: a labelled one first, then the earliest seen.
    -- "Earliest" by day: postings first seen the same night tie (then posting_id decides),
    -- so the choice never depends on which source's crawl happened to finish first
    SELECT
        cluster_key,
        count(*) AS cluster_size,
        arg_min(posting_id, (label IS NULL, CAST(first_seen AS DATE), posting_id))
            AS representative_id
    FROM joined
    GROUP BY cluster_key
),

final AS (
    SELECT
        j.posting_id,
        j.source_id,
        j.canonical_url,
        j.title,
        j.company,
        j.city,
        j.region,
        j.country,
        j.language,
        j.detected_language,
        j.date_posted,
        CAST(date_trunc('month', coalesce(j.date_posted, CAST(j.first_seen AS DATE))) AS DATE)
            AS posting_month,
        j.first_seen,
        j.last_seen,
        j.removed_at,
        j.removed_at IS NULL AS is_open,
        j.employment_type,
        j.salary_min,
        j.salary_max,
        j.salary_currency,
        j.salary_period,
        j.content_hash,
        j.version_count,
        j.cluster_key AS cluster_id,
        r.cluster_size,
        r.representative_id = j.posting_id AS is_cluster_representative,
        j.model_version,
        j.classified_at,
        j.label,
        j.prob_community_manager,
        j.prob_social_media_manager,
        j.prob_social_media_strategist,
        j.prob_other,
        j.confidence,
        j.low_confidence,
        j.title_label,
        j.title_mismatch,
        j.human_label
    FROM joined AS j
    JOIN cluster_representatives AS r ON r.cluster_key = j.cluster_key
)

SELECT * FROM final;
