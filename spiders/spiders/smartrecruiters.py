"""SmartRecruiters Posting API spider: list ``/v1/companies/{c}/postings``, then each detail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

from scrapy import Request
from scrapy.http import Response

from spiders.items import QuarantineRecord
from spiders.parsing.ats import ShapeError, smartrecruiters_page, smartrecruiters_record
from spiders.parsing.record import quarantine
from spiders.sources import SmartRecruitersSource
from spiders.spiders.base import RolescopeSpider


class SmartRecruitersSpider(RolescopeSpider):
    """All public postings of one SmartRecruiters company: paged list, one detail per posting."""

    name = "smartrecruiters"
    source_type = "smartrecruiters"
    source: SmartRecruitersSource

    @property
    def postings_url(self) -> str:
        """The company's postings endpoint."""
        return f"{self.source.api_base}/v1/companies/{self.source.company}/postings"

    def list_request(self, offset: int) -> Request:
        """Request for the list page starting at ``offset``."""
        url = f"{self.postings_url}?offset={offset}&limit={self.source.page_size}"
        return Request(
            url, callback=self.parse_list, errback=self.on_error, cb_kwargs={"offset": offset}
        )

    async def start(self) -> AsyncIterator[Request]:
        """The first list page."""
        yield self.list_request(0)

    def parse_list(self, response: Response, offset: int = 0) -> Iterator[Any]:
        """A detail request per posting, and the next list page while ``totalFound`` says so."""
        payload = self.load_json(response)
        if isinstance(payload, QuarantineRecord):
            yield payload
            return
        try:
            records, total = smartrecruiters_page(payload)
        except ShapeError as error:
            yield self.shape_problem(response, error, payload)
            return
        for summary in records:
            ident = summary.get("id") if isinstance(summary, dict) else None
            if not ident:
                yield quarantine(self.source_name, response.url, "posting without id", summary)
                continue
            url = f"{self.postings_url}/{quote(str(ident), safe='')}"
            yield Request(url, callback=self.parse_detail, errback=self.on_error)
        following = offset + len(records)
        if records and following < total:
            yield self.list_request(following)

    def parse_detail(self, response: Response) -> Iterator[Any]:
        """One posting (or quarantine record) from a posting detail."""
        payload = self.load_json(response)
        if isinstance(payload, QuarantineRecord):
            yield payload
            return
        company = self.source.company_name or self.source.company
        yield smartrecruiters_record(self.source_name, payload, company)
