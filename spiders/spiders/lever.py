"""Lever postings API spider: ``GET /v0/postings/{site}?mode=json&skip=&limit=``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from spiders.items import QuarantineRecord
from spiders.parsing.ats import lever_record, lever_records
from spiders.sources import LeverSource
from spiders.spiders.base import RolescopeSpider


class LeverSpider(RolescopeSpider):
    """All published postings of one Lever site, page by page."""

    name = "lever"
    source_type = "lever"
    source: LeverSource

    def page_url(self, skip: int) -> str:
        """URL of the page starting at ``skip``."""
        base = f"{self.source.api_base}/v0/postings/{self.source.company}"
        return f"{base}?mode=json&skip={skip}&limit={self.source.page_size}"

    async def start(self) -> AsyncIterator[Request]:
        """The first page."""
        yield Request(self.page_url(0), callback=self.parse_page, errback=self.on_error)

    def parse_page(self, response: Response, skip: int = 0) -> Iterator[Any]:
        """Postings of a page; a full page means there may be another."""
        records = self.vendor_records(response, lever_records)
        if isinstance(records, QuarantineRecord):
            yield records
            return
        company = self.source.company_name or self.source.company
        for post in records:
            yield lever_record(self.source_name, post, company)
        if len(records) >= self.source.page_size:
            following = skip + len(records)
            yield Request(
                self.page_url(following),
                callback=self.parse_page,
                errback=self.on_error,
                cb_kwargs={"skip": following},
            )
