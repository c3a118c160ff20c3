"""Authentication and browser hardening: login throttling, session fixation, cookie
flags, security headers with a nonce-based CSP, and CSRF on every form POST."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry
from tests.conftest import PASSWORD, csrf_token, login, make_app, make_tenant, make_user
from tests.security_world import build_world

WRONG = "not the password"


@pytest.fixture
def agent(app):
    return make_user(make_tenant("alpha"), "agent")


def attempt(client, email, password=WRONG, address="10.0.0.1"):
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
        headers={"Accept-Language": "en"},
    )


# --- throttling ------------------------------------------------------------------------


def test_an_account_is_locked_after_five_failures_even_for_the_right_password(client, agent):
    for _ in range(5):
        assert attempt(client, agent.email).status_code == 401
    locked = attempt(client, agent.email, PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)


def test_the_lock_of_one_account_leaves_others_alone(app, client, agent):
    other = make_user(agent.tenant, "supervisor")
    for _ in range(5):
        attempt(client, agent.email)
    assert attempt(client, other.email, PASSWORD).status_code == 302


def test_an_unknown_email_is_locked_exactly_like_a_known_one(client, agent):
    for _ in range(5):
        assert attempt(client, "nobody@alpha.example.com").status_code == 401
    assert attempt(client, "nobody@alpha.example.com").status_code == 429


def test_an_address_is_locked_after_its_own_limit_across_accounts(app, client, agent):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 3
    for n in range(3):
        attempt(client, f"guess{n}@alpha.example.com", address="10.9.9.9")
    assert attempt(client, agent.email, PASSWORD, address="10.9.9.9").status_code == 429
    assert attempt(client, agent.email, PASSWORD, address="10.0.0.2").status_code == 302


def test_the_lock_ends_when_the_window_has_passed(app, client, agent):
    for _ in range(5):
        attempt(client, agent.email)
    window = timedelta(seconds=app.config["LOGIN_FAILURE_WINDOW_SECONDS"] + 1)
    for row in db.session.scalars(select(AuditEntry)):
        row.at -= window
    db.session.commit()
    assert attempt(client, agent.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_starts_the_count_afresh(app, client, agent):
    for _ in range(4):
        attempt(client, agent.email)
    assert attempt(client, agent.email, PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt(app.test_client(), agent.email).status_code == 401


def test_failures_are_in_the_audit_log_of_the_accounts_tenant(client, agent):
    attempt(client, agent.email)
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed"))
    by_kind = {row.object_type: row for row in rows}
    assert by_kind["login_account"].tenant_id == agent.tenant_id
    assert by_kind["login_account"].object_id == agent.email
    assert by_kind["login_address"].tenant_id is None


def failed_addresses():
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "login_address"))
    return [row.object_id for row in rows]


def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(app, migrated_url, agent):
    forged = {"X-Forwarded-For": "203.0.113.9"}
    token = csrf_token(client := app.test_client())
    form = {"email": agent.email, "password": WRONG, "csrf_token": token}
    client.post("/login", data=form, headers=forged, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert failed_addresses() == ["10.0.0.7"]  # direct: the header is the client's word

    proxied = make_app(migrated_url, TRUSTED_PROXIES=1)
    with proxied.app_context():
        client = proxied.test_client()
        form["csrf_token"] = csrf_token(client)
        client.post("/login", data=form, headers=forged, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert sorted(failed_addresses()) == ["10.0.0.7", "203.0.113.9"]


# --- session and cookies ---------------------------------------------------------------


def test_the_session_cookie_changes_at_login_and_the_old_one_is_no_key(app, client, agent):
    client.get("/login")
    before = client.get_cookie("session").value
    login(client, agent.email)
    after = client.get_cookie("session").value
    assert before != after
    stranger = app.test_client()
    stranger.set_cookie("session", before)
    assert stranger.get("/desk/").status_code == 302


def test_cookies_are_secure_httponly_and_samesite_when_served_over_https(migrated_url):
    from tests.conftest import make_app

    app = make_app(migrated_url, SESSION_COOKIE_SECURE=True)
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    with app.app_context():
        client = app.test_client()
        cookie = client.get("/login").headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        db.engine.dispose()


# --- headers ---------------------------------------------------------------------------

PAGES = [
    "/login",
    "/desk/",
    "/desk/tickets/NOSUCH",
    "/admin/users/",
    "/admin/policy/",
    "/desk/reports/",
    "/api/v1/openapi.json",
    "/api/v1/tickets",
    "/t/alpha/",
    "/static/portal.css",
    "/no/such/page",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, agent, path):
    make_user(agent.tenant, "tenant_admin")
    login(client, "tenant_admin@alpha.example.com")
    response = client.get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    scripts = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    if not path.startswith("/static/"):
        assert headers["Cache-Control"] == "no-store"


def test_admin_scripts_carry_the_nonce_of_the_policy_and_no_page_has_other_inline_code(
    client, agent
):
    make_user(agent.tenant, "tenant_admin")
    login(client, "tenant_admin@alpha.example.com")
    for path in ("/admin/users/", "/admin/departments/", "/admin/policy/edit/", "/desk/"):
        response = client.get(path)
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])[1]
        page = response.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert f'nonce="{nonce}"' in tag or 'type="application/json"' in tag, (path, tag)


def test_the_nonce_differs_per_request(client):
    first = client.get("/login").headers["Content-Security-Policy"]
    assert first != client.get("/login").headers["Content-Security-Policy"]


# --- CSRF ------------------------------------------------------------------------------


def test_every_form_post_without_a_token_is_refused(app, client):
    world = build_world()
    login(client, world.staff["tenant_admin"].email)
    refused = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.rule.startswith("/api/"):
            continue
        values = {"number": world.number, "name": "note", "slug": "bravo"}
        if rule.endpoint.startswith("policy."):
            values["number"] = "1"
        path = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        response = client.post(path, data={"text": "x"})
        refused.append((path, response.status_code))
    assert len(refused) > 20
    assert [r for r in refused if r[1] != 400] == []


def test_the_bearer_token_api_needs_no_csrf_token(client):
    world = build_world()
    response = client.post(
        f"/api/v1/tickets/{world.number}/actions/note",
        json={"text": "from the hotline"},
        headers={
            "Authorization": f"Bearer {world.bravo_key}",
            "X-Tousu-User": "agent@bravo.example.com",
        },
    )
    assert response.status_code == 200
