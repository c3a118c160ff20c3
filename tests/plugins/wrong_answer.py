from portal.hookspecs import hookimpl


@hookimpl
def sector_info():
    return {"key": "hotelx"}  # a dict, not SectorInfo
