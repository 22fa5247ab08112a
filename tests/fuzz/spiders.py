"""Real spider instances (with a stats collector) and responses, to call their callbacks."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from spiders.sources import parse_source
from spiders.spiders import SPIDERS
from spiders.spiders.base import RolescopeSpider


def make_spider(config: dict[str, Any]) -> RolescopeSpider:
    """A spider for one source configuration, bound to a crawler (stats work)."""
    source = parse_source(config)
    cls = SPIDERS[source.type]
    return cls.from_crawler(get_crawler(cls), source=source)


def json_response(url: str, body: bytes, status: int = 200, **headers: str) -> TextResponse:
    """An API response as Scrapy hands it to a callback."""
    return TextResponse(
        url=url,
        body=body,
        status=status,
        headers={"Content-Type": "application/json", **headers},
        request=Request(url),
    )


def html_response(url: str, body: bytes, content_type: str = "text/html") -> HtmlResponse:
    """A page as Scrapy hands it to a callback (encoding sniffed as Scrapy does)."""
    return HtmlResponse(
        url=url, body=body, headers={"Content-Type": content_type}, request=Request(url)
    )
