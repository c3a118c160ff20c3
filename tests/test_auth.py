"""Staff login, logout, sessions and role checks, through real HTTP."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import User
from tests.conftest import PASSWORD, csrf_token, login, make_tenant, make_user

EN = {"Accept-Language": "en"}
ZH_CATALOG = Path(__file__).resolve().parent.parent / (
    "portal/translations/zh_Hans_CN/LC_MESSAGES/messages.mo"
)


def alerts(response):
    """The messages a user sees in the page's alert boxes."""
    return re.findall(r'role="alert">([^<]*)<', response.get_data(as_text=True))


def post_login(client, email, password=PASSWORD, query=""):
    token = csrf_token(client)
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post(f"/login{query}", data=data, headers=EN)


def points_off_site(location):
    """Whether a browser would follow ``location`` to another site: browsers read
    backslashes as slashes and drop tabs and newlines inside URLs."""
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    return bool(urlsplit(cleaned).netloc)


def assert_signed_out(client):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.fixture
def agent(app):
    return make_user(make_tenant("acme"), "agent")


def test_login_page_renders_with_a_csrf_token(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert re.search(
        r'<input[^>]+name="csrf_token"[^>]+value="[^"]+"', response.get_data(as_text=True)
    )


def test_wrong_password_is_refused_with_a_message(client, agent):
    response = post_login(client, agent.email, password="not the password")
    assert response.status_code == 401
    assert alerts(response) == ["Wrong email or password."]
    assert_signed_out(client)


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, agent):
    wrong_password = post_login(client, agent.email, password="not the password")
    unknown_email = post_login(client, "nobody@acme.example.com")
    assert unknown_email.status_code == wrong_password.status_code == 401
    assert alerts(unknown_email) == alerts(wrong_password)
    assert_signed_out(client)


def test_a_nul_byte_in_the_email_is_refused_with_a_clear_error(client, agent):
    response = post_login(client, "agent\x00@acme.example.com")
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert_signed_out(client)


def test_login_without_csrf_token_is_refused(client, agent):
    response = client.post("/login", data={"email": agent.email, "password": PASSWORD})
    assert response.status_code == 400
    assert_signed_out(client)


@pytest.mark.parametrize("role", ["agent", "supervisor", "tenant_admin", "auditor"])
def test_tenant_staff_land_on_the_desk(client, role):
    user = make_user(make_tenant("acme"), role)
    response = login(client, user.email)
    assert response.status_code == 302
    assert client.get(response.headers["Location"], follow_redirects=True).request.path == "/desk/"


def test_platform_admin_lands_on_the_platform_overview(client):
    admin = make_user(None, "platform_admin")
    response = login(client, admin.email)
    assert response.status_code == 302
    landed = client.get(response.headers["Location"], follow_redirects=True)
    assert landed.request.path == "/platform/"
    assert landed.status_code == 200


def test_next_with_a_same_site_path_is_honoured(client, agent):
    response = post_login(client, agent.email, query="?next=/desk/%3Fstatus%3Dnew")
    assert response.status_code == 302
    assert response.headers["Location"] == "/desk/?status=new"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/login"])
def test_next_to_another_site_goes_home_instead(client, agent, target):
    response = post_login(client, agent.email, query=f"?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_with_a_backslash_stays_on_the_site(client, agent):
    response = post_login(client, agent.email, query="?next=/%5Cevil.example")
    assert response.status_code == 302
    assert not points_off_site(response.headers["Location"])


def test_next_with_a_tab_stays_on_the_site(client, agent):
    response = post_login(client, agent.email, query="?next=/%09/evil.example")
    assert response.status_code == 302
    assert not points_off_site(response.headers["Location"])


def test_next_with_a_newline_goes_home_instead_of_crashing(client, agent):
    response = post_login(client, agent.email, query="?next=/%0D%0A/evil.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_session_cookie_is_httponly_and_samesite_lax(client, agent):
    response = login(client, agent.email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_logout_is_not_possible_with_get(client, agent):
    login(client, agent.email)
    assert client.get("/logout").status_code == 405
    assert client.get("/desk/").status_code == 200


def test_logout_without_csrf_token_is_refused(client, agent):
    login(client, agent.email)
    assert client.post("/logout").status_code == 400
    assert client.get("/desk/").status_code == 200


def test_logout_signs_out(client, agent):
    login(client, agent.email)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/desk/")})
    assert response.status_code == 302
    assert_signed_out(client)


def test_agent_cannot_open_the_platform_overview(client, agent):
    login(client, agent.email)
    assert client.get("/platform/").status_code == 403


def test_platform_admin_cannot_open_the_desk(client):
    admin = make_user(None, "platform_admin")
    login(client, admin.email)
    assert client.get("/desk/").status_code == 403


@pytest.mark.parametrize("path", ["/desk/", "/platform/"])
def test_anonymous_users_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_inactive_user_cannot_log_in(client, agent):
    agent.active = False
    db.session.commit()
    response = post_login(client, agent.email)
    assert response.status_code == 401
    assert_signed_out(client)


def test_user_deactivated_while_signed_in_is_shut_out(client, agent):
    login(client, agent.email)
    agent.active = False
    db.session.commit()
    assert_signed_out(client)


def test_deactivated_tenant_shuts_out_its_signed_in_users(client, agent):
    login(client, agent.email)
    agent.tenant.active = False
    db.session.commit()
    assert client.get("/desk/").status_code == 403
    assert_signed_out(client)


def test_password_is_stored_as_an_argon2id_hash(app, agent):
    stored = db.session.scalar(select(User.password_hash).where(User.id == agent.id))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_session_values_set_before_login_do_not_survive_it(client, agent):
    with client.session_transaction() as session:
        session["planted"] = "x"
    login(client, agent.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


def test_login_page_in_english(client):
    assert "Sign in" in client.get("/login", headers=EN).get_data(as_text=True)


@pytest.mark.skipif(not ZH_CATALOG.exists(), reason="zh_Hans_CN catalog not compiled")
def test_login_page_in_chinese(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "登录" in page.get_data(as_text=True)
    assert "Sign in" not in page.get_data(as_text=True)


@pytest.mark.skipif(not ZH_CATALOG.exists(), reason="zh_Hans_CN catalog not compiled")
def test_desk_follows_the_browser_language(client, agent):
    login(client, agent.email)
    chinese = client.get("/desk/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    english = client.get("/desk/", headers=EN)
    assert "<h1>工单队列</h1>" in chinese.get_data(as_text=True)
    assert "<h1>Queue</h1>" in english.get_data(as_text=True)
