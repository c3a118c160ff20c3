from tests.conftest import login, make_tenant, make_user


def test_login_reaches_desk(app, client):
    tenant = make_tenant("acme")
    user = make_user(tenant, "agent")
    response = login(client, user.email)
    assert response.status_code == 302
    assert client.get("/desk/").status_code == 200
