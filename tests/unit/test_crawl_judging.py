"""A crawl is judged by Scrapy's stats, never by its exit code."""

from __future__ import annotations

import pytest

from pipeline.stages.crawl import count_errors, judge_crawl


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        ({"finish_reason": "finished", "rolescope/postings": 12}, "complete"),
        ({"finish_reason": "finished", "rolescope/postings": 12, "log_count/ERROR": 2}, "partial"),
        (
            {"finish_reason": "finished", "rolescope/postings": 3, "spider_exceptions/KeyError": 1},
            "partial",
        ),
        ({"finish_reason": "closespider_timeout", "rolescope/postings": 40}, "partial"),
        ({"finish_reason": "shutdown", "rolescope/postings": 40}, "failed"),
        ({"finish_reason": "finished", "rolescope/postings": 0}, "empty"),
        ({"finish_reason": "finished", "rolescope/postings": 0, "log_count/ERROR": 1}, "failed"),
        ({"rolescope/postings": 5}, "failed"),
        ({"finish_reason": "finished", "item_scraped_count": 7}, "complete"),
    ],
)
def test_judge_crawl(stats: dict[str, object], expected: str) -> None:
    status, message = judge_crawl(stats)
    assert status == expected
    assert message


def test_count_errors_sums_logged_errors_and_spider_exceptions() -> None:
    stats = {"log_count/ERROR": 2, "spider_exceptions/ValueError": 3, "log_count/WARNING": 9}
    assert count_errors(stats) == 5
