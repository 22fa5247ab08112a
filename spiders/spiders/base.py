"""What every rolescope spider shares: its source config, JSON loading, and failure handling."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeVar

from scrapy import Spider
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from spiders.items import QuarantineRecord
from spiders.parsing.ats import ShapeError
from spiders.parsing.record import invalid_json_reason, parse_json_body, quarantine
from spiders.sources import SourceBase

logger = logging.getLogger(__name__)

R = TypeVar("R")


class RolescopeSpider(Spider):
    """Base spider: holds the validated source config and turns failures into stats."""

    source_type: ClassVar[str] = ""

    def __init__(self, source: SourceBase, **kwargs: Any):
        super().__init__(name=self.name, **kwargs)
        self.source = source

    @property
    def source_name(self) -> str:
        """The configured source name (JobPosting.source)."""
        return self.source.name

    def count(self, key: str, value: int = 1) -> None:
        """Increment a ``rolescope/`` stat."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"rolescope/{key}", value)

    def load_json(self, response: Response) -> Any | QuarantineRecord:
        """The parsed JSON body, or a quarantine record saying why it is not JSON."""
        try:
            return parse_json_body(response.body)
        except ValueError as error:
            body = response.body.decode("utf-8", "replace")
            return quarantine(self.source_name, response.url, invalid_json_reason(error), body)

    def shape_problem(
        self, response: Response, error: ShapeError, payload: Any
    ) -> QuarantineRecord:
        """Quarantine a JSON response that is not in the vendor's documented shape."""
        return quarantine(self.source_name, response.url, str(error), payload)

    def vendor_records(self, response: Response, read: Callable[[Any], R]) -> R | QuarantineRecord:
        """What ``read`` finds in a JSON response (it checks the vendor's documented shape),
        or a quarantine record saying why the response is not JSON or not in that shape."""
        payload = self.load_json(response)
        if isinstance(payload, QuarantineRecord):
            return payload
        try:
            return read(payload)
        except ShapeError as error:
            return self.shape_problem(response, error, payload)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """Errback: robots.txt refusals are counted quietly; oversize bodies are quarantined;
        other failures (after retries) are logged as errors so the crawl reads as partial."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else None
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self.count("ignored_requests")
            return
        if failure.check(DownloadCancelledError):
            self.count("oversize_responses")
            reason = f"response too large: {failure.getErrorMessage()}"
            yield quarantine(self.source_name, url, reason, "")
            return
        if failure.check(HttpError):
            error = failure.value
            assert isinstance(error, HttpError)
            response = error.response
            self.count(f"http_errors/{response.status}")
            logger.error("HTTP %s for %s (after retries)", response.status, url)
            return
        self.count("request_failures")
        logger.error("Request failed for %s: %s", url, failure.getErrorMessage())
