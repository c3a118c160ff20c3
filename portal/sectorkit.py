"""Small builders for writing a sector's policy document in Python.

Everything a person sees in a policy has an English and a Chinese name (design.md), so
a sector writes ``label("Minor", "轻微")`` rather than spelling out the dict each time.
Built-in and third-party sectors share these; the test kit is :mod:`portal.testing`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Doc", "choice", "label"]

#: A JSON object of a policy document.
Doc = dict[str, Any]


def label(en: str, zh: str) -> dict[str, str]:
    """A bilingual name: ``{"en": en, "zh": zh}``."""
    return {"en": en, "zh": zh}


def choice(key: str, en: str, zh: str) -> Doc:
    """A keyed, labelled item: a field choice, a category, a channel level, ..."""
    return {"key": key, "label": label(en, zh)}
