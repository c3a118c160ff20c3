"""A sector that loads and creates tenants, then raises while a ticket is classified."""

from portal.hookspecs import SectorInfo, hookimpl
from tests.plugins.sample import POLICY


@hookimpl
def sector_info():
    return SectorInfo(key="hotelx", name_en="Hotel", name_zh="酒店", version="1.0")


@hookimpl
def sector_default_policy():
    return POLICY


@hookimpl
def sector_derived_facts():
    raise ZeroDivisionError("average of no bills")
