"""Full-text search over postings: a BM25 index written into the analyst copy at publish.

DuckDB's ``fts`` extension would be downloaded at run time (there is no build of it for
DuckDB 2.0 on the package index), so the index is plain tables and macros: ``search.terms``
(term, posting, term frequency), ``search.documents`` (posting, length) and the table macro
``search_postings(query)``, which ranks postings the way ``fts``'s ``match_bm25`` does.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
SCHEMA_SQL = HERE / "search_schema.sql"
INDEX_SQL = HERE / "search_index.sql"
STOPWORDS_FILE = HERE / "stopwords.txt"


def stopwords(path: Path = STOPWORDS_FILE) -> list[str]:
    """The stopword list, as written in the data file (comments and blanks skipped)."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return sorted({line for line in lines if line and not line.startswith("#")})


def build_search_index(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the search schema, index and macros in the connection's default database."""
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.execute(
        "INSERT INTO search.stopwords "
        "SELECT DISTINCT unnest(search_tokens(w)) FROM unnest(?::VARCHAR[]) AS s(w) "
        "ON CONFLICT DO NOTHING",
        [stopwords()],
    )
    con.execute(INDEX_SQL.read_text(encoding="utf-8"))
