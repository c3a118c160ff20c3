"""Issue 5's journeys in the browser, in Chinese: a customer submits a complaint with a
photo and tracks it; an agent accepts, assigns, replies and resolves it on the desk; a
supervisor approves a deadline extension an agent asked for."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask_babel import force_locale
from sqlalchemy import update

from portal.extensions import db
from portal.jobs.review import mark_breaches
from portal.models import Ticket, utcnow
from portal.plugins import sectors
from portal.policy.versions import activate, save_version
from portal.tenancy import tenant_scope
from portal.workflow.states import STATUS_LABELS, Status
from tests.browser.conftest import screenshot
from tests.browser.test_policy_journey import sign_in
from tests.conftest import make_tenant, make_user
from tests.plugins.sample import POLICY
from tests.test_desk_queue import HOUR, ticket_due
from tests.test_ticket_page import new_ticket

PHONE = "13812345678"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def zh(status: Status) -> str:
    with force_locale("zh_Hans_CN"):
        return str(STATUS_LABELS[status])


@pytest.fixture(autouse=True)
def attachment_folder(app: Any, tmp_path: Any) -> None:
    app.config["ATTACHMENT_DIR"] = str(tmp_path / "files")


def status_shown(page: Any) -> str:
    return page.inner_text("dd.status").strip()


def act(page: Any, action: str, **fields: str) -> None:
    """Fill the form of ``action`` on the desk's ticket page and send it."""
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_customer_submits_a_complaint_and_tracks_it(app: Any, page: Any) -> None:
    make_tenant("acme", name="阿克米物业")
    page.goto("/t/acme/")
    page.fill("input[name=subject]", "楼上漏水，天花板发霉")
    page.fill("textarea[name=description]", "上周开始漏水，物业一直没有上门处理。")
    page.fill("input[name='customer.name']", "李雷")
    page.fill("input[name='customer.phone']", PHONE)
    page.set_input_files(
        "input[name=files]", files=[{"name": "天花板.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.click("form.complaint button[type=submit]")
    number = page.inner_text(".ticket-number").strip()
    assert number.startswith("ACME-")

    page.click("main a[href*='track?number=']")
    assert page.input_value("input[name=number]") == number
    page.fill("input[name=phone]", "138 1234 5678")
    page.click("form button[type=submit]")
    assert page.inner_text("h1 .number") == number
    assert status_shown(page) == zh(Status.NEW)
    assert "天花板.png" in page.inner_text("ul.attachments")
    assert "暂无答复" in page.inner_text("main")
    screenshot(page, "customer-track-zh")

    page.goto("/t/acme/track")
    page.fill("input[name=number]", number)
    page.fill("input[name=phone]", "13900000000")
    page.click("form button[type=submit]")
    assert page.locator("[role=alert]").count() == 1
    assert page.locator("dd.status").count() == 0


def test_an_agent_accepts_assigns_replies_and_resolves(app: Any, page: Any) -> None:
    tenant = make_tenant("acme", name="阿克米物业")
    agent = make_user(tenant, "agent")
    with tenant_scope(db.session, tenant.id):
        agent.display_name = "王芳"
        db.session.commit()
    number = new_ticket(tenant, subject="电梯困人", amount=6000)
    new_ticket(tenant, subject="垃圾清运不及时")
    new_ticket(tenant, subject="停车费多收", company_fault=True)
    ticket_due(tenant, "营业厅排队两小时无人受理", started_ago=20 * HOUR, due_in=2 * HOUR)
    ticket_due(tenant, "报修三天未上门", started_ago=80 * HOUR, due_in=-3 * HOUR, breached=True)

    sign_in(page, agent.email)
    page.goto("/desk/")
    row = page.locator("table.queue tr", has_text=number)
    assert row.locator("[data-risk]").count() == 1
    assert page.locator("table.queue [data-risk=at-risk]").count() == 1
    assert page.locator("table.queue [data-risk=breached]").count() == 1
    screenshot(page, "desk-queue-zh")
    row.locator("a").first.click()
    page.wait_for_load_state()
    assert page.inner_text("h1 .number") == number

    act(page, "accept")
    assert status_shown(page) == zh(Status.ACCEPTED)
    act(page, "assign", assignee_id="王芳")
    assert status_shown(page) == zh(Status.ASSIGNED)
    reply = page.locator("form[data-action=reply]")
    reply.locator("input[name=files]").set_input_files(
        files=[{"name": "维修单.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"}]
    )
    act(page, "reply", message="维修人员已到场，电梯恢复运行。")
    assert status_shown(page) == zh(Status.REPLIED)
    timeline = page.inner_text("ol.timeline")
    assert "维修人员已到场" in timeline and "维修单.pdf" in timeline
    act(page, "resolve", summary="电梯已修复并完成安全检查。")
    assert status_shown(page) == zh(Status.RESOLVED)
    assert page.locator("[role=alert]").count() == 0
    screenshot(page, "desk-ticket-zh")


@pytest.fixture
def extensible(app: Any) -> Any:
    """A tenant whose major tickets' deadlines a supervisor may extend."""
    tenant = make_tenant("acme", name="阿克米物业")
    draft = copy.deepcopy(POLICY)
    draft["tiers"][0]["extension"] = {
        "approver_role": "supervisor",
        "max": {"amount": 3, "unit": "working_days"},
    }
    with tenant_scope(db.session, tenant.id):
        version = save_version(db.session, tenant, draft, registry=sectors(), comment="延期")
        activate(db.session, tenant, version)
        db.session.commit()
    return tenant


def due_of(page: Any, milestone: str) -> str:
    row = page.locator("table.milestones tr", has_text=milestone)
    return row.locator("td").nth(1).inner_text().strip()


def busy_day(tenant: Any) -> None:
    """Tickets at risk, breached (by the periodic review) and escalated."""
    new_ticket(tenant, subject="物业费账单错误")
    new_ticket(tenant, subject="宽带断网", company_fault=True)
    ticket_due(tenant, "营业厅排队两小时无人受理", started_ago=20 * HOUR, due_in=2 * HOUR)
    ticket_due(tenant, "报修三天未上门", started_ago=80 * HOUR, due_in=-3 * HOUR)
    escalated = new_ticket(tenant, subject="多次投诉无人处理", amount=20000)
    with tenant_scope(db.session, tenant.id):
        mark_breaches(db.session, utcnow())
        db.session.execute(
            update(Ticket)
            .where(Ticket.number == escalated)
            .values(status="escalated", escalation_level=1)
        )
        db.session.commit()


def test_a_supervisor_approves_an_extension(app: Any, page: Any, extensible: Any) -> None:
    agent = make_user(extensible, "agent")
    supervisor = make_user(extensible, "supervisor")
    number = new_ticket(extensible, subject="账单重复扣费", amount=8000)

    sign_in(page, agent.email)
    page.goto(f"/desk/tickets/{number}")
    act(page, "accept")
    before = due_of(page, "reply")
    act(page, "extend", milestone="reply", amount="1", unit="working_days", reason="需调取通话录音")
    assert page.locator("[role=alert]").count() == 0
    assert due_of(page, "reply") == before  # asked, not yet granted
    page.click("header form button[type=submit]")  # sign out

    sign_in(page, supervisor.email)
    busy_day(extensible)
    page.goto("/desk/dashboard/")
    assert page.inner_text("[data-figure=at_risk] .figure") == "1"
    assert page.inner_text("[data-figure=breached_today] .figure") == "1"
    assert page.inner_text("[data-figure=escalated_open] .figure") == "1"
    screenshot(page, "desk-dashboard-zh")
    page.goto(f"/desk/tickets/{number}")
    act(page, "approve_extension", milestone="reply", comment="同意延期一个工作日")
    assert page.locator("[role=alert]").count() == 0
    assert due_of(page, "reply") != before
    assert "同意延期一个工作日" in page.inner_text("ol.timeline")
