"""Full-text search in the analyst copy: BM25 scores match an independent Python BM25, the
index folds accents and plurals, and every relation of the published copy is described."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline import warehouse as wh
from pipeline.analyst.search import stopwords
from tests.fixtures.warehouse import FixtureWarehouse, build


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> FixtureWarehouse:
    return build(tmp_path_factory.mktemp("fixture-search"))


@pytest.fixture(scope="module")
def con(fixture: FixtureWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(fixture.analyst_path), read_only=True)
    yield connection
    connection.close()


def _terms(text: str) -> list[str]:
    folded = text.lower().replace("œ", "oe").replace("æ", "ae")
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
    )
    out = []
    for token in re.split(r"[^a-z0-9]+", folded):
        if len(token) < 2:
            continue
        plural_x = len(token) > 4 and token.endswith("eaux")
        plural_s = len(token) > 3 and token.endswith("s") and not token.endswith("ss")
        if plural_x or plural_s:
            token = token[:-1]
        out.append(token)
    return out


def _reference_bm25(
    con: duckdb.DuckDBPyConnection, query: str, k1: float = 1.2, b: float = 0.75
) -> dict[str, float]:
    stop = {t for w in stopwords() for t in _terms(w)}
    docs = {
        posting_id: Counter(t for t in _terms(f"{title} {text}") if t not in stop)
        for posting_id, title, text in con.execute(
            """SELECT p.posting_id, p.title, v.description_text FROM postings p
               JOIN posting_versions v USING (posting_id, content_hash)"""
        ).fetchall()
    }
    docs = {k: v for k, v in docs.items() if v}
    n = len(docs)
    avg = sum(sum(c.values()) for c in docs.values()) / n
    scores: dict[str, float] = {}
    for term in {t for t in _terms(query) if t not in stop}:
        df = sum(1 for c in docs.values() if term in c)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for posting_id, counts in docs.items():
            tf = counts.get(term, 0)
            if tf:
                length = sum(counts.values())
                scores[posting_id] = scores.get(posting_id, 0.0) + idf * tf * (k1 + 1) / (
                    tf + k1 * (1 - b + b * length / avg)
                )
    return scores


@pytest.mark.parametrize(
    "query",
    ["modération", "stratégie de marque", "Analytics", "community managers", "RÉSEAUX sociaux"],
)
def test_scores_match_a_reference_bm25(con: duckdb.DuckDBPyConnection, query: str) -> None:
    got = con.execute("SELECT posting_id, score FROM search_postings(?)", [query]).fetchall()
    expected = _reference_bm25(con, query)
    assert expected, "the query should match something in the fixture"
    assert {p for p, _ in got} == set(expected)
    for posting_id, score in got:
        assert score == pytest.approx(expected[posting_id], rel=1e-9)
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)


def test_accents_case_and_plurals_are_folded(
    fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection
) -> None:
    def keys(query: str) -> set[str]:
        found = con.execute("SELECT posting_id FROM search_postings(?)", [query]).fetchall()
        return {fixture.key_of(r[0]) for r in found}

    assert keys("moderation") == keys("MODÉRATIONS") == {"a1", "a5", "b5", "c2", "c3"}
    assert keys("réseau") == keys("Reseaux") == {"b2", "b5"}
    assert keys("de la les") == set()  # stopwords only


def test_match_all_keeps_postings_with_every_term(
    fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection
) -> None:
    found = con.execute(
        "SELECT posting_id, matched_terms, label, is_open "
        "FROM search_postings('canva modération', match_all := true)"
    ).fetchall()
    assert {fixture.key_of(r[0]): r[1:] for r in found} == {
        "a1": (2, "community_manager", True),
        "b5": (2, "community_manager", True),
    }


def test_index_covers_current_content_only(
    fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection
) -> None:
    # c3's first content said "petites annonces"; its current one does not
    assert con.execute("SELECT count(*) FROM search.terms WHERE term = 'annonce'").fetchone() == (
        0,
    )
    current = "Community Manager Community manager pour la Ville de Lyon : modération des groupes"
    stop = {t for w in stopwords() for t in _terms(w)}
    expected = [t for t in _terms(current + " Facebook des quartiers.") if t not in stop]
    assert len(expected) == 10
    assert con.execute(
        "SELECT doc_length FROM search.documents WHERE posting_id = ?", [fixture.ids["c3"]]
    ).fetchone() == (len(expected),)


def test_every_relation_and_column_of_the_analyst_copy_carries_its_description(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # publish copies sql/dictionary.yaml into DuckDB comments (snapshot.<view> tables
    # share their view's entry), so a column the dictionary misses shows up here
    uncommented = con.execute(
        """SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns()
           WHERE database_name = current_database() AND coalesce(comment, '') = ''"""
    ).fetchall()
    assert uncommented == []
    relations = con.execute(
        """SELECT schema_name, table_name, comment FROM duckdb_tables()
           WHERE database_name = current_database()
           UNION ALL SELECT schema_name, view_name, comment FROM duckdb_views()
           WHERE database_name = current_database() AND NOT internal"""
    ).fetchall()
    assert {r[0] for r in relations} == {"main", "search", "snapshot"}
    assert [r for r in relations if not r[2]] == []
    described = yaml.safe_load((Path(wh.SQL_DIR) / "dictionary.yaml").read_text("utf-8"))
    documented = described["views"]["search_postings"]["columns"]
    returned = [r[0] for r in con.execute("DESCRIBE SELECT * FROM search_postings('x')").fetchall()]
    assert list(documented) == returned


def test_max_results_keeps_the_best(con: duckdb.DuckDBPyConnection) -> None:
    everything = con.execute("SELECT posting_id FROM search_postings('modération')").fetchall()
    best = con.execute(
        "SELECT posting_id FROM search_postings('modération', max_results := 2)"
    ).fetchall()
    assert len(everything) == 5 and best == everything[:2]
