"""France Travail "Offres d'emploi v2" spider: OAuth2 client credentials, then paged searches.

Credentials come from the environment (``FRANCE_TRAVAIL_CLIENT_ID`` and
``FRANCE_TRAVAIL_CLIENT_SECRET``) and are never logged, cached or written:
the token request is excluded from the HTTP cache, and the cache storage
strips ``Authorization`` headers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode, urlparse

from scrapy import FormRequest, Request
from scrapy.http import Response

from spiders.items import QuarantineRecord
from spiders.parsing.france_travail import next_range, offer_record, search_records
from spiders.sources import FranceTravailSource
from spiders.spiders.base import RolescopeSpider

logger = logging.getLogger(__name__)

CLIENT_ID_ENV = "FRANCE_TRAVAIL_CLIENT_ID"
CLIENT_SECRET_ENV = "FRANCE_TRAVAIL_CLIENT_SECRET"
ROME_CODES_PER_QUERY = 3


def missing_credentials() -> list[str]:
    """Names of the credential environment variables that are unset or empty."""
    return [name for name in (CLIENT_ID_ENV, CLIENT_SECRET_ENV) if not os.environ.get(name)]


def rate_limit_settings(source: FranceTravailSource) -> dict[str, Any]:
    """Scrapy settings that keep the API host at or under the source's requests per second."""
    delay = 1.0 / source.requests_per_second * 1.05
    host = urlparse(source.api_base).hostname or ""
    return {
        "DOWNLOAD_SLOTS": {host: {"concurrency": 1, "delay": delay, "jitter": 0}},
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_DELAY_JITTER": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    }


class FranceTravailSpider(RolescopeSpider):
    """Offers matching the source's ROME codes and keywords, each offer once."""

    name = "france_travail"
    source_type = "france_travail"
    source: FranceTravailSource

    def __init__(self, source: FranceTravailSource, **kwargs: Any):
        super().__init__(source, **kwargs)
        self._token: str | None = None
        self.seen_ids: set[str] = set()

    def token_request(self, pending: list[Request]) -> FormRequest:
        """Client-credentials token request; ``pending`` searches resume once it answers."""
        return FormRequest(
            self.source.token_url,
            formdata={
                "grant_type": "client_credentials",
                "client_id": os.environ.get(CLIENT_ID_ENV, ""),
                "client_secret": os.environ.get(CLIENT_SECRET_ENV, ""),
                "scope": self.source.scope,
            },
            callback=self.parse_token,
            errback=self.on_error,
            dont_filter=True,
            priority=100,
            meta={"dont_cache": True, "dont_obey_robotstxt": True},
            cb_kwargs={"pending": pending},
        )

    def queries(self) -> list[dict[str, str]]:
        """One query per group of ROME codes and one per keyword."""
        codes = self.source.rome_codes
        out = [
            {**self.source.params, "codeROME": ",".join(codes[i : i + ROME_CODES_PER_QUERY])}
            for i in range(0, len(codes), ROME_CODES_PER_QUERY)
        ]
        out += [{**self.source.params, "motsCles": keyword} for keyword in self.source.keywords]
        return out

    def search_request(self, query: dict[str, str], start: int, end: int) -> Request:
        """A search page request (the token is attached when sent)."""
        params = {**query, "range": f"{start}-{end}"}
        url = f"{self.source.api_base}/v2/offres/search?{urlencode(params)}"
        return Request(
            url,
            callback=self.parse_search,
            errback=self.on_error,
            headers={"Accept": "application/json"},
            meta={"handle_httpstatus_list": [401]},
            cb_kwargs={"query": query},
        )

    def _authorised(self, request: Request) -> Request:
        headers = dict(request.headers.to_unicode_dict())
        headers["Authorization"] = f"Bearer {self._token}"
        return request.replace(headers=headers)

    async def start(self) -> AsyncIterator[Request]:
        """Get a token; the searches follow from its callback."""
        first = [self.search_request(q, 0, self.source.page_size - 1) for q in self.queries()]
        yield self.token_request(first)

    def parse_token(self, response: Response, pending: list[Request]) -> Iterator[Any]:
        """Keep the access token and send the waiting searches."""
        payload = self.load_json(response)
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if not token:
            # The body is not logged: a misconfigured endpoint could echo credentials.
            logger.error("Token endpoint answered %s without an access_token", response.status)
            return
        self._token = str(token)
        self.count("tokens")
        for request in pending:
            yield self._authorised(request)

    def parse_search(self, response: Response, query: dict[str, str]) -> Iterator[Any]:
        """Offers of one search page, and the next page from ``Content-Range``."""
        if response.status == 401:
            if response.meta.get("rolescope_reauth"):
                logger.error("Search refused twice with 401 for %s", response.url)
                return
            retry = response.request.replace(dont_filter=True) if response.request else None
            if retry is not None:
                retry.meta["rolescope_reauth"] = True
                yield self.token_request([retry])
            return
        if response.status == 204 or not response.body.strip():
            return
        records = self.vendor_records(response, search_records)
        if isinstance(records, QuarantineRecord):
            yield records
            return
        for offer in records:
            # an offer without an id is not a duplicate of another one without: it is
            # judged on its own (and quarantined), never dropped silently
            raw_id = offer.get("id") if isinstance(offer, dict) else None
            ident = None if raw_id is None or raw_id == "" else str(raw_id)
            if ident and ident in self.seen_ids:
                self.count("duplicate_offers")
                continue
            if ident:
                self.seen_ids.add(ident)
            yield offer_record(self.source_name, offer)
        header = response.headers.get(b"Content-Range")
        window = next_range(
            header.decode("latin-1") if header else None,
            self.source.page_size,
            self.source.max_start,
        )
        if window and response.status == 206:
            yield self._authorised(self.search_request(query, *window))
