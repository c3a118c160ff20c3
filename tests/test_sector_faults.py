"""A sector hook that raises while a request runs (docs/plugins.md, "When a sector
fails"): its tenant gets a 503 naming the sector, the log names the hook, and a
tenant of another sector keeps working. Failures while loading are in test_plugins."""

from __future__ import annotations

import logging

from portal.extensions import db
from portal.tenancy import ALL_TENANTS, set_scope
from tests.conftest import make_app, make_tenant
from tests.test_api import BODY, bearer, issue_key


def test_a_hook_raising_during_a_request_fails_only_its_own_tenant(app, migrated_url, caplog):
    faulty = make_app(migrated_url, EXTRA_SECTORS={"hotelx": "tests.plugins.raising_facts"})
    with faulty.app_context():
        set_scope(db.session, ALL_TENANTS)
        hotel_key = issue_key(make_tenant("hotel", sector="hotelx"))
        shop_key = issue_key(make_tenant("shop", sector="sample"))
        db.session.remove()
    client = faulty.test_client()

    with caplog.at_level(logging.ERROR, logger="portal.plugins"):
        refused = client.post("/api/v1/tickets", json=BODY, headers=bearer(hotel_key))
    assert refused.status_code == 503
    error = refused.get_json()["error"]
    assert error["code"] == "sector_unavailable" and "hotelx" in error["message"]
    assert any(
        "'hotelx'" in r.getMessage() and "sector_derived_facts" in r.getMessage()
        for r in caplog.records
    )

    assert client.post("/api/v1/tickets", json=BODY, headers=bearer(shop_key)).status_code == 201
