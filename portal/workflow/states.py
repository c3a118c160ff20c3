"""Ticket states and kinds, as data shared by the code, the pages and the docs."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Kind(enum.StrEnum):
    INQUIRY = "inquiry"  # 查询
    CONSULTATION = "consultation"  # 咨询
    FAULT = "fault"  # 障碍申告
    COMPLAINT = "complaint"  # 投诉
    APPEAL = "appeal"  # 申诉


class Status(enum.StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    PENDING_CUSTOMER = "pending_customer"
    REPLIED = "replied"
    RESOLVED = "resolved"
    CALLBACK_DONE = "callback_done"
    CLOSED = "closed"
    INVALID = "invalid"
    REOPENED = "reopened"
    APPEALED = "appealed"
    ESCALATED = "escalated"


#: States in which nobody is expected to act any more; milestones stop mattering.
FINISHED = frozenset({Status.CLOSED, Status.INVALID})


STATUS_LABELS = {
    Status.NEW: _l("New"),
    Status.ACCEPTED: _l("Accepted"),
    Status.ASSIGNED: _l("Assigned"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.PENDING_CUSTOMER: _l("Waiting on customer"),
    Status.REPLIED: _l("Replied"),
    Status.RESOLVED: _l("Resolved"),
    Status.CALLBACK_DONE: _l("Callback done"),
    Status.CLOSED: _l("Closed"),
    Status.INVALID: _l("Invalid"),
    Status.REOPENED: _l("Reopened"),
    Status.APPEALED: _l("Appealed"),
    Status.ESCALATED: _l("Escalated"),
}

KIND_LABELS = {
    Kind.INQUIRY: _l("Inquiry"),
    Kind.CONSULTATION: _l("Consultation"),
    Kind.FAULT: _l("Fault report"),
    Kind.COMPLAINT: _l("Complaint"),
    Kind.APPEAL: _l("Appeal"),
}
