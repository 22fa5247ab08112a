-- Full-text search, part 2a: the BM25 index's terms (term, posting, term frequency) over
-- every posting's current title and description. Runs after search_schema.sql and after the
-- stopwords are loaded, with the analyst copy as the default database, and after search.py
-- has defined temp.previous_postings and temp.previous_terms: the postings and terms of the
-- previous analyst copy when its tokenizer and stopwords are the ones built here (views
-- over that attached copy), empty tables otherwise (every posting is then tokenized).
-- A posting whose current text the previous copy already indexed keeps its terms from
-- there; only the others are tokenized.
CREATE OR REPLACE TABLE search.terms AS
WITH
unchanged AS (
    SELECT p.posting_id
    FROM postings AS p
    JOIN temp.previous_postings AS q
        ON q.posting_id = p.posting_id AND q.content_hash = p.content_hash AND q.title = p.title
),

current_texts AS (
    SELECT p.posting_id, p.title || ' ' || v.description_text AS body
    FROM postings AS p
    JOIN posting_versions AS v
        ON v.posting_id = p.posting_id AND v.content_hash = p.content_hash
    WHERE p.posting_id NOT IN (SELECT posting_id FROM unchanged)
),

tokens AS (
    SELECT posting_id, unnest(search_tokens(body)) AS term
    FROM current_texts
),

kept AS (
    SELECT posting_id, term
    FROM tokens
    WHERE term NOT IN (SELECT word FROM search.stopwords)
),

fresh AS (
    SELECT term, posting_id, CAST(count(*) AS INTEGER) AS tf
    FROM kept
    GROUP BY term, posting_id
),

reused AS (
    SELECT t.term, t.posting_id, t.tf
    FROM temp.previous_terms AS t
    WHERE t.posting_id IN (SELECT posting_id FROM unchanged)
),

final AS (
    SELECT * FROM fresh
    UNION ALL
    SELECT * FROM reused
)

-- sorted by term so a lookup reads only the row groups that hold the query's terms
SELECT * FROM final ORDER BY term, posting_id;
