"""A tenant enables the hotel sector, the example built outside the portal
(examples/sector-hotel, installed by `make install` like any third-party sector).

Its own rules are tested in its package; here the portal shows it took the sector in
through the entry point only: listed, enabled for a tenant from the command line, and
applied to a ticket created through the JSON API.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Tenant
from portal.plugins import sectors
from tests.test_api import bearer, issue_key
from tests.test_cli import portal

HOTEL = "hotel"


def test_the_hotel_sector_is_installed_from_its_entry_point(app):
    registry = sectors()
    assert HOTEL in registry.loaded(), registry.errors.get(HOTEL) or (
        "not installed: run `make install` (pip install -e examples/sector-hotel)"
    )
    assert registry.get(HOTEL).source.startswith("tousu_sector_hotel")
    result = portal(app, "plugins")
    assert result.exit_code == 0
    assert "hotel" in result.stdout and "酒店" in result.stdout


def test_a_tenant_enables_it_and_gets_its_tiers_and_deadlines_through_the_api(app, client):
    created = portal(
        app, "create-tenant", "--slug=grand", "--name=Grand Hotel", "--sector=hotel", "--prefix=GH"
    )
    assert created.exit_code == 0, created.output
    key = issue_key(db.session.scalar(select(Tenant).where(Tenant.slug == "grand")))

    body = {
        "kind": "complaint",
        "channel": "written",
        "category": "product",
        "subject": "菜品中发现异物",
        "customer": {"name": "王女士", "phone": "13600001111"},
        "fields": {"department": "food_beverage", "room": "1208", "strong_discontent": True},
    }
    response = client.post("/api/v1/tickets", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    ticket = response.get_json()

    # seed 003, 酒店宾客投诉处理管理办法 §二.2 (3): strong discontent makes it major; a
    # written complaint reaches the duty manager (§一.3).
    assert ticket["classification"]["tier"] == "major"
    assert ticket["classification"]["channel_level"] == "duty_manager"
    due = {m["name"]: m for m in ticket["milestones"]}
    assert set(due) == {"forward", "reply", "resolve"}
    # §三.2 4): to the deputy general manager within 30 minutes; answered within 24 hours
    for name, after in (("forward", timedelta(minutes=30)), ("reply", timedelta(hours=24))):
        started = datetime.fromisoformat(due[name]["started_at"])
        assert datetime.fromisoformat(due[name]["due_at"]) - started == after
