"""RSS 2.0 / Atom job feed spider."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from spiders.parsing.feed import parse_feed
from spiders.sources import FeedSource
from spiders.spiders.base import RolescopeSpider


class FeedSpider(RolescopeSpider):
    """Every entry of one job feed, mapped with the source's field mapping."""

    name = "feed"
    source_type = "feed"
    source: FeedSource

    async def start(self) -> AsyncIterator[Request]:
        """The feed document."""
        yield Request(self.source.url, callback=self.parse_feed, errback=self.on_error)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """One posting (or quarantine record) per entry."""
        yield from parse_feed(
            self.source_name,
            response.body,
            response.url,
            fields=self.source.fields,
            company=self.source.company,
            language=self.source.language,
        )
