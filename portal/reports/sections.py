"""Helpers for sectors writing their report sections (``sector_report_sections``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from portal.hookspecs import Bilingual, ReportCell
from portal.reports.sql import UNSET

NOT_SET = Bilingual("(not set)", "（未填写）")


def label_of(items: Iterable[Mapping[str, Any]], key: str) -> ReportCell:
    """The label of ``key`` among policy items (``{"key", "label": {"en", "zh"}}``),
    or the key itself when the policy no longer has it."""
    if key == UNSET:
        return NOT_SET
    for item in items:
        if item["key"] == key:
            return Bilingual(item["label"]["en"], item["label"]["zh"])
    return key


def count_rows(
    counts: Mapping[str, int], items: Iterable[Mapping[str, Any]], every: bool = False
) -> list[list[ReportCell]]:
    """``[label, count]`` rows, most frequent first; with ``every``, each item of the
    policy list gets a row, zero included (a regulator's fixed categories)."""
    items = list(items)
    keys = dict(counts)
    if every:
        for item in items:
            keys.setdefault(item["key"], 0)
    ordered = sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))
    return [[label_of(items, key), n] for key, n in ordered]


def percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)
