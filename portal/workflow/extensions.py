"""Deadline extensions (延期): staff ask, the approver the ticket's tier names decides.

A request is nothing but its ``extend`` event. The *pending* request of a milestone is
derived from the timeline: the latest ``extend`` event for that milestone since the
milestone (re)started, unless an ``approve_extension`` or ``refuse_extension`` event for
it came later. No column holds it, so the timeline and the state cannot disagree.

An approved extension moves the milestone's due time and is added to its stored rule
(``rule["extensions"]``, the durations in the order they were granted), so recomputing
the due time from the rule, as resuming after a pause does, keeps it. Reclassifying
replans the deadlines under the new tier's rules, without earlier extensions.

The tier's ``extension.max`` bounds the whole move of a deadline, all its extensions
together: the latest due time allowed is the milestone's due time without extensions
plus ``max``, counted on the tenant's calendar. Otherwise a chain of requests, each
within ``max``, would move a deadline without limit.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.database import DbSession
from portal.models import Event, Milestone, Role, Tenant, Ticket, User
from portal.policy.calendar import OutsideCalendarError, WorkingCalendar
from portal.policy.calendars import tenant_calendar
from portal.policy.deadlines import Duration, Unit
from portal.policy.document import Extension
from portal.policy.engine import EXTENSIONS, Policy, due_without_extensions, extended_due
from portal.validation import InvalidInput
from portal.workflow import payloads
from portal.workflow.actions import ActionRefused
from portal.workflow.intake import reasons_locale

#: Where a milestone's rule keeps the extensions granted to it.
REQUEST = "extend"
DECISIONS = frozenset({"approve_extension", "refuse_extension"})
#: The roles a user can hold that may approve. A tier naming any other role (a sector's
#: senior_manager or general_manager, which no user of the portal can hold, or a role
#: that handles or only reads tickets) leaves the decision to the tenant admin.
APPROVER_LABELS = {Role.SUPERVISOR: _l("supervisor"), Role.TENANT_ADMIN: _l("tenant admin")}

# A request too far for the calendar to count is further than any allowed extension.
_BEYOND = datetime.max.replace(tzinfo=UTC)


# --- due times ----------------------------------------------------------------------------


def _duration(stored: dict[str, Any]) -> Duration:
    return Duration(stored["amount"], Unit(stored["unit"]))


# --- the timeline ---------------------------------------------------------------------------


def pending_request(ticket: Ticket, milestone: Milestone) -> Event | None:
    """The ``extend`` event of ``milestone`` still waiting for a decision, if any."""
    pending = None
    for event in sorted(ticket.events, key=lambda e: (e.at, e.id)):
        if event.data.get("milestone") != milestone.name or event.at < milestone.started_at:
            continue
        if event.type == REQUEST:
            pending = event
        elif event.type in DECISIONS:
            pending = None
    return pending


# --- the actions ----------------------------------------------------------------------------

Effect = dict[str, Any]


def request(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.Extend,
    now: datetime,
) -> Effect:
    """``extend``: ask for a later due time, within the tier's maximum."""
    rule = _tier_rule(tenant, policy, ticket)
    milestone = _milestone(ticket, data.milestone)
    _check_running(milestone)
    if pending_request(ticket, milestone) is not None:
        raise ActionRefused(
            "extension_pending",
            _(
                "An extension of %(milestone)s is already waiting for a decision.",
                milestone=milestone.name,
            ),
        )
    calendar = _calendar(session, tenant, milestone)
    wanted = data.due_at or _moved(milestone.due_at, data.duration, calendar)
    if wanted <= milestone.due_at:
        raise ActionRefused(
            "not_later",
            _(
                "An extension must move %(milestone)s past its current due time, %(due)s.",
                milestone=milestone.name,
                due=_local(tenant, milestone.due_at),
            ),
        )
    _check_within_max(tenant, ticket, rule, milestone, wanted, calendar)
    # A new due time is kept as the wall time it adds, so that approving it after the
    # due time moved (a pause) still adds what was asked for.
    by = data.duration if data.due_at is None else _wall_time(wanted - milestone.due_at)
    return {
        "milestone": milestone.name,
        "due_at": [_iso(milestone.due_at), _iso(wanted)],
        "extend_by": {"amount": by.amount, "unit": by.unit.value},
        "reason": data.reason,
    }


def approve(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.ExtensionDecision,
    now: datetime,
) -> Effect:
    """``approve_extension``: move the due time as the pending request asks."""
    rule = _tier_rule(tenant, policy, ticket)
    milestone = _milestone(ticket, data.milestone)
    asked = _decidable(ticket, milestone, actor, rule)
    if asked.actor_id == actor.id and actor.role != Role.TENANT_ADMIN:
        # Four eyes; a tenant admin may approve their own request, as small
        # organisations have nobody above the admin to ask.
        raise ActionRefused(
            "own_request",
            _("You asked for this extension: someone else must approve it."),
            status=403,
        )
    _check_running(milestone)
    calendar = _calendar(session, tenant, milestone)
    granted = dict(asked.data["extend_by"])
    moved = extended_due(milestone.due_at, _duration(granted), calendar)
    _check_within_max(tenant, ticket, rule, milestone, moved.due_at, calendar)
    before = milestone.due_at
    milestone.rule = {**milestone.rule, EXTENSIONS: [*milestone.rule.get(EXTENSIONS, ()), granted]}
    milestone.due_at = moved.due_at
    milestone.provisional = milestone.provisional or moved.provisional
    if moved.due_at > now:  # still ahead: not missed, and worth a fresh at-risk warning
        milestone.breached_at = milestone.warned_at = None
        ticket.breached = any(m.breached_at is not None for m in ticket.milestones)
    return {
        "milestone": milestone.name,
        "due_at": [_iso(before), _iso(moved.due_at)],
        "comment": data.comment,
    }


def refuse(
    session: DbSession,
    tenant: Tenant,
    policy: Policy,
    ticket: Ticket,
    actor: User,
    data: payloads.ExtensionDecision,
    now: datetime,
) -> Effect:
    """``refuse_extension``: the due time stays; the request is no longer pending."""
    rule = _tier_rule(tenant, policy, ticket)
    milestone = _milestone(ticket, data.milestone)
    _decidable(ticket, milestone, actor, rule)
    return {"milestone": milestone.name, "comment": data.comment}


# --- checks ---------------------------------------------------------------------------------


def approver_role(rule: Extension) -> Role:
    """Who decides on the extensions a tier's rule allows (see APPROVER_LABELS)."""
    named = rule.approver_role
    return Role(named) if named in APPROVER_LABELS else Role.TENANT_ADMIN


def _tier_rule(tenant: Tenant, policy: Policy, ticket: Ticket) -> Extension:
    key = ticket.tier or policy.document.default_tier
    tier = next(t for t in policy.document.tiers if t.key == key)
    if tier.extension is None:
        raise ActionRefused(
            "no_extensions",
            _(
                "The policy allows no deadline extensions for %(tier)s tickets.",
                tier=tier.label.text(reasons_locale(tenant)),
            ),
        )
    return tier.extension


def _milestone(ticket: Ticket, name: str) -> Milestone:
    found = next((m for m in ticket.milestones if m.name == name), None)
    if found is None:
        names = ", ".join(sorted(m.name for m in ticket.milestones)) or "(none)"
        raise InvalidInput({"milestone": f"one of {names}"})
    return found


def _check_running(milestone: Milestone) -> None:
    if milestone.met_at is not None:
        reason = _("The %(milestone)s deadline is already met.", milestone=milestone.name)
    elif milestone.cancelled_at is not None:
        reason = _("The %(milestone)s deadline no longer runs.", milestone=milestone.name)
    elif milestone.paused_at is not None:
        reason = _(
            "The %(milestone)s deadline is paused while the ticket waits on the customer.",
            milestone=milestone.name,
        )
    else:
        return
    raise ActionRefused("not_running", reason)


def _decidable(ticket: Ticket, milestone: Milestone, actor: User, rule: Extension) -> Event:
    """The pending request ``actor`` may decide on, or a refusal."""
    role = approver_role(rule)
    if actor.role != role:
        raise ActionRefused(
            "not_approver",
            _(
                "Only a %(role)s may decide on extensions of this ticket's deadlines.",
                role=APPROVER_LABELS[role],
            ),
            status=403,
        )
    asked = pending_request(ticket, milestone)
    if asked is None:
        raise ActionRefused(
            "nothing_pending",
            _(
                "No extension of %(milestone)s is waiting for a decision.",
                milestone=milestone.name,
            ),
        )
    return asked


def _check_within_max(
    tenant: Tenant,
    ticket: Ticket,
    rule: Extension,
    milestone: Milestone,
    wanted: datetime,
    calendar: WorkingCalendar,
) -> None:
    base, _provisional = due_without_extensions(milestone, calendar, ticket.requested_due_at)
    latest = extended_due(base, Duration(rule.max.amount, Unit(rule.max.unit)), calendar).due_at
    if wanted > latest:
        raise ActionRefused(
            "beyond_max",
            _(
                "The policy allows extending %(milestone)s to %(latest)s at the latest.",
                milestone=milestone.name,
                latest=_local(tenant, latest),
            ),
        )


# --- small helpers --------------------------------------------------------------------------


def _wall_time(span: timedelta) -> Duration:
    return Duration(span / timedelta(minutes=1), Unit.MINUTES)


def _moved(due_at: datetime, duration: Duration, calendar: WorkingCalendar) -> datetime:
    try:
        return extended_due(due_at, duration, calendar).due_at
    except OutsideCalendarError:
        return _BEYOND


def _calendar(session: DbSession, tenant: Tenant, milestone: Milestone) -> WorkingCalendar:
    local_start = milestone.started_at.astimezone(ZoneInfo(tenant.timezone))
    return tenant_calendar(session, tenant, local_start.date())


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _local(tenant: Tenant, moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(tenant.timezone)).strftime("%Y-%m-%d %H:%M")
