"""Full-text search over postings: a BM25 index kept in the warehouse and carried by the
analyst copy.

DuckDB's ``fts`` extension would be downloaded at run time (there is no build of it for
DuckDB 2.0 on the package index), so the index is plain tables (``search.terms``: term,
posting, term frequency; ``search.documents``: the posting version indexed and its length;
defined in sql/schema.sql) and macros: ``search_tokens(text)`` and the table macro
``search_postings(query)``, which ranks postings the way ``fts``'s ``match_bm25`` does.

Each publish refreshes the index in the warehouse before copying it: only the postings
whose current title or text is not the one indexed are tokenized; their old terms are
deleted and the new ones appended, sorted among themselves, after the rest. Lookups skip
the row groups of the sorted part that cannot hold a query term but read every appended
one, so once the appended rows pass ``RESORT_SHARE`` of the table it is sorted again in
full. A change of tokenizer or stopwords rebuilds the whole index.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
TOKENIZER_SQL = HERE / "search_tokenizer.sql"
TERMS_SQL = HERE / "search_terms.sql"
INDEX_SQL = HERE / "search_index.sql"
STOPWORDS_FILE = HERE / "stopwords.txt"
# a 1 % night appends ~1 % of the rows: a full sort every ten or so such nights
RESORT_SHARE = 0.1


def stopwords(path: Path = STOPWORDS_FILE) -> list[str]:
    """The stopword list, as written in the data file (comments and blanks skipped)."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return sorted({line for line in lines if line and not line.startswith("#")})


def tokenizer_fingerprint() -> str:
    """Identifies the tokenizer and stopwords: an index built with others is rebuilt."""
    digest = hashlib.sha256(TOKENIZER_SQL.read_bytes())
    digest.update("\n".join(stopwords()).encode("utf-8"))
    return digest.hexdigest()[:16]


def refresh_search_index(con: duckdb.DuckDBPyConnection, resort_share: float = RESORT_SHARE) -> int:
    """Bring the warehouse's search index up to date with every posting's current title and
    text, in the caller's transaction; return how many postings were (re)tokenized."""
    con.execute(TOKENIZER_SQL.read_text(encoding="utf-8"))
    fingerprint = tokenizer_fingerprint()
    layout = con.execute("SELECT tokenizer, appended_rows FROM search.layout LIMIT 1").fetchone()
    if layout is None or layout[0] != fingerprint:
        con.execute(_START_OVER)
        con.execute(
            "INSERT INTO search.stopwords "
            "SELECT DISTINCT unnest(search_tokens(w)) FROM unnest(?::VARCHAR[]) AS s(w)",
            [stopwords()],
        )
        layout = (fingerprint, 0)
    con.execute(TERMS_SQL.read_text(encoding="utf-8"))
    counts = con.execute(
        "SELECT (SELECT count(*) FROM temp.stale_postings), "
        "(SELECT count(*) FROM temp.fresh_terms), (SELECT count(*) FROM search.terms)"
    ).fetchone()
    assert counts is not None
    stale, fresh, total = (int(v) for v in counts)
    appended = int(layout[1]) + fresh if fresh < total else 0  # nothing else: all sorted
    if appended > resort_share * total:
        _sort_terms(con)
        appended = 0
    con.execute("DELETE FROM search.layout")
    con.execute("INSERT INTO search.layout VALUES (?, ?, ?)", [fingerprint, appended, total])
    con.execute("DROP TABLE temp.stale_postings; DROP TABLE temp.fresh_terms;")
    con.execute(INDEX_SQL.read_text(encoding="utf-8"))
    return stale


_START_OVER = """
    DELETE FROM search.terms;
    DELETE FROM search.documents;
    DELETE FROM search.stopwords;
"""


def _sort_terms(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite search.terms sorted by term, so a lookup reads only the row groups that can
    hold the query's terms: the sorted rows are appended, then the old ones deleted (the
    table keeps its definition; a new row's id is above every old one's)."""
    row = con.execute("SELECT max(rowid) FROM search.terms").fetchone()
    if row is None or row[0] is None:
        return
    con.execute("INSERT INTO search.terms SELECT * FROM search.terms ORDER BY term, posting_id")
    con.execute("DELETE FROM search.terms WHERE rowid <= ?", [row[0]])
