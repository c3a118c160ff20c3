"""The ticket lifecycle as data: each action, the states it starts from, the state it
leads to, who may take it, and what it does to the clock.

The same table drives the checks in :mod:`portal.workflow.perform`, the buttons on the
ticket page and the lifecycle table in docs/workflow.md. :class:`ActionRefused` lives
here, beside the table, so the modules that implement actions can raise it without
importing :mod:`portal.workflow.perform`, which imports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.models.users import Role
from portal.workflow.states import FINISHED, Status

#: The complainant acting on the customer pages; not a user of the portal.
CUSTOMER = "customer"
STAFF = frozenset({Role.AGENT, Role.SUPERVISOR, Role.TENANT_ADMIN})
LEADS = frozenset({Role.SUPERVISOR, Role.TENANT_ADMIN})
OPEN = frozenset(Status) - FINISHED
WORKING = frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REPLIED})


class ActionRefused(Exception):
    """The action cannot be taken now; ``message`` says why. Nothing was changed."""

    status = 422

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status


@dataclass(frozen=True)
class Action:
    name: str
    label: object
    sources: frozenset[Status]
    target: Status | None  # None: the state does not change
    roles: frozenset[str]
    starts: str | None = None  # the milestone start event this action is
    public: bool = False  # its event is shown to the customer


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "accept",
            _l("Accept"),
            frozenset({Status.NEW, Status.REOPENED, Status.APPEALED, Status.ESCALATED}),
            Status.ACCEPTED,
            STAFF,
            starts="accepted",
        ),
        Action("reclassify", _l("Reclassify"), OPEN, None, STAFF),
        Action(
            "assign",
            _l("Assign"),
            WORKING | {Status.REOPENED, Status.ESCALATED, Status.APPEALED},
            Status.ASSIGNED,
            STAFF,
        ),
        Action("start", _l("Start work"), frozenset({Status.ASSIGNED}), Status.IN_PROGRESS, STAFF),
        Action("note", _l("Add internal note"), frozenset(Status), None, STAFF),
        Action("link_repeat", _l("Link to an earlier ticket"), frozenset(Status), None, STAFF),
        Action("confirm", _l("Record a confirmation"), WORKING, None, STAFF),
        Action("new_facts", _l("Record new facts or reasons"), WORKING, None, STAFF),
        Action(
            "wait_customer",
            _l("Wait for the customer"),
            WORKING,
            Status.PENDING_CUSTOMER,
            STAFF,
        ),
        Action(
            "resume",
            _l("Customer answered"),
            frozenset({Status.PENDING_CUSTOMER}),
            Status.IN_PROGRESS,
            STAFF,
        ),
        Action(
            "reply",
            _l("Reply to the customer"),
            WORKING | {Status.PENDING_CUSTOMER},
            Status.REPLIED,
            STAFF,
            starts="replied",
            public=True,
        ),
        Action("resolve", _l("Resolve"), WORKING, Status.RESOLVED, STAFF, starts="resolved"),
        Action(
            "callback",
            _l("Record the callback"),
            frozenset({Status.RESOLVED}),
            Status.CALLBACK_DONE,
            STAFF,
        ),
        Action(
            "close",
            _l("Close"),
            frozenset({Status.RESOLVED, Status.CALLBACK_DONE}),
            Status.CLOSED,
            STAFF,
        ),
        Action(
            "invalidate",
            _l("Mark invalid"),
            frozenset({Status.NEW, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS}),
            Status.INVALID,
            STAFF,
        ),
        Action(
            "reopen",
            _l("Reopen"),
            frozenset({Status.RESOLVED, Status.CALLBACK_DONE, Status.CLOSED}),
            Status.REOPENED,
            LEADS,
        ),
        Action(
            "escalate",
            _l("Escalate"),
            OPEN - {Status.NEW},
            Status.ESCALATED,
            STAFF,
            starts="escalated",
        ),
        Action("extend", _l("Request a deadline extension"), OPEN, None, STAFF),
        Action("approve_extension", _l("Approve the extension"), OPEN, None, LEADS),
        Action("refuse_extension", _l("Refuse the extension"), OPEN, None, LEADS),
        Action(
            "appeal",
            _l("Appeal"),
            frozenset({Status.RESOLVED, Status.CALLBACK_DONE, Status.CLOSED}),
            Status.APPEALED,
            STAFF | {CUSTOMER},
            public=True,
        ),
        Action(
            "rate",
            _l("Rate the answer"),
            frozenset({Status.REPLIED, Status.RESOLVED, Status.CALLBACK_DONE, Status.CLOSED}),
            None,
            frozenset({CUSTOMER}),
            public=True,
        ),
    ]
}

#: Which actions meet a milestone that does not say (MilestoneRule.met_by).
DEFAULT_MET_BY: dict[str, list[str]] = {
    "first_response": ["accept", "reply"],
    "forward": ["assign"],
    "reply": ["reply"],
    "resolve": ["resolve"],
    "callback": ["callback"],
}
FALLBACK_MET_BY = ["resolve"]


def met_by(name: str, declared: Sequence[str] | None) -> list[str]:
    return list(declared) if declared else DEFAULT_MET_BY.get(name, FALLBACK_MET_BY)


def allowed(action: Action, status: str, role: str) -> bool:
    return status in action.sources and role in action.roles


def lifecycle_table() -> str:
    """The lifecycle as a Markdown table, for docs/workflow.md (a test keeps it equal)."""
    rows = ["| action | from | to | who | starts the clock of |", "|---|---|---|---|---|"]
    for action in ACTIONS.values():
        sources = (
            "any" if action.sources == frozenset(Status) else ", ".join(sorted(action.sources))
        )
        rows.append(
            f"| `{action.name}` | {sources} | {action.target or '(unchanged)'} "
            f"| {', '.join(sorted(action.roles))} | {action.starts or ''} |"
        )
    return "\n".join(rows)
