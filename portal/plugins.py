"""The plugin manager: finds sector plugins and calls their hooks safely.

Sectors come from the ``tousu.sectors`` entry-point group, the built-in ones included,
so the core never imports a sector by name. A plugin that fails to import, to register
or to answer a hook is logged by name and recorded as a load error; the portal starts
without it, and only that sector's tenants get an error page (see
:class:`SectorUnavailable`).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy
from flask import current_app

from portal import defaults, hookspecs
from portal.hookspecs import SectorInfo

ENTRY_POINT_GROUP = "tousu.sectors"
CORE_PLUGIN = "tousu.core"

log = logging.getLogger(__name__)


class SectorUnavailable(RuntimeError):
    """A sector is missing, failed to load, or raised inside a hook."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"sector {key!r} is unavailable: {reason}")
        self.key = key
        self.reason = reason


@dataclass(frozen=True)
class Sector:
    """A sector that loaded: its identity and the object registered with pluggy."""

    info: SectorInfo
    source: str
    plugin: Any


@dataclass(frozen=True)
class LoadError:
    key: str
    source: str
    error: str


class SectorRegistry:
    """The loaded sectors of one application, and the only way to call their hooks."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.pm.register(defaults, name=CORE_PLUGIN)
        self.sectors: dict[str, Sector] = {}
        self.errors: dict[str, LoadError] = {}
        # Built once per (sector, hook) while the set of plugins stays the same: building
        # one cost as much as the sector's own answer (bench B6, docs/performance.md).
        self._callers: dict[tuple[str, str], pluggy.HookCaller] = {}

    def load_entry_points(self) -> None:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            self._load(ep.name, f"{ep.value} (entry point)", ep.load)

    def load_modules(self, modules: Mapping[str, str]) -> None:
        """Load sectors from dotted module paths, keyed by sector key.

        For plugins under development or in tests, without installing a package.
        """
        for key, dotted in modules.items():
            self._load(key, dotted, lambda dotted=dotted: importlib.import_module(dotted))

    def _load(self, key: str, source: str, loader: Any) -> None:
        if key in self.sectors or key in self.errors:
            self._fail(key, source, "another plugin already registered this sector key")
            return
        try:
            plugin: ModuleType = loader()
            self._callers.clear()
            self.pm.register(plugin, name=key)
            self.pm.check_pending()
        except Exception as exc:
            self._unregister(key)
            self._fail(key, source, f"{type(exc).__name__}: {exc}")
            return
        try:
            info = self._call(key, "sector_info")
        except SectorUnavailable as exc:
            self._unregister(key)
            self._fail(key, source, exc.reason)
            return
        if not isinstance(info, SectorInfo) or info.key != key:
            self._unregister(key)
            self._fail(key, source, f"sector_info() returned {info!r}, not SectorInfo(key={key!r})")
            return
        self.sectors[key] = Sector(info=info, source=source, plugin=plugin)
        log.info("loaded sector %s %s from %s", key, info.version, source)

    def _unregister(self, key: str) -> None:
        if self.pm.get_plugin(key) is not None:
            self._callers.clear()
            self.pm.unregister(name=key)

    def _fail(self, key: str, source: str, error: str) -> None:
        log.error("sector plugin %r from %s failed to load: %s", key, source, error)
        self.errors.setdefault(key, LoadError(key=key, source=source, error=error))

    def _caller(self, key: str, hook_name: str) -> pluggy.HookCaller:
        caller = self._callers.get((key, hook_name))
        if caller is None:
            # Every other sector is left out; the core's defaults stay in as fallbacks.
            others = [p for name, p in self.pm.list_name_plugin() if name not in (key, CORE_PLUGIN)]
            caller = self._callers[key, hook_name] = self.pm.subset_hook_caller(
                hook_name, remove_plugins=others
            )
        return caller

    def _call(self, key: str, hook_name: str, **kwargs: Any) -> Any:
        try:
            result = self._caller(key, hook_name)(**kwargs)
        except Exception as exc:
            log.exception("sector %r raised in hook %s", key, hook_name)
            raise SectorUnavailable(key, f"{hook_name} raised {type(exc).__name__}: {exc}") from exc
        if result is None and self.pm.get_plugin(key) is not None:
            raise SectorUnavailable(key, f"{hook_name} is not implemented")
        return result

    def call(self, key: str, hook_name: str, **kwargs: Any) -> Any:
        """Call a sector hook on ``key``'s plugin only and return its answer."""
        self.get(key)
        return self._call(key, hook_name, **kwargs)

    def get(self, key: str) -> Sector:
        """The loaded sector ``key``, or :class:`SectorUnavailable` saying why not."""
        try:
            return self.sectors[key]
        except KeyError:
            reason = self.errors[key].error if key in self.errors else "no such sector installed"
            raise SectorUnavailable(key, reason) from None

    def loaded(self) -> list[str]:
        """The keys of the sectors that loaded, sorted."""
        return sorted(self.sectors)


def sectors() -> SectorRegistry:
    """The current application's sector registry."""
    registry: SectorRegistry = current_app.extensions["tousu.sectors"]
    return registry


def build_registry(extra_modules: Mapping[str, str] | None = None) -> SectorRegistry:
    registry = SectorRegistry()
    registry.load_entry_points()
    registry.load_modules(extra_modules or {})
    return registry
