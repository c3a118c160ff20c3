from portal.hookspecs import SectorInfo, hookimpl


@hookimpl
def sector_info():
    return SectorInfo(key="hotelx", name_en="Hotel", name_zh="酒店", version="1.0")


@hookimpl
def sector_default_policy():
    raise KeyError("tiers")
