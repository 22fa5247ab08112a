-- Question: Which open postings talk about brand strategy (or any other words, given as
--   the variable q)?
-- Columns:
--   posting_id  the posting
--   title       title as published
--   company     hiring organisation
--   label       role of the posting
--   score       full-text relevance (BM25), higher is better
-- Best 20 first. Variables: q (text, default 'stratégie de marque').
WITH
params AS (
    SELECT coalesce(getvariable('q'), 'stratégie de marque') AS q
),

matches AS (
    SELECT posting_id, title, company, label, score, is_open
    FROM search_postings((SELECT q FROM params))
),

final AS (
    SELECT posting_id, title, company, label, score
    FROM matches
    WHERE is_open
)

SELECT * FROM final ORDER BY score DESC, posting_id LIMIT 20;
