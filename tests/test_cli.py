"""``flask portal ...``: the operator's commands, run through Click's test runner."""

import re

import pytest
from sqlalchemy import func, select

from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.models import PolicyVersion, Tenant, Ticket, User
from portal.tenancy import ALL_TENANTS, tenant_scope
from tests.conftest import PASSWORD, login, make_tenant, make_user

NUMBER = re.compile(r'<td class="number"><a [^>]*>([^<]+)</a></td>')
SECTORS = ["banking", "property", "retail", "telecom"]


def portal(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=["portal", *args], **kwargs)


def count(model):
    with tenant_scope(db.session, ALL_TENANTS):
        return db.session.scalar(select(func.count()).select_from(model))


def assert_refused(result, field):
    """A non-zero exit with a one-line reason that names ``field``."""
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: ")
    assert field in result.stderr


def create_tenant(app, **options):
    options = {
        "slug": "jstel",
        "name": "Jiangsu Telecom",
        "sector": "telecom",
        "prefix": "JSTEL",
    } | options
    return portal(app, "create-tenant", *[f"--{key}={value}" for key, value in options.items()])


def create_user(app, password=PASSWORD, **options):
    options = {
        "email": "li@acme.example.com",
        "name": "Li Lei",
        "role": "agent",
        "tenant": "acme",
    } | options
    args = [f"--{key}={value}" for key, value in options.items() if value is not None]
    return portal(app, "create-user", *args, input=f"{password}\n{password}\n")


def test_plugins_lists_every_sector_with_its_version(app):
    result = portal(app, "plugins")
    assert result.exit_code == 0
    for sector in SECTORS:
        assert re.search(rf"^{sector}\s+\d+\.\d+\.\d+\s", result.stdout, re.MULTILINE), sector


def test_create_tenant_creates_it_with_an_active_policy(app):
    result = create_tenant(app)
    assert result.exit_code == 0, result.output
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "jstel"))
    assert (tenant.name, tenant.sector, tenant.ticket_prefix) == (
        "Jiangsu Telecom",
        "telecom",
        "JSTEL",
    )
    with tenant_scope(db.session, tenant.id):
        policy = db.session.get(PolicyVersion, tenant.active_policy_version_id)
    assert policy is not None and policy.number == 1


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"slug": "acme"}, "slug"),
        ({"sector": "laundromat"}, "sector"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"prefix": "js-tel"}, "prefix"),
    ],
)
def test_create_tenant_refuses_bad_input_and_creates_nothing(app, options, field):
    make_tenant("acme")
    result = create_tenant(app, **options)
    assert_refused(result, field)
    assert count(Tenant) == 1
    assert count(PolicyVersion) == 1


def test_create_user_creates_a_user_who_can_sign_in(app, client):
    make_tenant("acme")
    result = create_user(app)
    assert result.exit_code == 0, result.output
    response = login(client, "li@acme.example.com")
    assert response.status_code == 302
    assert client.get("/desk/").status_code == 200


def test_create_user_takes_the_password_from_the_environment(app, client):
    make_tenant("acme")
    args = ["--email=li@acme.example.com", "--name=Li Lei", "--role=agent", "--tenant=acme"]
    result = portal(app, "create-user", *args, env={"TOUSU_NEW_USER_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert login(client, "li@acme.example.com").status_code == 302


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "AGENT@acme.example.com"}, "email"),
        ({"password": "short"}, "password"),
        ({"role": "wizard"}, "role"),
        ({"tenant": "nowhere"}, "tenant"),
        ({"role": "platform_admin"}, "tenant"),
        ({"role": "supervisor", "tenant": None}, "tenant"),
    ],
)
def test_create_user_refuses_bad_input_and_creates_nothing(app, options, field):
    make_user(make_tenant("acme"), "agent")
    result = create_user(app, **options)
    assert_refused(result, field)
    assert count(User) == 1


@pytest.fixture
def seeded(app):
    result = portal(app, "seed-demo")
    assert result.exit_code == 0, result.output
    assert "demo data created" in result.stdout
    return app


def test_seed_demo_creates_a_tenant_per_sector_with_staff_and_tickets(seeded):
    with tenant_scope(db.session, ALL_TENANTS):
        tenants = db.session.scalars(select(Tenant)).all()
        assert {*SECTORS, "sample"} <= {t.sector for t in tenants}, "every installed sector"
        for tenant in tenants:
            staff = select(func.count()).select_from(User).where(User.tenant_id == tenant.id)
            tickets = select(func.count()).select_from(Ticket).where(Ticket.tenant_id == tenant.id)
            assert db.session.scalar(staff) > 0
            assert db.session.scalar(tickets) > 0


def test_seed_demo_twice_leaves_the_data_alone(seeded):
    before = [count(Tenant), count(User), count(Ticket)]
    result = portal(seeded, "seed-demo")
    assert result.exit_code == 0
    assert "left alone" in result.stdout
    assert [count(Tenant), count(User), count(Ticket)] == before


def test_demo_agent_signs_in_and_sees_only_their_tenants_tickets(seeded, client):
    response = login(client, "agent1@demo-telecom.demo", password=DEMO_PASSWORD)
    assert response.status_code == 302
    numbers = NUMBER.findall(client.get("/desk/").get_data(as_text=True))
    assert numbers
    assert all(n.startswith("TEL-") for n in numbers), numbers
