"""Greenhouse job board API spider: ``GET /v1/boards/{token}/jobs?content=true``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from spiders.items import QuarantineRecord
from spiders.parsing.ats import greenhouse_record, greenhouse_records
from spiders.sources import GreenhouseSource
from spiders.spiders.base import RolescopeSpider


class GreenhouseSpider(RolescopeSpider):
    """All published jobs of one Greenhouse board, descriptions included (one request)."""

    name = "greenhouse"
    source_type = "greenhouse"
    source: GreenhouseSource

    async def start(self) -> AsyncIterator[Request]:
        """The board's jobs list with content."""
        url = f"{self.source.api_base}/v1/boards/{self.source.company}/jobs?content=true"
        yield Request(url, callback=self.parse_board, errback=self.on_error)

    def parse_board(self, response: Response) -> Iterator[Any]:
        """One posting (or quarantine record) per job."""
        records = self.vendor_records(response, greenhouse_records)
        if isinstance(records, QuarantineRecord):
            yield records
            return
        company = self.source.company_name or self.source.company
        for job in records:
            yield greenhouse_record(self.source_name, job, company)
