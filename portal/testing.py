"""The test kit for sector plugins, as a pytest plugin.

A sector package loads it from the ``conftest.py`` at its root and names itself::

    pytest_plugins = ["portal.testing"]

    @pytest.fixture
    def sector_key() -> str:
        return "laundry"  # the name of its ``tousu.sectors`` entry point

(or sets ``tousu_sector = "laundry"`` in its ``[tool.pytest.ini_options]``). Its tests
then have these fixtures:

``tousu_app``
    The portal as production builds it, in an app context, on a fresh SQLite database
    made by the real migrations. Sectors load from their entry points, so the package
    under test must be installed (``pip install -e .``).
``tenant``
    A tenant of the sector under test, its default policy active (time zone
    Asia/Shanghai).
``clock``
    A :class:`FrozenClock`: the time tickets are opened at. It stands still until a
    test moves it, so due times are exact.
``make_ticket``
    Opens a ticket through the real intake (validation, derived facts, classification,
    deadlines), at the clock's time. See :class:`TicketFactory`.

and two assertions, :func:`assert_classified` and :func:`assert_due`, that say what
differs. The kit is not registered globally: only packages that ask for it get it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import count
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db
from portal.models import Tenant, Ticket
from portal.plugins import SectorUnavailable, sectors
from portal.policy.versions import active_version
from portal.tenancy import ALL_TENANTS, set_scope, tenant_scope
from portal.tenants import create_tenant
from portal.workflow.intake import TicketIn, open_ticket

__all__ = [
    "CLOCK_START",
    "TIMEZONE",
    "FrozenClock",
    "TicketFactory",
    "assert_classified",
    "assert_due",
]

TIMEZONE = "Asia/Shanghai"
#: A Tuesday, 10:00 in Shanghai: an ordinary working day of a published statutory year.
CLOCK_START = datetime(2026, 9, 1, 10, 0, tzinfo=ZoneInfo(TIMEZONE))
_INI_SECTOR = "tousu_sector"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(_INI_SECTOR, "the sector key (entry point name) under test", default="")


@pytest.fixture
def sector_key(request: pytest.FixtureRequest) -> str:
    """The sector under test; override this fixture or set ``tousu_sector``."""
    key = str(request.config.getini(_INI_SECTOR))
    if not key:
        pytest.fail(
            "portal.testing: name the sector under test: override the `sector_key` fixture "
            f"in conftest.py or set `{_INI_SECTOR}` in the pytest configuration",
            pytrace=False,
        )
    return key


@pytest.fixture(scope="session")
def tousu_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, built once; each test works on a copy of it."""
    path = tmp_path_factory.mktemp("tousu") / "template.db"
    app = _app(path)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


def _app(path: Path) -> Flask:
    return create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "portal-testing"}
    )


@pytest.fixture
def tousu_app(tousu_database: Path, tmp_path: Path) -> Iterator[Flask]:
    """The portal in an app context, with every tenant in the session's scope."""
    path = tmp_path / "tousu.db"
    shutil.copyfile(tousu_database, path)
    app = _app(path)
    with app.app_context():
        set_scope(db.session, ALL_TENANTS)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def tenant(tousu_app: Flask, sector_key: str) -> Tenant:
    """A tenant of the sector under test, with the sector's default policy active."""
    registry = sectors()
    try:
        registry.get(sector_key)
    except SectorUnavailable as exc:
        pytest.fail(
            f"portal.testing: {exc}. Is the package installed (pip install -e .), and is "
            f"{sector_key!r} the name of its `tousu.sectors` entry point?",
            pytrace=False,
        )
    created = create_tenant(
        db.session,
        registry,
        slug="kit-tenant",
        name="Test tenant",
        sector=sector_key,
        ticket_prefix="KIT",
        timezone=TIMEZONE,
    )
    db.session.commit()
    return created


@dataclass
class FrozenClock:
    """The time the kit opens tickets at. Assign ``now`` (aware) or :meth:`advance` it."""

    now: datetime

    def advance(self, **delta: float) -> datetime:
        """Move on by ``timedelta(**delta)`` (``hours=2``, ``days=1``) and return the time."""
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FrozenClock:
    """Starts at :data:`CLOCK_START`. The portal takes the time as an argument wherever
    it matters (intake, reviews), so nothing needs patching; only requests through the
    HTTP API run on the real clock."""
    return FrozenClock(CLOCK_START)


class TicketFactory:
    """Opens tickets of ``tenant`` through :func:`portal.workflow.intake.open_ticket`.

    ``make_ticket({"amount": 6000})`` opens a complaint on the policy's first channel at
    the clock's time; any key of the API's ticket body may be given as a keyword
    (``kind``, ``channel``, ``category``, ``subject``, ``occurred_at``,
    ``requested_due_at``, ``customer``, ...). Each ticket gets a new customer unless
    ``customer`` is given, so tickets are not each other's repeats by accident. Bad
    input raises :class:`portal.validation.InvalidInput`, as the API would refuse it.
    """

    def __init__(self, tenant: Tenant, clock: FrozenClock) -> None:
        self.tenant = tenant
        self.clock = clock
        self._serial = count(1)

    def __call__(self, fields: dict[str, Any] | None = None, **body: Any) -> Ticket:
        serial = next(self._serial)
        with tenant_scope(db.session, self.tenant.id):
            body = {
                "kind": "complaint",
                "channel": self._first_channel(),
                "subject": f"Test ticket {serial}",
                "customer": {"name": f"Customer {serial}", "phone": f"1390000{serial:04d}"},
                "fields": fields or {},
                **body,
            }
            ticket = open_ticket(
                db.session,
                sectors(),
                self.tenant,
                TicketIn.model_validate(body),
                now=self.clock.now,
            )
            db.session.commit()
        return ticket

    def _first_channel(self) -> str:
        channels = active_version(db.session, self.tenant).document.get("channels") or []
        # With no channels in the policy, the intake takes any name.
        return str(channels[0]["key"]) if channels else "phone"


@pytest.fixture
def make_ticket(tenant: Tenant, clock: FrozenClock) -> TicketFactory:
    return TicketFactory(tenant, clock)


# What assert_classified may check, and the ticket attribute holding each.
_CLASSIFICATION = {
    "tier": "tier",
    "kind": "kind",
    "validity": "validity",
    "validity_reasons": "validity_reasons",
    "channel_level": "channel_level",
    "category": "category",
    "score": "score",
    "reasons": "classification_reasons",
    "status": "status",
}


def assert_classified(ticket: Ticket, **expected: Any) -> None:
    """Check the given parts of ``ticket``'s classification, reporting every mismatch.

    Keywords: ``tier``, ``kind``, ``validity``, ``validity_reasons``, ``channel_level``,
    ``category``, ``score``, ``reasons`` (the labels of the deciding conditions, in the
    tenant's language, compared as a list) and ``status``.
    """
    unknown = sorted(set(expected) - set(_CLASSIFICATION))
    if unknown:
        raise TypeError(f"assert_classified: unknown {unknown}; use {sorted(_CLASSIFICATION)}")
    found = {name: getattr(ticket, _CLASSIFICATION[name]) for name in expected}
    wrong = [
        f"  {name}: expected {value!r}, got {found[name]!r}"
        for name, value in expected.items()
        if found[name] != value
    ]
    if wrong:
        reasons = f" (reasons: {list(ticket.classification_reasons)})"
        raise AssertionError(f"ticket {ticket.number}{reasons}:\n" + "\n".join(wrong))


def assert_due(ticket: Ticket, milestone: str, expected: datetime | date) -> None:
    """Check that ``ticket``'s ``milestone`` is due at ``expected``.

    ``expected`` is in the tenant's time zone when naive. A :class:`~datetime.date` means
    the end of that day (day-counted deadlines end at 24:00, stored as the next local
    midnight; docs/policy.md).
    """
    zone = ZoneInfo(_tenant_of(ticket).timezone)
    if isinstance(expected, datetime):
        wanted = expected if expected.tzinfo else expected.replace(tzinfo=zone)
    else:
        wanted = datetime.combine(expected + timedelta(days=1), time(), tzinfo=zone)
    due = {m.name: m.due_at.astimezone(zone) for m in ticket.milestones}
    listed = ", ".join(f"{name} {_local(at)}" for name, at in sorted(due.items())) or "none"
    if milestone not in due:
        raise AssertionError(f"ticket {ticket.number} has no milestone {milestone!r}: {listed}")
    if due[milestone] != wanted:
        raise AssertionError(
            f"ticket {ticket.number} (tier {ticket.tier}): {milestone} is due "
            f"{_local(due[milestone])}, expected {_local(wanted.astimezone(zone))}; "
            f"all milestones: {listed}"
        )


def _tenant_of(ticket: Ticket) -> Tenant:
    tenant = db.session.get(Tenant, ticket.tenant_id)
    assert tenant is not None
    return tenant


def _local(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="minutes")
