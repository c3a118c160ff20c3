"""The plugin contract: every hook a sector plugin may implement.

A sector plugin is a Python module (or object) registered under the entry-point group
``tousu.sectors``; the entry point's name is the sector key::

    [project.entry-points."tousu.sectors"]
    hotel = "tousu_sector_hotel"

The module implements hooks by decorating functions with :data:`hookimpl`. Hooks are
always called with keyword arguments, and an implementation may accept fewer
arguments than the spec lists, so hooks can grow without breaking plugins.

Two families of hooks exist:

* **sector hooks** are called only on the plugin of the tenant's own sector
  (``firstresult``: the sector's answer is the answer);
* **broadcast hooks** (ticket created/changed, report sections, jobs, ...) are called
  on every loaded plugin and collect a list. None exist yet; they arrive with the
  features that call them.

A hook that raises, or answers something this contract does not allow, makes the
sector unavailable: the error is logged with the sector's name and only that sector's
tenants see an error page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pluggy

PROJECT_NAME = "tousu"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Decorate a plugin's hook implementations with this marker.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@dataclass(frozen=True)
class SectorInfo:
    """Who a sector is: its key (the entry point's name), labels and version."""

    key: str
    name_en: str
    name_zh: str
    version: str


@hookspec(firstresult=True)
def sector_info() -> SectorInfo:  # type: ignore[empty-body]
    """Name the sector.

    Called once when the plugin is loaded, at application start.

    :return: a :class:`SectorInfo` whose ``key`` equals the entry point's name.
    """


@hookspec(firstresult=True)
def sector_default_policy() -> dict[str, Any]:  # type: ignore[empty-body]
    """Give the sector's default policy document.

    Called when a tenant of this sector is created (its first policy version is this
    document) and when an admin resets a policy to the sector's defaults.

    :return: a JSON-serialisable dict: the policy document of this sector.
    """
