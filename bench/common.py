"""What the benchmarks share: the bench database, the app on it, and its metadata.

The bench database is its own PostgreSQL database (``tousu_bench`` by default, on the
server of ``TOUSU_BENCH_SERVER``), never the test database: ``bench/generate.py``
creates it with the real migrations and fills it; ``bench/run.py`` reads it.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from flask import Flask

SERVER = os.environ.get("TOUSU_BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("TOUSU_BENCH_DATABASE", "tousu_bench")
#: The four built-in sectors, one bench tenant each (bench/ may name sectors).
SECTORS = ("telecom", "banking", "property", "retail")
PASSWORD = "bench-password-2026"


def database_url(name: str = DATABASE) -> str:
    return f"{SERVER}/{name}"


def connect(autocommit: bool = False) -> psycopg.Connection[Any]:
    """A raw connection with the settings the portal gives its own (JIT off,
    portal/database.py), so a limit measured through it is measured like ours."""
    return psycopg.connect(database_url(), autocommit=autocommit, options="-c jit=off")


def make_app(**overrides: Any) -> Flask:
    from portal import create_app

    config = {
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "bench-secret",
        # The budgets are about the portal's work, not the per-key rate limit.
        "API_RATE_LIMIT": "100000000 per minute",
        "WTF_CSRF_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


def read_meta() -> dict[str, str]:
    with connect() as conn:
        rows = conn.execute("SELECT key, value FROM bench_meta").fetchall()
    return dict(rows)


def meta_time(meta: dict[str, str], key: str) -> datetime:
    return datetime.fromisoformat(meta[key])


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


@contextmanager
def rolled_back(conn: psycopg.Connection[Any]) -> Iterator[psycopg.Connection[Any]]:
    """A transaction that is always rolled back: timed writes leave the data as it was."""
    try:
        yield conn
    finally:
        conn.rollback()
