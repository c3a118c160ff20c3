"""Creating staff users, with the checks every door (CLI, admin) shares."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from portal.database import DbSession
from portal.models import Role, Tenant, User
from portal.passwords import MIN_LENGTH, hash_password
from portal.tenancy import UNSCOPED_OPTION
from portal.validation import InvalidInput


def create_user(
    session: DbSession,
    *,
    email: str,
    display_name: str,
    password: str,
    role: str,
    tenant: Tenant | None,
) -> User:
    problems: dict[str, str] = {}
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        problems["email"] = str(exc)
    else:
        taken = select(User.id).where(func.lower(User.email) == email.lower())
        if session.execute(taken.execution_options(**{UNSCOPED_OPTION: True})).first():
            problems["email"] = f"{email} is already a user"
    if not display_name.strip() or len(display_name) > 200:
        problems["display_name"] = "1-200 characters"
    if len(password) < MIN_LENGTH:
        problems["password"] = f"at least {MIN_LENGTH} characters"
    if role not in set(Role):
        problems["role"] = f"one of {', '.join(Role)}"
    elif (role == Role.PLATFORM_ADMIN) != (tenant is None):
        problems["tenant"] = "platform admins have no tenant; every other role needs one"
    if problems:
        raise InvalidInput(problems)
    user = User(
        tenant_id=tenant.id if tenant else None,
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role=Role(role),
    )
    session.add(user)
    session.flush()
    return user
