"""Ashby posting API spider: ``/posting-api/job-board/{org}?includeCompensation=true``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from spiders.items import QuarantineRecord
from spiders.parsing.ats import ashby_record, ashby_records
from spiders.sources import AshbySource
from spiders.spiders.base import RolescopeSpider


class AshbySpider(RolescopeSpider):
    """All listed jobs of one Ashby job board, with compensation (one request)."""

    name = "ashby"
    source_type = "ashby"
    source: AshbySource

    async def start(self) -> AsyncIterator[Request]:
        """The job board with compensation."""
        org = self.source.organization
        url = f"{self.source.api_base}/posting-api/job-board/{org}?includeCompensation=true"
        yield Request(url, callback=self.parse_board, errback=self.on_error)

    def parse_board(self, response: Response) -> Iterator[Any]:
        """One posting (or quarantine record) per listed job."""
        records = self.vendor_records(response, ashby_records)
        if isinstance(records, QuarantineRecord):
            yield records
            return
        company = self.source.company_name or self.source.organization
        for job in records:
            yield ashby_record(self.source_name, job, company)
