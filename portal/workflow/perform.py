"""Taking an action on a ticket: check, apply, record, and move the clocks.

Every action checks the actor's role, the ticket's state, its input and the sector's
guard, and only then changes anything; a refusal says why and changes nothing. Each
successful action writes exactly one event to the ticket's timeline (``link_repeat``
also notes the link on the earlier ticket's), meets the milestones it meets, starts
the ones it starts, and pauses or resumes the pausable ones.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal.database import DbSession
from portal.models import Department, Event, Milestone, Tenant, Ticket, User
from portal.plugins import SectorRegistry
from portal.policy.calendars import tenant_calendar
from portal.policy.engine import (
    Policy,
    callback_due,
    plan_milestones,
    policy_of,
    recompute_due,
)
from portal.policy.simulation import replan, write_plan
from portal.policy.versions import ticket_version
from portal.tenancy import get_in_scope
from portal.validation import InvalidInput
from portal.workflow import extensions, payloads
from portal.workflow.actions import ACTIONS, CUSTOMER, STAFF, Action, ActionRefused
from portal.workflow.intake import reasons_locale, ticket_by_number
from portal.workflow.states import FINISHED, STATUS_LABELS, Status


class TicketConflict(ActionRefused):
    """Someone else changed the ticket since the actor loaded it."""

    status = 409


def perform(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    ticket: Ticket,
    name: str,
    actor: User | None,
    payload: dict[str, Any],
    *,
    now: datetime,
    expected_version: int | None = None,
) -> Event:
    """Take action ``name`` on ``ticket`` as ``actor`` (None: the customer, on the
    customer pages), or raise ActionRefused / TicketConflict / InvalidInput having
    changed nothing."""
    action = ACTIONS.get(name)
    if action is None:
        raise ActionRefused(
            "unknown_action", _("There is no action %(name)s.", name=name), status=404
        )
    if expected_version is not None and expected_version != ticket.version:
        raise _conflict()
    role = actor.role if actor is not None else CUSTOMER
    if role not in action.roles:
        raise ActionRefused(
            "forbidden", _("Your role may not %(action)s.", action=action.label), status=403
        )
    if ticket.status not in action.sources:
        raise ActionRefused(
            "not_now",
            _(
                "%(action)s is not possible while the ticket is %(status)s.",
                action=action.label,
                status=STATUS_LABELS[Status(ticket.status)],
            ),
        )
    try:
        data = payloads.PAYLOADS[name].model_validate(payload)
    except ValidationError as exc:
        raise InvalidInput(
            {".".join(map(str, e["loc"])) or "body": e["msg"] for e in exc.errors()}
        ) from None
    policy = policy_of(registry, ticket_version(session, ticket))
    assignee_id = getattr(data, "assignee_id", None)
    objections = registry.call(
        tenant.sector,
        "sector_action_guard",
        ticket=ticket,
        action=name,
        actor_role=str(role),
        data=data.model_dump(),
        assignee=get_in_scope(session, User, assignee_id) if assignee_id else None,
        document=policy.document,
        locale=reasons_locale(tenant),
    )
    if objections:
        raise ActionRefused("sector_rule", " ".join(objections))

    # No autoflush while the ticket is half changed: a stale ticket must fail at the
    # one flush below, as a conflict, not in some lazy load along the way.
    with session.no_autoflush:
        before = ticket.status
        details = _EFFECTS.get(name, _no_effect)(session, tenant, policy, ticket, actor, data, now)
        target = details.pop("_target", action.target)
        if target is not None and target != before:
            ticket.status = target
            # Each resolution is reminded once; any other move cancels a pending reminder.
            resolved = target == Status.RESOLVED
            ticket.callback_due_at = callback_due(policy.document, now) if resolved else None
        # A confirmation meets the milestones waiting for its party ("confirm:regulator").
        meets = {f"confirm:{details['party']}"} if name == "confirm" else {name}
        _move_clocks(session, registry, tenant, policy, ticket, action, meets, now)
        if ticket.status in FINISHED:
            ticket.closed_at = now
        ticket.updated_at = now
        event = Event(
            type=name,
            at=now,
            actor_id=actor.id if actor is not None else None,
            public=action.public,
            data={"from": before, "to": ticket.status, **details},
        )
        ticket.events.append(event)
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise _conflict() from None
    return event


def _conflict() -> TicketConflict:
    return TicketConflict(
        "conflict",
        _("Someone else changed this ticket a moment ago. Reload it and try again."),
    )


# --- what each action does besides its state change ------------------------------------

Effect = dict[str, Any]


def _no_effect(*_args: Any) -> Effect:
    return {}


def _tier_key(policy: Policy, tier: str) -> str:
    if tier not in {t.key for t in policy.document.tiers}:
        raise InvalidInput({"tier": f"one of {', '.join(t.key for t in policy.document.tiers)}"})
    return tier


def _retier(
    session: DbSession, tenant: Tenant, policy: Policy, ticket: Ticket, tier: str, now: datetime
) -> Effect:
    before = ticket.tier
    ticket.tier = tier
    write_plan(ticket, replan(session, tenant, policy, ticket, tier), now)
    return {"tier": [before, tier]}


def _accept(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.Accept,
    now: datetime,
) -> Effect:
    if ticket.first_responder_id is None:
        ticket.first_responder_id = actor.id  # 首问负责: the first to take it owns it
    if data.tier is None or data.tier == ticket.tier:
        return {"classification": "confirmed"}
    if not data.reason:
        raise InvalidInput({"reason": "say why the classification is overridden"})
    _tier_key(policy, data.tier)
    return {**_retier(session, tenant, policy, ticket, data.tier, now), "reason": data.reason}


def _reclassify(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.Reclassify,
    now: datetime,
) -> Effect:
    _tier_key(policy, data.tier)
    return {**_retier(session, tenant, policy, ticket, data.tier, now), "reason": data.reason}


def _assign(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.Assign,
    now: datetime,
) -> Effect:
    if data.department_id is None and data.assignee_id is None:
        raise InvalidInput({"assignee_id": "name a department, a person, or both"})
    department = assignee = None
    if data.department_id is not None:
        department = get_in_scope(session, Department, data.department_id)
        if department is None:
            raise InvalidInput({"department_id": "no such department"})
    if data.assignee_id is not None:
        assignee = get_in_scope(session, User, data.assignee_id)
        if assignee is None or not assignee.active or assignee.role not in STAFF:
            raise InvalidInput({"assignee_id": "no such active agent in this organisation"})
    effect: Effect = {}
    if department is not None:
        ticket.department_id = department.id
        effect["department"] = department.code
    if assignee is not None:
        ticket.assignee_id = assignee.id
        effect["assignee"] = assignee.display_name
    if ticket.first_responder_id is None:
        ticket.first_responder_id = actor.id
    return effect


def _text(field: str) -> Callable[..., Effect]:
    """An action whose only effect is to record one of its inputs on the event."""

    def effect(*args: Any) -> Effect:
        data = args[5]
        return {field: getattr(data, field)}

    return effect


def _callback(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.Callback,
    now: datetime,
) -> Effect:
    survey = data.model_dump()
    # An unsatisfied customer reopens the case (12345 hotline practice, sector-rules.md).
    if not data.solved or data.attitude == "unsatisfied":
        return {"survey": survey, "_target": Status.REOPENED}
    return {"survey": survey}


def _invalidate(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.Invalidate,
    now: datetime,
) -> Effect:
    reasons = {r.key for r in policy.document.validity_reasons}
    if data.reason not in reasons:
        raise InvalidInput({"reason": f"one of {', '.join(sorted(reasons)) or '(none defined)'}"})
    ticket.validity = "invalid"
    ticket.validity_reasons = [data.reason]
    return {"reason": data.reason, "comment": data.comment}


def _escalate(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.Reason,
    now: datetime,
) -> Effect:
    chain = policy.document.escalation_chain
    if ticket.escalation_level >= len(chain):
        raise ActionRefused(
            "top_of_chain", _("The ticket is already at the top of the escalation chain.")
        )
    level = chain[ticket.escalation_level]
    ticket.escalation_level += 1
    effect: Effect = {"reason": data.reason, "level": level.key}
    if level.department:
        department = session.scalar(select(Department).where(Department.code == level.department))
        if department is not None:
            ticket.department_id = department.id
            effect["department"] = department.code
    ticket.assignee_id = None
    return effect


def _link_repeat(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.LinkRepeat,
    now: datetime,
) -> Effect:
    """Mark the ticket as a repeat of an earlier one (重复投诉); the earlier one's
    timeline says so too."""
    earlier = ticket_by_number(session, tenant, data.related_ticket)
    if earlier is None:
        raise InvalidInput({"related_ticket": f"no ticket {data.related_ticket}"})
    # Only backwards in time, so links never form a loop.
    if earlier.created_at >= ticket.created_at:
        raise ActionRefused("not_earlier", _("A ticket can only repeat a ticket opened before it."))
    if ticket.related_ticket_id == earlier.id:
        raise ActionRefused(
            "already_linked",
            _("This ticket is already linked to %(number)s.", number=earlier.number),
        )
    previous = (
        get_in_scope(session, Ticket, ticket.related_ticket_id)
        if ticket.related_ticket_id is not None
        else None
    )
    ticket.related_ticket_id = earlier.id
    earlier.events.append(
        Event(type="repeated_by", at=now, actor_id=actor.id, data={"ticket": ticket.number})
    )
    earlier.updated_at = now
    return {"related_ticket": [previous.number if previous else None, earlier.number]}


def _confirm(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.Confirm,
    now: datetime,
) -> Effect:
    # Which parties exist, and what waits for them, is the sector's (its action guard).
    return {"party": data.party, "note": data.note}


_EFFECTS: dict[str, Callable[..., Effect]] = {
    "accept": _accept,
    "reclassify": _reclassify,
    "assign": _assign,
    "note": _text("text"),
    "link_repeat": _link_repeat,
    "confirm": _confirm,
    "new_facts": _text("text"),
    "wait_customer": _text("reason"),
    "reply": _text("message"),
    "resolve": _text("summary"),
    "callback": _callback,
    "invalidate": _invalidate,
    "reopen": _text("reason"),
    "escalate": _escalate,
    "extend": extensions.request,
    "approve_extension": extensions.approve,
    "refuse_extension": extensions.refuse,
    "appeal": _text("reason"),
    "rate": _text("score"),
}


# --- clocks -----------------------------------------------------------------------------


def _move_clocks(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    action: Action,
    meets: set[str],
    now: datetime,
) -> None:
    running = [m for m in ticket.milestones if m.met_at is None and m.cancelled_at is None]
    for milestone in running:
        if meets.intersection(milestone.rule.get("met_by", ())):
            milestone.met_at = now
    if action.name == "new_facts":
        calendar = tenant_calendar(
            session, tenant, now.astimezone(ZoneInfo(tenant.timezone)).date()
        )
        for milestone in running:
            if milestone.rule.get("restart_on_new_facts"):
                _restart(milestone, calendar, ticket, now)
    if action.name == "wait_customer":
        for milestone in running:
            if milestone.rule.get("pausable") and milestone.paused_at is None:
                milestone.paused_at = now
    if action.name == "resume":
        calendar = tenant_calendar(
            session, tenant, now.astimezone(ZoneInfo(tenant.timezone)).date()
        )
        for milestone in running:
            if milestone.paused_at is not None:
                _resume(milestone, calendar, ticket, now)
    if action.starts:
        _start(session, tenant, policy, ticket, action.starts, now)
    if ticket.status in FINISHED:
        for milestone in running:
            if milestone.met_at is None:
                milestone.cancelled_at = now
    open_dues = [m.due_at for m in ticket.milestones if m.met_at is None and m.cancelled_at is None]
    ticket.next_due_at = min(open_dues, default=None)


def _resume(milestone: Milestone, calendar: Any, ticket: Ticket, now: datetime) -> None:
    assert milestone.paused_at is not None
    milestone.pauses = [
        *milestone.pauses,
        [milestone.paused_at.astimezone(UTC).isoformat(), now.astimezone(UTC).isoformat()],
    ]
    milestone.paused_at = None
    milestone.due_at, milestone.provisional = recompute_due(
        milestone, calendar, ticket.requested_due_at
    )


def _restart(milestone: Milestone, calendar: Any, ticket: Ticket, now: datetime) -> None:
    """Count the milestone again from ``now``: earlier pauses, warnings and breaches
    belong to the clock that stopped (the timeline keeps them)."""
    milestone.started_at, milestone.pauses = now, []
    milestone.paused_at = milestone.warned_at = milestone.breached_at = None
    milestone.due_at, milestone.provisional = recompute_due(
        milestone, calendar, ticket.requested_due_at
    )


def _start(
    session: DbSession, tenant: Tenant, policy: Policy, ticket: Ticket, start: str, now: datetime
) -> None:
    """Start the milestones the ticket's tier sets at ``start``; a milestone that ran
    before (a reopened case resolved again) runs anew."""
    calendar = tenant_calendar(session, tenant, now.astimezone(ZoneInfo(tenant.timezone)).date())
    by_name = {m.name: m for m in ticket.milestones}
    for planned in plan_milestones(
        policy.document,
        ticket.tier or policy.document.default_tier,
        ticket.kind,
        start,
        now,
        calendar,
        ticket.requested_due_at,
    ):
        existing = by_name.get(planned.name)
        if existing is None:
            ticket.milestones.append(
                Milestone(
                    name=planned.name,
                    started_at=now,
                    due_at=planned.due_at,
                    provisional=planned.provisional,
                    rule=planned.rule,
                )
            )
        elif existing.met_at is not None or existing.cancelled_at is not None:
            existing.started_at, existing.due_at = now, planned.due_at
            existing.provisional, existing.rule, existing.pauses = (
                planned.provisional,
                planned.rule,
                [],
            )
            existing.met_at = existing.cancelled_at = existing.breached_at = existing.warned_at = (
                None
            )
