"""Each built-in sector's report sections, one test per rule, on tickets taken in
through the real intake and actions."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from plugins.telecom.policy import default_policy as telecom_policy
from portal.extensions import db
from portal.models import Ticket
from portal.plugins import sectors
from portal.reports.build import build_report
from portal.tenancy import set_scope
from portal.workflow.intake import TicketIn, open_ticket
from portal.workflow.perform import perform
from tests.conftest import make_tenant, make_user
from tests.test_reports import BUILT, Q3, at

CUSTOMER = {"name": "王女士", "phone": "13900000000", "email": "wang@example.com"}


@pytest.fixture
def sector_tenant(app):
    def make(sector):
        tenant = make_tenant(f"{sector}-co", sector=sector)
        set_scope(db.session, tenant.id)
        return tenant

    with force_locale("en"):
        yield make


def take(tenant, when, n, **body):
    data = {
        "kind": "complaint",
        "subject": "投诉",
        "customer": {**CUSTOMER, "phone": f"1390000{n:04d}"},
        **body,
    }
    ticket = open_ticket(db.session, sectors(), tenant, TicketIn.model_validate(data), now=when)
    db.session.commit()
    return ticket


def act(tenant, ticket, name, actor, when, **payload):
    perform(db.session, sectors(), tenant, ticket, name, actor, payload, now=when)
    db.session.commit()


def section(figures, key):
    return next(s for s in figures["sections"] if s["key"] == key)


def figure(sec, key):
    return next(f["value"] for f in sec["figures"] if f["key"] == key)


def test_banking_statistics_total_verified_answered_and_the_seven_categories(sector_tenant):
    """2007 CBRC notice art 7 (seed 001): total, verified, finally answered, turned into
    litigation; by product, service, channel, staff behaviour, internal management,
    financial crime, and customer satisfaction."""
    tenant = sector_tenant("banking")
    agent = make_user(tenant, "agent")
    answered = take(
        tenant,
        at(7, 6),
        1,
        channel="counter",
        category="product",
        fields={"product": "credit_card"},
    )
    act(tenant, answered, "accept", agent, at(7, 6, 11))
    act(tenant, answered, "resolve", agent, at(7, 8), summary="已退费")
    act(tenant, answered, "callback", agent, at(7, 9), solved=True, attitude="satisfied", score=9)
    take(
        tenant,
        at(8, 1),
        2,
        channel="counter",
        category="staff_behaviour",
        fields={"product": "credit_card", "litigation": True},
    )
    take(
        tenant,
        at(8, 2),
        3,
        channel="counter",
        category="staff_behaviour",
        customer={"anonymous": True},
        fields={"product": "loan"},
    )
    take(tenant, at(8, 3), 4, kind="consultation", channel="counter")

    figures = build_report(db.session, sectors(), tenant, Q3, BUILT)

    stats = section(figures, "banking_statistics")
    assert figure(stats, "total") == 3  # complaints only, the consultation is not one
    assert figure(stats, "verified") == 2  # the anonymous one is invalid (order art 13)
    assert figure(stats, "finally_answered") == 1
    assert figure(stats, "litigation") == 1
    assert figure(stats, "satisfaction") == 1.0
    rows = {row[0]["en"]: row[1] for row in stats["rows"]}
    assert rows == {
        "Product": 1,
        "Service": 0,
        "Channel": 0,
        "Staff behaviour": 2,
        "Internal management": 0,
        "Financial crime": 0,
    }
    products = {row[0]["en"]: row[1] for row in section(figures, "banking_products")["rows"]}
    assert products == {"Credit card": 2, "Loans and mortgages": 1}


def test_telecom_quarterly_appeal_statistics(sector_tenant):
    """order 7 art 7 (seed 003): appeal statistics per quarter to the administration;
    inadmissible appeals counted by their reason (order 35 arts 10-11)."""
    tenant = sector_tenant("telecom")
    agent = make_user(tenant, "agent")
    admissible = {
        "direct_party": True,
        "specific_enough": True,
        "in_scope": True,
        "respondent": "某运营商分公司",
        "operator_complaint": "rejected",
    }
    first = take(
        tenant,
        at(7, 10),
        1,
        kind="appeal",
        channel="hotline",
        category="billing",
        fields=admissible,
        occurred_at=at(7, 1).isoformat(),
    )
    take(
        tenant,
        at(8, 10),
        2,
        kind="appeal",
        channel="hotline",
        category="billing",
        fields={**admissible, "respondent": ""},
        occurred_at=at(7, 1).isoformat(),
    )
    complaint = take(
        tenant,
        at(8, 11),
        3,
        kind="complaint",
        channel="hotline",
        category="billing",
        fields={"direct_party": True},
    )
    take(
        tenant,
        at(10, 2),
        4,
        kind="appeal",
        channel="hotline",
        category="billing",
        fields=admissible,
    )  # next quarter
    act(tenant, first, "accept", agent, at(7, 10, 10))

    figures = build_report(db.session, sectors(), tenant, Q3, BUILT)

    appeals = section(figures, "telecom_appeals")
    assert figure(appeals, "appeals") == 2
    assert figure(appeals, "admissible") == 1
    assert figure(appeals, "inadmissible") == 1
    assert len(appeals["rows"]) == 1 and appeals["rows"][0][1] == 2
    billing = next(c for c in telecom_policy()["categories"] if c["key"] == "billing")
    assert appeals["rows"][0][0] == billing["label"]
    reasons = section(figures, "telecom_inadmissible")["rows"]
    assert len(reasons) == 1 and reasons[0][1] == 1
    # The appeals' deadlines only: the complaint's late ones do not lower the rate.
    appeal_milestones = [
        m
        for t in db.session.scalars(select(Ticket).where(Ticket.kind == "appeal"))
        for m in t.milestones
        if Q3.first <= m.due_at.astimezone(at(7, 1).tzinfo).date() <= Q3.last
        and (m.cancelled_at is None or m.met_at)
    ]
    on_time = sum(outcome(m) == "on_time" for m in appeal_milestones)
    late = sum(outcome(m) == "late" for m in appeal_milestones)
    assert on_time >= 1 and any(outcome(m) == "late" for m in complaint.milestones)
    assert figure(appeals, "on_time_rate") == round(on_time / (on_time + late), 4)


def outcome(milestone):
    if milestone.breached_at or (milestone.met_at and milestone.met_at > milestone.due_at):
        return "late"
    if milestone.met_at:
        return "on_time"
    return "late" if milestone.due_at <= BUILT else "pending"


def test_property_on_time_rate_per_tier(sector_tenant):
    """seed 002 §2: each tier has its own deadlines (major: answer in 2 days, solved in
    10; minor: solved in 2 days); the report shows how each tier kept them."""
    tenant = sector_tenant("property")
    agent = make_user(tenant, "agent")
    major = take(
        tenant,
        at(7, 6),
        1,
        channel="phone",
        category="management_service",
        fields={"loss_amount": 6000},
    )
    minor = take(tenant, at(7, 6), 2, channel="phone", category="management_service")
    assert (major.tier, minor.tier) == ("major", "minor")
    act(tenant, minor, "accept", agent, at(7, 6, 10, 5))
    act(tenant, minor, "resolve", agent, at(7, 6, 11), summary="已处理")

    figures = build_report(db.session, sectors(), tenant, Q3, BUILT)

    rows = {row[0]["en"]: row[1:] for row in section(figures, "property_on_time_by_tier")["rows"]}
    for ticket in (major, minor):
        due = [m for m in ticket.milestones if m.cancelled_at is None or m.met_at]
        due = [m for m in due if Q3.first <= m.due_at.astimezone(at(7, 1).tzinfo).date() <= Q3.last]
        label = next(k for k in rows if k.lower().startswith(ticket.tier))
        on_time, late, pending, _rate = rows[label]
        assert on_time == sum(outcome(m) == "on_time" for m in due)
        assert late == sum(outcome(m) == "late" for m in due)
        assert pending == sum(outcome(m) == "pending" for m in due)
    major_row = next(v for k, v in rows.items() if k.lower().startswith("major"))
    assert major_row[0] == 0 and major_row[3] == 0.0  # nothing done on the major one
    minor_row = next(v for k, v in rows.items() if k.lower().startswith("minor"))
    assert minor_row[0] >= 1


def test_retail_complaints_by_store_and_cause(sector_tenant):
    """seed 000 §Ⅷ arts 2-3: complaints by the store concerned and by cause
    (misunderstanding, attitude, the three kinds of return)."""
    tenant = sector_tenant("retail")
    body = {"channel": "store", "fields": {"request": "apology"}}
    take(
        tenant,
        at(7, 6),
        1,
        category="service_attitude",
        **{**body, "fields": {"store": "南京路店", "request": "apology"}},
    )
    take(
        tenant,
        at(7, 7),
        2,
        category="service_attitude",
        **{**body, "fields": {"store": "南京路店", "request": "apology"}},
    )
    take(
        tenant,
        at(7, 8),
        3,
        category="misunderstanding",
        **{**body, "fields": {"store": '=HYPERLINK("x")', "request": "apology"}},
    )
    take(tenant, at(7, 9), 4, category="misunderstanding", **body)

    figures = build_report(db.session, sectors(), tenant, Q3, BUILT)

    sec = section(figures, "retail_store_cause")
    assert figure(sec, "complaints") == 4
    assert figure(sec, "stores") == 2
    rows = [(r[0] if isinstance(r[0], str) else r[0]["en"], r[1]["en"], r[2]) for r in sec["rows"]]
    assert rows[0] == ("南京路店", "Service attitude", 2)
    assert set(rows[1:]) == {
        ('=HYPERLINK("x")', "Customer misunderstanding", 1),
        ("(not set)", "Customer misunderstanding", 1),
    }
