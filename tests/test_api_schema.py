"""Schemathesis against the live app: generated requests for every operation of
/api/v1/openapi.json, with a valid key, must never get a 5xx nor an answer the document
does not describe."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from portal.api.auth import create_api_key
from portal.api.openapi import document
from portal.extensions import db
from portal.models import Department
from portal.tenancy import tenant_scope
from tests.conftest import make_tenant, make_user

# A schema-valid ticket can still break the tenant's policy (a channel or a sector field
# it does not have): those rules are data per tenant, not part of the document, so a 422
# counts as an answer to valid data.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)


class LiveApp:
    """The WSGI app schemathesis calls: the current test's app, each request in a fresh
    context as in production (the test's own app context stays out of it)."""

    app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        assert self.app is not None, "no test app is running"
        return contextvars.Context().run(self.app, environ, start_response)


LIVE = LiveApp()

# Loaded from the builder at collection time, when no app exists yet (the lazy fixture
# loader of schemathesis 4 does not run under pytest 9); the first test checks that the
# app serves exactly this document.
schema = schemathesis.openapi.from_dict(document(), config=CONFIG)
schema.app = LIVE


@pytest.fixture
def api_headers(app) -> dict[str, str]:
    # Each test gets its own app, so its rate counters start afresh; the budget is raised
    # so the generated traffic is never mistaken for abuse.
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    LIVE.app = app
    tenant = make_tenant("schema")
    agent = make_user(tenant, "agent")
    with tenant_scope(db.session, tenant.id):
        db.session.add(Department(code="repairs", name="维修部"))
        db.session.commit()
    _key, secret = create_api_key(db.session, tenant, name="schemathesis")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}", "X-Tousu-User": agent.email}


def test_the_app_serves_the_document_under_test(client):
    assert client.get("/api/v1/openapi.json").get_json() == document()


@schema.parametrize()
# Derandomized: the same examples on every run, so a failure is reproducible and CI does
# not turn red on a stranger's change; vary the seed by hand to explore further.
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_document(api_headers, case):
    case.call_and_validate(headers=api_headers)
