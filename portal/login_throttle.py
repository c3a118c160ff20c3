"""Failed sign-ins, counted in the database per account and per client address.

A counter in process memory would count per gunicorn worker and forget on restart, so
each failure is a row of the audit log, which every worker and app server shares and
which tenant admins already read: one row for the account (tagged with the user's
tenant when the e-mail names a user, so their admin sees it) and one for the address.
An unknown e-mail is counted exactly like a known one, so the lockout does not tell
which accounts exist. A successful sign-in starts the account's count afresh.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal.database import DbSession
from portal.models import AuditEntry, User

FAILED = "login_failed"
BY_ACCOUNT = "login_account"
BY_ADDRESS = "login_address"
#: ``audit_log.object_id`` holds 63 characters.
KEY_LENGTH = 63


def _account_key(email: str) -> str:
    return email.strip().lower()[:KEY_LENGTH]


def _failures(session: DbSession, kind: str, key: str, since: datetime) -> tuple[int, datetime]:
    count, oldest = session.execute(
        select(func.count(), func.min(AuditEntry.at)).where(
            AuditEntry.action == FAILED,
            AuditEntry.object_type == kind,
            AuditEntry.object_id == key,
            AuditEntry.at >= since,
        )
    ).one()
    return count, oldest or since


def seconds_locked(
    session: DbSession, email: str, address: str, user: User | None, now: datetime
) -> int:
    """How long sign-ins for ``email`` from ``address`` stay refused; 0 if allowed."""
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    since = now - window
    account_since = max(since, user.last_login_at) if user and user.last_login_at else since
    checks = (
        (BY_ACCOUNT, _account_key(email), account_since, config["LOGIN_FAILURES_PER_ACCOUNT"]),
        (BY_ADDRESS, address[:KEY_LENGTH], since, config["LOGIN_FAILURES_PER_ADDRESS"]),
    )
    wait = 0.0
    for kind, key, start, limit in checks:
        count, oldest = _failures(session, kind, key, start)
        if count >= limit:
            wait = max(wait, (oldest + window - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def record_failure(
    session: DbSession, email: str, address: str, user: User | None, now: datetime
) -> None:
    tenant_id = user.tenant_id if user is not None else None
    session.add_all(
        [
            AuditEntry(
                tenant_id=tenant_id,
                at=now,
                action=FAILED,
                object_type=BY_ACCOUNT,
                object_id=_account_key(email),
                actor_id=None,
                after={"address": address},
            ),
            AuditEntry(
                at=now,
                action=FAILED,
                object_type=BY_ADDRESS,
                object_id=address[:KEY_LENGTH],
                after={"account": _account_key(email)},
            ),
        ]
    )
