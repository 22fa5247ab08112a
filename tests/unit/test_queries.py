"""Every documented query in sql/queries/, run read-only on the fixture warehouse's analyst
copy, returns the rows worked out by hand from tests/fixtures/warehouse/postings.yaml, and
returns exactly the columns its header documents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.analyst import queries, runner
from tests.fixtures.warehouse import AS_OF, FixtureWarehouse, build

CM, SMM, SMS, OTHER = (
    "community_manager",
    "social_media_manager",
    "social_media_strategist",
    "other",
)
DOCUMENTED = queries.list_queries()


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> FixtureWarehouse:
    return build(tmp_path_factory.mktemp("fixture-queries"))


@pytest.fixture(scope="module")
def con(fixture: FixtureWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = runner.open_analyst(fixture.analyst_path)
    yield connection
    connection.close()


def run(con: duckdb.DuckDBPyConnection, name: str, **variables: str) -> list[tuple[Any, ...]]:
    path = queries.find_query(name)
    assert path is not None, name
    result = runner.run_query(
        con, path.read_text(encoding="utf-8"), {"as_of": AS_OF.isoformat(), **variables}
    )
    return [tuple(round(v, 4) if isinstance(v, float) else v for v in row) for row in result.rows]


def test_at_least_ten_documented_queries_each_tested() -> None:
    assert len(DOCUMENTED) >= 10
    source = Path(__file__).read_text(encoding="utf-8")
    assert [q.name for q in DOCUMENTED if f'"{q.name}"' not in source] == []


@pytest.mark.parametrize("doc", DOCUMENTED, ids=lambda d: d.name)
def test_header_documents_the_question_and_the_returned_columns(
    con: duckdb.DuckDBPyConnection, doc: queries.QueryDoc
) -> None:
    assert doc.question.endswith("?")
    result = runner.run_query(
        con, doc.path.read_text(encoding="utf-8"), {"as_of": AS_OF.isoformat()}
    )
    assert [name for name, _ in doc.columns] == result.columns
    assert all(description for _, description in doc.columns)


def test_strategist_share_this_year_by_month(con: duckdb.DuckDBPyConnection) -> None:
    assert run(con, "strategist_share_this_year_by_month") == [
        (date(2026, 1, 1), 2, 3, 0.6667),
        (date(2026, 2, 1), 1, 3, 0.3333),
        (date(2026, 3, 1), 1, 4, 0.25),
    ]
    last_year = run(con, "strategist_share_this_year_by_month", as_of="2025-12-31")
    assert len(last_year) == 12
    assert last_year[-1] == (date(2025, 12, 1), 0, 1, 0.0)
    assert last_year[0] == (date(2025, 1, 1), 0, 0, None)


def test_skills_separating_cm_from_smm_in_quebec(con: duckdb.DuckDBPyConnection) -> None:
    # Québec ads: a1 and a5 are community managers, a3 (= b3) a social media manager;
    # a2 (region spelt "Québec") is a strategist and a4 is in Ontario
    assert run(con, "skills_separating_cm_from_smm_in_quebec") == [
        ("skill", "analytics", "measurement", 0, 0.0, 1, 1.0, -1.0),
        ("criterion", "campaign_management", "management", 0, 0.0, 1, 1.0, -1.0),
        ("skill", "moderation", "animation", 2, 1.0, 0, 0.0, 1.0),
        ("skill", "paid_social", "advertising", 0, 0.0, 1, 1.0, -1.0),
        ("skill", "canva", "tool", 1, 0.5, 0, 0.0, 0.5),
        ("criterion", "community_engagement", "animation", 1, 0.5, 0, 0.0, 0.5),
    ]


def test_companies_titling_strategic_jobs_as_cm(con: duckdb.DuckDBPyConnection) -> None:
    assert run(con, "companies_titling_strategic_jobs_as_cm") == [
        ("Agence Nova", 2, 2, 1.0, 2, ["Community Manager"]),
    ]


def test_role_share_france_vs_canada(con: duckdb.DuckDBPyConnection) -> None:
    assert run(con, "role_share_france_vs_canada") == [
        (CM, 2, 0.3333, 2, 0.4),
        (OTHER, 1, 0.1667, 0, 0.0),
        (SMM, 1, 0.1667, 1, 0.2),
        (SMS, 2, 0.3333, 2, 0.4),
    ]


def test_employers_hiring_social_media_roles_now(con: duckdb.DuckDBPyConnection) -> None:
    # a5 is removed, c3 unscored, b1 is "other"
    assert run(con, "employers_hiring_social_media_roles_now") == [
        ("Agence Nova", 3, 0, 1, 2),
        ("Stratégies Inc", 2, 0, 0, 2),
        ("Studio Sud", 2, 1, 1, 0),
        ("Exemple Média", 1, 1, 0, 0),
        ("Ville de Lyon", 1, 1, 0, 0),
    ]


def test_yearly_pay_in_euros_by_role(con: duckdb.DuckDBPyConnection) -> None:
    # c2's hourly pay and the CAD ads are left out; b1 publishes only a minimum
    assert run(con, "yearly_pay_in_euros_by_role") == [
        (CM, 1, 34000.0, 34000.0, 34000.0),
        (OTHER, 1, 30000.0, 30000.0, 30000.0),
        (SMM, 1, 40000.0, 40000.0, 40000.0),
        (SMS, 2, 47500.0, 50000.0, 52500.0),
    ]


def test_top_skills_per_role(con: duckdb.DuckDBPyConnection) -> None:
    assert run(con, "top_skills_per_role") == [
        (CM, 1, "moderation", "animation", 4, 1.0),
        (CM, 2, "canva", "tool", 2, 0.5),
        (OTHER, 1, "canva", "tool", 1, 1.0),
        (SMM, 1, "analytics", "measurement", 2, 1.0),
        (SMM, 2, "paid_social", "advertising", 2, 1.0),
        (SMS, 1, "analytics", "measurement", 3, 0.75),
        (SMS, 2, "canva", "tool", 1, 0.25),
    ]


def test_criteria_over_represented_in_strategist_ads(con: duckdb.DuckDBPyConnection) -> None:
    # 4 strategist ads (a2, a4, b2, c1) against 7 ads of the other roles
    assert run(con, "criteria_over_represented_in_strategist_ads") == [
        ("strategy_definition", "strategy", 4, 1.0, 0, 0.0, None),
        ("campaign_management", "management", 1, 0.25, 1, 0.1429, 1.75),
        ("community_engagement", "animation", 0, 0.0, 1, 0.1429, 0.0),
    ]


def test_low_confidence_open_postings_to_review(
    fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection
) -> None:
    assert run(con, "low_confidence_open_postings_to_review") == [
        (fixture.ids["b4"], "Social Media Manager", "Studio Sud", SMM, 0.4, CM, 0.3, SMM),
    ]


def test_ads_carried_by_several_sources(con: duckdb.DuckDBPyConnection) -> None:
    assert run(con, "ads_carried_by_several_sources") == [
        ("k-a3", "Social Media Manager", "Agence Nova", SMM, 2, ["board-a", "board-b"], 2),
    ]


def test_title_versus_content_confusion(con: duckdb.DuckDBPyConnection) -> None:
    assert run(con, "title_versus_content_confusion") == [
        (CM, CM, 4, 0.6667),
        (CM, SMS, 2, 0.3333),
        (SMM, SMM, 2, 1.0),
        (SMS, SMS, 2, 1.0),
    ]


def test_sources_needing_attention(con: duckdb.DuckDBPyConnection) -> None:
    assert run(con, "sources_needing_attention") == [
        ("board-a", "jsonld", "complete", 2, 2, 1, 4, 4),  # one quarantined record
        ("board-b", "greenhouse", "partial", 1, 2, 0, 5, 4),  # last crawl partial
    ]


def test_open_postings_about_brand_strategy(
    fixture: FixtureWarehouse, con: duckdb.DuckDBPyConnection
) -> None:
    found = run(con, "open_postings_about_brand_strategy")
    # b2 alone has both "stratégie" and "marque"; c1 says "stratégie" twice
    assert [fixture.key_of(r[0]) for r in found] == ["b2", "c1", "a2", "a4"]
    assert {r[3] for r in found} == {SMS}
    reference = con.execute(
        "SELECT posting_id, round(score, 4) FROM search_postings('stratégie de marque')"
    ).fetchall()
    assert [(r[0], r[4]) for r in found] == reference
    other = run(con, "open_postings_about_brand_strategy", q="modération")
    # a5 also talks about moderation but is no longer listed
    assert {fixture.key_of(r[0]) for r in other} == {"a1", "b5", "c2", "c3"}
