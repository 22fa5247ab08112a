-- title_mismatches: distinct ads whose title names one role while the content describes
-- another (as judged by the active model), e.g. titled community manager but strategic.
-- Grain: one row per mismatched distinct ad.
CREATE OR REPLACE VIEW title_mismatches AS
WITH
ads AS (
    SELECT * FROM distinct_ads
),

final AS (
    SELECT
        cluster_id,
        representative_posting_id,
        company,
        title,
        title_label,
        label,
        confidence,
        low_confidence,
        posting_month,
        country,
        region,
        is_open
    FROM ads
    WHERE title_mismatch
)

SELECT * FROM final;
