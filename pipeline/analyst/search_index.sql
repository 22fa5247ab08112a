-- Full-text search, part 3: the search_postings table macro over search.terms and
-- search.documents (kept up to date by search_terms.sql). Run by pipeline/analyst/search.py
-- in the warehouse; the analyst copy carries it.

-- search_postings('stratégie de marque'): the best max_results postings ranked by BM25
-- (k1 1.2, b 0.75, as in DuckDB's fts), best first. match_all := true keeps only postings
-- holding every term.
CREATE OR REPLACE MACRO search_postings(
    query_text, match_all := false, max_results := 1000, k1 := 1.2, b := 0.75
)
AS TABLE
WITH
query_terms AS (
    SELECT DISTINCT unnest(search_tokens(query_text)) AS term
),

kept_terms AS (
    SELECT term FROM query_terms WHERE term NOT IN (SELECT word FROM search.stopwords)
),

corpus AS (
    SELECT count(*) AS n_docs, avg(doc_length) AS avg_length FROM search.documents
),

matches AS (
    SELECT t.term, t.posting_id, t.tf
    FROM search.terms AS t
    WHERE t.term IN (SELECT term FROM kept_terms)
),

term_frequencies AS (
    SELECT term, count(*) AS df FROM matches GROUP BY term
),

scored AS (
    SELECT
        m.posting_id,
        count(*) AS matched_terms,
        sum(
            ln(1 + (c.n_docs - f.df + 0.5) / (f.df + 0.5))
            * m.tf * (k1 + 1)
            / (m.tf + k1 * (1 - b + b * d.doc_length / c.avg_length))
        ) AS score
    FROM matches AS m
    JOIN term_frequencies AS f ON f.term = m.term
    JOIN search.documents AS d ON d.posting_id = m.posting_id
    CROSS JOIN corpus AS c
    GROUP BY m.posting_id
),

best AS (
    SELECT *
    FROM scored
    WHERE NOT match_all OR matched_terms = (SELECT count(*) FROM kept_terms)
    ORDER BY score DESC, posting_id
    LIMIT max_results
),

final AS (
    SELECT
        s.posting_id,
        p.title,
        p.company,
        p.country,
        p.label,
        p.is_open,
        s.matched_terms,
        s.score
    FROM best AS s
    JOIN labelled_postings AS p ON p.posting_id = s.posting_id
)

SELECT * FROM final ORDER BY score DESC, posting_id;
