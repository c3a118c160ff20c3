"""API keys: how they are made, how a request presents one, and what it unlocks.

A key reads ``tsk_<prefix>_<secret>``. The prefix finds the row; only a SHA-256 of the
secret is stored, so a copy of the database holds no usable key. A request's key binds
its database session to the key's tenant (:func:`portal.tenancy.set_scope`): every
query it runs sees that tenant's rows only, so another tenant's ticket is simply not
found.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from portal.api.blueprint import bp
from portal.api.errors import ApiError
from portal.database import DbSession
from portal.extensions import db
from portal.models import ApiKey, Tenant, User, utcnow
from portal.tenancy import UNSCOPED_OPTION, set_scope
from portal.validation import InvalidInput

SCHEME = "tsk"
ENVIRON_KEY = "tousu.api_key"
#: ``last_used_at`` is a hint for admins, not an audit trail: writing it on every call
#: would turn each read into a write.
TOUCH_EVERY = timedelta(minutes=1)


def _digest(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    session: DbSession, tenant: Tenant, *, name: str, created_by: User | None = None
) -> tuple[ApiKey, str]:
    """Create a key for ``tenant``; returns the row and the full key, which is never
    stored and cannot be shown again."""
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInput({"name": "1-200 characters"})
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey(
        tenant_id=tenant.id,
        name=name,
        prefix=prefix,
        key_hash=_digest(secret),
        created_by_id=created_by.id if created_by else None,
    )
    session.add(key)
    session.flush()
    return key, f"{SCHEME}_{prefix}_{secret}"


def revoke_api_key(session: DbSession, tenant: Tenant, prefix: str) -> ApiKey:
    """Revoke ``tenant``'s key with ``prefix``; InvalidInput if it has none such."""
    key = session.scalar(
        select(ApiKey)
        .where(ApiKey.tenant_id == tenant.id, ApiKey.prefix == prefix)
        .execution_options(**{UNSCOPED_OPTION: True})
    )
    if key is None:
        raise InvalidInput({"prefix": f"{tenant.slug} has no API key {prefix!r}"})
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


def _find(authorization: str) -> tuple[ApiKey, Tenant] | None:
    scheme, _sep, token = authorization.partition(" ")
    parts = token.strip().split("_", 2)
    if scheme.lower() != "bearer" or len(parts) != 3 or parts[0] != SCHEME:
        return None
    prefix, secret = parts[1], parts[2]
    if not 0 < len(prefix) <= 16:
        return None
    stmt = (
        select(ApiKey, Tenant)
        .join(Tenant, Tenant.id == ApiKey.tenant_id)
        .where(ApiKey.prefix == prefix)
        .execution_options(**{UNSCOPED_OPTION: True})
    )
    row = db.session.execute(stmt).first()
    if row is None:
        return None
    key, tenant = row
    if key.revoked_at is not None or not hmac.compare_digest(key.key_hash, _digest(secret)):
        return None
    return key, tenant


def _presented() -> tuple[ApiKey, Tenant] | None:
    # Kept on the request itself: an app context (and its ``g``) may outlive a request.
    if ENVIRON_KEY not in request.environ:
        request.environ[ENVIRON_KEY] = _find(request.headers.get("Authorization", ""))
    found: tuple[ApiKey, Tenant] | None = request.environ[ENVIRON_KEY]
    return found


def presented_key() -> ApiKey | None:
    """The valid, unrevoked key of this request, if it sent one (looked up once)."""
    found = _presented()
    return found[0] if found is not None else None


def _refuse() -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        _("Send a valid API key: Authorization: Bearer <key>."),
        headers={"WWW-Authenticate": 'Bearer realm="tousu"'},
    )


def _touch(key: ApiKey, now: datetime) -> None:
    if key.last_used_at is not None and now - key.last_used_at < TOUCH_EVERY:
        return
    # The condition makes concurrent requests write the row once, not once each.
    db.session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key.id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
    )
    db.session.commit()


@bp.before_request
def authenticate() -> None:
    """Refuse a request without a valid key; bind it to the key's tenant otherwise."""
    found = _presented()  # the key with its tenant, in one query
    if found is None or not found[1].active:
        raise _refuse()
    key, tenant = found
    set_scope(db.session, tenant.id)
    g.tenant = tenant
    _touch(key, utcnow())
