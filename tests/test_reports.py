"""Reports: a seeded quarter's figures against the same figures counted here in Python,
period boundaries in the tenant's time zone, idempotent rebuilds and the job."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.extensions import db
from portal.jobs.ledger import run_once
from portal.jobs.review import mark_breaches
from portal.models import Department, Event, JobRun, Report, Ticket
from portal.plugins import sectors
from portal.reports.build import build_report, stored
from portal.reports.job import build_reports
from portal.reports.periods import InvalidPeriod, containing, parse
from portal.tenancy import ALL_TENANTS, set_scope, tenant_scope
from portal.workflow.intake import TicketIn, receive_ticket
from portal.workflow.perform import perform
from tests.conftest import make_tenant, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
Q3 = parse("quarterly", "2026-Q3")
BUILT = datetime(2026, 10, 2, 1, 0, tzinfo=UTC)


def at(month, day, hour=10, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def tenant(app):
    tenant = make_tenant("estate")
    set_scope(db.session, tenant.id)
    with force_locale("en"):
        yield tenant


@pytest.fixture
def agent(tenant):
    return make_user(tenant, "agent")


def receive(tenant, when, phone, **body):
    data = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "电梯故障",
        "customer": {"name": "李先生", "phone": phone},
        **body,
    }
    received = receive_ticket(
        db.session, sectors(), tenant, TicketIn.model_validate(data), now=when
    )
    db.session.commit()
    return received


def act(tenant, ticket, name, actor, when, **payload):
    perform(db.session, sectors(), tenant, ticket, name, actor, payload, now=when)
    db.session.commit()


def seed_quarter(tenant, agent):
    """Tickets in and around 2026-Q3, through the real intake and actions."""
    sales = Department(code="=SUM(A1)", name="@sales")
    db.session.add(sales)
    db.session.commit()

    major = receive(tenant, at(7, 5), "13700000001", fields={"amount": 8000}).ticket
    act(tenant, major, "accept", agent, at(7, 5, 11))
    act(tenant, major, "assign", agent, at(7, 5, 11, 30), department_id=sales.id)
    act(tenant, major, "reply", agent, at(7, 6), message="已安排维修")
    act(tenant, major, "resolve", agent, at(7, 8), summary="已修复")
    act(tenant, major, "callback", agent, at(7, 9), solved=True, attitude="satisfied", score=9)
    act(tenant, major, "close", agent, at(7, 9, 12))

    important = receive(
        tenant,
        at(8, 10, 9),
        "13700000002",
        channel="web",
        fields={"company_fault": True},
        category="service",
    ).ticket
    act(tenant, important, "accept", agent, at(8, 10, 9, 30))
    act(tenant, important, "escalate", agent, at(8, 10, 12), reason="客户情绪激动")
    mark_breaches(db.session, at(8, 15).astimezone(UTC))
    db.session.commit()

    unhappy = receive(tenant, at(8, 20), "13700000003", category="service").ticket
    act(tenant, unhappy, "accept", agent, at(8, 20, 11))
    act(tenant, unhappy, "resolve", agent, at(8, 21), summary="已处理")
    act(
        tenant, unhappy, "callback", agent, at(8, 22), solved=False, attitude="unsatisfied", score=3
    )

    receive(tenant, at(9, 1), "13700000004", kind="consultation", channel="web")
    # The first complaint's customer again, after it was closed: a new, linked ticket.
    receive(tenant, at(9, 2), "13700000001", fields={"amount": 100})
    # The unhappy customer again while the case is reopened: a reminder, no ticket.
    receive(tenant, at(9, 3), "13700000003", category="service", subject="还没处理好")
    # 23:30 in Shanghai on the quarter's last day is 15:30 UTC: still the quarter's.
    receive(tenant, at(9, 30, 23, 30), "13700000005", customer={"anonymous": True})
    # Just outside, on both sides.
    receive(tenant, at(6, 30, 23, 59), "13700000006")
    receive(tenant, at(10, 1, 0, 0), "13700000007")


def in_quarter(moment):
    return Q3.first <= moment.astimezone(SHANGHAI).date() <= Q3.last


def expected_figures():
    """The quarter's figures, counted ticket by ticket in Python."""
    tickets = [t for t in db.session.scalars(select(Ticket)) if in_quarter(t.created_at)]
    by = {
        dim: Counter(getattr(t, dim) or "" for t in tickets)
        for dim in ("kind", "channel", "channel_level", "tier", "category")
    }
    by["department"] = Counter(t.department.code if t.department else "" for t in tickets)
    outcomes: dict[str, Counter] = {}
    for t in db.session.scalars(select(Ticket)):
        for m in t.milestones:
            if not in_quarter(m.due_at) or (m.cancelled_at and not m.met_at):
                continue
            if m.breached_at or (m.met_at and m.met_at > m.due_at):
                outcome = "late"
            elif m.met_at:
                outcome = "on_time"
            elif m.paused_at is None and m.due_at <= BUILT:
                outcome = "late"
            else:
                outcome = "pending"
            outcomes.setdefault(m.name, Counter())[outcome] += 1
    events = [e for e in db.session.scalars(select(Event)) if in_quarter(e.at)]
    callbacks = [e.data["survey"] for e in events if e.type == "callback"]
    valid = sum(t.validity == "valid" for t in tickets)
    return {
        "tickets": len(tickets),
        "valid": valid,
        "validity_ratio": round(valid / len(tickets), 4),
        "by": {dim: dict(c) for dim, c in by.items()},
        "outcomes": {name: dict(c) for name, c in outcomes.items()},
        "repeats": sum(t.related_ticket_id is not None for t in tickets),
        "reminders": sum(e.type == "reminder" for e in events),
        "escalations": sum(e.type == "escalate" for e in events),
        "breaches": sum(
            1
            for t in db.session.scalars(select(Ticket))
            for m in t.milestones
            if m.breached_at and in_quarter(m.breached_at)
        ),
        "callbacks": len(callbacks),
        "satisfied": sum(c["attitude"] == "satisfied" for c in callbacks),
        "mean_score": sum(c["score"] for c in callbacks) / len(callbacks),
    }


def test_a_seeded_quarter_matches_the_figures_counted_independently(tenant, agent):
    seed_quarter(tenant, agent)
    figures = build_report(db.session, sectors(), tenant, Q3, BUILT)
    db.session.commit()
    want = expected_figures()

    totals = figures["totals"]
    assert totals["tickets"] == want["tickets"] == 6
    assert (totals["valid"], totals["validity_ratio"]) == (want["valid"], want["validity_ratio"])
    assert totals["invalid"] == 1
    assert figures["by"]["invalid_reason"] == {"anonymous": 1}
    for dim in ("kind", "channel", "channel_level", "tier", "category", "department"):
        assert figures["by"][dim] == want["by"][dim], dim
    assert figures["by"]["department"] == {"=SUM(A1)": 1, "": 5}
    for name, counts in want["outcomes"].items():
        got = figures["milestones"][name]
        assert {k: got[k] for k in counts} == counts, name
        assert sum(got[k] for k in ("on_time", "late", "pending")) == sum(counts.values())
    assert set(figures["milestones"]) == set(want["outcomes"])
    assert totals["repeats"] == want["repeats"] == 1
    assert totals["reminders"] == want["reminders"] == 1
    assert totals["escalations"] == want["escalations"] == 1
    assert totals["breaches"] == want["breaches"] > 0
    callbacks = figures["callbacks"]
    assert (callbacks["count"], callbacks["satisfied"]) == (want["callbacks"], want["satisfied"])
    assert callbacks["mean_score"] == want["mean_score"] == 6
    assert callbacks["satisfaction_rate"] == 0.5
    assert figures["top_causes"] == [{"key": "service", "count": 2, "share": 1.0}]
    # The previous quarter received the one ticket of 30 June.
    assert figures["previous_period"] == "2026-Q2"
    assert figures["change"]["tickets"] == {"current": 6, "previous": 1, "delta": 5, "ratio": 5.0}
    assert figures["complete"] is True and figures["sections"] == []


def test_a_ticket_at_2330_shanghai_on_the_last_day_belongs_to_that_day(tenant, agent):
    late_evening = at(9, 30, 23, 30)
    assert late_evening.astimezone(UTC).date() == date(2026, 9, 30)  # 15:30 UTC
    receive(tenant, late_evening, "13700000005")
    receive(tenant, at(10, 1, 0, 0), "13700000006")  # 16:00 UTC on 30 September

    last_day = build_report(db.session, sectors(), tenant, parse("daily", "2026-09-30"), BUILT)
    next_day = build_report(db.session, sectors(), tenant, parse("daily", "2026-10-01"), BUILT)
    quarter = build_report(db.session, sectors(), tenant, Q3, BUILT)

    assert last_day["totals"]["tickets"] == 1
    assert next_day["totals"]["tickets"] == 1
    assert quarter["totals"]["tickets"] == 1
    assert quarter["daily"][-1] == {"date": "2026-09-30", "tickets": 1}
    assert len(quarter["daily"]) == 92 and sum(d["tickets"] for d in quarter["daily"]) == 1


def test_periods_are_named_and_bounded_in_local_days():
    assert parse("weekly", "2026-W47").first == date(2026, 11, 16)
    assert parse("weekly", "2026-W53").key == "2026-W53"
    assert parse("monthly", "2026-02").last == date(2026, 2, 28)
    assert parse("quarterly", "2026-Q4").last == date(2026, 12, 31)
    assert parse("yearly", "2026").previous().key == "2025"
    assert parse("weekly", "2026-W01").previous().key == "2025-W52"
    assert containing("monthly", date(2026, 12, 9)).key == "2026-12"
    start, end = parse("daily", "2026-11-23").bounds("Asia/Shanghai")
    assert (start, end) == (
        datetime(2026, 11, 22, 16, tzinfo=UTC),
        datetime(2026, 11, 23, 16, tzinfo=UTC),
    )
    for kind, key in [
        ("quarterly", "2026-Q5"),
        ("monthly", "2026-13"),
        ("daily", "2026-02-30"),
        ("weekly", "2025-W53"),
        ("fortnightly", "2026"),
        ("yearly", "26"),
    ]:
        with pytest.raises(InvalidPeriod):
            parse(kind, key)


def count_reports():
    with tenant_scope(db.session, ALL_TENANTS):
        return db.session.scalar(select(func.count()).select_from(Report))


def test_rebuilding_a_report_keeps_one_row_with_the_latest_figures(tenant, agent):
    receive(tenant, at(8, 1), "13700000001")
    first = build_report(db.session, sectors(), tenant, Q3, BUILT)
    db.session.commit()
    receive(tenant, at(8, 2), "13700000002")
    again = build_report(db.session, sectors(), tenant, Q3, BUILT + timedelta(hours=1))
    db.session.commit()

    assert count_reports() == 1
    assert (first["totals"]["tickets"], again["totals"]["tickets"]) == (1, 2)
    report = stored(db.session, tenant.id, "quarterly", "2026-Q3")
    assert report is not None and report.figures == again
    assert report.created_at == BUILT + timedelta(hours=1)


def test_the_job_builds_current_and_just_finished_periods_once_per_slot(tenant, agent):
    other = make_tenant("other-co")
    receive(tenant, at(9, 30, 12), "13700000001")
    now = at(10, 1, 9).astimezone(UTC)

    first = run_once(db.session, "reports", 3600, build_reports, now)
    same_slot = run_once(db.session, "reports", 3600, build_reports, now + timedelta(minutes=5))
    assert first is not None and first.error is None and same_slot is None
    assert first.counts == {"tenants": 2, "reports_built": 20, "tenants_failed": 0}
    set_scope(db.session, tenant.id)
    periods = set(db.session.execute(select(Report.kind, Report.period)).all())
    assert periods == {
        ("daily", "2026-09-30"),
        ("daily", "2026-10-01"),
        ("weekly", "2026-W40"),
        ("weekly", "2026-W39"),
        ("monthly", "2026-09"),
        ("monthly", "2026-10"),
        ("quarterly", "2026-Q3"),
        ("quarterly", "2026-Q4"),
        ("yearly", "2025"),
        ("yearly", "2026"),
    }
    q3 = stored(db.session, tenant.id, "quarterly", "2026-Q3")
    assert q3 is not None and q3.figures["totals"]["tickets"] == 1

    # An hour later the finished periods are complete: only the current ones are rebuilt.
    set_scope(db.session, ALL_TENANTS)
    later = run_once(db.session, "reports", 3600, build_reports, now + timedelta(hours=1))
    assert later is not None and later.counts["reports_built"] == 10
    assert count_reports() == 20
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 2
    assert other.id != tenant.id
