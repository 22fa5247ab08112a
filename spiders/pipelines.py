"""Item pipeline: every posting and quarantine record becomes one staged JSONL line."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured

from spiders.items import JobPosting, QuarantineRecord, to_staged_line

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


def reason_category(reason: str) -> str:
    """Short stats key for a quarantine reason (its words before any colon or parenthesis)."""
    head = re.split(r"[:(]", reason, maxsplit=1)[0].strip().lower()
    return "_".join(head.split())[:40] or "other"


class StagedItemsPipeline:
    """Write staged lines (flushed per item) and count postings and quarantined records.

    A posting seen twice in one crawl (same key and content, e.g. listed on
    two sitemap pages) is written once.
    """

    def __init__(self, path: str, stats: StatsCollector):
        self.path = Path(path)
        self.stats = stats
        self.handle: IO[str] | None = None
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from ``ROLESCOPE_ITEMS_PATH``; not configured without one."""
        path = crawler.settings.get("ROLESCOPE_ITEMS_PATH")
        if not path:
            raise NotConfigured("ROLESCOPE_ITEMS_PATH is not set")
        assert crawler.stats is not None
        return cls(path, crawler.stats)

    def open_spider(self) -> None:
        """Create (truncate) the output file and zero the counters."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("w", encoding="utf-8")
        self.stats.set_value("rolescope/postings", 0)
        self.stats.set_value("rolescope/quarantined", 0)

    def process_item(self, item: Any) -> Any:
        """Write one record; drop in-crawl repeats of the same posting."""
        assert self.handle is not None
        if isinstance(item, JobPosting):
            key = (item.posting_key, item.content_hash)
            if key in self.seen:
                self.stats.inc_value("rolescope/duplicates_in_crawl")
                raise DropItem(f"posting {item.posting_key} already written", log_level="DEBUG")
            self.seen.add(key)
            self.stats.inc_value("rolescope/postings")
        elif isinstance(item, QuarantineRecord):
            self.stats.inc_value("rolescope/quarantined")
            self.stats.inc_value(f"rolescope/quarantined/{reason_category(item.reason)}")
            logger.warning("Quarantined %s: %s", item.url or "(no url)", item.reason[:300])
        else:
            raise DropItem(f"not a rolescope record: {type(item).__name__}")
        self.handle.write(to_staged_line(item) + "\n")
        self.handle.flush()
        return item

    def close_spider(self) -> None:
        """Close the output file."""
        if self.handle is not None:
            self.handle.close()
            self.handle = None
