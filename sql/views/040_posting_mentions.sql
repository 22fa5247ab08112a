-- posting_mentions: the criteria, skills, signals and red flags found in each posting's
-- current content by the latest extractor run on it, with the evidence text, next to the
-- posting's label and cluster.
-- Grain: one row per mention (posting_id, mention_index) of the current content.
CREATE OR REPLACE VIEW posting_mentions AS
WITH
postings_labelled AS (
    SELECT
        posting_id, content_hash, cluster_id, is_cluster_representative, is_open,
        posting_month, label
    FROM labelled_postings
),

latest_extractions AS (
    SELECT
        posting_id,
        content_hash,
        arg_max(extractor_version, (extracted_at, extractor_version)) AS extractor_version
    FROM extractions
    GROUP BY posting_id, content_hash
),

mentions AS (
    SELECT
        posting_id, content_hash, extractor_version, mention_index, kind, ref_id, family,
        field, start_char, end_char, matched_text, sentence, value
    FROM skill_mentions
),

final AS (
    SELECT
        p.posting_id,
        p.cluster_id,
        p.is_cluster_representative,
        p.is_open,
        p.posting_month,
        p.label,
        m.extractor_version,
        m.mention_index,
        m.kind,
        m.ref_id,
        m.family,
        m.field,
        m.start_char,
        m.end_char,
        m.matched_text,
        m.sentence,
        m.value
    FROM postings_labelled AS p
    JOIN latest_extractions AS e
        ON e.posting_id = p.posting_id AND e.content_hash = p.content_hash
    JOIN mentions AS m
        ON m.posting_id = e.posting_id
        AND m.content_hash = e.content_hash
        AND m.extractor_version = e.extractor_version
)

SELECT * FROM final;
