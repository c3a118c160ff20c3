"""Sector rules that act on the lifecycle, through the API (the sectors' action guards)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from plugins.banking.demo import demo_tickets as banking_demo
from plugins.property.month_rule import retier_unsolved
from plugins.retail.demo import demo_tickets as retail_demo
from plugins.retail.threat_alert import alert_threats
from portal.extensions import db
from portal.models import Event
from portal.notifications.recipients import Notice
from portal.tenancy import ALL_TENANTS, tenant_scope
from tests.conftest import login, make_tenant, make_user
from tests.jobs_kit import new_ticket, outbox, review_at
from tests.test_api import act, bearer, issue_key

DEMO_NOW = datetime(2026, 9, 1, tzinfo=UTC)


def first_demo(tickets: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    """The first demo ticket whose values match (a callable tests a value)."""

    def fits(ticket: dict[str, Any]) -> bool:
        return all(
            v(ticket.get(k)) if callable(v) else ticket.get(k) == v for k, v in match.items()
        )

    body = next(t for t in tickets if fits(t))
    body = {**body, "occurred_at": None}
    return {k: v for k, v in body.items() if v is not None}


def events(kind: str) -> int:
    with tenant_scope(db.session, ALL_TENANTS):
        return db.session.scalar(select(func.count()).select_from(Event).where(Event.type == kind))


@pytest.fixture
def retail_store(app):
    tenant = make_tenant("store", sector="retail", locale="en")
    staff = {role: make_user(tenant, role) for role in ("agent", "supervisor")}
    return issue_key(tenant), staff


def open_return(client, key, agent) -> str:
    body = first_demo(retail_demo(DEMO_NOW, 40), category="return_no_defect")
    created = client.post("/api/v1/tickets", json=body, headers=bearer(key))
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["number"]
    assert act(client, key, number, "accept", agent.email).status_code == 200
    return number


def test_a_return_resolves_only_after_the_three_confirmations(client, retail_store):
    """seed 000 §Ⅷ art 3 item 3: 涉及到退换商品的，必须由门店营销经理、大客户部经理、
    监控室三方确认后方可执行并做记录."""
    key, staff = retail_store
    agent, supervisor = staff["agent"].email, staff["supervisor"].email
    number = open_return(client, key, staff["agent"])

    refused = act(client, key, number, "resolve", agent, {"summary": "refunded"})
    assert refused.status_code == 422
    message = refused.get_json()["error"]["message"]
    for party in ("Store marketing manager", "Big-customer department manager", "Monitoring room"):
        assert party in message

    for party, who in (
        ("store_marketing_manager", supervisor),
        ("big_customer_manager", supervisor),
        ("monitoring_room", agent),
    ):
        response = act(client, key, number, "confirm", who, {"party": party, "note": "ok"})
        assert response.status_code == 200, response.get_json()
    assert events("confirm") == 3
    assert act(client, key, number, "resolve", agent, {"summary": "refunded"}).status_code == 200


def test_a_confirmation_names_a_known_party_recorded_by_its_role(client, retail_store):
    """seed 000 §Ⅷ art 3 item 3: the parties are the policy's ``return_confirmation``."""
    key, staff = retail_store
    agent = staff["agent"].email
    number = open_return(client, key, staff["agent"])
    unknown = act(client, key, number, "confirm", agent, {"party": "cashier"})
    assert (
        unknown.status_code == 422 and "monitoring_room" in unknown.get_json()["error"]["message"]
    )
    by_agent = act(client, key, number, "confirm", agent, {"party": "store_marketing_manager"})
    assert by_agent.status_code == 422
    assert events("confirm") == 0, "a refused confirmation records nothing"


def test_other_causes_resolve_without_confirmations(client, retail_store):
    key, staff = retail_store
    body = first_demo(
        retail_demo(DEMO_NOW, 40),
        kind="complaint",
        category=lambda c: c is not None and not c.startswith("return"),
    )
    number = client.post("/api/v1/tickets", json=body, headers=bearer(key)).get_json()["number"]
    agent = staff["agent"].email
    act(client, key, number, "accept", agent)
    assert act(client, key, number, "resolve", agent, {"summary": "apologised"}).status_code == 200


def test_a_complaint_is_never_assigned_to_the_staff_member_it_is_about(app, client):
    """order art 17; 2007 notice art 2: the handler has no interest in the complaint."""
    tenant = make_tenant("bank", sector="banking", locale="zh_Hans_CN")
    agent = make_user(tenant, "agent")
    accused = make_user(tenant, "agent", email="zhang@bank.example.com")
    accused.display_name = "理财经理张某"
    db.session.commit()
    key = issue_key(tenant)
    body = first_demo(banking_demo(DEMO_NOW, 40), category="staff_behaviour")
    created = client.post("/api/v1/tickets", json=body, headers=bearer(key))
    number = created.get_json()["number"]
    act(client, key, number, "accept", agent.email)

    refused = act(client, key, number, "assign", agent.email, {"assignee": accused.email})
    assert refused.status_code == 422, refused.get_json()
    assert "回避" in refused.get_json()["error"]["message"]
    assert events("assign") == 0
    allowed = act(client, key, number, "assign", agent.email, {"assignee": agent.email})
    assert allowed.status_code == 200


def test_a_valid_complaint_unsolved_for_a_month_becomes_major(app):
    """seed 002 §2 major (3): 有效投诉一个月内未得到合理解决的，为重大投诉."""
    tenant = make_tenant("estate", sector="property")
    start = datetime(2026, 9, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    fields = {"estate": "翠苑", "service_line": "cleaning", "company_fault": True}
    ticket = new_ticket(tenant, start, fields=fields, occurred_at=start.isoformat())
    assert ticket.tier == "important"

    def run(at: datetime) -> dict[str, int]:
        review_at(at)
        with tenant_scope(db.session, ALL_TENANTS):
            return retier_unsolved(db.session, [tenant.id], at)

    # 30 days from 1 September end in the National Day holiday, so on 8 October (Civil
    # Code art 203: a period ending on a holiday ends on the next working day).
    assert run(datetime(2026, 10, 8, 23, 0, tzinfo=start.tzinfo)) == {"tickets_made_major": 0}
    assert run(datetime(2026, 10, 9, 0, 1, tzinfo=start.tzinfo)) == {"tickets_made_major": 1}
    assert run(datetime(2026, 10, 9, 1, 0, tzinfo=start.tzinfo)) == {"tickets_made_major": 0}
    db.session.expire_all()
    with tenant_scope(db.session, ALL_TENANTS):
        assert db.session.get(type(ticket), ticket.id).tier == "major"
    assert events("reclassify") == 1


def test_a_threat_alerts_the_supervisors_once_and_tells_the_agent_to_call_110(
    app, client, retail_store
):
    """seed 000 §Ⅷ art 3 item 4: 顾客威胁员工、财产或经营安全的，立即报警并通知门店经理."""
    key, staff = retail_store
    threat = first_demo(retail_demo(DEMO_NOW, 40), fields=lambda f: f.get("threat_to_staff"))
    calm = first_demo(
        retail_demo(DEMO_NOW, 40), kind="complaint", fields=lambda f: not f.get("threat_to_staff")
    )
    numbers = [
        client.post("/api/v1/tickets", json=body, headers=bearer(key)).get_json()["number"]
        for body in (threat, calm)
    ]
    tenant_id = staff["agent"].tenant_id

    def run(at: datetime) -> dict[str, int]:
        with tenant_scope(db.session, ALL_TENANTS):
            return alert_threats(db.session, [tenant_id], at)

    assert run(DEMO_NOW) == {"threats_alerted": 1}
    assert run(DEMO_NOW) == {"threats_alerted": 0}
    (alert,) = outbox(Notice.ESCALATE)
    assert alert.recipient == staff["supervisor"].email
    login(client, staff["agent"].email)
    pages = [client.get(f"/desk/tickets/{n}", headers={"Accept-Language": "en"}) for n in numbers]
    assert "Call the police (110) now" in pages[0].get_data(as_text=True)
    assert "call the police (110)" in pages[0].get_data(as_text=True)  # the alert's reason
    assert "110" not in pages[1].get_data(as_text=True)


def test_a_major_complaint_is_reported_to_the_regulator_within_its_deadline(app, client):
    """order art 29; 2007 notice art 8: 重大投诉及时向监管机构报告. Recorded as the
    regulator's confirmation by a supervisor; left unrecorded, the review breaches it."""
    tenant = make_tenant("bank", sector="banking", locale="en")
    agent, supervisor = make_user(tenant, "agent"), make_user(tenant, "supervisor")
    key = issue_key(tenant)
    body = first_demo(
        banking_demo(DEMO_NOW, 40), fields=lambda f: f.get("regulator_designated_major")
    )
    numbers = []
    for phone in ("13900000001", "13900000002"):
        created = client.post(
            "/api/v1/tickets",
            json={
                **body,
                "customer": {**body["customer"], "phone": phone},
                "requested_due_at": None,
            },
            headers=bearer(key),
        )
        assert created.status_code == 201, created.get_json()
        numbers.append(created.get_json()["number"])
    for number in numbers:
        assert act(client, key, number, "accept", agent.email).status_code == 200

    def report(number: str) -> dict[str, Any]:
        ticket = client.get(f"/api/v1/tickets/{number}", headers=bearer(key)).get_json()
        assert ticket["classification"]["tier"] == "major"
        return next(m for m in ticket["milestones"] if m["name"] == "regulator_report")

    reported = {"party": "regulator", "note": "12378 online form, ref 2026-0901"}
    by_agent = act(client, key, numbers[0], "confirm", agent.email, reported)
    assert by_agent.status_code == 422 and "supervisor" in by_agent.get_json()["error"]["message"]
    other = act(client, key, numbers[0], "confirm", supervisor.email, {"party": "branch"})
    assert other.status_code == 422
    assert report(numbers[0])["met_at"] is None
    assert act(client, key, numbers[0], "confirm", supervisor.email, reported).status_code == 200
    assert report(numbers[0])["met_at"] is not None

    unreported = report(numbers[1])
    review_at(datetime.fromisoformat(unreported["due_at"]) + timedelta(minutes=1))
    assert report(numbers[1])["breached"] is True
    assert report(numbers[0])["breached"] is False


def test_new_facts_start_the_decision_clock_again(app):
    """order art 18: 投诉人提出新的事实和理由的，处理时限重新计算. The 15-day decision
    deadline counts again from the day the new facts arrive; a note moves nothing."""
    from tests.jobs_kit import act as perform_at
    from tests.jobs_kit import fresh

    tenant = make_tenant("bank", sector="banking")
    agent = make_user(tenant, "agent")
    body = first_demo(banking_demo(DEMO_NOW, 40), kind="complaint", channel="hotline")
    body = {k: v for k, v in body.items() if k not in ("requested_due_at", "customer")}
    received = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    ticket = new_ticket(tenant, received, **body)

    def decision() -> datetime:
        return next(m.due_at for m in fresh(ticket).milestones if m.name == "decision")

    # Calendar days run to the end of the last one (2 November + 15 days, at midnight).
    first = datetime(2026, 11, 18, 0, 0, tzinfo=received.tzinfo)
    assert decision() == first
    perform_at(tenant, ticket, "accept", agent, received + timedelta(days=1))
    perform_at(tenant, ticket, "note", agent, received + timedelta(days=9), text="called")
    assert decision() == first
    new_facts = received + timedelta(days=10)
    perform_at(tenant, ticket, "new_facts", agent, new_facts, text="a second statement")
    assert decision() == datetime(2026, 11, 28, 0, 0, tzinfo=received.tzinfo)
    assert events("new_facts") == 1
