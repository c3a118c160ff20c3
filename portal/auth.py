"""Staff login, the current user's tenant, and role checks.

After login, every request is bound to the user's tenant (see :mod:`portal.tenancy`):
a tenant user's queries see only that tenant's rows; a platform admin's see all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from portal import login_throttle
from portal.extensions import db, login_manager
from portal.models import Role, Tenant, User, utcnow
from portal.passwords import check_password
from portal.plugins import sectors
from portal.tenancy import ALL_TENANTS, UNSCOPED_OPTION, set_scope

bp = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


def find_user_by_email(email: str) -> User | None:
    """Look a user up before any tenant is known (login, the CLI)."""
    stmt = select(User).where(func.lower(User.email) == email.strip().lower())
    return db.session.execute(stmt.execution_options(**{UNSCOPED_OPTION: True})).scalar()


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    stmt = select(User).where(User.id == int(user_id))
    return db.session.execute(stmt.execution_options(**{UNSCOPED_OPTION: True})).scalar()


def _bind_tenant() -> None:
    """Bind the request's database session to the signed-in user's tenant."""
    g.tenant = None
    if not current_user.is_authenticated:
        return
    if current_user.role == Role.PLATFORM_ADMIN:
        set_scope(db.session, ALL_TENANTS)
        return
    tenant = db.session.get(Tenant, current_user.tenant_id)
    if tenant is None or not tenant.active:
        logout_user()
        abort(403)
    set_scope(db.session, tenant.id)
    g.tenant = tenant
    # Only this sector's tenants see the error page when their plugin is broken.
    sectors().get(tenant.sector)


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow a view to signed-in users holding one of ``roles``; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email, address, now = form.email.data or "", request.remote_addr or "", utcnow()
        user = find_user_by_email(email)
        wait = login_throttle.seconds_locked(db.session, email, address, user, now)
        if wait:
            minutes = max(1, round(wait / 60))
            flash(_l("Too many failed sign-ins. Try again in %(n)d minutes.", n=minutes), "error")
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        ok, new_hash = (False, None)
        if user is not None and user.active:
            ok, new_hash = check_password(user.password_hash, form.password.data or "")
        if ok and user is not None:
            if new_hash:
                user.password_hash = new_hash
            user.last_login_at = now
            set_scope(db.session, user.tenant_id if user.tenant_id else ALL_TENANTS)
            db.session.commit()
            # A fresh session on login: nothing planted before login survives it.
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        login_throttle.record_failure(db.session, email, address, user, now)
        db.session.commit()
        flash(_l("Wrong email or password."), "error")
        return render_template("auth/login.html", form=form), 401
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


def _safe_next(target: str | None) -> str:
    """``target`` if it is a plain path on this site, else the home page.

    An open redirect after login is a phishing tool. Browsers drop tabs and newlines
    inside URLs and read backslashes as slashes, so ``/\t/evil.example`` would leave
    the site: anything but printable, space-free text is refused outright.
    """
    if target and target.isprintable() and not any(c.isspace() or c == "\\" for c in target):
        parts = urlsplit(target)
        if target.startswith("/") and not target.startswith("//") and not parts.netloc:
            return target
    return url_for("web.home")


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in.")
    login_manager.session_protection = "strong"
    app.before_request(_bind_tenant)
    app.register_blueprint(bp)
