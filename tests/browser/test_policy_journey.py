"""A tenant admin changes a deadline in the browser, reads the diff and the simulation,
activates it, and rolls it back (issue 6's journey)."""

from __future__ import annotations

from typing import Any

from portal.extensions import db
from tests.admin.test_policy_editor import api_ticket, resolve_days
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, make_tenant, make_user
from tests.test_api import issue_key


def sign_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_deadline_changed_in_the_editor_applies_to_new_tickets_until_rolled_back(
    app: Any, client: Any, page: Any
) -> None:
    tenant = make_tenant("alpha", name="阿尔法物业")
    make_user(tenant, "tenant_admin")
    key = issue_key(tenant)
    db.session.commit()
    older = api_ticket(client, key, "13800000001")
    assert resolve_days(older) == 3

    sign_in(page, "tenant_admin@alpha.example.com")
    page.goto("/admin/policy/")
    page.click("text=编辑当前策略")
    important = page.locator("fieldset[data-tier=important]")
    resolve = important.locator("tr[data-milestone=resolve] input[name$=duration_amount]")
    assert resolve.input_value() == "3"
    resolve.fill("2")
    page.fill("input[name=comment]", "我方过错的重要投诉：3 天改为 2 天")
    screenshot(page, "policy-editor-zh")
    page.click("#save")

    page.wait_for_selector("#diff")
    row = page.locator("#diff tr", has_text="important › milestones › resolve › duration › amount")
    assert row.locator("td").nth(1).inner_text() == "3"
    assert row.locator("td").nth(2).inner_text() == "2"
    assert "1 张的到期时间会变化" in page.inner_text("#simulation-summary")
    screenshot(page, "policy-diff-zh")
    page.click("#activate")
    page.wait_for_selector("#versions")

    newer = api_ticket(client, key, "13800000002")
    assert newer["policy_version"] == 2 and resolve_days(newer) == 2
    kept = client.get(
        f"/api/v1/tickets/{older['number']}", headers={"Authorization": f"Bearer {key}"}
    ).get_json()
    assert resolve_days(kept) == 3, "the older ticket keeps its deadline"

    page.locator("tr[data-version='1']").get_by_role("button", name="回滚到此版本").click()
    page.wait_for_selector("tr[data-version='3']")
    restored = api_ticket(client, key, "13800000003")
    assert restored["policy_version"] == 3 and resolve_days(restored) == 3
