"""A readable difference between two policy documents.

Lists are compared by their items' keys (a tier's ``key``, a milestone's ``name``), so
reordering or inserting a tier reads as what it is, not as every later tier changed:
``tiers › important › milestones › resolve › duration › amount: 3 → 2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The field that names an item of a list, in the order they are tried.
_IDENTITIES = ("key", "name", "reason", "tier")


@dataclass(frozen=True)
class Change:
    path: tuple[str, ...]
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


def _identity(item: Any) -> str | None:
    if isinstance(item, dict):
        for field in _IDENTITIES:
            if isinstance(item.get(field), str):
                return str(item[field])
    return None


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    keys = [_identity(item) for item in items]
    if None in keys or len(set(keys)) != len(keys):
        return None
    return dict(zip(keys, items, strict=True))  # type: ignore[arg-type]


def diff(before: Any, after: Any, path: tuple[str, ...] = ()) -> list[Change]:
    """Every leaf or item that differs, in document order."""
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        for key in [*before, *(k for k in after if k not in before)]:
            changes += diff(before.get(key), after.get(key), (*path, str(key)))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        old, new = _keyed(before), _keyed(after)
        if old is not None and new is not None:
            changes = []
            for key in [*old, *(k for k in new if k not in old)]:
                changes += diff(old.get(key), new.get(key), (*path, key))
            if list(old) != list(new) and set(old) == set(new):
                changes.append(Change((*path, "order"), list(old), list(new)))
            return changes
    return [Change(path, before, after)]
