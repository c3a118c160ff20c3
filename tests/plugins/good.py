"""A minimal well-behaved sector, as a third party would write it."""

from portal.hookspecs import SectorInfo, hookimpl
from tests.plugins.sample import POLICY


@hookimpl
def sector_info():
    return SectorInfo(key="hotelx", name_en="Hotel", name_zh="酒店", version="9.9.9")


@hookimpl
def sector_default_policy():
    return POLICY
