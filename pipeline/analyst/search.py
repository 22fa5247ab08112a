"""Full-text search over postings: a BM25 index written into the analyst copy at publish.

DuckDB's ``fts`` extension would be downloaded at run time (there is no build of it for
DuckDB 2.0 on the package index), so the index is plain tables and macros: ``search.terms``
(term, posting, term frequency), ``search.documents`` (posting, length) and the table macro
``search_postings(query)``, which ranks postings the way ``fts``'s ``match_bm25`` does.

A publish tokenizes only what changed: the terms of a posting whose current text the
previous analyst copy already indexed (same posting, content hash and title; same
tokenizer and stopwords) are copied from that copy (``search_terms.sql`` reads it through
two temporary views, or empty stand-ins when there is nothing to reuse).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
SCHEMA_SQL = HERE / "search_schema.sql"
TERMS_SQL = HERE / "search_terms.sql"
INDEX_SQL = HERE / "search_index.sql"
STOPWORDS_FILE = HERE / "stopwords.txt"
# the alias the previous analyst copy is attached under (read by search_terms.sql's views)
PREVIOUS = "previous_copy"


def stopwords(path: Path = STOPWORDS_FILE) -> list[str]:
    """The stopword list, as written in the data file (comments and blanks skipped)."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return sorted({line for line in lines if line and not line.startswith("#")})


def build_search_index(con: duckdb.DuckDBPyConnection, previous: str | None = None) -> bool:
    """(Re)build the search schema, index and macros in the connection's default database.

    ``previous``: the alias of the previous analyst copy, attached as ``previous_copy``,
    whose terms are reused when its tokenizer and stopwords are the ones built here.
    Returns whether they were.
    """
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.execute(
        "INSERT INTO search.stopwords "
        "SELECT DISTINCT unnest(search_tokens(w)) FROM unnest(?::VARCHAR[]) AS s(w) "
        "ON CONFLICT DO NOTHING",
        [stopwords()],
    )
    reuse = previous == PREVIOUS and same_tokenizer(con, PREVIOUS)
    con.execute(_PREVIOUS_INDEX if reuse else _NO_PREVIOUS_INDEX)
    try:
        con.execute(TERMS_SQL.read_text(encoding="utf-8"))
    finally:
        con.execute(_DROP_PREVIOUS_VIEWS if reuse else _DROP_NO_PREVIOUS)
    con.execute(INDEX_SQL.read_text(encoding="utf-8"))
    return reuse


# What search_terms.sql reuses: the previous copy's postings and terms, or nothing.
_PREVIOUS_INDEX = f"""
    CREATE OR REPLACE TEMP VIEW previous_postings AS
        SELECT posting_id, content_hash, title FROM {PREVIOUS}.main.postings;
    CREATE OR REPLACE TEMP VIEW previous_terms AS
        SELECT term, posting_id, tf FROM {PREVIOUS}.search.terms;
"""
_NO_PREVIOUS_INDEX = """
    CREATE OR REPLACE TEMP TABLE previous_postings
        (posting_id VARCHAR, content_hash VARCHAR, title VARCHAR);
    CREATE OR REPLACE TEMP TABLE previous_terms (term VARCHAR, posting_id VARCHAR, tf INTEGER);
"""
_DROP_PREVIOUS_VIEWS = "DROP VIEW temp.previous_postings; DROP VIEW temp.previous_terms;"
_DROP_NO_PREVIOUS = "DROP TABLE temp.previous_postings; DROP TABLE temp.previous_terms;"


def same_tokenizer(con: duckdb.DuckDBPyConnection, other: str) -> bool:
    """Whether database ``other`` holds a search index built with the tokenizer and the
    stopwords of the default database (so its terms are the ones a rebuild would give).

    Reads the catalog only, so it never fails inside the publish's transaction.
    """
    row = con.execute("SELECT current_database()").fetchone()
    assert row is not None
    found = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = ? AND ("
        "(schema_name = 'search' AND table_name = 'terms' AND column_name IN "
        "('term', 'posting_id', 'tf')) OR (schema_name = 'search' AND table_name = 'stopwords'"
        " AND column_name = 'word') OR (schema_name = 'main' AND table_name = 'postings' AND "
        "column_name IN ('posting_id', 'content_hash', 'title')))",
        [other],
    ).fetchone()
    if found is None or found[0] != 7:
        return False
    macros, words = [], []
    for db in (row[0], other):
        macro = con.execute(
            "SELECT list(macro_definition ORDER BY macro_definition) FROM duckdb_functions() "
            "WHERE database_name = ? AND schema_name = 'main' AND function_name = 'search_tokens'",
            [db],
        ).fetchone()
        word = con.execute(
            f'SELECT list(word ORDER BY word) FROM "{db}".search.stopwords'
        ).fetchone()
        macros.append(macro[0] if macro else None)
        words.append(word[0] if word else None)
    return macros[0] is not None and macros[0] == macros[1] and words[0] == words[1]
