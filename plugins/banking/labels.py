"""Builders for the bilingual pieces of the policy document."""

from __future__ import annotations

from typing import Any


def label(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def choice(key: str, en: str, zh: str) -> dict[str, Any]:
    return {"key": key, "label": label(en, zh)}
