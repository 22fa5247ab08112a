-- Full-text search, part 2a (incremental): the same search.terms as search_terms.sql, with
-- the terms of every posting whose current text the previous analyst copy (attached as
-- previous_copy, with the same tokenizer and stopwords: checked by search.py) already
-- indexed taken from that copy, and only the other postings tokenized.
CREATE OR REPLACE TABLE search.terms AS
WITH
unchanged AS (
    SELECT p.posting_id
    FROM postings AS p
    JOIN previous_copy.main.postings AS q
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
    FROM previous_copy.search.terms AS t
    WHERE t.posting_id IN (SELECT posting_id FROM unchanged)
),

final AS (
    SELECT * FROM fresh
    UNION ALL
    SELECT * FROM reused
)

-- sorted by term so a lookup reads only the row groups that hold the query's terms
SELECT * FROM final ORDER BY term, posting_id;
