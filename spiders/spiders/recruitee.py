"""Recruitee careers site API spider: ``GET https://{company}.recruitee.com/api/offers/``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from spiders.items import QuarantineRecord
from spiders.parsing.ats import recruitee_record, recruitee_records
from spiders.sources import RecruiteeSource
from spiders.spiders.base import RolescopeSpider


class RecruiteeSpider(RolescopeSpider):
    """All published offers of one Recruitee careers site (one request)."""

    name = "recruitee"
    source_type = "recruitee"
    source: RecruiteeSource

    async def start(self) -> AsyncIterator[Request]:
        """The offers list."""
        yield Request(
            f"{self.source.base_url}/api/offers/", callback=self.parse_offers, errback=self.on_error
        )

    def parse_offers(self, response: Response) -> Iterator[Any]:
        """One posting (or quarantine record) per offer."""
        records = self.vendor_records(response, recruitee_records)
        if isinstance(records, QuarantineRecord):
            yield records
            return
        company = self.source.company_name or self.source.company
        for offer in records:
            yield recruitee_record(self.source_name, offer, company)
