"""Bilingual names: everything a person sees in the telecom policy has en and zh."""

from __future__ import annotations

from typing import Any

#: A JSON object of the policy document.
Doc = dict[str, Any]


def label(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}
