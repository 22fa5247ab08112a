-- Full-text search, part 2a: the BM25 index's terms (term, posting, term frequency) over
-- every posting's current title and description, tokenized from scratch. Runs after
-- search_schema.sql and after the stopwords are loaded, with the analyst copy as the default
-- database. search_terms_reuse.sql builds the same table reusing the previous copy's terms.
CREATE OR REPLACE TABLE search.terms AS
WITH
current_texts AS (
    SELECT p.posting_id, p.title || ' ' || v.description_text AS body
    FROM postings AS p
    JOIN posting_versions AS v
        ON v.posting_id = p.posting_id AND v.content_hash = p.content_hash
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

final AS (
    SELECT term, posting_id, CAST(count(*) AS INTEGER) AS tf
    FROM kept
    GROUP BY term, posting_id
)

-- sorted by term so a lookup reads only the row groups that hold the query's terms
SELECT * FROM final ORDER BY term, posting_id;
