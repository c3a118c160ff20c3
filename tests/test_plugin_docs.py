"""docs/plugins.md stays the reference of every hook in portal/hookspecs.py."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from portal import hookspecs

DOC = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
SECTION = re.compile(r"^### (\w+)\s*$", re.MULTILINE)


def hooks() -> dict[str, Callable[..., Any]]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"  # set by pluggy's HookspecMarker
    return {
        name: fn
        for name, fn in vars(hookspecs).items()
        if callable(fn) and getattr(fn, marker, None) is not None
    }


def sections() -> dict[str, str]:
    """The text of each ``### name`` section of docs/plugins.md, by name."""
    text = DOC.read_text(encoding="utf-8")
    heads = list(SECTION.finditer(text))
    ends = [h.start() for h in heads[1:]] + [len(text)]
    return {h.group(1): text[h.end() : end] for h, end in zip(heads, ends, strict=True)}


def test_hooks_are_found():
    assert {"sector_info", "sector_default_policy"} <= set(hooks())


def test_every_hook_has_a_docstring_saying_when_it_is_called_and_what_it_returns():
    for name, fn in hooks().items():
        doc = inspect.getdoc(fn) or ""
        assert doc, f"hook {name} has no docstring in portal/hookspecs.py"
        assert "Called" in doc and ":return:" in doc, f"hook {name}: say when and what"


def test_every_hook_has_a_section_in_the_reference_naming_its_arguments():
    documented = sections()
    for name, fn in hooks().items():
        assert name in documented, f"docs/plugins.md has no '### {name}' section"
        for argument in inspect.signature(fn).parameters:
            assert f"`{argument}`" in documented[name], f"### {name}: argument {argument}"


def test_the_reference_documents_no_hook_that_does_not_exist():
    assert set(sections()) <= set(hooks()), "docs/plugins.md has a section for a removed hook"
