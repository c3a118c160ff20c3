"""The police alert (seed 000 §Ⅷ art 3 item 4): a customer threatening staff, property or
the business is reported to the police (110) and to the store's manager at once.

The portal cannot call the police; it puts the duty in front of the people who must act.
The ticket page's guidance tells the agent to call 110, and this job, run every minute,
raises an ``escalate`` event on every open ticket flagged ``threat_to_staff`` that has
had no alert yet, and sends the supervisors the escalation notice, whose reason says
what to do. Once per ticket: the event is the mark a rerun looks for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, select

from portal.database import DbSession
from portal.hookspecs import SectorJob
from portal.jobs.sql import as_json, insert_events, lock_tenant
from portal.models import Event, Tenant, Ticket
from portal.notifications.queue import queue_for_events
from portal.notifications.recipients import Notice
from portal.workflow.intake import reasons_locale
from portal.workflow.states import FINISHED

JOB = "threat_alert"
FLAG = "threat_to_staff"
TRIGGER = "threat"
_REASON = {
    "zh": "顾客威胁员工、财产或经营安全：立即报警（110）并通知门店经理"
    "（零售业顾客投诉管理 八、3、4）",
    "en": "The customer threatens staff, property or the business: call the police (110) "
    "and tell the store manager at once (seed 000 §Ⅷ art 3 item 4).",
}


def _unalerted(tenant_id: int) -> Select[Any]:
    alerted = exists().where(
        Event.ticket_id == Ticket.id,
        Event.type == "escalate",
        Event.data["trigger"].as_string() == TRIGGER,
    )
    return select(Ticket).where(
        Ticket.tenant_id == tenant_id,
        Ticket.status.not_in(list(FINISHED)),
        Ticket.fields[FLAG].as_boolean().is_(True),
        ~alerted,
    )


def alert_threats(session: DbSession, tenant_ids: list[int], now: datetime) -> dict[str, int]:
    """The job's body: per tenant, under its lock, one INSERT ... SELECT of events and
    their notices, in one transaction."""
    alerted = 0
    for tenant_id in tenant_ids:
        if lock_tenant(session, f"retail.{JOB}", tenant_id):
            tenant = session.get(Tenant, tenant_id)
            assert tenant is not None
            data = as_json({"reason": _REASON[reasons_locale(tenant)], "trigger": TRIGGER})
            events = insert_events(session, _unalerted(tenant_id), "escalate", now, data)
            queue_for_events(session, Notice.ESCALATE, events)
            alerted += len(events)
        session.commit()
    return {"threats_alerted": alerted}


THREAT_ALERT = SectorJob(key=JOB, interval_seconds=60, body=alert_threats)
