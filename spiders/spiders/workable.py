"""Workable public widget API spider: ``GET /api/v1/widget/accounts/{account}?details=true``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from spiders.items import QuarantineRecord
from spiders.parsing.ats import ShapeError, workable_record, workable_records
from spiders.sources import WorkableSource
from spiders.spiders.base import RolescopeSpider


class WorkableSpider(RolescopeSpider):
    """All published jobs of one Workable account, with descriptions (one request)."""

    name = "workable"
    source_type = "workable"
    source: WorkableSource

    async def start(self) -> AsyncIterator[Request]:
        """The account widget with job details."""
        url = f"{self.source.api_base}/api/v1/widget/accounts/{self.source.account}?details=true"
        yield Request(url, callback=self.parse_account, errback=self.on_error)

    def parse_account(self, response: Response) -> Iterator[Any]:
        """One posting (or quarantine record) per job."""
        payload = self.load_json(response)
        if isinstance(payload, QuarantineRecord):
            yield payload
            return
        try:
            records, account_name = workable_records(payload)
        except (ShapeError, AttributeError) as error:
            yield self.shape_problem(response, ShapeError(str(error)), payload)
            return
        company = self.source.company_name or account_name or self.source.account
        for job in records:
            yield workable_record(self.source_name, job, company)
