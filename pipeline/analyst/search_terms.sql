-- Full-text search, part 2: what the index lacks. Run by pipeline/analyst/search.py in the
-- warehouse, after the tokenizer (search_tokenizer.sql) and the stopwords are in place.
-- temp.stale_postings: postings whose current title and text are not the ones indexed
-- (new, changed, or everything after the tokenizer changed); temp.fresh_terms: their
-- terms (term, posting, term frequency), sorted by term.
CREATE OR REPLACE TEMP TABLE stale_postings AS
SELECT p.posting_id, p.content_hash, p.title
FROM postings AS p
WHERE NOT EXISTS (
    SELECT 1
    FROM search.documents AS d
    WHERE d.posting_id = p.posting_id AND d.content_hash = p.content_hash AND d.title = p.title
);

CREATE OR REPLACE TEMP TABLE fresh_terms AS
WITH
current_texts AS (
    SELECT s.posting_id, s.title || ' ' || v.description_text AS body
    FROM temp.stale_postings AS s
    JOIN posting_versions AS v
        ON v.posting_id = s.posting_id AND v.content_hash = s.content_hash
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

-- the stale postings' old terms and lengths make way for the fresh ones
DELETE FROM search.terms
WHERE posting_id IN (
    SELECT d.posting_id FROM search.documents AS d JOIN temp.stale_postings USING (posting_id)
);

DELETE FROM search.documents
WHERE posting_id IN (SELECT posting_id FROM temp.stale_postings);

-- appended in term order (inserting keeps the order of the sorted temp table)
INSERT INTO search.terms
SELECT term, posting_id, tf FROM temp.fresh_terms;

INSERT INTO search.documents
SELECT s.posting_id, s.content_hash, s.title, f.doc_length
FROM temp.stale_postings AS s
JOIN (
    SELECT posting_id, CAST(sum(tf) AS INTEGER) AS doc_length
    FROM temp.fresh_terms
    GROUP BY posting_id
) AS f USING (posting_id);
