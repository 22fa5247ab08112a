"""Full-text search over postings: a BM25 index written into the analyst copy at publish.

DuckDB's ``fts`` extension would be downloaded at run time (there is no build of it for
DuckDB 2.0 on the package index), so the index is plain tables and macros: ``search.terms``
(term, posting, term frequency), ``search.documents`` (posting, length) and the table macro
``search_postings(query)``, which ranks postings the way ``fts``'s ``match_bm25`` does.

A publish tokenizes only what changed: the terms and length of a posting whose current
text the previous analyst copy already indexed (same posting, content hash and title; same
tokenizer and stopwords) are copied from that copy (the SQL reads it through temporary
views, or empty stand-ins when there is nothing to reuse), in their order: the new terms
are appended, sorted, until they pass ``RESORT_SHARE`` of the rows and everything is
sorted again.
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


# search.terms is sorted in full again once the terms appended since its last full sort
# pass this share of its rows (see search_schema.sql); a 1 % night appends ~1 %
RESORT_SHARE = 0.1


def build_search_index(
    con: duckdb.DuckDBPyConnection, previous: str | None = None, resort_share: float = RESORT_SHARE
) -> bool:
    """(Re)build the search schema, index and macros in the connection's default database.

    ``previous``: the alias of the previous analyst copy, attached as ``previous_copy``,
    whose terms are reused when its tokenizer and stopwords are the ones built here.
    The reused terms keep their order and the new ones are appended, sorted, unless the
    terms appended since the last full sort would then pass ``resort_share`` of the rows.
    Returns whether the previous copy's terms were reused.
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
        _lay_out_terms(con, _appended_before(con) if reuse else None, resort_share)
        con.execute(INDEX_SQL.read_text(encoding="utf-8"))
    finally:
        con.execute(_DROP_PREVIOUS_VIEWS if reuse else _DROP_NO_PREVIOUS)
        con.execute(_DROP_WORK_TABLES)
    return reuse


def _appended_before(con: duckdb.DuckDBPyConnection) -> int | None:
    """Rows the previous copy's terms had appended since their last full sort (None when it
    does not say: a copy from before search.layout existed)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? "
        "AND schema_name = 'search' AND table_name = 'layout'",
        [PREVIOUS],
    ).fetchone()
    if not found or not found[0]:
        return None
    row = con.execute(f"SELECT max(appended_rows) FROM {PREVIOUS}.search.layout").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _lay_out_terms(
    con: duckdb.DuckDBPyConnection, appended_before: int | None, resort_share: float
) -> None:
    """Fill search.terms from the reused and the fresh terms, and record its layout."""
    row = con.execute(_COUNT_TERMS).fetchone()
    assert row is not None
    reused, fresh = int(row[0]), int(row[1])
    total = reused + fresh
    appended = None if appended_before is None else appended_before + fresh
    if appended is None or appended > resort_share * total:
        con.execute(_SORTED_TERMS)
        appended = 0
    else:
        con.execute(_APPENDED_TERMS)
    con.execute("INSERT INTO search.layout VALUES (?, ?)", [appended, total])


_REUSED_TERMS = """
    SELECT t.term, t.posting_id, t.tf FROM temp.previous_terms AS t
    WHERE t.posting_id IN (SELECT posting_id FROM temp.unchanged_postings)
"""
_COUNT_TERMS = f"SELECT (SELECT count(*) FROM ({_REUSED_TERMS})), count(*) FROM temp.fresh_terms"
# sorted by term so a lookup reads only the row groups that hold the query's terms
_SORTED_TERMS = f"""
    CREATE OR REPLACE TABLE search.terms AS
    SELECT * FROM ({_REUSED_TERMS} UNION ALL SELECT * FROM temp.fresh_terms)
    ORDER BY term, posting_id
"""
# the reused terms in their order (a copy, not a sort), then the fresh ones (sorted)
_APPENDED_TERMS = f"""
    CREATE OR REPLACE TABLE search.terms AS {_REUSED_TERMS};
    INSERT INTO search.terms SELECT * FROM temp.fresh_terms ORDER BY term, posting_id;
"""
# What search_terms.sql and search_index.sql reuse: the previous copy's index, or nothing.
_PREVIOUS_INDEX = f"""
    CREATE OR REPLACE TEMP VIEW previous_postings AS
        SELECT posting_id, content_hash, title FROM {PREVIOUS}.main.postings;
    CREATE OR REPLACE TEMP VIEW previous_terms AS
        SELECT term, posting_id, tf FROM {PREVIOUS}.search.terms;
    CREATE OR REPLACE TEMP VIEW previous_documents AS
        SELECT posting_id, doc_length FROM {PREVIOUS}.search.documents;
"""
_NO_PREVIOUS_INDEX = """
    CREATE OR REPLACE TEMP TABLE previous_postings
        (posting_id VARCHAR, content_hash VARCHAR, title VARCHAR);
    CREATE OR REPLACE TEMP TABLE previous_terms (term VARCHAR, posting_id VARCHAR, tf INTEGER);
    CREATE OR REPLACE TEMP TABLE previous_documents (posting_id VARCHAR, doc_length INTEGER);
"""
_DROP_PREVIOUS_VIEWS = (
    "DROP VIEW temp.previous_postings; DROP VIEW temp.previous_terms; "
    "DROP VIEW temp.previous_documents;"
)
_DROP_NO_PREVIOUS = (
    "DROP TABLE temp.previous_postings; DROP TABLE temp.previous_terms; "
    "DROP TABLE temp.previous_documents;"
)
_DROP_WORK_TABLES = (
    "DROP TABLE IF EXISTS temp.unchanged_postings; DROP TABLE IF EXISTS temp.fresh_terms;"
)


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
        "('term', 'posting_id', 'tf')) OR (schema_name = 'search' AND table_name = 'documents'"
        " AND column_name IN ('posting_id', 'doc_length')) OR (schema_name = 'search' AND "
        "table_name = 'stopwords' AND column_name = 'word') OR (schema_name = 'main' AND "
        "table_name = 'postings' AND column_name IN ('posting_id', 'content_hash', 'title')))",
        [other],
    ).fetchone()
    if found is None or found[0] != 9:
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
