"""Scrapy spiders, one module per source type; ``SPIDERS`` maps a source type to its class."""

from __future__ import annotations

from spiders.spiders.ashby import AshbySpider
from spiders.spiders.base import RolescopeSpider
from spiders.spiders.feed import FeedSpider
from spiders.spiders.france_travail import FranceTravailSpider
from spiders.spiders.greenhouse import GreenhouseSpider
from spiders.spiders.lever import LeverSpider
from spiders.spiders.recruitee import RecruiteeSpider
from spiders.spiders.smartrecruiters import SmartRecruitersSpider
from spiders.spiders.structured import StructuredDataSpider
from spiders.spiders.workable import WorkableSpider

SPIDERS: dict[str, type[RolescopeSpider]] = {
    cls.source_type: cls
    for cls in (
        StructuredDataSpider,
        GreenhouseSpider,
        LeverSpider,
        AshbySpider,
        SmartRecruitersSpider,
        WorkableSpider,
        RecruiteeSpider,
        FeedSpider,
        FranceTravailSpider,
    )
}
