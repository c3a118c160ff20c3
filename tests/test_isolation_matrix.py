"""Tenant isolation through every door of the app.

Every rule of ``app.url_map`` is requested, with every method it takes, by each role of
tenant alpha, by alpha's API key and anonymously. Path parameters (and the ``id``-style
query parameters of the admin) are filled with tenant bravo's numbers, ids, slugs and
periods. No answer may hold a byte of bravo's data (its rows carry marker strings), a
request aimed at bravo's rows must be refused (401/403/404, or a redirect to the login
page or back to an admin list), and bravo's rows must come out unchanged.

A new route is walked without touching this file; a route with a parameter the walk
cannot fill fails the test, naming the filler to add.

The customer pages ``/t/<slug>/`` are public by design: there, alpha's signed-in staff
must see nothing of bravo beyond what an anonymous visitor sees.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import select
from werkzeug.routing import Map, Rule

from portal.extensions import db
from portal.models import Base, Tenant
from portal.tenancy import ALL_TENANTS, tenant_scope
from tests.conftest import csrf_token, login
from tests.security_world import PHONE, REPORT, ROLES, World, build_world, leaked

#: Routes left out of the walk, each with the reason and where it is tested instead.
NOT_WALKED = {"auth.logout": "it signs the walker out; tests/test_auth.py covers it"}
#: Open to everyone by design; bravo's customer pages are compared with an anonymous visit.
#: The health check is for load balancers and says nothing of any tenant.
PUBLIC = ("customer.", "api_docs.", "static", "admin.static", "auth.login", "health.")
REFUSED = {401, 403, 404}
#: Parameters that point at one tenant's rows: a request carrying bravo's is refused.
TARGETING = {"number", "slug", "period", "id", "from", "a", "b", "attachment_id"}
#: The admin model views' endpoints that read or change one row named by ``?id=``.
ROW_VIEWS = ("details_view", "edit_view", "delete_view", "action_view", "ajax_update")
#: A target no tenant has: an answer to bravo's must be the same as to this one.
NOWHERE = {"number": "NOSUCH-000000-000000"}


def fillers(world: World, endpoint: str) -> dict[str, list[str]]:
    """Values for each path parameter, bravo's wherever the parameter names a row."""
    values = {
        "number": [world.number],
        "name": ["note"],  # an action of the ticket page
        "kind": [REPORT[0]],
        "period": [REPORT[1]],
        "fmt": ["csv", "xlsx"],
        "export_type": ["csv"],
        "slug": [world.bravo.slug],
        "filename": ["portal.css"],
        # With bravo's ticket number, any id aims at bravo; 1 is its first row, if any.
        "attachment_id": ["1"],
    }
    if endpoint.startswith("policy."):
        values["number"] = [str(world.policy_number)]
    if endpoint == "admin.static":
        values["filename"] = ["admin/js/helpers.js"]
    return values


class UnfillableRoute(Exception):
    pass


def fill(rule: Rule, world: World) -> list[dict[str, str]]:
    """Every combination of filler values for ``rule``'s parameters."""
    values = fillers(world, rule.endpoint)
    combos: list[dict[str, str]] = [{}]
    for arg in sorted(rule.arguments):
        if arg not in values:
            raise UnfillableRoute(
                f"{rule.rule} ({rule.endpoint}) has a parameter {arg!r} the isolation "
                f"matrix cannot fill: add a filler for it to fillers() in {__file__}"
            )
        combos = [{**c, arg: v} for c in combos for v in values[arg]]
    return combos


def admin_models(app: Flask) -> dict[str, type]:
    (admin,) = app.extensions["admin"]
    return {v.endpoint: v.model for v in admin._views if isinstance(v, ModelView)}


def bravo_row_id(model: type, world: World) -> int | None:
    with tenant_scope(db.session, ALL_TENANTS):
        if model is Tenant:
            return world.bravo.id
        if not hasattr(model, "tenant_id"):
            return None
        return db.session.scalar(
            select(model.id).where(model.tenant_id == world.bravo.id).order_by(model.id)  # type: ignore[attr-defined]
        )


def query_for(endpoint: str, models: dict[str, type], world: World) -> dict[str, str]:
    """The query string that aims ``endpoint`` at bravo's rows, if it takes one."""
    view = endpoint.partition(".")[0]
    number = str(world.policy_number)
    if endpoint == "policy.compare":
        return {"a": number, "b": number}
    if endpoint == "policy.edit":
        return {"from": number}
    if endpoint == "api.get_report":
        return {"period": REPORT[1]}
    if view in models and endpoint.endswith(ROW_VIEWS):
        row = bravo_row_id(models[view], world)
        return {"id": str(row)} if row is not None else {}
    return {}


def form_for(endpoint: str, query: dict[str, str], world: World, token: str) -> dict[str, str]:
    data = {"csrf_token": token, "text": "pwned", "name": "pwned", "code": "pwned"}
    if "id" in query:
        data.update(id=query["id"], rowid=query["id"], action="delete")
    if endpoint.startswith("customer."):
        data.update(number=world.number, phone=PHONE)
    return data


def bravo_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that belongs to bravo, column by column."""
    rows = {}
    with tenant_scope(db.session, ALL_TENANTS):
        bravo = db.session.scalar(select(Tenant.id).where(Tenant.slug == "bravo"))
        for table in Base.metadata.sorted_tables:
            key = table.c.get("tenant_id")
            if key is None and table.name != "tenants":
                continue
            where = key == bravo if key is not None else table.c.id == bravo
            stmt = select(table).where(where).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(r) for r in db.session.execute(stmt)]
    return rows


class Walker:
    def __init__(self, app: Flask, world: World) -> None:
        self.app, self.world = app, world
        self.models = admin_models(app)
        self.problems: list[str] = []
        self.principals_by_name: dict[str, tuple[FlaskClient, dict[str, str], str]] = {}

    def principals(self) -> dict[str, tuple[FlaskClient, dict[str, str], str]]:
        """name -> (client, headers, CSRF token)."""
        found = {}
        for role in ROLES:
            client = self.app.test_client()
            login(client, self.world.staff[role].email)
            found[role] = (client, {}, csrf_token(client, "/desk/"))
        anonymous = self.app.test_client()
        found["anonymous"] = (anonymous, {}, csrf_token(anonymous))
        key = {"Authorization": f"Bearer {self.world.alpha_key}"}
        key["X-Tousu-User"] = self.world.staff["agent"].email
        found["alpha API key"] = (self.app.test_client(), key, "")
        return found

    def requests(self) -> list[tuple[Rule, str, str, dict[str, str]]]:
        walk = []
        for rule in self.app.url_map.iter_rules():
            if rule.endpoint in NOT_WALKED:
                continue
            for values in fill(rule, self.world):
                path = rule.build(values, append_unknown=False)[1]  # type: ignore[index]
                query = query_for(rule.endpoint, self.models, self.world)
                for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                    walk.append((rule, method, path, query))
        return walk

    def send(
        self,
        who: tuple[FlaskClient, dict[str, str], str],
        rule: Rule,
        method: str,
        path: str,
        query: dict[str, str],
    ) -> Any:
        client, headers, token = who
        if method == "GET":
            return client.get(path, query_string=query, headers=headers, buffered=True)
        if path.startswith("/api/"):
            return client.post(path, query_string=query, headers=headers, json={}, buffered=True)
        data = form_for(rule.endpoint, query, self.world, token)
        return client.post(path, query_string=query, headers=headers, data=data, buffered=True)

    def judge(
        self, name: str, rule: Rule, method: str, path: str, query: dict, response: Any
    ) -> None:
        where = f"{name}: {method} {path}?{query}"
        body = response.get_data(as_text=True)
        if response.status_code >= 500:
            self.problems.append(f"{where} answered {response.status_code}")
        if leaked(body):
            self.problems.append(f"{where} shows {leaked(body)}")
        targeted = bool(TARGETING & (set(rule.arguments) | set(query)))
        must_refuse = (targeted or name == "anonymous") and not self.refused(response)
        if must_refuse and not (
            targeted and self.same_as_nowhere(name, rule, method, query, response)
        ):
            self.problems.append(f"{where} was not refused: {response.status_code}")

    def same_as_nowhere(
        self, name: str, rule: Rule, method: str, query: dict, response: Any
    ) -> bool:
        """Whether the answer is the one a target that exists nowhere gets (e.g. a body
        refused before the ticket is looked up), which tells nothing about bravo."""
        values = {**fill(rule, self.world)[0], **NOWHERE}
        path = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]  # type: ignore[index]
        other = self.send(self.principals_by_name[name], rule, method, path, query)
        return (other.status_code, other.get_data()) == (response.status_code, response.get_data())

    @staticmethod
    def refused(response: Any) -> bool:
        if response.status_code in REFUSED:
            return True
        location = response.headers.get("Location", "")
        if response.status_code in (302, 303):
            # Flask-Admin answers a row it cannot find by going back to the view's list.
            return location.startswith("/login") or location.startswith("/admin/")
        return False

    def walk(self) -> None:
        principals = self.principals_by_name = self.principals()
        anonymous = principals["anonymous"]
        for rule, method, path, query in self.requests():
            public = rule.endpoint.startswith(PUBLIC)
            for name, who in principals.items():
                if name == "alpha API key" and not path.startswith("/api/"):
                    continue
                response = self.send(who, rule, method, path, query)
                if rule.endpoint.startswith("customer."):
                    self.compare_with_anonymous(
                        name, method, path, response, anonymous, rule, query
                    )
                elif public:
                    if leaked(response.get_data(as_text=True)):
                        self.problems.append(f"{name}: {method} {path} shows bravo's data")
                else:
                    self.judge(name, rule, method, path, query, response)

    def compare_with_anonymous(
        self,
        name: str,
        method: str,
        path: str,
        response: Any,
        anonymous: Any,
        rule: Rule,
        query: dict,
    ) -> None:
        if name == "anonymous":
            return
        seen = self.send(anonymous, rule, method, path, query)
        extra = set(leaked(response.get_data(as_text=True))) - set(
            leaked(seen.get_data(as_text=True))
        )
        if response.status_code >= 500 or extra or response.status_code != seen.status_code:
            self.problems.append(
                f"{name}: {method} {path} answered {response.status_code} showing {sorted(extra)}"
                f"; an anonymous visitor got {seen.status_code}"
            )


def test_no_route_lets_alpha_reach_bravo(app: Flask) -> None:
    world = build_world()
    before = bravo_rows()
    walker = Walker(app, world)
    assert len(walker.requests()) > 100, "the walk covers the whole url map"
    walker.walk()
    assert not walker.problems, "\n".join(walker.problems)
    assert bravo_rows() == before


def test_a_route_the_walk_cannot_fill_fails_with_advice() -> None:
    world = World(Tenant(slug="a"), Tenant(slug="b"), "B-1", 2, "", "")
    rule = Rule("/desk/widgets/<widget_id>", endpoint="desk.widget")
    Map([rule])  # binding the rule is what parses its parameters
    with pytest.raises(UnfillableRoute, match="add a filler for it"):
        fill(rule, world)
