from portal.hookspecs import hookimpl


@hookimpl
def sector_info():
    raise RuntimeError("configuration file missing")
