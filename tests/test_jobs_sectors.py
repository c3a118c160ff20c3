"""Each built-in sector's default policy under the periodic review at a frozen clock:
the warning at the policy's share of a deadline, the breach at the deadline, the
escalation one level up the sector's chain, and the batch rule at its count."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from portal.extensions import db
from portal.plugins import sectors
from portal.policy.versions import active_version
from portal.tenancy import tenant_scope
from tests.conftest import make_tenant, make_user
from tests.jobs_kit import events, fresh, new_ticket, outbox, review_at

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MINUTE = timedelta(minutes=1)

#: Per sector: the fields of an ordinary complaint, and those its batch rule compares.
COMPLAINTS: dict[str, dict[str, Any]] = {
    "telecom": {
        "category": "billing",
        "fields": {
            "service_number": "13900000000",
            "business_line": "mobile",
            "area": "urban",
        },
    },
    "banking": {"category": "service", "fields": {"product": "deposit", "branch": "鼓楼支行"}},
    "retail": {
        "category": "service_attitude",
        "fields": {"store": "新街口店", "request": "apology"},
    },
    "property": {"fields": {"estate": "翠苑", "service_line": "cleaning"}},
}


@pytest.fixture(params=sorted(COMPLAINTS))
def sector(request, app):
    return request.param


@pytest.fixture
def tenant(sector):
    tenant = make_tenant(f"demo-{sector}", sector=sector)
    make_user(tenant, "supervisor")
    return tenant


def document(tenant) -> dict[str, Any]:
    with tenant_scope(db.session, tenant.id):
        return active_version(db.session, tenant).document


def complaint(tenant, sector: str, at: datetime, n: int = 0):
    body = COMPLAINTS[sector]
    channel = document(tenant)["channels"][0]["key"]
    fields = dict(body["fields"])
    return new_ticket(
        tenant,
        at,
        phone=f"1370000{n:04d}",
        channel=channel,
        category=body.get("category"),
        fields=fields,
        occurred_at=at.isoformat(),
    )


def test_the_default_policy_fires_each_rule_exactly_when_it_says(tenant, sector):
    assert sector in sectors().loaded()
    ticket = complaint(tenant, sector, T0)
    assert ticket.validity == "valid", ticket.validity_reasons
    policy = document(tenant)
    first = min(fresh(ticket).milestones, key=lambda m: m.due_at)
    share = policy["warn_at_share"]
    warn_at = first.started_at + (first.due_at - first.started_at) * share

    assert review_at(warn_at - MINUTE)["milestones_at_risk"] == 0
    assert review_at(warn_at + MINUTE)["milestones_at_risk"] >= 1
    assert review_at(first.due_at - MINUTE)["milestones_breached"] == 0
    counts = review_at(first.due_at)
    assert counts["milestones_breached"] >= 1 and counts["escalated"] == 1

    chain = policy["escalation_chain"]
    (event,) = events("escalate", ticket)
    assert event.data["level"] == chain[0]["key"] and event.at == first.due_at
    assert fresh(ticket).escalation_level == 1
    assert len(outbox("escalate")) == 1  # the tenant's one supervisor
    assert review_at(first.due_at + MINUTE)["escalated"] == 0


def test_the_default_batch_rule_groups_at_its_count(tenant, sector):
    rule = document(tenant)["batch"]
    for n in range(rule["at_least"] - 1):
        complaint(tenant, sector, T0 + timedelta(minutes=n), n)
    assert review_at(T0 + timedelta(hours=1))["batches_announced"] == 0
    complaint(tenant, sector, T0 + timedelta(hours=rule["within_hours"] - 1), 99)
    counts = review_at(T0 + timedelta(hours=rule["within_hours"] - 1, minutes=1))
    assert (counts["batched_tickets"], counts["batches_announced"]) == (rule["at_least"], 1)
    assert len(outbox("batch")) == 1
