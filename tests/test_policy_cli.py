"""`flask portal policy ...` and `flask portal calendar ...`."""

import copy
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import CalendarYear, PolicyVersion
from portal.plugins import sectors
from portal.tenancy import tenant_scope
from portal.workflow.intake import TicketIn, open_ticket
from tests.conftest import make_tenant
from tests.plugins.sample import POLICY


def portal(app, *args):
    return app.test_cli_runner().invoke(args=["portal", *args])


def test_simulate_prints_what_a_draft_would_change(app, tmp_path):
    tenant = make_tenant("estate")
    with tenant_scope(db.session, tenant.id):
        body = {
            "kind": "complaint",
            "channel": "phone",
            "subject": "漏水",
            "fields": {"company_fault": True},
        }
        created = datetime.now(ZoneInfo("Asia/Shanghai"))
        ticket = open_ticket(
            db.session, sectors(), tenant, TicketIn.model_validate(body), now=created
        )
        db.session.commit()
        number = ticket.number
    draft = copy.deepcopy(POLICY)
    draft["tiers"][1]["milestones"][1]["duration"]["amount"] = 30
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(draft), encoding="utf-8")
    versions = db.session.scalar(select(func.count()).select_from(PolicyVersion))

    result = portal(app, "policy", "simulate", "--tenant", "estate", "--file", str(path))

    assert result.exit_code == 0, result.output
    assert "examined 1 tickets: 0 change tier, 1 change due times" in result.stdout
    assert f"{number}: important -> important; resolve " in result.stdout
    assert db.session.scalar(select(func.count()).select_from(PolicyVersion)) == versions


def test_simulate_refuses_an_invalid_draft_with_its_paths(app, tmp_path):
    make_tenant("estate")
    draft = copy.deepcopy(POLICY)
    draft["default_tier"] = "gold"
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(draft), encoding="utf-8")
    result = portal(app, "policy", "simulate", "--tenant", "estate", "--file", str(path))
    assert result.exit_code != 0
    assert "default_tier" in result.stderr


def test_simulate_refuses_unknown_tenant_and_unreadable_file(app, tmp_path):
    make_tenant("estate")
    assert (
        "no tenant 'nowhere'"
        in portal(app, "policy", "simulate", "--tenant", "nowhere", "--file", "x.json").stderr
    )
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = portal(app, "policy", "simulate", "--tenant", "estate", "--file", str(bad))
    assert result.exit_code != 0 and "file:" in result.stderr


def test_calendar_import_makes_a_year_official(app, tmp_path):
    schedule = {"year": 2027, "holidays": {"2027-01-01": "元旦"}, "working_days": []}
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(schedule, ensure_ascii=False), encoding="utf-8")
    status = portal(app, "calendar", "status")
    assert status.exit_code == 0
    result = portal(app, "calendar", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "2027 is official" in result.stdout
    assert db.session.get(CalendarYear, 2027).status == "official"
    assert "2027  official" in portal(app, "calendar", "status").stdout


def test_calendar_import_refuses_a_bad_file(app, tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({"year": 2027, "holidays": {"2026-12-31": "x"}}), encoding="utf-8")
    result = portal(app, "calendar", "import", str(path))
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: ")
