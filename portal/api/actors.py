"""Who an API request acts for: a staff member of the key's tenant, named by email.

An API key authenticates a system, not a person. Actions and first responsibility are
a person's, so the client names them in ``X-Tousu-User``; their role then decides what
they may do, exactly as on the desk, and the timeline records them.
"""

from __future__ import annotations

from sqlalchemy import func, select

from portal.api.errors import invalid
from portal.extensions import db
from portal.models import User
from portal.workflow.actions import STAFF

HEADER = "X-Tousu-User"


def staff_member(email: str, field: str = HEADER) -> User:
    """The active staff member of the request's tenant with ``email``, or a 422 that
    names ``field``."""
    # The session is bound to the key's tenant: another tenant's staff are not found.
    user = db.session.scalar(
        select(User).where(func.lower(User.email) == email.strip().lower(), User.active)
    )
    if user is None or user.role not in STAFF:
        raise invalid({field: "no active agent, supervisor or admin has this email here"})
    return user
