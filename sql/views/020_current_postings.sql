-- current_postings: the postings still listed by their source (not removed), with the
-- active model's label, probabilities and duplicate cluster.
-- Grain: one row per open posting_id.
CREATE OR REPLACE VIEW current_postings AS
WITH
postings_labelled AS (
    SELECT * FROM labelled_postings
),

final AS (
    SELECT * EXCLUDE (is_open)
    FROM postings_labelled
    WHERE is_open
)

SELECT * FROM final;
