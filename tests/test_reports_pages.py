"""Report pages, exports and the API: tenant-scoped, role-checked, formula-safe."""

import csv
import io
import json
import re
import zipfile

import pytest
from flask_babel import force_locale

from portal.api.auth import create_api_key
from portal.extensions import db
from portal.plugins import sectors
from portal.reports.build import build_report
from portal.reports.export import neutralise
from portal.reports.periods import parse
from portal.tenancy import set_scope, tenant_scope
from tests.conftest import login, make_tenant, make_user
from tests.test_reports import BUILT, Q3, at, receive, seed_quarter


@pytest.fixture
def tenant(app):
    tenant = make_tenant("estate")
    set_scope(db.session, tenant.id)
    with force_locale("en"):
        yield tenant


@pytest.fixture
def built(tenant):
    agent = make_user(tenant, "agent")
    seed_quarter(tenant, agent)
    build_report(db.session, sectors(), tenant, Q3, BUILT)
    db.session.commit()
    return tenant


def signed_in(client, tenant, role):
    with tenant_scope(db.session, tenant.id):
        user = make_user(tenant, role, email=f"reader-{role}@{tenant.slug}.example.com")
    login(client, user.email)
    return client


PAGE = "/desk/reports/quarterly/2026-Q3"


def test_a_supervisor_sees_the_report_with_its_charts_and_tables(client, built):
    signed_in(client, built, "supervisor")
    listing = client.get("/desk/reports/", headers={"Accept-Language": "en"})
    assert listing.status_code == 200 and PAGE in listing.get_data(as_text=True)

    page = client.get(PAGE, headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for chart in ("chart-volume", "chart-tiers", "chart-on_time"):
        assert f'id="{chart}"' in html
    assert "Deadlines by milestone" in html and "Top causes of valid complaints" in html
    # Chart data travels as JSON, the code in static files: nothing inline to allow.
    data = re.search(r'<script type="application/json" id="report-charts">(.*?)</script>', html)
    assert data is not None
    charts = json.loads(data.group(1))
    assert len(charts["volume"]["values"]) == 92 and sum(charts["volume"]["values"]) == 6
    assert re.findall(r"<script(?![^>]*(src=|application/json))", html) == []
    assert "/static/vendor/chartjs/chart.umd.js" in html
    assert "export.csv" in html and "export.xlsx" in html


def test_the_page_speaks_chinese(client, built):
    signed_in(client, built, "tenant_admin")
    html = client.get(PAGE, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "季报" in html and "按时限节点统计" in html


def test_auditors_read_reports(client, built):
    signed_in(client, built, "auditor")
    assert client.get(PAGE).status_code == 200
    assert "/desk/reports/" in client.get("/desk/").get_data(as_text=True), "linked in the nav"


def test_agents_get_403_and_strangers_the_login_page(client, built):
    assert client.get(PAGE).status_code == 302
    signed_in(client, built, "agent")
    assert client.get(PAGE).status_code == 403
    assert client.get("/desk/reports/").status_code == 403


def test_another_tenants_report_is_not_found(client, built):
    other = make_tenant("other-co")
    signed_in(client, other, "supervisor")
    for path in (PAGE, PAGE + "/export.csv", PAGE + "/export.xlsx"):
        assert client.get(path).status_code == 404, path
    assert "2026-Q3" not in client.get("/desk/reports/").get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/desk/reports/fortnightly/2026-Q3",
        "/desk/reports/quarterly/2026-Q9",
        "/desk/reports/quarterly/2026-Q2",  # well formed, never built
        "/desk/reports/monthly/2026-Q3",
        PAGE + "/export.pdf",
    ],
)
def test_bad_or_unknown_reports_are_404_pages(client, built, path):
    signed_in(client, built, "supervisor")
    assert client.get(path).status_code == 404


def test_neutralise_prefixes_every_formula_start():
    for text in ("=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(text) == "'" + text
    assert neutralise("服务") == "服务" and neutralise("a=b") == "a=b"


def test_exports_neutralise_formula_cells(client, built):
    signed_in(client, built, "supervisor")
    response = client.get(PAGE + "/export.csv", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    texts = [cell for row in rows for cell in row]
    # The department's name "@sales" is the label of its code "=SUM(A1)".
    assert "'@sales" in texts and "@sales" not in texts
    assert not [t for t in texts if t[:1] in ("=", "+", "@", "\t", "\r")]
    assert ["Tickets received", "6", "1", "5"] in rows

    xlsx = client.get(PAGE + "/export.xlsx")
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.get_data())) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "&apos;@sales" in strings or "'@sales" in strings
    assert "<f>" not in sheet  # no formula anywhere


def test_the_api_answers_the_stored_figures_and_refuses_bad_names(client, built):
    _key, secret = create_api_key(db.session, built, name="bi")
    db.session.commit()
    auth = {"Authorization": f"Bearer {secret}"}
    ok = client.get("/api/v1/reports/quarterly?period=2026-Q3", headers=auth)
    assert ok.status_code == 200
    assert ok.get_json()["figures"]["totals"]["tickets"] == 6
    unknown_kind = client.get("/api/v1/reports/fortnightly?period=2026-Q3", headers=auth)
    assert unknown_kind.status_code == 404
    assert unknown_kind.get_json()["error"]["code"] == "not_found"
    malformed = client.get("/api/v1/reports/quarterly?period=2026-13", headers=auth)
    assert malformed.status_code == 422
    assert set(malformed.get_json()["error"]["details"]) == {"period"}

    other = make_tenant("other-co")
    with tenant_scope(db.session, other.id):
        _key, other_secret = create_api_key(db.session, other, name="bi")
        db.session.commit()
    hidden = client.get(
        "/api/v1/reports/quarterly?period=2026-Q3",
        headers={"Authorization": f"Bearer {other_secret}"},
    )
    assert hidden.status_code == 404


def test_the_cli_builds_a_report(app, tenant):
    receive(tenant, at(8, 1), "13700000001")
    result = app.test_cli_runner().invoke(
        args=[
            "portal",
            "report",
            "build",
            "--tenant",
            "estate",
            "--kind",
            "quarterly",
            "--period",
            "2026-Q3",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "quarterly report 2026-Q3 of estate: 1 tickets" in result.output
    bad = app.test_cli_runner().invoke(
        args=[
            "portal",
            "report",
            "build",
            "--tenant",
            "estate",
            "--kind",
            "quarterly",
            "--period",
            "2026-Q7",
        ]
    )
    assert bad.exit_code != 0 and "period" in bad.output
    assert parse("quarterly", "2026-Q3") == Q3
