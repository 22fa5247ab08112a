"""Downloader-side politeness: retries with exponential backoff that honour ``Retry-After``,
and an HTTP cache storage that never writes credentials to disk."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import Headers, Request, Response
from scrapy.utils.response import response_status_message

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

SENSITIVE_HEADERS = (b"Authorization", b"Cookie", b"Proxy-Authorization", b"Set-Cookie")


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(attempt: int, base: float, cap: float, jitter: float = 0.25) -> float:
    """Exponential backoff for retry number ``attempt`` (1-based), capped, with some jitter."""
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return delay * (1 + random.uniform(-jitter, jitter))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting before each retry.

    The wait is the server's ``Retry-After`` when it sends one (capped at
    ``RETRY_AFTER_MAX``; a longer demand gives the request up), else an
    exponential backoff from ``RETRY_BACKOFF_BASE`` up to ``RETRY_BACKOFF_MAX``.
    Waiting is asynchronous: other requests keep flowing meanwhile.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from the crawler's settings."""
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        """Retry retryable statuses after waiting; other responses pass through."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        stats = self.crawler.stats
        assert stats is not None
        attempt = request.meta.get("retry_times", 0) + 1
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is not None:
            if wait > self.retry_after_max:
                stats.inc_value("rolescope/retry_after_too_long")
                logger.warning(
                    "Giving up %s: Retry-After %.0fs exceeds RETRY_AFTER_MAX", request, wait
                )
                return response
            stats.inc_value("rolescope/retry_after_honoured")
        else:
            wait = backoff_seconds(attempt, self.backoff_base, self.backoff_max)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        stats.inc_value("rolescope/backoff_ms", round(wait * 1000))
        await asyncio.sleep(wait)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        """Retry network failures after an exponential backoff."""
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            attempt = request.meta.get("retry_times", 0) + 1
            await asyncio.sleep(backoff_seconds(attempt, self.backoff_base, self.backoff_max))
        return retry


class RedactingCacheStorage(FilesystemCacheStorage):
    """Filesystem HTTP cache that leaves credentials and cookies out of stored headers."""

    def store_response(self, spider: Any, request: Request, response: Response) -> None:
        """Store the response with sensitive request/response headers removed."""
        safe_request = request.replace(headers=_redacted(request.headers))
        safe_response = response.replace(headers=_redacted(response.headers))
        super().store_response(spider, safe_request, safe_response)


def _redacted(headers: Headers) -> Headers:
    kept = Headers()
    for name, values in headers.items():
        if not any(name.lower() == s.lower() for s in SENSITIVE_HEADERS):
            kept.setlist(name, values)
    return kept
