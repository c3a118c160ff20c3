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
