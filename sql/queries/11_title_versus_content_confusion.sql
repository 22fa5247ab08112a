-- Question: When a title names a role, which role does the content actually describe?
-- Columns:
--   title_label     role the title names
--   label           role the content describes (active model)
--   ads             distinct ads with that pair
--   share_of_title  ads / all labelled ads whose title names title_label
WITH
titled AS (
    SELECT title_label, label
    FROM distinct_ads
    WHERE title_label IS NOT NULL AND label IS NOT NULL
),

pairs AS (
    SELECT title_label, label, count(*) AS ads
    FROM titled
    GROUP BY title_label, label
),

final AS (
    SELECT *, ads / sum(ads) OVER (PARTITION BY title_label) AS share_of_title
    FROM pairs
)

SELECT * FROM final ORDER BY title_label, ads DESC, label;
