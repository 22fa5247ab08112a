-- distinct_ads: one row per duplicate cluster, i.e. per distinct job ad, however many
-- sources or reposts carried it. Attributes and label come from the cluster's
-- representative posting; dates and sources span the whole cluster.
-- Grain: one row per cluster_id. Every role and share view counts these rows.
CREATE OR REPLACE VIEW distinct_ads AS
WITH
postings_labelled AS (
    SELECT * FROM labelled_postings
),

representatives AS (
    SELECT * FROM postings_labelled WHERE is_cluster_representative
),

cluster_facts AS (
    SELECT
        cluster_id,
        count(DISTINCT source_id) AS source_count,
        list_sort(list_distinct(list(source_id))) AS source_ids,
        min(first_seen) AS first_seen,
        max(last_seen) AS last_seen,
        bool_or(is_open) AS is_open
    FROM postings_labelled
    GROUP BY cluster_id
),

final AS (
    SELECT
        r.cluster_id,
        r.posting_id AS representative_posting_id,
        r.title,
        r.company,
        r.city,
        r.region,
        r.country,
        r.language,
        r.date_posted,
        r.posting_month,
        f.first_seen,
        f.last_seen,
        f.is_open,
        r.cluster_size,
        f.source_count,
        f.source_ids,
        r.employment_type,
        r.salary_min,
        r.salary_max,
        r.salary_currency,
        r.salary_period,
        r.label,
        r.prob_community_manager,
        r.prob_social_media_manager,
        r.prob_social_media_strategist,
        r.prob_other,
        r.confidence,
        r.low_confidence,
        r.title_label,
        r.title_mismatch,
        r.human_label
    FROM representatives AS r
    JOIN cluster_facts AS f ON f.cluster_id = r.cluster_id
)

SELECT * FROM final;
