"""The policy engine through the database: intake, versions, simulation, calendars.

Tenants use the test sector in tests/plugins/sample.py, whose rules are fixed here.
"""

import copy
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import (
    AuditEntry,
    CalendarDay,
    CalendarYear,
    Milestone,
    PolicyVersion,
    Ticket,
    TicketCounter,
)
from portal.plugins import sectors
from portal.policy.calendars import ensure_years, import_schedule
from portal.policy.document import PolicyInvalid
from portal.policy.engine import build_policy
from portal.policy.simulation import apply_policy, simulate
from portal.policy.versions import activate, active_version, rollback, save_version
from portal.tenancy import tenant_scope
from portal.validation import InvalidInput
from portal.workflow.intake import TicketIn, open_ticket
from tests.conftest import make_tenant
from tests.plugins.sample import POLICY

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_28_SEPT = datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)


def local_midnight(y, m, d):
    return datetime(y, m, d, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def tenant(app):
    tenant = make_tenant("estate")
    with tenant_scope(db.session, tenant.id):
        yield tenant


def ticket_in(**overrides):
    body = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "水管爆裂",
        "customer": {"name": "王女士", "phone": "13900000001"},
    }
    body.update(overrides)
    return TicketIn.model_validate(body)


def open_(tenant, now=MONDAY_28_SEPT, **overrides):
    ticket = open_ticket(db.session, sectors(), tenant, ticket_in(**overrides), now=now)
    db.session.commit()
    return ticket


def dues(ticket):
    return {m.name: m.due_at for m in ticket.milestones}


def test_a_large_loss_is_major_with_its_reason_and_deadlines(tenant):
    ticket = open_(tenant, fields={"amount": 6000})
    assert (ticket.tier, ticket.validity, ticket.channel_level) == ("major", "valid", "site")
    assert ticket.classification_reasons == ["amount >= 5000"]
    assert ticket.number.startswith("ESTATE-202609-")
    # reply: 2 calendar days -> end of Wed 30 Sept. resolve: 15 working days skip the
    # National Day holiday (1-7 Oct) and count Saturday 10 Oct (调休) -> end of Fri 23 Oct.
    assert dues(ticket) == {
        "reply": local_midnight(2026, 10, 1),
        "resolve": local_midnight(2026, 10, 24),
    }
    assert ticket.next_due_at == local_midnight(2026, 10, 1)
    assert ticket.policy_version_id == active_version(db.session, tenant).id
    assert [e.type for e in ticket.events] == ["created"]
    assert ticket.events[0].data["reasons"] == ["amount >= 5000"]


def test_4999_is_not_major(tenant):
    assert open_(tenant, fields={"amount": 4999}).tier == "minor"


def test_an_anonymous_complaint_is_invalid_with_its_reason_code(tenant):
    ticket = open_(tenant, customer={"anonymous": True})
    assert (ticket.validity, ticket.validity_reasons) == ("invalid", ["anonymous"])


def test_reasons_follow_the_tenants_language(app):
    english = make_tenant("estate-en", locale="en")
    with tenant_scope(db.session, english.id):
        ticket = open_(english, customer={"anonymous": True})
    assert ticket.classification_reasons[0].startswith("invalid (Anonymous)")


def test_the_third_complaint_within_30_days_is_major(tenant):
    first = open_(tenant, now=MONDAY_28_SEPT)
    second = open_(tenant, now=MONDAY_28_SEPT + timedelta(days=10))
    third = open_(tenant, now=MONDAY_28_SEPT + timedelta(days=20))
    assert [first.tier, second.tier, third.tier] == ["minor", "minor", "major"]
    assert first.customer_id == second.customer_id == third.customer_id


def test_a_requested_deadline_may_only_shorten_the_default(tenant):
    sooner = MONDAY_28_SEPT + timedelta(hours=5)
    later = MONDAY_28_SEPT + timedelta(days=9)
    assert dues(open_(tenant, requested_due_at=sooner.isoformat()))["resolve"] == sooner
    default_end = local_midnight(2026, 10, 1)  # 2 calendar days
    assert dues(open_(tenant, requested_due_at=later.isoformat()))["resolve"] == default_end


def test_bad_input_lists_every_problem_and_writes_nothing(tenant):
    with pytest.raises(InvalidInput) as caught:
        open_(
            tenant,
            kind="fault",
            channel="fax",
            category="noise",
            fields={"amount": -1, "colour": "red"},
            requested_due_at="2020-01-01T00:00:00+08:00",
        )
    assert set(caught.value.problems) == {
        "kind",
        "channel",
        "category",
        "fields.amount",
        "fields.colour",
        "requested_due_at",
    }
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    assert db.session.scalar(select(func.count()).select_from(TicketCounter)) == 0


def test_an_unknown_related_ticket_is_refused(tenant):
    with pytest.raises(InvalidInput, match="related_ticket"):
        open_(tenant, related_ticket="ESTATE-202609-999999")


def important_in(days: int):
    draft = copy.deepcopy(POLICY)
    draft["tiers"][1]["milestones"][1]["duration"]["amount"] = days
    return draft


def test_saving_an_invalid_policy_lists_every_problem_and_saves_nothing(tenant):
    draft = copy.deepcopy(POLICY)
    draft["default_tier"] = "nonexistent"
    draft["tiers"][0]["milestones"][0]["duration"]["unit"] = "fortnights"
    before = db.session.scalar(select(func.count()).select_from(PolicyVersion))
    with pytest.raises(PolicyInvalid) as caught:
        save_version(db.session, tenant, draft, registry=sectors(), comment="oops")
    paths = {p.path for p in caught.value.problems}
    assert "default_tier" in paths
    assert "tiers[0].milestones[0].duration.unit" in paths
    assert db.session.scalar(select(func.count()).select_from(PolicyVersion)) == before


def test_a_new_version_applies_to_new_tickets_only_and_rollback_restores(tenant):
    old = open_(tenant, fields={"company_fault": True})
    # 3 days: day 3 is 1 Oct, a holiday, so the period runs to the end of Thu 8 Oct.
    assert dues(old)["resolve"] == local_midnight(2026, 10, 9)
    v1 = active_version(db.session, tenant)

    v2 = save_version(db.session, tenant, important_in(2), registry=sectors(), comment="faster")
    assert active_version(db.session, tenant).id == v1.id  # a save is only a draft
    activate(db.session, tenant, v2)
    db.session.commit()
    new = open_(tenant, fields={"company_fault": True})
    assert new.policy_version_id == v2.id
    assert dues(new)["resolve"] == local_midnight(2026, 10, 1)  # 2 days: end of Wed 30 Sept
    db.session.expire_all()
    assert db.session.get(Ticket, old.id).policy_version_id == v1.id
    assert dues(db.session.get(Ticket, old.id))["resolve"] == local_midnight(2026, 10, 9)

    v3 = rollback(db.session, tenant, v1, registry=sectors())
    db.session.commit()
    assert (v3.number, v3.document) == (3, v1.document)
    assert active_version(db.session, tenant).id == v3.id
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["create", "activate", "create", "activate", "create", "activate"]


def test_simulation_reports_changes_and_writes_nothing(tenant):
    important = open_(tenant, fields={"company_fault": True})
    major = open_(tenant, fields={"amount": 9000})
    now = MONDAY_28_SEPT + timedelta(days=2, hours=16)  # Thu 1 Oct 02:00

    result = simulate(
        db.session, sectors(), tenant, build_policy(sectors(), "sample", important_in(2)), now=now
    )
    db.session.commit()

    assert result.examined == 2
    assert result.tier_changes == 0 and result.due_changes == 1
    [change] = result.changes
    assert change.number == important.number
    assert change.due_before["resolve"] == local_midnight(2026, 10, 9)
    assert change.due_after["resolve"] == local_midnight(2026, 10, 1)
    assert result.would_breach == [important.number]  # its new due time has passed
    db.session.expire_all()
    assert dues(db.session.get(Ticket, important.id))["resolve"] == local_midnight(2026, 10, 9)
    assert db.session.get(Ticket, major.id).version == 1


def test_applying_a_version_reclassifies_open_tickets_with_an_event(tenant):
    ticket = open_(tenant, fields={"amount": 4000})
    draft = copy.deepcopy(POLICY)
    draft["tiers"][0]["when"]["any"][0]["value"] = 3000  # major from 3,000 yuan
    version = save_version(db.session, tenant, draft, registry=sectors(), comment="stricter")
    activate(db.session, tenant, version)
    assert db.session.get(Ticket, ticket.id).tier == "minor"  # activation rewrites nothing

    result = apply_policy(db.session, sectors(), tenant, version, now=MONDAY_28_SEPT)
    db.session.commit()

    assert (result.examined, len(result.changes)) == (1, 1)
    db.session.expire_all()
    changed = db.session.get(Ticket, ticket.id)
    assert (changed.tier, changed.policy_version_id) == ("major", version.id)
    assert set(dues(changed)) == {"reply", "resolve"}
    assert changed.next_due_at == local_midnight(2026, 10, 1)
    assert changed.events[-1].type == "policy_applied"
    assert changed.events[-1].data["tier"] == ["minor", "major"]


def test_a_deadline_into_an_unpublished_year_is_provisional_until_it_is_imported(tenant):
    # 15 working days from Mon 21 Dec 2026 reach into 2027, whose schedule is unknown.
    ticket = open_(
        tenant, now=datetime(2026, 12, 21, 10, 0, tzinfo=SHANGHAI), fields={"amount": 8000}
    )
    resolve = next(m for m in ticket.milestones if m.name == "resolve")
    assert resolve.provisional is True
    before = resolve.due_at

    year, recomputed = import_schedule(
        db.session,
        {
            "year": 2027,
            "holidays": {"2027-01-01": "元旦", "2027-01-04": "元旦（补）", "2027-01-05": "测试"},
            "working_days": ["2027-01-09"],
            "source": "test schedule",
        },
    )
    db.session.commit()

    assert (year, recomputed) == (2027, 1)
    db.session.expire_all()
    resolve = db.session.get(Milestone, resolve.id)
    assert resolve.provisional is False
    # Two extra rest days (4, 5 Jan) and one make-up Saturday (9 Jan): a day later.
    assert resolve.due_at == before + timedelta(days=1)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"year": 2027, "holidays": {"2028-01-01": "x"}, "working_days": []}, "outside 2027"),
        ({"year": 2027, "holidays": {"2027-13-01": "x"}, "working_days": []}, "date"),
        ({"year": 2027, "holidays": {}, "working_days": [], "extra": 1}, "Extra inputs"),
        ({"year": "soon", "holidays": {}, "working_days": []}, "integer"),
    ],
)
def test_a_bad_schedule_is_refused_and_changes_nothing(tenant, payload, problem):
    with pytest.raises(InvalidInput, match=problem):
        import_schedule(db.session, payload)
    db.session.rollback()
    stored = db.session.get(CalendarYear, 2027)
    assert stored is None or stored.status == "provisional"


@pytest.mark.parametrize("moment", ["0001-01-01T00:30:00+08:00", "9999-12-31T23:59:00-08:00"])
def test_impossible_dates_are_refused_not_crashed(tenant, moment):
    with pytest.raises(ValidationError, match="between 1970 and 2200"):
        ticket_in(occurred_at=moment)


def test_two_first_requests_seeding_the_same_year_do_not_collide(app):
    engine = db.engine
    errors = []

    def seed():
        with Session(engine) as session:
            try:
                ensure_years(session, range(2031, 2032))
                session.commit()
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=seed) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert (
        db.session.scalar(
            select(func.count()).select_from(CalendarDay).where(CalendarDay.year == 2031)
        )
        > 0
    )
