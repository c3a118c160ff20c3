"""The data model. Importing this package registers every table on ``Base.metadata``."""

from portal.models.api import IdempotencyKey
from portal.models.attachments import Attachment
from portal.models.base import Base, ImmutableRowError, utcnow
from portal.models.batches import TicketBatch
from portal.models.calendar import CalendarDay, CalendarYear, TenantCalendarDay
from portal.models.outbox import OutboxMessage
from portal.models.policies import PolicyVersion
from portal.models.records import AuditEntry, JobRun, Report
from portal.models.tenants import Department, Tenant
from portal.models.tickets import Customer, Event, Milestone, Ticket, TicketCounter
from portal.models.users import ApiKey, Role, User

__all__ = [
    "ApiKey",
    "Attachment",
    "AuditEntry",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "Customer",
    "Department",
    "Event",
    "IdempotencyKey",
    "ImmutableRowError",
    "JobRun",
    "Milestone",
    "OutboxMessage",
    "PolicyVersion",
    "Report",
    "Role",
    "Tenant",
    "TenantCalendarDay",
    "Ticket",
    "TicketBatch",
    "TicketCounter",
    "User",
    "utcnow",
]
