"""`flask portal new-sector`: the package it writes installs with pip, passes its own
tests, and a restarted portal enables it for a tenant and applies its rules to a ticket
created through the JSON API (the walkthrough of docs/plugins.md).

The package is installed with ``pip install --target`` into a temporary folder that the
portal's processes get on their ``PYTHONPATH``, rather than into the virtualenv: an
entry point that other test runs sharing the environment could see for a moment would
change their list of sectors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from portal.policy.calendar import WorkingCalendar, statutory_year_from_library
from portal.policy.deadlines import Duration, Unit, compute_due
from portal.scaffold import name_problem
from tests.conftest import make_app

NAME = "laundry"
ROOT = Path(__file__).resolve().parent.parent
# Asks the portal's API, as a client would, in a process of its own.
API_CALL = """
import json, sys
from wsgi import app
body = {"kind": "complaint", "channel": "phone", "subject": "Shirt ruined",
        "customer": {"name": "Li", "phone": "13900001111"}, "fields": {"amount": 6000}}
response = app.test_client().post(
    "/api/v1/tickets", json=body, headers={"Authorization": f"Bearer {sys.argv[1]}"})
print(json.dumps({"status": response.status_code, "body": response.get_json()}))
"""


def new_sector(tmp_path: Path, *args: str) -> Result:
    app = make_app(f"sqlite:///{tmp_path / 'unused.db'}")
    return app.test_cli_runner().invoke(args=["portal", "new-sector", *args])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The scaffold's package, written and pip-installed; the environment that sees it."""
    tmp = tmp_path_factory.mktemp("scaffold")
    package = tmp / f"sector-{NAME}"
    result = new_sector(tmp, NAME, "--path", str(package), "--name-zh", "洗衣")
    assert result.exit_code == 0, result.output
    site = tmp / "site"
    pip = (sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation")
    run(dict(os.environ), *pip, "--target", str(site), str(package))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
        "FLASK_APP": "wsgi",
        "TOUSU_DATABASE_URL": f"sqlite:///{tmp / 'portal.db'}",
        "TOUSU_SECRET_KEY": "test",
        "TOUSU_OUTBOX_DIR": str(tmp / "outbox"),
    }
    return package, env


def run(env: dict[str, str], *args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def flask(env: dict[str, str], *args: str) -> str:
    return run(env, sys.executable, "-m", "flask", *args)


def test_the_generated_package_passes_its_own_tests(installed):
    package, env = installed
    output = run(env, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package)
    assert " passed" in output


def test_a_restarted_portal_enables_the_new_sector_and_applies_its_rules(installed):
    _package, env = installed
    flask(env, "db", "upgrade")
    assert f"{NAME} " in flask(env, "portal", "plugins")
    flask(
        env,
        "portal",
        "create-tenant",
        "--slug=wash",
        "--name=Wash",
        f"--sector={NAME}",
        "--prefix=WASH",
    )
    ticket = ticket_through_the_api(env)

    # The scaffold's default policy: an amount of 5000 or more is major, with its reason;
    # a reply the next day and a resolution within 5 working days.
    assert ticket["classification"]["tier"] == "major"
    assert ticket["classification"]["reasons"] == ["涉及金额5000元以上"]
    due = {m["name"]: m for m in ticket["milestones"]}
    assert set(due) == {"reply", "resolve"}
    for name, amount, unit in (("reply", 1, Unit.CALENDAR_DAYS), ("resolve", 5, Unit.WORKING_DAYS)):
        wanted = expected_due(due[name]["started_at"], amount, unit)
        assert datetime.fromisoformat(due[name]["due_at"]) == wanted, name


def test_bad_names_and_existing_folders_are_refused_in_one_line(tmp_path):
    for args, message in [
        (["Hotel"], "invalid sector name 'Hotel'"),
        (["ab"], "invalid sector name 'ab'"),
        (["9lives"], "invalid sector name"),
        (["car-dealer"], "invalid sector name"),
        (["retail"], "a sector named 'retail' is already installed"),
        ([NAME, "--path", str(tmp_path)], "already exists"),
    ]:
        result = new_sector(tmp_path, *args)
        assert result.exit_code != 0, args
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
        assert message in result.stderr, result.stderr
    assert name_problem("car_dealer") is None


def expected_due(started_at: str, amount: int, unit: Unit) -> datetime:
    """The scaffold's rule computed by the engine on the statutory calendar."""
    start = datetime.fromisoformat(started_at)
    years = [statutory_year_from_library(start.year + i) for i in range(2)]
    calendar = WorkingCalendar(years, time_zone="Asia/Shanghai")
    return compute_due(start, Duration(amount, unit), calendar).due_at


def ticket_through_the_api(env: dict[str, str]) -> dict[str, Any]:
    key = flask(env, "portal", "api-key", "create", "--tenant=wash", "--name=till").strip()
    answer = json.loads(run(env, sys.executable, "-c", API_CALL, key))
    assert answer["status"] == 201, answer
    return dict(answer["body"])
