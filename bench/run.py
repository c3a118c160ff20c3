"""Run every benchmark against the bench database and print one table (``make bench``).

Each row: our figure, the limit's figure (a budget, or a baseline measured in the
same run), the ratio, and PASS/FAIL. Needs ``bench/generate.py`` first (``make
bench-data``). Timed writes run in transactions that are rolled back, except B1's
requests, whose tickets are deleted afterwards.

  B1  POST /api/v1/tickets through gunicorn (2 workers), vs a bare Flask endpoint
      inserting one row through psycopg, both under wrk          >= 0.5x its req/s
  B2  the periodic review with the generated newly due milestones: <= 3 s, <= 2x a
      hand-written statement marking the same rows, peak RSS <= 300 MB
  B3  the quarterly report of a 250,000-ticket tenant: <= 2 s, <= 1.5x replaying its
      SQL (captured while it ran) raw through psycopg
  B4  the desk queue with filters: p95 <= 150 ms; a ticket page: p95 <= 100 ms
  B5  deadlines in working days and business hours: >= 50,000 milestones/s
  B6  import (portal.importing, as ``flask portal import``): >= 10,000 tickets/s
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from bench.common import (
    PASSWORD,
    SECTORS,
    connect,
    database_url,
    make_app,
    meta_time,
    p95,
    read_meta,
)

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
REPORT_TENANT = "bench-telecom"


@dataclass
class Row:
    name: str
    ours: float
    limit: float
    unit: str
    #: "max": ours / limit must be <= bound; "min": ours / limit must be >= bound
    rule: str
    bound: float = 1.0

    @property
    def ratio(self) -> float:
        return self.ours / self.limit if self.limit else float("inf")

    @property
    def passed(self) -> bool:
        return self.ratio <= self.bound if self.rule == "max" else self.ratio >= self.bound

    def line(self) -> str:
        sign = "<=" if self.rule == "max" else ">="
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"{self.name:<44} {self.ours:>12,.1f} {self.limit:>12,.1f} {self.unit:<10}"
            f" {self.ratio:>7.2f} {sign}{self.bound:<5g} {verdict}"
        )


HEADER = (
    f"{'benchmark':<44} {'ours':>12} {'limit':>12} {'unit':<10} {'ratio':>7} {'budget':<7} result"
)


# --- EXPLAIN of the slowest statements ------------------------------------------------

EXPLAINED: list[str] = []
EXPLAIN_ON = False


class Recorder:
    """Times every statement an engine runs, to EXPLAIN (ANALYZE) the slowest."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.engine, self.event = engine, event
        self.statements: list[tuple[float, str, Any]] = []
        self._began: float = 0.0

    def __enter__(self) -> Recorder:
        self.event.listen(self.engine, "before_cursor_execute", self._before)
        self.event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc: object) -> None:
        self.event.remove(self.engine, "before_cursor_execute", self._before)
        self.event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, *args: Any) -> None:
        self._began = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        self.statements.append((time.perf_counter() - self._began, statement, params))

    def explain(self, label: str, top: int = 3) -> None:
        slowest = sorted(self.statements, key=lambda s: -s[0])[:top]
        with connect() as conn:
            for elapsed, statement, params in slowest:
                plan = conn.execute(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement,  # type: ignore[arg-type]
                    params,
                ).fetchall()
                conn.rollback()
                EXPLAINED.append(
                    f"-- {label}: {elapsed * 1000:.1f} ms\n{statement.strip()}\n"
                    + "\n".join(r[0] for r in plan)
                )


# --- B1 ------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(app: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    import socket

    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    _stop(proc)
    raise RuntimeError(f"{app} did not start")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wrk(port: int, path: str, token: str, seconds: int) -> tuple[float, dict[str, int]]:
    env = {**os.environ, "BENCH_PATH": path, "BENCH_TOKEN": token}
    script = str(ROOT / "bench" / "post.lua")
    url = f"http://127.0.0.1:{port}"
    # Warm up (workers' first requests load policies and calendars).
    subprocess.run(
        ["wrk", "-t1", "-c2", "-d2s", "-s", script, url], env=env, capture_output=True, check=True
    )
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-s", script, url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, {"non_2xx": int(errors.group(1)) if errors else 0}


def bench_b1(seconds: int) -> list[Row]:
    if shutil.which("wrk") is None:
        raise RuntimeError("B1 needs wrk (apt-get install wrk)")
    app = make_app()
    with app.app_context():
        from portal.api.auth import create_api_key
        from portal.extensions import db
        from portal.models import Tenant
        from portal.tenancy import ALL_TENANTS, set_scope

        set_scope(db.session, ALL_TENANTS)
        tenant = db.session.query(Tenant).filter_by(slug=REPORT_TENANT).one()
        tenant_id, version_id = tenant.id, tenant.active_policy_version_id
        _, token = create_api_key(db.session, tenant, name="bench")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    with connect() as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, body jsonb,"
            " created_at timestamptz)"
        )
        high = {
            t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("tickets", "customers")
        }
    env = {
        "TOUSU_DATABASE_URL": database_url(),
        "TOUSU_SECRET_KEY": "bench-secret",
        "TOUSU_API_RATE_LIMIT": "100000000 per minute",
        "BENCH_BARE_URL": database_url(),
        "BENCH_BARE_TENANT": str(tenant_id),
        "BENCH_BARE_VERSION": str(version_id),
    }
    results = {}
    for name, app_spec, path, key in (
        ("bare", "bench.bare:app", "/insert", ""),
        ("same_rows", "bench.bare:app", "/ticket", ""),
        ("lean", "bench.bare:app", "/lean", token),
        ("portal", "wsgi:app", "/api/v1/tickets", token),
    ):
        proc, port = _serve(app_spec, env)
        try:
            results[name] = _wrk(port, path, key, seconds)
        finally:
            _stop(proc)
    with connect() as conn:
        # The rows are removed table by table; skipping the per-row foreign key
        # triggers (bench database, superuser) avoids a scan of tickets per row.
        conn.execute("SET session_replication_role = replica")
        conn.execute("DROP TABLE bench_bare")
        for table in ("outbox", "idempotency_keys", "events", "milestones"):
            conn.execute(f"DELETE FROM {table} WHERE ticket_id > %s", (high["tickets"],))
        conn.execute("DELETE FROM tickets WHERE id > %s", (high["tickets"],))
        conn.execute("DELETE FROM customers WHERE id > %s", (high["customers"],))
        conn.execute("DELETE FROM api_keys WHERE name = 'bench'")
        conn.execute("DELETE FROM ticket_counters WHERE period = 'bare'")
    with connect(autocommit=True) as conn:
        # The deleted rows would otherwise be stepped over by the benchmarks after this
        # one (the queue's index-only counts read the heap for every page they touched).
        conn.execute("VACUUM ANALYZE tickets, customers, milestones, events, ticket_counters")
    if any(errors["non_2xx"] for _, errors in results.values()):
        print(f"  B1 errors: {results}", file=sys.stderr)
    (ours, _), (bare, _), (same_rows, _), (lean, _) = (
        results[k] for k in ("portal", "bare", "same_rows", "lean")
    )
    print(
        f"  B1 reference: a creation's rows in one hand-written statement, {same_rows:,.1f}"
        f" req/s ({same_rows / bare:.2f}x the bare insert)"
    )
    print(
        f"  B1 reference: the least creation with the portal's rules (bench/bare.py /lean),"
        f" {lean:,.1f} req/s ({lean / bare:.2f}x the bare insert)"
    )
    return [Row("B1 POST /api/v1/tickets vs bare insert", ours, bare, "req/s", "min", 0.5)]


# --- B2 ------------------------------------------------------------------------------

#: B2's limit: the rows the review writes, written by one hand-written statement. It
#: stamps the newly due and at-risk milestones, escalates and flags each breached
#: ticket one level (handed back to the level's pool), writes the escalation and
#: callback events, and queues the notices to the same people (the assignee, else the
#: tenant's supervisors; supervisors for escalations). It skips what the review also
#: does: reading each tier's ceiling and each level's department from the policy,
#: batching and locking. ``mark_only`` in the output is the part that stamps milestones
#: and flags tickets, the limit of the first measurements (docs/performance.md).
HAND_WRITTEN_REVIEW = """
WITH breached AS (
    UPDATE milestones SET breached_at = %(now)s
    WHERE met_at IS NULL AND cancelled_at IS NULL AND breached_at IS NULL
      AND paused_at IS NULL AND due_at <= %(now)s
    RETURNING id, ticket_id, name, due_at
), warned AS (
    UPDATE milestones SET warned_at = %(now)s
    WHERE met_at IS NULL AND cancelled_at IS NULL AND breached_at IS NULL
      AND paused_at IS NULL AND warned_at IS NULL AND due_at > %(now)s
      AND started_at + (due_at - started_at) * 0.8 <= %(now)s
    RETURNING id, ticket_id, name, due_at
), escalated AS (
    UPDATE tickets SET breached = true, escalation_level = escalation_level + 1,
        assignee_id = NULL, updated_at = %(now)s, version = version + 1
    WHERE id IN (SELECT ticket_id FROM breached)
    RETURNING id, tenant_id
), resolved AS (
    SELECT t.id, t.tenant_id,
           (SELECT max(e.at) FROM events e WHERE e.ticket_id = t.id AND e.type = 'resolve') AS at,
           (v.document #>> '{callback,after,amount}')::float
             * CASE v.document #>> '{callback,after,unit}'
                 WHEN 'minutes' THEN 60 WHEN 'hours' THEN 3600
                 WHEN 'business_hours' THEN 3600 ELSE 86400 END AS after_seconds
    FROM tickets t JOIN policy_versions v ON v.id = t.policy_version_id
    WHERE t.status = 'resolved' AND v.document ? 'callback'
), events_written AS (
    INSERT INTO events (tenant_id, ticket_id, at, type, public, data)
    SELECT tenant_id, id, %(now)s, 'escalate', false, '{"trigger": "breach"}'::jsonb
    FROM escalated
    UNION ALL
    SELECT r.tenant_id, r.id, %(now)s, 'callback_due', false, '{}'::jsonb
    FROM resolved r
    WHERE r.at <= %(now)s - make_interval(secs => r.after_seconds)
      AND NOT EXISTS (SELECT 1 FROM events c
                      WHERE c.ticket_id = r.id AND c.type = 'callback_due' AND c.at >= r.at)
    RETURNING id, tenant_id, ticket_id, type
), notices AS (
    INSERT INTO outbox (tenant_id, kind, ticket_id, event_id, milestone_id, milestone, due_at,
                        occurred_at, user_id, recipient, locale, status, attempts,
                        next_attempt_at, created_at)
    SELECT t.tenant_id, m.kind, t.id, NULL, m.id, m.name, m.due_at, %(now)s, u.id, u.email,
           coalesce(u.locale, tn.locale), 'queued', 0, %(now)s, %(now)s
    FROM (SELECT 'breach' AS kind, * FROM breached
          UNION ALL SELECT 'at_risk', * FROM warned) m
    JOIN tickets t ON t.id = m.ticket_id
    JOIN tenants tn ON tn.id = t.tenant_id
    JOIN users u ON u.active AND (u.id = t.assignee_id OR (t.assignee_id IS NULL
                   AND u.role = 'supervisor' AND u.tenant_id = t.tenant_id))
    UNION ALL
    SELECT e.tenant_id, e.type, e.ticket_id, e.id, NULL, NULL, NULL, %(now)s, u.id, u.email,
           coalesce(u.locale, tn.locale), 'queued', 0, %(now)s, %(now)s
    FROM events_written e
    JOIN tenants tn ON tn.id = e.tenant_id
    JOIN users u ON u.active AND u.role = 'supervisor' AND u.tenant_id = e.tenant_id
    ON CONFLICT DO NOTHING
    RETURNING kind
)
SELECT (SELECT count(*) FROM breached), (SELECT count(*) FROM escalated),
       (SELECT count(*) FROM warned), (SELECT count(*) FROM events_written),
       (SELECT count(*) FROM notices)
"""

#: The first measurements' limit: stamping the milestones and flagging the tickets only.
MARK_ONLY = """
WITH breached AS (
    UPDATE milestones SET breached_at = %(now)s
    WHERE met_at IS NULL AND cancelled_at IS NULL AND breached_at IS NULL
      AND paused_at IS NULL AND due_at <= %(now)s
    RETURNING ticket_id
), flagged AS (
    UPDATE tickets SET breached = true
    WHERE id IN (SELECT ticket_id FROM breached) AND NOT breached
    RETURNING id
)
SELECT (SELECT count(*) FROM breached), (SELECT count(*) FROM flagged)
"""


def b2_child(part: str, rounds: int) -> None:
    """Runs in its own process, on a fresh copy of the bench database (the review
    commits batch by batch, so it cannot be rolled back): the review once, or the
    hand-written statements ``rounds`` times, rolled back. Each part has its own copy:
    the rolled-back rounds leave dead rows and index entries behind, which the review
    would have to step over. The review's process measures its peak memory."""
    now = meta_time(read_meta(), "review_at")
    if part == "sql":
        times: dict[str, list[float]] = {"sql": [], "mark_only": []}
        rows = {}
        with connect() as conn:
            for _ in range(rounds):
                for name, statement in (("sql", HAND_WRITTEN_REVIEW), ("mark_only", MARK_ONLY)):
                    began = time.perf_counter()
                    rows[name] = conn.execute(statement, {"now": now}).fetchone()
                    times[name].append(time.perf_counter() - began)
                    conn.rollback()
        result = {name: min(seconds) for name, seconds in times.items()}
        print(json.dumps({**result, "sql_counts": list(rows["sql"] or ())}))
        return
    app = make_app()
    with app.app_context():
        from portal.extensions import db
        from portal.jobs.review import review
        from portal.tenancy import ALL_TENANTS, set_scope

        set_scope(db.session, ALL_TENANTS)
        began = time.perf_counter()
        counts = review(db.session, now)
        db.session.commit()
        elapsed = time.perf_counter() - began
        db.session.remove()
        db.engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"review": elapsed, "peak_mb": peak_mb, "counts": counts}))


def _on_a_copy(part: str, rounds: int) -> dict[str, Any]:
    from bench.common import DATABASE, SERVER

    copy = f"{DATABASE}_b2"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        began = time.perf_counter()
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{DATABASE}" STRATEGY FILE_COPY')
        print(
            f"  B2 copy of the bench database for the {part} in {time.perf_counter() - began:.0f} s"
        )
    try:
        out = subprocess.run(
            [sys.executable, "-m", "bench.run", "--b2-child", part, "--rounds", str(rounds)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "TOUSU_BENCH_DATABASE": copy},
        ).stdout
        return dict(json.loads(out.strip().splitlines()[-1]))
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def bench_b2(rounds: int, copies: int = 2) -> list[Row]:
    reviews = [_on_a_copy("review", rounds) for _ in range(copies)]
    sql = _on_a_copy("sql", rounds)
    review = min(reviews, key=lambda r: r["review"])
    peak_mb = max(r["peak_mb"] for r in reviews)
    print(f"  B2 review counts {review['counts']}")
    print(
        "  B2 hand-written: {} breached, {} escalated, {} at risk, {} events,"
        " {} notices; stamping and flagging alone {:.0f} ms".format(
            *sql["sql_counts"], sql["mark_only"] * 1000
        )
    )
    ms = 1000
    return [
        Row("B2 periodic review (10k newly due)", review["review"] * ms, 3000, "ms", "max"),
        Row(
            "B2 review vs hand-written SQL",
            review["review"] * ms,
            sql["sql"] * ms,
            "ms",
            "max",
            2.0,
        ),
        Row("B2 peak memory of the review process", peak_mb, 300, "MB", "max"),
    ]


# --- B3 ------------------------------------------------------------------------------


def last_quarter(day: date) -> str:
    quarter = (day.month - 1) // 3  # the previous quarter, 0-based, in the same year
    year = day.year if quarter else day.year - 1
    return f"{year}-Q{quarter or 4}"


def bench_b3(rounds: int) -> list[Row]:
    from sqlalchemy import event

    meta = read_meta()
    now = meta_time(meta, "generated_at")
    app = make_app()
    captured: list[tuple[str, Any]] = []
    times = []
    with app.app_context():
        from portal.extensions import db
        from portal.models import Tenant
        from portal.plugins import sectors
        from portal.reports.build import build_report
        from portal.reports.periods import parse
        from portal.tenancy import ALL_TENANTS, set_scope

        set_scope(db.session, ALL_TENANTS)
        tenant = db.session.query(Tenant).filter_by(slug=REPORT_TENANT).one()
        period = parse("quarterly", last_quarter(now.date()))
        count = db.session.execute(
            db.text("SELECT count(*) FROM tickets WHERE tenant_id = :t"), {"t": tenant.id}
        ).scalar_one()

        def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                captured.append((statement, params))

        for i in range(rounds):
            if i == rounds - 1:
                event.listen(db.engine, "before_cursor_execute", capture)
            with Recorder(db.engine) as recorder:
                began = time.perf_counter()
                figures = build_report(db.session, sectors(), tenant, period, now)
                db.session.flush()
                times.append(time.perf_counter() - began)
            db.session.rollback()
        if EXPLAIN_ON:
            recorder.explain("B3 quarterly report", top=4)
        event.remove(db.engine, "before_cursor_execute", capture)
        db.session.remove()
    raw_times = []
    with connect() as conn:
        for _ in range(rounds):
            began = time.perf_counter()
            for statement, params in captured:
                conn.execute(statement, params).fetchall()  # type: ignore[call-overload]
            raw_times.append(time.perf_counter() - began)
            conn.rollback()
    print(
        f"  B3 {period.key} of {REPORT_TENANT} ({count:,} tickets):"
        f" {figures['totals']['tickets']:,} in the quarter, {len(captured)} queries"
    )
    ms = 1000
    return [
        Row(
            f"B3 quarterly report ({count // 1000}k-ticket tenant)",
            min(times) * ms,
            2000,
            "ms",
            "max",
        ),
        Row(
            "B3 report vs its raw GROUP BY queries",
            min(times) * ms,
            min(raw_times) * ms,
            "ms",
            "max",
            1.5,
        ),
    ]


# --- B4 ------------------------------------------------------------------------------


def bench_b4(samples: int) -> list[Row]:
    app = make_app()
    client = app.test_client()
    rng = random.Random(4)
    with app.app_context():
        from portal.extensions import db

        tenant_id = db.session.execute(
            db.text("SELECT id FROM tenants WHERE slug = :s"), {"s": REPORT_TENANT}
        ).scalar_one()
        tiers = list(
            db.session.execute(
                db.text("SELECT DISTINCT tier FROM tickets WHERE tenant_id = :t"), {"t": tenant_id}
            ).scalars()
        )
        numbers = list(
            db.session.execute(
                db.text(
                    "SELECT number FROM tickets WHERE tenant_id = :t"
                    " ORDER BY hashtext(number) LIMIT :n"
                ),
                {"t": tenant_id, "n": samples},
            ).scalars()
        )
        db.session.remove()
    email = f"agent1@{REPORT_TENANT}.example.com"
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code in (302, 303), f"login failed: {response.status_code}"

    def timed(url: str) -> float:
        began = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - began
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return elapsed

    filters = [
        "",
        "?breached=1",
        "?due_within=4",
        "?tier={tier}",
        "?tier={tier}&breached=1",
        "?tier={tier}&breached=0&due_within=4",
        "?breached=0&due_within=4",
    ]
    with app.app_context():
        from portal.extensions import db

        recorder = Recorder(db.engine)
    queue_times = []
    recorder.__enter__()
    for query in filters:
        for i in range(max(3, samples // len(filters)) + 2):
            elapsed = timed("/desk/" + query.format(tier=rng.choice(tiers)))
            if i >= 2:  # the first requests warm the caches
                queue_times.append(elapsed)
    page_times = [timed(f"/desk/tickets/{number}") for number in numbers[:2] + numbers]
    page_times = page_times[2:]
    recorder.__exit__()
    if EXPLAIN_ON:
        recorder.explain("B4 desk queue and ticket page", top=4)
    ms = 1000
    return [
        Row("B4 desk queue with filters, p95", p95(queue_times) * ms, 150, "ms", "max"),
        Row("B4 ticket page, p95", p95(page_times) * ms, 100, "ms", "max"),
    ]


# --- B5 ------------------------------------------------------------------------------


def bench_b5(count: int) -> list[Row]:
    from bench.bench_deadlines import CASES, milestones_per_second, random_starts
    from portal.policy.calendar import WorkingCalendar, statutory_year_from_library

    calendar = WorkingCalendar(tuple(statutory_year_from_library(y) for y in range(2001, 2028)))
    starts = random_starts(count, 2026)
    rates = {str(d.unit): milestones_per_second(starts, d, calendar, 3) for d in CASES}
    slowest = min(rates.values())
    return [Row("B5 deadlines (working days, business hours)", slowest, 50_000, "/s", "min")]


# --- B6 ------------------------------------------------------------------------------


def import_file(path: Path, count: int, seed: int) -> None:
    """``count`` tickets of the telecom bench tenant's shape, as NDJSON."""
    rng = random.Random(seed)
    kinds = ["complaint"] * 6 + ["consultation", "inquiry", "fault", "appeal"]
    channels = ["hotline", "hall", "online_hall", "online_chat", "weibo", "group_hotline"]
    categories = ["billing", "network_quality", "marketing", "service_attitude", None]
    now = datetime.now(UTC)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(count):
            fields: dict[str, Any] = {"business_line": rng.choice(["mobile", "broadband"])}
            if rng.random() < 0.5:
                fields["amount"] = round(rng.uniform(0, 9000), 2)
            if rng.random() < 0.05:
                fields["media_involved"] = True
            ticket = {
                "kind": rng.choice(kinds),
                "channel": rng.choice(channels),
                "subject": f"导入工单 {i}",
                "description": "从旧系统导入",
                "category": rng.choice(categories),
                "customer": {"name": f"客户{i}", "phone": f"137{rng.randrange(10**8):08d}"},
                "fields": fields,
                "occurred_at": (now - timedelta(days=rng.randint(0, 30))).isoformat(),
            }
            f.write(json.dumps(ticket, ensure_ascii=False) + "\n")


def bench_b6(count: int, rounds: int) -> list[Row]:
    app = make_app()
    times = []
    with tempfile.TemporaryDirectory() as tmp, app.app_context():
        from portal.extensions import db
        from portal.importing import import_tickets, read_file
        from portal.models import Tenant, utcnow
        from portal.plugins import sectors
        from portal.tenancy import ALL_TENANTS, set_scope

        path = Path(tmp) / "tickets.ndjson"
        import_file(path, count, 6)
        for _ in range(rounds):
            set_scope(db.session, ALL_TENANTS)
            tenant = db.session.query(Tenant).filter_by(slug=REPORT_TENANT).one()
            began = time.perf_counter()
            done = import_tickets(db.session, sectors(), tenant, read_file(path), now=utcnow())
            db.session.flush()
            times.append(time.perf_counter() - began)
            assert done.count == count
            db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    with connect(autocommit=True) as conn:
        # The rolled-back imports leave their rows dead in the recent end of every index
        # of tickets; a benchmark run after this one would step over them (B2's batch
        # step read 60,000 of them: 330 ms instead of 30).
        conn.execute("VACUUM ANALYZE tickets, customers, milestones, events")
    return [
        Row(f"B6 import {count:,} tickets (NDJSON)", count / min(times), 10_000, "tickets/s", "min")
    ]


def migrate() -> None:
    """Bring data generated by earlier code to the schema of this code, as an upgrade of
    a production database would (what a migration costs at this size is printed)."""
    from flask_migrate import upgrade

    from portal.extensions import db

    began = time.perf_counter()
    with make_app().app_context():
        upgrade()
        # B2 copies the database, which PostgreSQL refuses while anyone is connected.
        db.engine.dispose()
    print(f"  migrations up to date in {time.perf_counter() - began:.1f} s", flush=True)


BENCHMARKS: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "b1": lambda a: bench_b1(a.seconds),
    "b2": lambda a: bench_b2(a.rounds),
    "b3": lambda a: bench_b3(a.rounds),
    "b4": lambda a: bench_b4(a.samples),
    "b5": lambda a: bench_b5(a.deadlines),
    "b6": lambda a: bench_b6(a.imports, a.rounds),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="b1 ... b6 (default: all)")
    parser.add_argument("--rounds", type=int, default=3, help="best of N for B2, B3, B6")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration for B1")
    parser.add_argument("--samples", type=int, default=100, help="requests per page for B4")
    parser.add_argument("--deadlines", type=int, default=100_000)
    parser.add_argument("--imports", type=int, default=20_000)
    parser.add_argument("--explain", help="write EXPLAIN (ANALYZE) of the slowest SQL here")
    parser.add_argument("--b2-child", choices=("review", "sql"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    global EXPLAIN_ON
    EXPLAIN_ON = bool(args.explain)
    if args.b2_child:
        b2_child(args.b2_child, args.rounds)
        return 0
    try:
        meta = read_meta()
    except Exception as exc:  # any failure means "no bench data"
        print(f"no bench data ({exc}); run `make bench-data` first", file=sys.stderr)
        return 2
    print(
        f"bench database: {meta['tickets']} tickets over {len(SECTORS)} tenants,"
        f" generated {meta['generated_at']}"
    )
    migrate()
    rows: list[Row] = []
    for name in args.only or list(BENCHMARKS):
        began = time.perf_counter()
        try:
            rows += BENCHMARKS[name](args)
        except Exception as exc:  # one failure must not hide the others
            print(f"  {name.upper()} failed: {exc!r}", file=sys.stderr)
            rows.append(Row(f"{name.upper()} (error)", float("nan"), 1, "-", "max"))
        print(f"  {name.upper()} measured in {time.perf_counter() - began:.0f} s", flush=True)
    print()
    print(HEADER)
    print("-" * len(HEADER))
    for row in rows:
        print(row.line())
    if args.explain:
        Path(args.explain).write_text("\n\n".join(EXPLAINED) + "\n", encoding="utf-8")
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
