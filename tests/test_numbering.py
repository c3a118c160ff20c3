"""Ticket numbers: PREFIX-YYYYMM-NNNNNN per tenant and local month (seed 003)."""

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from portal.extensions import db
from portal.models import Tenant
from portal.numbering import next_ticket_number
from tests.conftest import make_tenant


def test_numbers_count_up_per_tenant_and_month(app):
    a = make_tenant("north", ticket_prefix="NTH")
    b = make_tenant("south", ticket_prefix="STH")
    sept = datetime(2026, 9, 10, 4, 0, tzinfo=UTC)
    octo = datetime(2026, 10, 10, 4, 0, tzinfo=UTC)
    got = [
        next_ticket_number(db.session, a, sept),
        next_ticket_number(db.session, a, sept),
        next_ticket_number(db.session, b, sept),
        next_ticket_number(db.session, a, octo),
    ]
    assert got == [
        "NTH-202609-000001",
        "NTH-202609-000002",
        "STH-202609-000001",
        "NTH-202610-000001",
    ]


def test_the_month_is_the_tenants_local_month(app):
    beijing = make_tenant("bj", ticket_prefix="BJ")
    new_york = make_tenant("ny", ticket_prefix="NY", timezone="America/New_York")
    # 30 Sep 17:30 UTC is already 1 October in Beijing, still 30 September in New York.
    at = datetime(2026, 9, 30, 17, 30, tzinfo=UTC)
    assert next_ticket_number(db.session, beijing, at) == "BJ-202610-000001"
    assert next_ticket_number(db.session, new_york, at) == "NY-202609-000001"


def test_concurrent_creations_never_share_a_number(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    tenant_id = make_tenant("busy", ticket_prefix="BUSY").id
    at = datetime(2026, 11, 1, tzinfo=UTC)
    numbers: list[str] = []
    barrier = threading.Barrier(20)
    # One connection per thread: the app's pool (15) would starve a 20-way race.
    engine = create_engine(db.engine.url, poolclass=NullPool)

    def create() -> None:
        with Session(engine) as session:
            tenant = session.get(Tenant, tenant_id)
            barrier.wait(timeout=30)
            numbers.append(next_ticket_number(session, tenant, at))
            session.commit()

    threads = [threading.Thread(target=create) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    engine.dispose()
    assert sorted(numbers) == [f"BUSY-202611-{n:06d}" for n in range(1, 21)]
