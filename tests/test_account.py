"""Each user picks the language of the pages at /account: 中文, English, or the
browser's, through HTTP."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import User
from tests.conftest import csrf_token, login, make_tenant, make_user

ZH_BROWSER = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN_BROWSER = {"Accept-Language": "en"}


@pytest.fixture
def agent(app):
    return make_user(make_tenant("acme"), "agent")


@pytest.fixture
def client(app, agent):
    client = app.test_client()
    login(client, agent.email)
    return client


def choose(client, locale, headers=ZH_BROWSER):
    token = csrf_token(client, "/account/")
    return client.post("/account/", data={"csrf_token": token, "locale": locale}, headers=headers)


def saved_locale(agent):
    db.session.expire_all()
    return db.session.scalar(select(User.locale).where(User.id == agent.id))


def test_english_chosen_beats_a_chinese_browser(client, agent):
    assert "队列" in client.get("/desk/", headers=ZH_BROWSER).get_data(as_text=True)
    response = choose(client, "en")
    assert response.status_code == 303
    assert saved_locale(agent) == "en"
    page = client.get(response.headers["Location"], headers=ZH_BROWSER).get_data(as_text=True)
    assert "Your language is saved." in page
    assert "Queue" in client.get("/desk/", headers=ZH_BROWSER).get_data(as_text=True)


def test_chinese_chosen_beats_an_english_browser(client, agent):
    choose(client, "zh_Hans_CN", headers=EN_BROWSER)
    assert saved_locale(agent) == "zh_Hans_CN"
    assert "队列" in client.get("/desk/", headers=EN_BROWSER).get_data(as_text=True)


def test_the_browser_default_clears_the_choice(client, agent):
    choose(client, "en")
    choose(client, "")
    assert saved_locale(agent) is None
    assert "队列" in client.get("/desk/", headers=ZH_BROWSER).get_data(as_text=True)
    assert "Queue" in client.get("/desk/", headers=EN_BROWSER).get_data(as_text=True)


def test_an_unknown_language_is_refused_and_changes_nothing(client, agent):
    choose(client, "en")
    response = choose(client, "fr", headers=EN_BROWSER)
    assert response.status_code == 400
    assert "Choose one of the languages offered." in response.get_data(as_text=True)
    assert saved_locale(agent) == "en"


def test_the_page_needs_a_signed_in_user(app):
    response = app.test_client().get("/account/")
    assert response.status_code in (302, 401)
