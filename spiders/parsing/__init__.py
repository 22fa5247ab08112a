"""Pure parsing functions: raw source payloads in, ``JobPosting`` fields out (no Scrapy, no I/O)."""
