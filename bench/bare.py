"""B1's limit: a bare Flask endpoint that inserts one row through the same driver.

Served by gunicorn like the portal (``gunicorn -w 2 bench.bare:app``); each worker
keeps one psycopg connection, the endpoint parses the JSON body, inserts it as one
row and commits: the least any ticket creation must do.
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
