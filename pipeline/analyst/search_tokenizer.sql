-- Full-text search, part 1: the tokenizer. Run by pipeline/analyst/search.py in the
-- warehouse before each refresh of the index (sql/schema.sql defines its tables). DuckDB's
-- fts extension has no build for DuckDB 2.0 on the package index, so this is the same BM25
-- ranking written in plain SQL. Changing this file (or stopwords.txt) rebuilds the index.
-- Text -> terms: lower case, accents and ligatures folded, split on anything that is not a
-- letter or digit, terms of 2+ characters, a plural -s dropped from terms of 4+ characters
-- and the -x of a French -eaux plural (so "Réseaux" finds "réseau", "managers" "manager").
CREATE OR REPLACE MACRO search_tokens(txt) AS (
    list_transform(
        list_filter(
            string_split_regex(
                strip_accents(replace(replace(lower(coalesce(txt, '')), 'œ', 'oe'), 'æ', 'ae')),
                '[^a-z0-9]+'
            ),
            lambda t: length(t) >= 2
        ),
        lambda t: CASE
            WHEN length(t) > 4 AND t[-4:] = 'eaux' THEN left(t, length(t) - 1)
            WHEN length(t) > 3 AND t[-1:] = 's' AND t[-2:] <> 'ss' THEN left(t, length(t) - 1)
            ELSE t
        END
    )
);
