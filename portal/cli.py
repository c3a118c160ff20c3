"""``flask portal ...``: the operator's commands.

Every command works across tenants (platform scope) and answers bad input with a
one-line reason and a non-zero exit.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select
from werkzeug.serving import run_simple

from portal.extensions import db
from portal.models import Tenant, utcnow
from portal.plugins import SectorUnavailable, sectors
from portal.scaffold import new_sector_command
from portal.tenancy import ALL_TENANTS, set_scope, tenant_scope
from portal.validation import InvalidInput

portal_cli = AppGroup("portal", help="Tousu operations.")
portal_cli.add_command(new_sector_command)


def platform_command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command in the platform scope; turn InvalidInput into a clean exit."""

    @wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        set_scope(db.session, ALL_TENANTS)
        try:
            return fn(*args, **kwargs)
        except (InvalidInput, SectorUnavailable) as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None

    return wrapped


@portal_cli.command("plugins")
def plugins_command() -> None:
    """List the loaded sectors with their versions, and plugins that failed to load."""
    registry = sectors()
    for key in registry.loaded():
        s = registry.sectors[key]
        click.echo(
            f"{key:<12} {s.info.version:<10} {s.info.name_en} / {s.info.name_zh}  [{s.source}]"
        )
    for key, error in registry.errors.items():
        click.echo(f"{key:<12} FAILED     {error.source}: {error.error}", err=True)


@portal_cli.command("create-tenant")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--sector", required=True)
@click.option("--prefix", "ticket_prefix", required=True, help="Ticket number prefix, e.g. JSTEL")
@click.option("--timezone", default="Asia/Shanghai", show_default=True)
@click.option("--locale", default="zh_Hans_CN", show_default=True)
@platform_command
def create_tenant_command(
    slug: str, name: str, sector: str, ticket_prefix: str, timezone: str, locale: str
) -> None:
    """Create a tenant with its sector's default policy."""
    from portal.tenants import create_tenant

    tenant = create_tenant(
        db.session,
        sectors(),
        slug=slug,
        name=name,
        sector=sector,
        ticket_prefix=ticket_prefix,
        timezone=timezone,
        locale=locale,
    )
    db.session.commit()
    click.echo(f"created tenant {tenant.slug} ({tenant.sector})")


@portal_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option(
    "--role", required=True, help="platform_admin, tenant_admin, supervisor, agent, auditor"
)
@click.option("--tenant", "tenant_slug", help="Tenant slug (all roles but platform_admin)")
@click.password_option(envvar="TOUSU_NEW_USER_PASSWORD")
@platform_command
def create_user_command(
    email: str, display_name: str, role: str, tenant_slug: str | None, password: str
) -> None:
    """Create a staff user."""
    from portal.users import create_user

    tenant = None
    if tenant_slug:
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == tenant_slug))
        if tenant is None:
            raise InvalidInput({"tenant": f"no tenant {tenant_slug!r}"})
    create_user(
        db.session,
        email=email,
        display_name=display_name,
        password=password,
        role=role,
        tenant=tenant,
    )
    db.session.commit()
    click.echo(f"created {role} {email}")


@portal_cli.command("seed-demo")
@platform_command
def seed_demo_command() -> None:
    """Create demo tenants, staff and tickets if the database is empty."""
    from portal import demo

    if demo.seed(db.session, sectors()):
        click.echo("demo data created")
    else:
        click.echo("database already has tenants; demo data left alone")


@portal_cli.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler in the foreground (several may run; one leads)."""
    from portal.jobs.scheduler import run_forever

    run_forever(current_app._get_current_object())  # type: ignore[attr-defined]


@portal_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@platform_command
def serve_command(host: str, port: int) -> None:
    """Serve the embedded default: dev server with the scheduler in-process."""
    from portal import demo
    from portal.jobs.scheduler import start_in_background

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    start_in_background(app)
    click.echo(f"\nTousu is running at http://{host}:{port}/")
    click.echo(f"Demo logins (password {demo.DEMO_PASSWORD}):")
    for slug, email, role in demo.demo_logins(db.session):
        click.echo(f"  {slug:<16} {role:<15} {email}")
    db.session.remove()
    sys.stdout.flush()
    # app.run() refuses to start inside a `flask` command; the dev server itself does not.
    run_simple(host, port, app, use_reloader=False, threaded=True)


policy_cli = AppGroup("policy", help="Tenant policies: show, simulate, apply.")
calendar_cli = AppGroup("calendar", help="The statutory calendar.")
portal_cli.add_command(policy_cli)
portal_cli.add_command(calendar_cli)


def _tenant(slug: str) -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise InvalidInput({"tenant": f"no tenant {slug!r}"})
    return tenant


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        raise InvalidInput({"file": f"{path}: {exc}"}) from None


@policy_cli.command("show")
@click.option("--tenant", "slug", required=True)
@platform_command
def policy_show_command(slug: str) -> None:
    """Print the tenant's active policy document as JSON."""
    from portal.policy.versions import active_version

    version = active_version(db.session, _tenant(slug))
    click.echo(json.dumps(version.document, ensure_ascii=False, indent=2))


@policy_cli.command("simulate")
@click.option("--tenant", "slug", required=True)
@click.option("--file", "path", required=True, help="The draft policy document (JSON).")
@click.option("--days", default=30, show_default=True, help="Also recent closed tickets.")
@platform_command
def policy_simulate_command(slug: str, path: str, days: int) -> None:
    """Show what a draft policy would change on the tenant's tickets; writes nothing."""
    from portal.policy.document import PolicyInvalid
    from portal.policy.engine import build_policy
    from portal.policy.simulation import simulate

    tenant = _tenant(slug)
    try:
        policy = build_policy(sectors(), tenant.sector, _read_json(path))
    except PolicyInvalid as exc:
        raise InvalidInput({p.path: p.message for p in exc.problems}) from None
    with tenant_scope(db.session, tenant.id):
        result = simulate(db.session, sectors(), tenant, policy, now=utcnow(), days=days)
    click.echo(
        f"examined {result.examined} tickets: {result.tier_changes} change tier, "
        f"{result.due_changes} change due times, {len(result.would_breach)} would be breached now"
    )
    for change in result.changes:
        dues = ", ".join(
            f"{name} {_when(change.due_before.get(name))} -> {_when(change.due_after.get(name))}"
            for name in sorted(set(change.due_before) | set(change.due_after))
            if change.due_before.get(name) != change.due_after.get(name)
        )
        click.echo(f"  {change.number}: {change.tier_before} -> {change.tier_after}; {dues}")
    db.session.rollback()


def _when(moment: Any) -> str:
    return moment.isoformat(timespec="minutes") if moment else "-"


@policy_cli.command("apply")
@click.option("--tenant", "slug", required=True)
@platform_command
def policy_apply_command(slug: str) -> None:
    """Reclassify the tenant's open tickets under its active policy version."""
    from portal.policy.simulation import apply_policy
    from portal.policy.versions import active_version

    tenant = _tenant(slug)
    with tenant_scope(db.session, tenant.id):
        version = active_version(db.session, tenant)
        result = apply_policy(db.session, sectors(), tenant, version, now=utcnow())
    db.session.commit()
    click.echo(f"{len(result.changes)} of {result.examined} open tickets changed")


@calendar_cli.command("status")
@platform_command
def calendar_status_command() -> None:
    """List the loaded statutory years and whether each is official."""
    from portal.policy.calendars import ensure_years, year_statuses

    this_year = utcnow().year
    ensure_years(db.session, range(this_year - 1, this_year + 2))
    db.session.commit()
    for year, status, source in year_statuses(db.session):
        click.echo(f"{year}  {status:<12} {source}")


@calendar_cli.command("import")
@click.argument("path")
@platform_command
def calendar_import_command(path: str) -> None:
    """Load a year's official schedule (JSON) and recompute provisional deadlines."""
    from portal.policy.calendars import import_schedule

    year, recomputed = import_schedule(db.session, _read_json(path))
    db.session.commit()
    click.echo(f"{year} is official; {recomputed} provisional milestones recomputed")


api_key_cli = AppGroup("api-key", help="Keys of the JSON API.")
portal_cli.add_command(api_key_cli)


@api_key_cli.command("create")
@click.option("--tenant", "slug", required=True)
@click.option("--name", required=True, help="What uses the key, e.g. 'hotline system'.")
@platform_command
def api_key_create_command(slug: str, name: str) -> None:
    """Create an API key for a tenant and print it; only its hash is kept."""
    from portal.api.auth import create_api_key

    key, secret = create_api_key(db.session, _tenant(slug), name=name)
    db.session.commit()
    click.echo(f"API key {key.prefix} ({key.name}) for {slug}. Shown only now:", err=True)
    click.echo(secret)


@api_key_cli.command("revoke")
@click.option("--tenant", "slug", required=True)
@click.argument("prefix")
@platform_command
def api_key_revoke_command(slug: str, prefix: str) -> None:
    """Revoke a tenant's key by the prefix shown at creation; it answers 401 from then on."""
    from portal.api.auth import revoke_api_key

    revoke_api_key(db.session, _tenant(slug), prefix)
    db.session.commit()
    click.echo(f"API key {prefix} of {slug} revoked")


report_cli = AppGroup("report", help="Reports: build them on demand.")
portal_cli.add_command(report_cli)


@report_cli.command("build")
@click.option("--tenant", "slug", required=True)
@click.option("--kind", required=True, help="daily, weekly, monthly, quarterly or yearly")
@click.option("--period", "key", help="e.g. 2026-11-23, 2026-W47, 2026-11, 2026-Q4, 2026")
@platform_command
def report_build_command(slug: str, kind: str, key: str | None) -> None:
    """Build (or rebuild) one report of a tenant; the current period if none is given."""
    from portal.reports.build import build_report
    from portal.reports.periods import InvalidPeriod, containing, local_today, parse

    tenant = _tenant(slug)
    now = utcnow()
    try:
        period = parse(kind, key) if key else containing(kind, local_today(now, tenant.timezone))
    except InvalidPeriod as exc:
        raise InvalidInput({"period": str(exc)}) from None
    figures = build_report(db.session, sectors(), tenant, period, now)
    db.session.commit()
    click.echo(f"{kind} report {period.key} of {slug}: {figures['totals']['tickets']} tickets")


@portal_cli.command("import")
@click.option("--tenant", "slug", required=True)
@click.argument("path")
@platform_command
def import_command(slug: str, path: str) -> None:
    """Import tickets (CSV or NDJSON, the API's ticket-in shape): all or nothing."""
    from portal.importing import ImportRefused, import_tickets, read_file

    tenant = _tenant(slug)
    try:
        done = import_tickets(db.session, sectors(), tenant, read_file(path), now=utcnow())
    except ImportRefused as exc:
        db.session.rollback()
        for line in exc.lines():
            click.echo(line, err=True)
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    numbers = f": {done.first_number} to {done.last_number}" if done.count else ""
    click.echo(f"imported {done.count} tickets into {slug}{numbers}")


@portal_cli.command("export")
@click.option("--tenant", "slug", required=True)
@click.option("--out", "path", help="The archive to write; default SLUG-YYYYMMDD.zip.")
@platform_command
def export_command(slug: str, path: str | None) -> None:
    """Write a tenant's data to a zip archive (no password or API key hashes)."""
    from portal.archive import export_tenant

    path = path or f"{slug}-{utcnow():%Y%m%d}.zip"
    # Written aside and renamed when complete: a failed export leaves no partial archive.
    partial = f"{path}.partial"
    try:
        with open(partial, "wb") as out:
            manifest = export_tenant(db.session, slug, out)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    rows = sum(manifest["tables"].values())
    click.echo(f"wrote {rows} rows of {slug} to {path}")


@portal_cli.command("import-archive")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@platform_command
def import_archive_command(path: str) -> None:
    """Restore a tenant's archive into this database, which must not hold that tenant."""
    from portal.archive import import_archive

    with open(path, "rb") as source:
        manifest = import_archive(db.session, source)
    rows = sum(manifest["tables"].values())
    click.echo(f"restored {rows} rows of {manifest['tenant']}")
    click.echo(
        "Users have no password: each must set one (an admin sets it, or the "
        "password reset). API keys open nothing: issue new ones.",
        err=True,
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(portal_cli)
