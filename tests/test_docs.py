"""Docs that the code generates stay equal to it."""

from pathlib import Path

from portal.workflow.actions import lifecycle_table

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_lifecycle_table_in_the_docs_is_the_one_in_the_code():
    assert lifecycle_table() in (DOCS / "workflow.md").read_text(encoding="utf-8")
