"""Hostile input in every door: the API, the customer form and the desk's action forms.

Whatever arrives (markup, SQL, huge or control-laden text, invalid UTF-8, emoji and
Chinese, wrong types, absurd numbers) is either stored exactly and shown escaped, or
refused with a 4xx that says why, leaving the database as it was. Never a 500.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Event, OutboxMessage, Ticket
from portal.notifications.render import compose
from portal.tenancy import ALL_TENANTS, tenant_scope
from tests.conftest import csrf_token, login, make_user
from tests.security_world import build_world
from tests.test_api import BODY

SCRIPT = "<script>alert(1)</script>"
CLASSICS = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE tickets; --",
    "1' OR '1'='1",
    "x" * 5000,
    "\x01\x07\x1b[31m\x7f",
    "😀投诉🚀 mixed 中文 text",
    '=HYPERLINK("http://evil.example","x")',
    "\u202egnp.exe",
    "a\x00b",
]
TEXT = st.one_of(st.sampled_from(CLASSICS), st.text(min_size=1, max_size=80))
NUMBERS = st.one_of(
    st.sampled_from([-1, -(10**30), 10**30, 1e308, float("inf"), "12abc", [], {}, True, None]),
    st.integers(),
)
FEW = settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(app):
    return build_world()


def tickets() -> int:
    with tenant_scope(db.session, ALL_TENANTS):
        return db.session.scalar(select(func.count()).select_from(Ticket))


def unescaped(page: str, text: str) -> bool:
    """Whether markup of ``text`` reached the page as markup."""
    return "<" in text and text in page


def api(world, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.alpha_key}", **extra}


@FEW
@given(subject=TEXT, name=TEXT, description=TEXT)
def test_api_text_is_stored_exactly_or_refused(app, world, subject, name, description):
    client = app.test_client()
    before = tickets()
    body = {**BODY, "subject": subject, "description": description}
    body["customer"] = {**BODY["customer"], "name": name}
    response = client.post("/api/v1/tickets", json=body, headers=api(world))
    assert response.status_code in (201, 422), response.get_data(as_text=True)[:300]
    if response.status_code == 422:
        assert response.get_json()["error"]["details"]
        assert tickets() == before
        return
    number = response.get_json()["number"]
    shown = client.get(f"/api/v1/tickets/{number}", headers=api(world)).get_json()
    # Stored as sent, but for the surrounding whitespace the API trims.
    assert shown["subject"].strip() == subject.strip()
    assert shown["description"].strip() == description.strip()
    desk = app.test_client()
    login(desk, world.staff["agent"].email)
    page = desk.get(f"/desk/tickets/{number}").get_data(as_text=True)
    assert not unescaped(page, subject) and not unescaped(page, name)


def invalid_amount(amount: Any) -> bool:
    if isinstance(amount, bool) or amount is None:
        return False
    return not isinstance(amount, int | float) or amount < 0 or amount == float("inf")


@FEW
@given(amount=NUMBERS)
def test_api_numbers_of_the_wrong_type_or_size_are_refused(app, world, amount):
    client = app.test_client()
    before = tickets()
    body = {**BODY, "fields": {"amount": amount}}
    response = client.post("/api/v1/tickets", json=body, headers=api(world))
    assert response.status_code in (201, 400, 422)
    if invalid_amount(amount):
        assert response.status_code in (400, 422) and response.get_json()["error"]["message"]
    if response.status_code != 201:
        assert tickets() == before


MALFORMED = [
    b"{not json",
    b'{"subject": "\xff\xfe"}',
    b"[]",
    b'"a string"',
    b'{"kind": 5, "channel": [], "subject": {}}',
]


def test_malformed_api_bodies_answer_4xx(app, world):
    client = app.test_client()
    headers = api(world, **{"Content-Type": "application/json"})
    for body in MALFORMED:
        response = client.post("/api/v1/tickets", data=body, headers=headers)
        assert 400 <= response.status_code < 500, body
        assert response.get_json()["error"]["message"]
    assert tickets() == 1


def test_a_body_larger_than_any_upload_is_refused_before_it_is_read(app, world):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit > app.config["ATTACHMENT_MAX_BYTES"] * app.config["ATTACHMENT_MAX_FILES"]
    headers = api(world, **{"Content-Type": "application/json"})
    oversized = b'{"subject": "' + b"x" * limit + b'"}'
    response = app.test_client().post("/api/v1/tickets", data=oversized, headers=headers)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    assert tickets() == 1


@FEW
@given(subject=TEXT, name=TEXT, phone=TEXT, amount=TEXT)
def test_the_customer_form_stores_or_explains(app, world, subject, name, phone, amount):
    client = app.test_client()
    token = csrf_token(client, "/t/alpha/")
    before = tickets()
    response = client.post(
        "/t/alpha/",
        data={
            "csrf_token": token,
            "kind": "complaint",
            "subject": subject,
            "description": subject,
            "customer.name": name,
            "customer.phone": phone,
            "fields.amount": amount,
        },
    )
    assert response.status_code in (303, 400, 422)
    page = response.get_data(as_text=True)
    assert not unescaped(page, subject) and not unescaped(page, name)
    if response.status_code != 303:
        assert tickets() == before
        assert 'class="flash error"' in page or response.status_code == 400


INVALID_UTF8_FORMS = [
    b"subject=%FF%FE&kind=complaint",
    b"customer.name=\xff\xfe\xfd&customer.phone=13800000000",
    b"kind=complaint&subject=ok&description=%C0%AF",
]
ODD_URLS = ["/desk/tickets/%FF%FE", "/desk/?q=%FF&page=-1", "/desk/?page=99999999999", "/t/%FF/"]


def test_invalid_utf8_in_a_form_is_answered_without_a_crash(app, world):
    client = app.test_client()
    token = csrf_token(client, "/t/alpha/")
    for raw in INVALID_UTF8_FORMS:
        response = client.post(
            "/t/alpha/",
            data=raw + b"&csrf_token=" + token.encode(),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in (303, 400, 422), raw


def test_invalid_utf8_and_absurd_numbers_in_urls_answer_4xx(app, world):
    client = app.test_client()
    login(client, world.staff["agent"].email)
    for path in ODD_URLS:
        assert 400 <= client.get(path).status_code < 500, path


@FEW
@given(text=TEXT)
def test_desk_notes_are_stored_exactly_and_shown_escaped(app, world, text):
    client = app.test_client()
    login(client, "agent@bravo.example.com")
    page_url = f"/desk/tickets/{world.number}"
    token = csrf_token(client, page_url)
    with tenant_scope(db.session, world.bravo.id):
        before = db.session.scalar(select(func.count()).select_from(Event))
    response = client.post(f"{page_url}/actions/note", data={"csrf_token": token, "text": text})
    assert response.status_code in (303, 400, 422)
    with tenant_scope(db.session, world.bravo.id):
        after = db.session.scalar(select(func.count()).select_from(Event))
    if response.status_code != 303:
        assert after == before
        return
    assert after == before + 1
    page = client.get(page_url).get_data(as_text=True)
    assert not unescaped(page, text.strip())


def test_a_reply_with_markup_is_escaped_in_the_customers_email(app, world):
    client = app.test_client()
    login(client, "agent@bravo.example.com")
    page_url = f"/desk/tickets/{world.number}"
    token = csrf_token(client, page_url)
    client.post(f"{page_url}/actions/reply", data={"csrf_token": token, "message": SCRIPT})
    with tenant_scope(db.session, ALL_TENANTS):
        message = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "reply")
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert message is not None
        mail = compose(db.session, message, "Tousu <noreply@example.com>", message.created_at)
    html = mail.get_body(("html",)).get_content()
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert SCRIPT in mail.get_body(("plain",)).get_content()  # plain text needs no escaping


def rows_of(csv_text: str) -> list[dict[str, Any]]:
    return list(csv.DictReader(io.StringIO(csv_text)))


def test_admin_csv_exports_cannot_carry_formulas(app, world, client):
    formula = '=HYPERLINK("http://evil.example","x")'
    world.staff["agent"].display_name = formula
    db.session.commit()
    # A sign-in attempt with a formula for an e-mail lands in the audit log.
    anonymous = app.test_client()
    anonymous.post(
        "/login",
        data={"email": formula, "password": "x", "csrf_token": csrf_token(anonymous)},
    )
    login(client, world.staff["tenant_admin"].email)
    users = client.get("/admin/users/export/csv/", buffered=True).get_data(as_text=True)
    assert formula not in [value for row in rows_of(users) for value in row.values()]
    assert "'" + formula in users.replace('""', '"')
    platform = app.test_client()
    login(platform, make_user(None, "platform_admin").email)
    audit = platform.get("/admin/audit/export/csv/", buffered=True).get_data(as_text=True)
    assert "login_failed" in audit
    assert not re.search(r"(^|,)[=+@-]", audit, re.M)
