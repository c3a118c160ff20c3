"""The role table of docs/security.md is the code's: the workflow's action table, the
desk's and reports' role lists and each admin view's roles; and the pages really open
to exactly those roles."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from portal.web.desk import DESK_ROLES
from portal.web.reports import REPORT_ROLES
from portal.workflow.actions import ACTIONS
from tests.conftest import login, make_tenant, make_user

DOC = Path(__file__).resolve().parent.parent / "docs" / "security.md"
COLUMNS = ("tenant_admin", "supervisor", "agent", "auditor", "platform_admin", "customer")
#: Page rows of the table and a URL that opens each.
PAGES = {
    "page `/desk/` (queue) and ticket pages": ("/desk/", DESK_ROLES),
    "page `/desk/reports/`": ("/desk/reports/", REPORT_ROLES),
    "page `/platform/`": ("/platform/", ("platform_admin",)),
}


def admin_views(app: Flask) -> dict[str, tuple[str, tuple[str, ...]]]:
    (admin,) = app.extensions["admin"]
    return {f"admin `{v.endpoint}`": (v.url + "/", v.roles) for v in admin._views}


def code_table(app: Flask) -> dict[str, set[str]]:
    table = {f"action `{name}`": {str(r) for r in a.roles} for name, a in ACTIONS.items()}
    for name, (_url, roles) in {**PAGES, **admin_views(app)}.items():
        table[name] = {str(r) for r in roles}
    return table


def doc_table() -> dict[str, set[str]]:
    section = DOC.read_text(encoding="utf-8").split("## Roles", 1)[1].split("\n## ", 1)[0]
    table = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == len(COLUMNS) + 1 and re.match(r"(action|page|admin) `", cells[0]):
            table[cells[0]] = {
                role for role, cell in zip(COLUMNS, cells[1:], strict=True) if cell == "yes"
            }
    return table


def test_the_role_table_in_the_docs_is_the_one_in_the_code(app):
    assert doc_table() == code_table(app)


def test_each_page_opens_to_exactly_its_roles(app):
    tenant = make_tenant("alpha")
    pages = {**PAGES, **admin_views(app)}
    wrong = []
    for role in COLUMNS[:-1]:
        user = make_user(None if role == "platform_admin" else tenant, role)
        client = app.test_client()
        login(client, user.email)
        for name, (url, roles) in pages.items():
            status = client.get(url).status_code
            if (status == 200) != (role in roles):
                wrong.append((role, name, status))
    assert wrong == []
