-- title_mismatch_by_company: per hiring company, how many of its labelled distinct ads
-- have a title that names a role, how many of those describe another role, the rate, and
-- the company's most frequent title -> content pair among them.
-- Grain: one row per company (NULL when the source did not say).
CREATE OR REPLACE VIEW title_mismatch_by_company AS
WITH
ads AS (
    SELECT company, title_label, label, coalesce(title_mismatch, FALSE) AS title_mismatch
    FROM distinct_ads
    WHERE label IS NOT NULL
),

mismatch_pairs AS (
    SELECT company, title_label || ' -> ' || label AS pair, count(*) AS pair_ads
    FROM ads
    WHERE title_mismatch
    GROUP BY company, title_label, label
),

top_pairs AS (
    SELECT company, arg_max(pair, (pair_ads, pair)) AS most_common_mismatch
    FROM mismatch_pairs
    GROUP BY company
),

company_counts AS (
    SELECT
        company,
        count(*) AS labelled_ads,
        count(*) FILTER (WHERE title_label IS NOT NULL) AS titled_ads,
        count(*) FILTER (WHERE title_mismatch) AS mismatched_ads
    FROM ads
    GROUP BY company
),

final AS (
    SELECT
        c.company,
        c.labelled_ads,
        c.titled_ads,
        c.mismatched_ads,
        CASE WHEN c.titled_ads > 0 THEN c.mismatched_ads / c.titled_ads END AS mismatch_rate,
        t.most_common_mismatch
    FROM company_counts AS c
    LEFT JOIN top_pairs AS t ON t.company IS NOT DISTINCT FROM c.company
)

SELECT * FROM final;
