"""A sector whose module cannot even be imported."""

raise ImportError("tousu_sector_hotel needs a library that is not installed")
