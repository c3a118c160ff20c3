"""Idempotent ticket creation: a retried request answers with the ticket it created.

The client sends ``Idempotency-Key``; the first request that succeeds stores the key,
a hash of its body and its ticket in the same transaction as the ticket. A retry with
the same key and body gets that ticket back; the same key with another body is a
client error (409). Two copies racing both try to store the key: the unique
(tenant, key) constraint lets one commit, and the other rolls back its ticket and
answers with the winner's.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from portal.api.errors import ApiError
from portal.extensions import db
from portal.models import IdempotencyKey


def body_hash(body: Any) -> str:
    """The same JSON, however it was spaced or ordered, hashes the same."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def earlier_ticket_id(key: str, digest: str) -> int | None:
    """The ticket an earlier request with ``key`` created, if any; 409 if that request
    had another body."""
    record = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == key))
    if record is None:
        return None
    if record.request_hash != digest:
        raise ApiError(
            409,
            "idempotency_key_reused",
            _("This Idempotency-Key was already used with a different request body."),
        )
    return record.ticket_id


def remember(key: str, digest: str, ticket_id: int) -> None:
    db.session.add(IdempotencyKey(key=key, request_hash=digest, ticket_id=ticket_id))
