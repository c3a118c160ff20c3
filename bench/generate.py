"""Fill the bench database with N tickets over four tenants and two years.

Run: ``.venv/bin/python bench/generate.py --tickets 1000000`` (``make bench-data``).

* The database (``tousu_bench``, see bench/common.py) is dropped and created, then
  built with the real migrations (``flask_migrate.upgrade``).
* One tenant per built-in sector, created with the real ``create_tenant`` (so each
  has its sector's default policy as its active version), with departments, a
  supervisor and agents (real ``create_user``).
* Tickets are drawn from a pool of templates per tenant that were classified and
  given milestones by the real engine (``classify`` and ``plan_milestones`` on the
  tenant's policy and calendar), then spread over two years with realistic shares of
  kinds, states, breaches (late answers the review marked) and repeat complaints,
  with their customers, milestones and timeline events.
* Rows are loaded with COPY (psycopg 3 ``cursor.copy()``) while the next chunk is
  generated; secondary indexes are dropped for the load and rebuilt after it, then
  the tables are analysed.
* Finally ``--newly-due`` open milestones (10,000 per million tickets) are moved to
  fall due in the ten minutes after the data's "now": the periodic review of B2 runs
  at ``review_at`` and finds exactly those newly due.

The data's "now" is the time of generation; it is stored in ``bench_meta``.
"""

from __future__ import annotations

import argparse
import json
import math
import queue
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from bench.common import DATABASE, PASSWORD, SECTORS, SERVER, make_app

YEARS = 2
CHUNK = 20_000
POOL = 600
REVIEW_WINDOW = timedelta(minutes=10)
LOCAL = ZoneInfo("Asia/Shanghai")
LOCAL_OFFSET = timedelta(hours=8)  # Asia/Shanghai has no daylight saving time
AGENTS = 10
DEPARTMENTS = ("service", "billing", "technical", "branch-a", "branch-b")

FINISHED = ("closed", "invalid")
#: Statuses and the event types a ticket has been through to reach them.
PATHS = {
    "new": [],
    "accepted": ["accept"],
    "assigned": ["accept", "assign"],
    "in_progress": ["accept", "assign", "start"],
    "pending_customer": ["accept", "assign", "start", "wait_customer"],
    "escalated": ["accept", "assign", "escalate"],
    "replied": ["accept", "assign", "reply"],
    "resolved": ["accept", "assign", "reply", "resolve"],
    "callback_done": ["accept", "assign", "reply", "resolve", "callback"],
    "closed": ["accept", "assign", "reply", "resolve", "callback", "close"],
    "invalid": ["invalidate"],
}
#: Status shares by age: (older than, [(status, weight), ...]), checked in order.
STATUS_BY_AGE = (
    (
        timedelta(days=45),
        [
            ("closed", 90),
            ("callback_done", 4),
            ("resolved", 3),
            ("in_progress", 1),
            ("escalated", 1),
        ],
    ),
    (
        timedelta(days=7),
        [
            ("closed", 55),
            ("resolved", 14),
            ("callback_done", 6),
            ("replied", 10),
            ("in_progress", 8),
            ("assigned", 4),
            ("pending_customer", 3),
        ],
    ),
    (
        timedelta(0),
        [
            ("new", 15),
            ("accepted", 15),
            ("assigned", 20),
            ("in_progress", 22),
            ("pending_customer", 5),
            ("escalated", 3),
            ("replied", 12),
            ("resolved", 5),
            ("closed", 3),
        ],
    ),
)
KIND_WEIGHTS = {"complaint": 55, "consultation": 15, "inquiry": 14, "fault": 10, "appeal": 6}
LATE_SHARE = 0.08  # answered after the deadline (the review had marked it breached)
NULL = "\\N"


def text(value: str) -> str:
    """A value in COPY's text format."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def js(value: Any) -> str:
    return text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def ts(moment: datetime | None) -> str:
    return "\\N" if moment is None else moment.isoformat()


@dataclass
class Template:
    kind: str
    channel: str
    channel_level: str
    validity: str
    validity_reasons: str
    tier: str
    category: str
    score: str
    reasons: str
    fields: str
    subject: str
    created_data: str
    #: (name, due offset from creation, rule as COPY text)
    milestones: list[tuple[str, timedelta, str]]


def _field_value(rng: random.Random, spec: Any) -> Any:
    if spec.type == "number":
        return round(math.exp(rng.gauss(6.5, 1.6)), 2) if rng.random() < 0.6 else None
    if spec.type == "integer":
        return rng.randint(1, 40) if rng.random() < 0.2 else None
    if spec.type == "boolean":
        return True if rng.random() < 0.05 else None
    if spec.type == "choice" and spec.choices:
        return rng.choice([c.key for c in spec.choices]) if rng.random() < 0.5 else None
    if spec.type == "string":
        return f"S{rng.randint(1, 999):03d}" if rng.random() < 0.3 else None
    return None


def templates(app: Any, tenant_id: int, rng: random.Random, now: datetime) -> list[Template]:
    """Random tickets classified and planned by the real engine on the tenant's policy."""
    from portal.extensions import db
    from portal.models import Tenant
    from portal.plugins import sectors
    from portal.policy.calendars import tenant_calendar
    from portal.policy.classify import classify
    from portal.policy.document import validate_fields
    from portal.policy.engine import plan_milestones, policy_of
    from portal.policy.versions import active_version
    from portal.tenancy import tenant_scope
    from portal.workflow.intake import ticket_facts

    registry = sectors()
    pool: list[Template] = []
    with tenant_scope(db.session, tenant_id):
        tenant = db.session.get(Tenant, tenant_id)
        assert tenant is not None
        version = active_version(db.session, tenant)
        policy = policy_of(registry, version)
        doc = policy.document
        calendar = tenant_calendar(db.session, tenant, now.astimezone(LOCAL).date())
        kinds = [k for k in doc.kinds if k in KIND_WEIGHTS]
        weights = [KIND_WEIGHTS[k] for k in kinds]
        channels = [c.key for c in doc.channels]
        channel_weights = [max(1, 12 - 2 * i) for i in range(len(channels))]
        categories = [c.key for c in doc.categories]
        while len(pool) < POOL:
            # Planned from starts spread over a week, so offsets vary like real ones.
            at = now - timedelta(seconds=rng.randrange(7 * 86400))
            kind = rng.choices(kinds, weights)[0]
            channel = rng.choices(channels, channel_weights)[0]
            category = rng.choice(categories) if categories and rng.random() < 0.9 else None
            fields = {f.key: _field_value(rng, f) for f in doc.fields}
            fields = {k: v for k, v in fields.items() if v is not None}
            problems = validate_fields(fields, doc.fields)
            fields = {k: v for k, v in fields.items() if k not in problems}
            anonymous = rng.random() < 0.03
            prior = [at - timedelta(days=rng.randint(1, 60))] * rng.choice((0, 0, 0, 0, 1, 2))
            facts = ticket_facts(
                registry,
                tenant,
                kind=kind,
                channel=channel,
                category=category,
                fields=fields,
                anonymous=anonymous,
                has_contact=not anonymous,
                occurred_at=at - timedelta(days=rng.randint(0, 20)),
                prior=prior,
                now=at,
            )
            result = classify(policy.compiled, facts)
            try:
                planned = [
                    m
                    for start in ("created", "classified")
                    for m in plan_milestones(doc, result.tier, kind, start, at, calendar)
                ]
            except ValueError:
                continue
            pool.append(
                Template(
                    kind=kind,
                    channel=channel,
                    channel_level=result.channel_level or "\\N",
                    validity=result.validity,
                    validity_reasons=js(list(result.validity_reasons)),
                    tier=result.tier,
                    category=category or "\\N",
                    score="\\N" if result.score is None else repr(float(result.score)),
                    reasons=js(list(result.reasons)),
                    fields=js(fields),
                    subject=text(f"{kind} about {category or channel}"),
                    created_data=js(
                        {
                            "channel": channel,
                            "policy_version": version.number,
                            "tier": result.tier,
                            "validity": result.validity,
                            "reasons": list(result.reasons),
                            "related_ticket": None,
                        }
                    ),
                    milestones=[(m.name, m.due_at - at, js(m.rule)) for m in planned],
                )
            )
    return pool


@dataclass
class TenantInfo:
    id: int
    prefix: str
    policy_version_id: int
    agents: list[int]
    departments: list[int]
    pool: list[Template]
    tickets: int
    #: How long after its resolution a ticket's callback falls due (None: no callback).
    callback_after: timedelta | None


def callback_after(tenant: Any, now: datetime) -> timedelta | None:
    from portal.extensions import db
    from portal.plugins import sectors
    from portal.policy.engine import callback_due, policy_of
    from portal.policy.versions import active_version

    document = policy_of(sectors(), active_version(db.session, tenant)).document
    due = callback_due(document, now)
    return None if due is None else due - now


def setup(args: argparse.Namespace, now: datetime) -> list[TenantInfo]:
    """Create the database, migrate it, and create tenants, departments and staff."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')

    from flask_migrate import upgrade

    from portal.extensions import db
    from portal.models import Department, Role
    from portal.plugins import sectors
    from portal.tenancy import ALL_TENANTS, set_scope, tenant_scope
    from portal.tenants import create_tenant
    from portal.users import create_user

    app = make_app()
    rng = random.Random(args.seed)
    infos = []
    with app.app_context():
        # "heads": other branches of the chain may be open while engineers work.
        upgrade(revision="heads")
        set_scope(db.session, ALL_TENANTS)
        for sector in SECTORS:
            tenant = create_tenant(
                db.session,
                sectors(),
                slug=f"bench-{sector}",
                name=f"Bench {sector}",
                sector=sector,
                ticket_prefix=f"B{sector[:3].upper()}",
            )
            db.session.flush()
            with tenant_scope(db.session, tenant.id):
                create_user(
                    db.session,
                    email=f"supervisor@bench-{sector}.example.com",
                    display_name="Supervisor",
                    password=PASSWORD,
                    role=Role.SUPERVISOR,
                    tenant=tenant,
                )
                agents = [
                    create_user(
                        db.session,
                        email=f"agent{i}@bench-{sector}.example.com",
                        display_name=f"Agent {i}",
                        password=PASSWORD,
                        role=Role.AGENT,
                        tenant=tenant,
                    )
                    for i in range(1, AGENTS + 1)
                ]
                departments = [Department(code=code, name=code.title()) for code in DEPARTMENTS]
                db.session.add_all(departments)
                db.session.flush()
            db.session.commit()
            share = args.tickets // len(SECTORS)
            infos.append(
                TenantInfo(
                    id=tenant.id,
                    prefix=tenant.ticket_prefix,
                    policy_version_id=int(tenant.active_policy_version_id or 0),
                    agents=[a.id for a in agents],
                    departments=[d.id for d in departments],
                    pool=templates(app, tenant.id, rng, now),
                    tickets=share,
                    callback_after=callback_after(tenant, now),
                )
            )
        infos[-1].tickets += args.tickets - sum(i.tickets for i in infos)
        db.session.remove()
        db.engine.dispose()
    return infos


TICKET_COLUMNS = (
    "id, tenant_id, number, kind, status, channel, channel_level, validity, validity_reasons,"
    " tier, category, score, classification_reasons, subject, description, fields,"
    " customer_id, department_id, assignee_id, first_responder_id, policy_version_id,"
    " related_ticket_id, escalation_level, breached, next_due_at, occurred_at,"
    " requested_due_at, created_at, updated_at, closed_at, version, callback_due_at"
)
MILESTONE_COLUMNS = (
    "id, tenant_id, ticket_id, name, started_at, due_at, met_at, breached_at, warned_at,"
    " paused_at, pauses, cancelled_at, provisional, rule"
)
EVENT_COLUMNS = "id, tenant_id, ticket_id, at, actor_id, type, public, data"
CUSTOMER_COLUMNS = "id, tenant_id, name, phone, email, anonymous, created_at"


class Loader(threading.Thread):
    """COPYs chunks on its own connection while the main thread generates the next."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        super().__init__(daemon=True)
        self.conn = conn
        self.queue: queue.Queue[tuple[str, str, list[str]] | None] = queue.Queue(maxsize=6)
        self.error: BaseException | None = None
        self.rows = 0

    def run(self) -> None:
        try:
            with self.conn.cursor() as cur:
                while (item := self.queue.get()) is not None:
                    table, columns, lines = item
                    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        copy.write("\n".join(lines) + "\n")
                    self.rows += len(lines)
        except BaseException as exc:  # reported by the main thread
            self.error = exc

    def put(self, table: str, columns: str, lines: list[str]) -> None:
        if self.error is not None:
            raise RuntimeError(f"COPY into {table} failed") from self.error
        if lines:
            self.queue.put((table, columns, lines))


class Generator:
    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.start = now - timedelta(days=365 * YEARS)
        self.ticket_id = self.milestone_id = self.event_id = self.customer_id = 0
        self.counters: dict[tuple[int, str], int] = {}

    def status_of(self, age: timedelta, template: Template) -> str:
        rng = self.rng
        if template.validity == "invalid" and age > timedelta(days=2) and rng.random() < 0.8:
            return "invalid"
        for older_than, shares in STATUS_BY_AGE:
            if age >= older_than:
                statuses, weights = zip(*shares, strict=True)
                return rng.choices(statuses, weights)[0]
        return "new"

    def customers(self, info: TenantInfo, loader: Loader) -> tuple[int, int]:
        """The tenant's customers: (first id, how many)."""
        rng = self.rng
        customers = max(1, int(info.tickets * 0.65))
        first_customer = self.customer_id + 1
        customer_lines = []
        for i in range(customers):
            anonymous = rng.random() < 0.03
            phone = "\\N" if anonymous else f"139{info.id:02d}{i:06d}"
            customer_lines.append(
                f"{first_customer + i}\t{info.id}\t{NULL if anonymous else f'客户{i}'}\t"
                f"{phone}\t\\N\t{'t' if anonymous else 'f'}\t{ts(self.start)}"
            )
            if len(customer_lines) >= CHUNK:
                loader.put("customers", CUSTOMER_COLUMNS, customer_lines)
                customer_lines = []
        loader.put("customers", CUSTOMER_COLUMNS, customer_lines)
        self.customer_id += customers
        return first_customer, customers

    def all_tenants(self, infos: list[TenantInfo], loader: Loader) -> None:
        """Every tenant's tickets in one stream ordered by creation, as they arrive in
        production: the tables' physical order is time, not tenant (which matters to
        the planner's choice between a tenant index and a (tenant, time) index)."""
        rng = self.rng
        span = (self.now - self.start).total_seconds()
        pool = {info.id: (info, *self.customers(info, loader), {}) for info in infos}
        # Growth: more tickets lately (density rising linearly over the two years).
        arrivals = sorted(
            (span * math.sqrt(rng.random()), info.id) for info in infos for _ in range(info.tickets)
        )
        for begin in range(0, len(arrivals), CHUNK):
            tickets: list[str] = []
            milestones: list[str] = []
            events: list[str] = []
            for offset, tenant_id in arrivals[begin : begin + CHUNK]:
                info, first_customer, customers, last_ticket_of = pool[tenant_id]
                created = self.start + timedelta(seconds=offset)
                self.ticket(
                    info,
                    created,
                    customers,
                    first_customer,
                    last_ticket_of,
                    tickets,
                    milestones,
                    events,
                )
            loader.put("tickets", TICKET_COLUMNS, tickets)
            loader.put("milestones", MILESTONE_COLUMNS, milestones)
            loader.put("events", EVENT_COLUMNS, events)
            if (begin // CHUNK) % 10 == 9:
                print(f"  {begin + CHUNK:,} tickets generated", flush=True)

    def ticket(
        self,
        info: TenantInfo,
        created: datetime,
        customers: int,
        first_customer: int,
        last_ticket_of: dict[int, int],
        tickets: list[str],
        milestones: list[str],
        events: list[str],
    ) -> None:
        rng, now = self.rng, self.now
        template = rng.choice(info.pool)
        self.ticket_id += 1
        tid = self.ticket_id
        age = now - created
        status = self.status_of(age, template)
        path = PATHS[status]
        period = (created + LOCAL_OFFSET).strftime("%Y%m")
        key = (info.id, period)
        serial = self.counters[key] = self.counters.get(key, 0) + 1
        # Repeat complainants: a skewed draw makes some customers come back often.
        customer = first_customer + int(customers * rng.random() ** 1.7)
        related = "\\N"
        earlier = last_ticket_of.get(customer)
        if earlier is not None and template.kind == "complaint" and rng.random() < 0.25:
            related = str(earlier)
        last_ticket_of[customer] = tid
        assignee = rng.choice(info.agents) if "assign" in path else None
        department = rng.choice(info.departments) if "assign" in path else None
        # When each step happened: spread over the ticket's life so far.
        life = min(age, timedelta(days=rng.uniform(1, 20)))
        step_times = sorted(created + life * rng.random() for _ in path)
        done = status in ("replied", "resolved", "callback_done", "closed")
        ended = step_times[-1] if status in FINISHED and step_times else None
        breached = False
        next_due: datetime | None = None
        for name, due_offset, rule in template.milestones:
            self.milestone_id += 1
            due = created + due_offset
            met = breached_at = warned = cancelled = None
            if done:
                if rng.random() < LATE_SHARE:
                    met = due + (due - created) * rng.uniform(0.05, 0.5)
                    breached_at = due + timedelta(minutes=1)
                else:
                    met = created + (due - created) * rng.uniform(0.1, 0.98)
                if met > now:
                    met, breached_at = now - timedelta(minutes=5), None
                warned = created + (due - created) * 0.8
                if warned > met:
                    warned = None
            elif status == "invalid":
                cancelled = ended or created
            else:
                if due <= now:
                    breached_at = min(due + timedelta(minutes=1), now)
                elif created + (due - created) * 0.8 <= now:
                    warned = created + (due - created) * 0.8 + timedelta(seconds=30)
                    if warned > now:
                        warned = now
                next_due = due if next_due is None else min(next_due, due)
            breached |= breached_at is not None
            milestones.append(
                f"{self.milestone_id}\t{info.id}\t{tid}\t{name}\t{ts(created)}\t{ts(due)}\t"
                f"{ts(met)}\t{ts(breached_at)}\t{ts(warned)}\t\\N\t[]\t{ts(cancelled)}\tf\t{rule}"
            )
        self.event_id += 1
        events.append(
            f"{self.event_id}\t{info.id}\t{tid}\t{ts(created)}\t\\N\tcreated\tf\t"
            f"{template.created_data}"
        )
        escalation = 0
        for step, at in zip(path, step_times, strict=True):
            self.event_id += 1
            public = "f"
            data = "{}"
            if step == "assign":
                data = f'{{"assignee_id":{assignee},"department_id":{department}}}'
            elif step == "reply":
                public, data = "t", '{"message":"已核实并答复"}'
            elif step == "callback":
                attitude = rng.choices(("satisfied", "neutral", "unsatisfied"), (75, 15, 10))[0]
                score = rng.randint(6, 10) if attitude == "satisfied" else rng.randint(1, 7)
                solved = "true" if rng.random() < 0.85 else "false"
                data = (
                    f'{{"survey":{{"solved":{solved},"attitude":"{attitude}",'
                    f'"charged":null,"score":{score},"comment":""}}}}'
                )
            elif step == "escalate":
                escalation = 1
                data = '{"level":1,"reason":"overdue"}'
            elif step == "invalidate":
                data = '{"reason":"not_specific"}'
            actor = assignee if assignee is not None else "\\N"
            events.append(
                f"{self.event_id}\t{info.id}\t{tid}\t{ts(at)}\t{actor}\t{step}\t{public}\t{data}"
            )
        if status == "closed" and rng.random() < 0.15:
            self.event_id += 1
            events.append(
                f"{self.event_id}\t{info.id}\t{tid}\t{ts(ended)}\t\\N\trate\tt\t"
                f'{{"score":{rng.randint(1, 5)}}}'
            )
        updated = step_times[-1] if step_times else created
        callback_due = None
        if status == "resolved" and info.callback_after is not None:
            callback_due = step_times[path.index("resolve")] + info.callback_after
        tickets.append(
            f"{tid}\t{info.id}\t{info.prefix}-{period}-{serial:06d}\t{template.kind}\t{status}\t"
            f"{template.channel}\t{template.channel_level}\t{template.validity}\t"
            f"{template.validity_reasons}\t{template.tier}\t{template.category}\t{template.score}\t"
            f"{template.reasons}\t{template.subject}\t\t{template.fields}\t{customer}\t"
            f"{NULL if department is None else department}\t"
            f"{NULL if assignee is None else assignee}\t\\N\t{info.policy_version_id}\t"
            f"{related}\t{escalation}\t{'t' if breached else 'f'}\t{ts(next_due)}\t"
            f"{ts(created - timedelta(days=1))}\t\\N\t{ts(created)}\t{ts(updated)}\t"
            f"{ts(ended)}\t1\t{ts(callback_due)}"
        )


SECONDARY_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename IN ('tickets', 'milestones', 'events', 'customers')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
"""


def load(infos: list[TenantInfo], args: argparse.Namespace, now: datetime) -> None:
    generator = Generator(args.seed, now)
    conn = psycopg.connect(f"{SERVER}/{DATABASE}")
    # Foreign keys are checked by triggers; the generator's ids are consistent by
    # construction, so the load skips them (superuser only; bench database only).
    conn.execute("SET session_replication_role = replica")
    indexes = conn.execute(SECONDARY_INDEXES).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    loader = Loader(conn)
    loader.start()
    began = time.perf_counter()
    generator.all_tenants(infos, loader)
    loader.queue.put(None)
    loader.join()
    if loader.error is not None:
        raise loader.error
    print(f"  {loader.rows:,} rows copied in {time.perf_counter() - began:.0f} s", flush=True)
    counters = [(t, p, v) for (t, p), v in generator.counters.items()]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO ticket_counters (tenant_id, period, value) VALUES (%s, %s, %s)",
            counters,
        )
    for table in ("tickets", "milestones", "events", "customers"):
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" (SELECT coalesce(max(id), 1) FROM {table}))"
        )
    conn.commit()
    began = time.perf_counter()
    conn.execute("SET maintenance_work_mem = '256MB'")
    for _, definition in indexes:
        conn.execute(definition)
    conn.commit()
    print(f"  {len(indexes)} indexes rebuilt in {time.perf_counter() - began:.0f} s", flush=True)
    conn.execute("ANALYZE")
    conn.commit()
    catch_up(now)
    newly_due(conn, args.newly_due, now)
    conn.close()


def catch_up(now: datetime) -> None:
    """Run the real periodic review once at the data's "now", as the scheduler would
    have all along: at-risk warnings, callback reminders, auto-closing and the like
    are then in the data, and B2 measures one ordinary run, not a first catch-up."""
    from portal.extensions import db
    from portal.jobs.review import review
    from portal.tenancy import ALL_TENANTS, set_scope

    app = make_app()
    began = time.perf_counter()
    with app.app_context():
        set_scope(db.session, ALL_TENANTS)
        counts = review(db.session, now)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    done = {k: v for k, v in counts.items() if v}
    print(f"  catch-up review in {time.perf_counter() - began:.0f} s: {done}", flush=True)


def newly_due(conn: psycopg.Connection[Any], count: int, now: datetime) -> None:
    """Make ``count`` running milestones of open tickets fall due in the review window."""
    review_at = now + REVIEW_WINDOW
    conn.execute(
        """
        WITH chosen AS (
            SELECT DISTINCT ON (m.ticket_id) m.id
            FROM milestones m JOIN tickets t ON t.id = m.ticket_id
            WHERE m.met_at IS NULL AND m.cancelled_at IS NULL AND m.breached_at IS NULL
              AND m.paused_at IS NULL AND t.status NOT IN ('closed', 'invalid')
            ORDER BY m.ticket_id, hashtext(m.id::text)
        ), picked AS (
            SELECT id FROM chosen ORDER BY hashtext(id::text) LIMIT %(count)s
        )
        UPDATE milestones m
        SET due_at = %(now)s + (%(window)s * ((m.id %% 997) + 1) / 998.0),
            warned_at = coalesce(m.warned_at, %(now)s - interval '1 minute')
        FROM picked WHERE m.id = picked.id
        """,
        {"count": count, "now": now, "window": review_at - now},
    )
    conn.execute(
        """
        UPDATE tickets t SET next_due_at = d.due
        FROM (SELECT ticket_id, min(due_at) AS due FROM milestones
              WHERE met_at IS NULL AND cancelled_at IS NULL GROUP BY ticket_id) d
        WHERE d.ticket_id = t.id AND t.next_due_at IS DISTINCT FROM d.due
        """
    )
    found = conn.execute(
        "SELECT count(*) FROM milestones WHERE met_at IS NULL AND cancelled_at IS NULL"
        " AND breached_at IS NULL AND paused_at IS NULL AND due_at <= %s",
        (review_at,),
    ).fetchone()
    conn.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
    meta = {
        "generated_at": now.isoformat(),
        "review_at": review_at.isoformat(),
        "tickets": str(conn.execute("SELECT count(*) FROM tickets").fetchone()[0]),  # type: ignore[index]
        "newly_due": str(found[0] if found else 0),
    }
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO bench_meta VALUES (%s, %s)", list(meta.items()))
    conn.commit()
    print(f"  {meta['newly_due']} milestones newly due at {review_at:%H:%M:%S} UTC", flush=True)
    conn.autocommit = True
    began = time.perf_counter()
    conn.execute("VACUUM ANALYZE")
    print(f"  vacuum analyse in {time.perf_counter() - began:.0f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument(
        "--newly-due", type=int, help="milestones due at the review (default: 1%% of tickets)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.newly_due is None:
        args.newly_due = args.tickets // 100
    now = datetime.now(UTC).replace(microsecond=0)
    began = time.perf_counter()
    print(f"creating {DATABASE} on {SERVER} with {args.tickets:,} tickets", flush=True)
    infos = setup(args, now)
    print(f"  tenants, staff and templates ready ({time.perf_counter() - began:.0f} s)")
    load(infos, args, now)
    print(f"done in {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
