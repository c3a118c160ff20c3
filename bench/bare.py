"""B1's limit: a bare Flask endpoint that inserts one row through the same driver.

Served by gunicorn like the portal (``gunicorn -w 2 bench.bare:app``); each worker
keeps one psycopg connection, the endpoint parses the JSON body, inserts it as one
row and commits: the least any ticket creation must do.

``/ticket`` is a reference, not a limit: the rows a creation writes (customer, the
counter, ticket, three milestones, the created event) in one hand-written statement,
with the classification's results as constants. No portal can create tickets faster
than this on the same machine and schema.
"""

from __future__ import annotations

import os
from typing import Any

import psycopg
from flask import Flask, jsonify, request
from psycopg.types.json import Jsonb

app = Flask(__name__)
_conn: psycopg.Connection[Any] | None = None


def connection() -> psycopg.Connection[Any]:
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(os.environ["BENCH_BARE_URL"])
    return _conn


@app.post("/insert")
def insert() -> Any:
    conn = connection()
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO bench_bare (body, created_at) VALUES (%s, now()) RETURNING id",
            (Jsonb(request.get_json()),),
        )
        row = cur.fetchone()
    conn.commit()
    return jsonify({"id": row[0] if row else None}), 201


SAME_ROWS = """
WITH customer AS (
    INSERT INTO customers (tenant_id, name, phone, anonymous, created_at)
    VALUES (%(tenant)s, %(name)s, %(phone)s, false, now())
    RETURNING id
), counter AS (
    INSERT INTO ticket_counters (tenant_id, period, value) VALUES (%(tenant)s, 'bare', 1)
    ON CONFLICT (tenant_id, period) DO UPDATE SET value = ticket_counters.value + 1
    RETURNING value
), ticket AS (
    INSERT INTO tickets (tenant_id, number, kind, status, channel, validity,
        validity_reasons, tier, classification_reasons, subject, description, fields,
        customer_id, policy_version_id, escalation_level, breached, next_due_at,
        created_at, updated_at, version)
    SELECT %(tenant)s, 'BARE-' || counter.value, %(kind)s, 'new', %(channel)s, 'valid',
        '[]', 'minor', '["rule"]', %(subject)s, %(description)s, %(fields)s, customer.id,
        %(version)s, 0, false, now() + interval '1 day', now(), now(), 1
    FROM customer, counter
    RETURNING id, number
), milestones AS (
    INSERT INTO milestones (tenant_id, ticket_id, name, started_at, due_at, provisional,
        rule, pauses)
    SELECT %(tenant)s, ticket.id, m.name, now(), now() + m.after, false, '{}', '[]'
    FROM ticket, (VALUES ('accept', interval '1 day'), ('reply', interval '2 days'),
                         ('resolve', interval '5 days')) AS m (name, after)
), created AS (
    INSERT INTO events (tenant_id, ticket_id, at, type, public, data)
    SELECT %(tenant)s, ticket.id, now(), 'created', false, '{"tier": "minor"}' FROM ticket
)
SELECT id, number FROM ticket
"""


@app.post("/ticket")
def ticket() -> Any:
    body = request.get_json()
    conn = connection()
    with conn.cursor() as cur:
        cur.execute(
            SAME_ROWS,
            {
                "tenant": int(os.environ["BENCH_BARE_TENANT"]),
                "version": int(os.environ["BENCH_BARE_VERSION"]),
                "name": body["customer"]["name"],
                "phone": body["customer"]["phone"],
                "kind": body["kind"],
                "channel": body["channel"],
                "subject": body["subject"],
                "description": body["description"],
                "fields": Jsonb(body["fields"]),
            },
        )
        row = cur.fetchone()
    conn.commit()
    return jsonify({"id": row[0], "number": row[1]} if row else {}), 201


# --- /lean: the least a creation with the portal's rules can do ----------------------
#
# Not a limit either: a measurement of how far B1's budget is from any implementation
# on this stack. It does what a creation must, and nothing the portal adds around it:
# the key is checked with one query, the body is validated with the portal's TicketIn
# and the policy's checks, the customer and their earlier complaints are read with one
# query, the ticket is classified and its milestones planned with the portal's own
# functions (policy and calendar loaded once, never refreshed), every row is written
# with one statement, and the answer is the API's 201 shape. No rate limit, no
# idempotency key, no tenancy or notification hooks, no stale-cache checks.

LEAN_ROWS = """
WITH customer AS (
    INSERT INTO customers (tenant_id, name, phone, email, anonymous, created_at)
    SELECT %(tenant)s, %(name)s, %(phone)s, %(email)s, %(anonymous)s, %(now)s
    WHERE %(customer)s::int IS NULL
    RETURNING id
), counter AS (
    INSERT INTO ticket_counters (tenant_id, period, value) VALUES (%(tenant)s, %(period)s, 1)
    ON CONFLICT (tenant_id, period) DO UPDATE SET value = ticket_counters.value + 1
    RETURNING value
), ticket AS (
    INSERT INTO tickets (tenant_id, number, kind, status, channel, channel_level, validity,
        validity_reasons, tier, category, score, classification_reasons, subject,
        description, fields, customer_id, policy_version_id, escalation_level, breached,
        next_due_at, occurred_at, requested_due_at, created_at, updated_at, version)
    SELECT %(tenant)s, %(prefix)s || lpad(counter.value::text, 6, '0'), %(kind)s, 'new',
        %(channel)s, %(channel_level)s, %(validity)s, %(validity_reasons)s, %(tier)s,
        %(category)s, %(score)s, %(reasons)s, %(subject)s, %(description)s, %(fields)s,
        coalesce(%(customer)s::int, (SELECT id FROM customer)), %(version)s, 0, false,
        %(next_due)s, %(occurred_at)s, %(requested_due_at)s, %(now)s, %(now)s, 1
    FROM counter
    RETURNING id, number
), milestones AS (
    INSERT INTO milestones (tenant_id, ticket_id, name, started_at, due_at, provisional,
        rule, pauses)
    SELECT %(tenant)s, ticket.id, m.name, m.started_at, m.due_at, m.provisional, m.rule,
        '[]'
    FROM ticket, unnest(%(m_names)s::text[], %(m_starts)s::timestamptz[],
        %(m_dues)s::timestamptz[], %(m_provisional)s::bool[], %(m_rules)s::jsonb[])
        AS m (name, started_at, due_at, provisional, rule)
), created AS (
    INSERT INTO events (tenant_id, ticket_id, at, type, public, data)
    SELECT %(tenant)s, ticket.id, %(now)s, 'created', false, %(event)s FROM ticket
)
SELECT id, number FROM ticket
"""

LEAN_CUSTOMER = """
SELECT c.id, ARRAY(
    SELECT t.created_at FROM tickets t
    WHERE t.tenant_id = %(tenant)s AND t.customer_id = c.id
      AND t.kind IN ('complaint', 'appeal') AND t.category IS NOT DISTINCT FROM %(category)s
      AND t.created_at >= %(since)s
    ORDER BY t.created_at DESC LIMIT 100)
FROM customers c
WHERE c.tenant_id = %(tenant)s AND c.phone = %(phone)s AND NOT %(anonymous)s
ORDER BY c.id LIMIT 1
"""

_lean: dict[str, Any] = {}


def _lean_state() -> dict[str, Any]:
    """The tenant, its compiled policy and its calendar, loaded once per worker."""
    if not _lean:
        from datetime import UTC, datetime
        from types import SimpleNamespace
        from zoneinfo import ZoneInfo

        from portal import create_app
        from portal.extensions import db
        from portal.models import Tenant
        from portal.plugins import sectors
        from portal.policy.calendars import tenant_calendar
        from portal.policy.versions import active_policy
        from portal.tenancy import ALL_TENANTS, set_scope

        portal = create_app({"DATABASE_URL": os.environ["TOUSU_DATABASE_URL"], "SECRET_KEY": "-"})
        with portal.app_context():
            set_scope(db.session, ALL_TENANTS)
            row = db.session.get(Tenant, int(os.environ["BENCH_BARE_TENANT"]))
            assert row is not None
            tenant = SimpleNamespace(
                **{
                    name: getattr(row, name)
                    for name in ("id", "sector", "timezone", "locale", "ticket_prefix")
                }
            )
            registry = sectors()
            policy = active_policy(db.session, registry, row)
            today = datetime.now(UTC).astimezone(ZoneInfo(row.timezone)).date()
            calendar = tenant_calendar(db.session, row, today)
            db.session.remove()
        _lean.update(tenant=tenant, registry=registry, policy=policy, calendar=calendar)
    return _lean


@app.post("/lean")
def lean() -> Any:
    import hashlib
    import hmac
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from pydantic import ValidationError

    from portal.policy.classify import classify
    from portal.policy.engine import plan_milestones
    from portal.workflow.intake import (
        REPEAT_LOOKBACK,
        TicketIn,
        check_ticket_in,
        new_ticket_facts,
    )

    state = _lean_state()
    tenant, policy = state["tenant"], state["policy"]
    conn = connection()
    with conn.cursor() as cur:
        parts = request.headers.get("Authorization", "").partition(" ")[2].split("_", 2)
        if len(parts) != 3:
            return jsonify({"error": "unauthorized"}), 401
        cur.execute(
            "SELECT k.key_hash FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
            " WHERE k.prefix = %s AND k.revoked_at IS NULL AND t.active",
            (parts[1],),
        )
        key = cur.fetchone()
        digest = hashlib.sha256(parts[2].encode()).hexdigest()
        if key is None or not hmac.compare_digest(key[0], digest):
            return jsonify({"error": "unauthorized"}), 401
        try:
            data = TicketIn.model_validate(request.get_json())
        except ValidationError as exc:
            return jsonify({"error": "invalid", "detail": str(exc)}), 422
        now = datetime.now(UTC)
        problems = check_ticket_in(policy, data, now)
        if problems:
            return jsonify({"error": "invalid", "fields": problems}), 422
        person = data.customer
        customer_id, prior = None, []
        if person.phone:
            cur.execute(
                LEAN_CUSTOMER,
                {
                    "tenant": tenant.id,
                    "category": data.category,
                    "since": now - REPEAT_LOOKBACK,
                    "phone": person.phone,
                    "anonymous": person.anonymous,
                },
            )
            found = cur.fetchone()
            if found is not None:
                customer_id, prior = found
        facts = new_ticket_facts(state["registry"], tenant, data, prior, now)  # type: ignore[arg-type]
        result = classify(policy.compiled, facts)
        planned = sorted(
            (
                m
                for start in ("created", "classified")
                for m in plan_milestones(
                    policy.document,
                    result.tier,
                    data.kind,
                    start,
                    now,
                    state["calendar"],
                    data.requested_due_at,
                )
            ),
            key=lambda m: m.due_at,
        )
        zone = ZoneInfo(tenant.timezone)
        period = now.astimezone(zone).strftime("%Y%m")
        event = {
            "channel": data.channel,
            "policy_version": policy.number,
            "tier": result.tier,
            "validity": result.validity,
            "reasons": result.reasons,
            "related_ticket": None,
        }
        cur.execute(
            LEAN_ROWS,
            {
                "tenant": tenant.id,
                "customer": customer_id,
                "name": person.name,
                "phone": person.phone,
                "email": person.email,
                "anonymous": person.anonymous,
                "now": now,
                "period": period,
                "prefix": f"{tenant.ticket_prefix}-{period}-",
                "kind": data.kind,
                "channel": data.channel,
                "channel_level": result.channel_level,
                "validity": result.validity,
                "validity_reasons": Jsonb(result.validity_reasons),
                "tier": result.tier,
                "category": data.category,
                "score": result.score,
                "reasons": Jsonb(result.reasons),
                "subject": data.subject,
                "description": data.description,
                "fields": Jsonb(data.fields),
                "version": policy.version_id,
                "next_due": planned[0].due_at if planned else None,
                "occurred_at": data.occurred_at,
                "requested_due_at": data.requested_due_at,
                "m_names": [m.name for m in planned],
                "m_starts": [m.started_at for m in planned],
                "m_dues": [m.due_at for m in planned],
                "m_provisional": [m.provisional for m in planned],
                "m_rules": [Jsonb(m.rule) for m in planned],
                "event": Jsonb(event),
            },
        )
        row = cur.fetchone()
    conn.commit()
    assert row is not None
    return jsonify(
        {
            "number": row[1],
            "status": "new",
            "kind": data.kind,
            "policy_version": policy.number,
            "classification": {
                "validity": result.validity,
                "validity_reasons": result.validity_reasons,
                "channel_level": result.channel_level,
                "tier": result.tier,
                "score": result.score,
                "reasons": result.reasons,
            },
            "milestones": [
                {
                    "name": m.name,
                    "due_at": m.due_at.astimezone(zone).isoformat(),
                    "met_at": None,
                    "breached": False,
                }
                for m in planned
            ],
        }
    ), 201


if os.environ.get("BENCH_BARE_TENANT"):
    # Loaded before any request: the portal's app built inside one of this app's
    # requests would look up its extensions on this app.
    _lean_state()
