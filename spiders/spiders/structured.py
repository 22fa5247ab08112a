"""Generic structured-data spider: schema.org JobPosting from sitemaps, start URLs and listings."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlparse

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from spiders.items import JobPosting
from spiders.parsing.jsonld import parse_page
from spiders.parsing.record import quarantine
from spiders.sources import JsonLdSource
from spiders.spiders.base import RolescopeSpider

_BOM = b"\xef\xbb\xbf"


class StructuredDataSpider(RolescopeSpider):
    """Read every JobPosting (JSON-LD, microdata, RDFa) of a career site or board."""

    name = "jsonld"
    source_type = "jsonld"
    source: JsonLdSource

    def __init__(self, source: JsonLdSource, **kwargs: Any):
        super().__init__(source, **kwargs)
        hosts = {urlparse(u).hostname for u in [*source.sitemap_urls, *source.start_urls]}
        self.allowed_domains = list(source.allowed_domains or sorted(h for h in hosts if h))
        # Off-site links are left to Scrapy's OffsiteMiddleware, which (unlike
        # LinkExtractor's allow_domains) matches hosts regardless of the port.
        self.links = LinkExtractor(allow=source.link_allow, deny=source.link_deny, unique=True)

    async def start(self) -> AsyncIterator[Request]:
        """Sitemaps first, then start URLs."""
        for url in self.source.sitemap_urls:
            yield Request(url, callback=self.parse_sitemap, errback=self.on_error)
        for url in self.source.start_urls:
            yield Request(url, callback=self.parse_listing_or_page, errback=self.on_error)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """Follow sitemap indexes, and queue every page a sitemap lists."""
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield Request(url, callback=self.parse_sitemap, errback=self.on_error)
            return
        body = response.body
        if gzip_magic_number(response):
            body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        body = body.removeprefix(_BOM)
        try:
            sitemap = Sitemap(body)
        except Exception as error:  # lxml raises several types on junk
            yield quarantine(self.source_name, response.url, f"unreadable sitemap: {error}", "")
            return
        self.count("sitemaps")
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield Request(loc, callback=self.parse_sitemap, errback=self.on_error)
            else:
                yield Request(loc, callback=self.parse_listing_or_page, errback=self.on_error)

    def parse_listing_or_page(self, response: Response) -> Iterator[Any]:
        """Postings of a page; a page without any is treated as a listing and its links followed."""
        if not isinstance(response, TextResponse):
            self.count("non_html_pages")
            return
        self.count("pages")
        body = response.body
        encoding = response.encoding
        if body.startswith(_BOM):
            body, encoding = body[len(_BOM) :], "utf-8"
        found = False
        for record in parse_page(self.source_name, body, response.url, encoding):
            found = found or isinstance(record, JobPosting) or "JSON-LD" in record.reason
            yield record
        if found or not self.source.follow_links:
            return
        depth = response.meta.get("rolescope_link_depth", 0)
        if depth >= self.source.max_depth:
            return
        for link in self.links.extract_links(response):
            if re.search(r"\.(?:pdf|jpe?g|png|gif|zip|docx?)$", link.url, re.I):
                continue
            yield Request(
                link.url,
                callback=self.parse_listing_or_page,
                errback=self.on_error,
                meta={"rolescope_link_depth": depth + 1},
            )
