"""The periodic independent review (2007 notice art 2: complaints are checked by a
department independent of the matter): each period, a share of the closed complaints
is sampled into a review queue for auditors of a department that did not handle them.

The policy's ``independent_review`` names the share, the period and the reviewing
department. After each period ends the sector's job samples it: of the tickets closed
in the period and not handled by the reviewing department, ``ceil(share x count)`` get
one ``review_sampled`` event naming the period and the department; auditors find their
queue by that event. The pick is a fixed hash of the ticket's id and the period, so a
rerun picks the same tickets, and a ticket closed late into the period only tops the
sample up to its share.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import ColumnElement, exists, func, literal_column, or_, select

from portal.database import DbSession
from portal.hookspecs import SectorJob
from portal.jobs.sql import as_json, hash_text, insert_events, lock_tenant
from portal.models import Department, Event, PolicyVersion, Tenant, Ticket
from portal.reports.periods import containing, local_today
from portal.workflow.intake import reasons_locale
from portal.workflow.states import Status

JOB = "review_sample"
EVENT = "review_sampled"
# Sectors carry their texts in both languages (the core's catalog is the core's).
_NOTE = {
    "en": "Sampled for the independent review of {period}.",
    "zh": "已抽入 {period} 独立审查样本。",
}
#: Daily: a period is sampled on the day after it ends (and topped up after that).
INTERVAL_SECONDS = 86400


class IndependentReview(BaseModel):
    """The policy's ``independent_review`` section."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    share: Annotated[float, Field(gt=0, le=1, strict=False)]
    period: Literal["monthly", "quarterly"] = "quarterly"
    department: Annotated[str, StringConstraints(min_length=1, max_length=63)]
    kinds: list[Literal["complaint", "appeal"]] = ["complaint", "appeal"]


def _pick_order(ticket_id: Any, seed: int) -> ColumnElement[Any]:
    """A fixed pseudo-random order (Knuth's multiplicative hash), the same on both
    databases; integer constants inline so PostgreSQL multiplies in bigint."""
    knuth: ColumnElement[int] = literal_column("2654435761")
    modulus: ColumnElement[int] = literal_column("4294967296")
    return ((ticket_id + literal_column(str(seed))) * knuth) % modulus


def _sample_tenant(session: DbSession, tenant: Tenant, now: datetime) -> int:
    version = session.get(PolicyVersion, tenant.active_policy_version_id)
    rule = version.document.get("independent_review") if version is not None else None
    if not rule:
        return 0
    settings = IndependentReview.model_validate(rule)
    reviewer = session.scalar(
        select(Department.id).where(
            Department.tenant_id == tenant.id, Department.code == settings.department
        )
    )
    if reviewer is None:
        return 0
    period = containing(settings.period, local_today(now, tenant.timezone)).previous()
    start, end = period.bounds(tenant.timezone)
    closed = [
        Ticket.tenant_id == tenant.id,
        Ticket.kind.in_(settings.kinds),
        Ticket.status == Status.CLOSED,
        Ticket.closed_at >= start,
        Ticket.closed_at < end,
        or_(Ticket.department_id.is_(None), Ticket.department_id != reviewer),
    ]
    sampled = exists().where(
        Event.ticket_id == Ticket.id,
        Event.type == EVENT,
        Event.data["period"].as_string() == period.key,
    )
    total, already = session.execute(
        select(func.count(), func.count().filter(sampled)).where(*closed)
    ).one()
    wanted = math.ceil(settings.share * total) - already
    if wanted <= 0:
        return 0
    text = _NOTE[reasons_locale(tenant)].format(period=period.key)
    picks = (
        select(Ticket)
        .where(*closed, ~sampled)
        .order_by(_pick_order(Ticket.id, hash_text(period.key)), Ticket.id)
        .limit(wanted)
    )
    data = {"text": text, "period": period.key, "department": settings.department}
    return len(insert_events(session, picks, EVENT, now, as_json(data)))


def sample_for_review(session: DbSession, tenant_ids: list[int], now: datetime) -> dict[str, int]:
    """The job's body: each tenant in its own transaction, under a per-tenant lock."""
    sampled = 0
    for tenant_id in tenant_ids:
        if lock_tenant(session, f"banking.{JOB}", tenant_id):
            tenant = session.get(Tenant, tenant_id)
            assert tenant is not None
            sampled += _sample_tenant(session, tenant, now)
        session.commit()
    return {"tickets_sampled": sampled}


REVIEW_SAMPLE = SectorJob(key=JOB, interval_seconds=INTERVAL_SECONDS, body=sample_for_review)
