"""Scrapy settings for rolescope's spiders: polite by default, quiet, and observable by stats.

``spiders.run`` loads this module, then applies per-source and command-line
overrides. Custom keys (``ROLESCOPE_*``, ``RETRY_BACKOFF_*``, ``RETRY_AFTER_MAX``)
are read by this project's middlewares, pipeline and runner.
"""

BOT_NAME = "rolescope"
SPIDER_MODULES = ["spiders.spiders"]
NEWSPIDER_MODULE = "spiders.spiders"

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
COOKIES_ENABLED = False
DEFAULT_REQUEST_HEADERS = {
    "Accept": (
        "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.9,*/*;q=0.8"
    ),
    "Accept-Language": "fr,en;q=0.8",
}
# USER_AGENT is built by spiders.run from ROLESCOPE_CONTACT (setting or environment).
ROLESCOPE_CONTACT = ""

# Retries with backoff; Retry-After is honoured up to RETRY_AFTER_MAX seconds.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 30.0
RETRY_AFTER_MAX = 120.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
}

# Size limits: API boards with full descriptions can weigh tens of MB; pages far less.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
DOWNLOAD_TIMEOUT = 60

# HTTP cache for development (spiders.run --httpcache DIR turns it on).
HTTPCACHE_ENABLED = False
HTTPCACHE_STORAGE = "spiders.middlewares.RedactingCacheStorage"
HTTPCACHE_IGNORE_HTTP_CODES = [401, 403, 408, 429, 500, 502, 503, 504]

# Output: the staged-lines pipeline writes where spiders.run says (ROLESCOPE_ITEMS_PATH).
ITEM_PIPELINES = {"spiders.pipelines.StagedItemsPipeline": 300}
ROLESCOPE_ITEMS_PATH = ""

# No listening sockets: Scrapy 2.19 turns both of these on by default.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

LOG_LEVEL = "INFO"
MEMUSAGE_ENABLED = True
MEMUSAGE_CHECK_INTERVAL_SECONDS = 5.0
STATS_DUMP = False
