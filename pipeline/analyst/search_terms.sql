-- Full-text search, part 2a: the terms (term, posting, term frequency) the BM25 index needs,
-- over every posting's current title and description. Runs after search_schema.sql and after
-- the stopwords are loaded, with the analyst copy as the default database, and after
-- search.py has defined temp.previous_postings and temp.previous_terms: the postings and
-- terms of the previous analyst copy when its tokenizer and stopwords are the ones built
-- here (views over that attached copy), empty tables otherwise.
-- A posting whose current text the previous copy already indexed keeps its terms from
-- there (temp.unchanged_postings); only the others are tokenized (temp.fresh_terms).
-- search.py then lays the two out in search.terms.
CREATE OR REPLACE TEMP TABLE unchanged_postings AS
SELECT p.posting_id
FROM postings AS p
JOIN temp.previous_postings AS q
    ON q.posting_id = p.posting_id AND q.content_hash = p.content_hash AND q.title = p.title;

CREATE OR REPLACE TEMP TABLE fresh_terms AS
WITH
current_texts AS (
    SELECT p.posting_id, p.title || ' ' || v.description_text AS body
    FROM postings AS p
    JOIN posting_versions AS v
        ON v.posting_id = p.posting_id AND v.content_hash = p.content_hash
    WHERE p.posting_id NOT IN (SELECT posting_id FROM temp.unchanged_postings)
),

tokens AS (
    SELECT posting_id, unnest(search_tokens(body)) AS term
    FROM current_texts
),

kept AS (
    SELECT posting_id, term
    FROM tokens
    WHERE term NOT IN (SELECT word FROM search.stopwords)
)

SELECT term, posting_id, CAST(count(*) AS INTEGER) AS tf
FROM kept
GROUP BY term, posting_id
ORDER BY term, posting_id;
