"""Importing tickets from another system: ``flask portal import --tenant SLUG FILE``.

The file holds tickets in the API's ticket-in shape (:class:`TicketIn`):

* NDJSON (``.ndjson``, ``.jsonl``): one JSON object per line; blank lines are skipped.
* CSV (``.csv``, UTF-8, header row): columns ``kind``, ``channel``, ``subject``,
  ``description``, ``category``, ``occurred_at``, ``requested_due_at``,
  ``related_ticket``, ``customer.name``, ``customer.phone``, ``customer.email``,
  ``customer.anonymous``, and the sector's fields as ``fields.<key>`` columns (or one
  ``fields`` column holding a JSON object). Empty cells are left out; field cells are
  read as JSON where they parse (``5000``, ``true``) and as text otherwise.

Each ticket gets exactly what :func:`portal.workflow.intake.open_ticket` would give it
at the same moment: the same checks, classification (earlier complaints of the same
customer, in the database or earlier in the file, count as in intake), milestones and
``created`` event, and a number from the tenant's counter. It is done in bulk: the file
is validated first, customers and earlier complaints are read with a few queries, the
numbers are reserved with one bump of the counter, and the rows are written with COPY
on PostgreSQL (batched INSERTs on SQLite).

All or nothing: a file with any bad row imports nothing; every bad row is reported
with its line number and one line of reasons (:class:`ImportRefused`).
"""

from __future__ import annotations

import csv
import gc
import json
import queue
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import JSON, Table, func, insert, select, text

from portal.database import DbSession, among
from portal.models import Customer, Event, Milestone, Tenant, Ticket
from portal.numbering import reserve_ticket_numbers
from portal.plugins import SectorRegistry
from portal.policy.calendars import tenant_calendar
from portal.policy.classify import classify
from portal.policy.engine import PlannedMilestone, plan_milestones, policy_of
from portal.policy.versions import active_version
from portal.tenancy import tenant_scope
from portal.workflow.intake import (
    COMPLAINT_KINDS,
    REPEAT_LOOKBACK,
    TicketIn,
    check_ticket_in,
    new_ticket_facts,
)
from portal.workflow.states import Status

TICKETS = cast(Table, Ticket.__table__)
MILESTONES = cast(Table, Milestone.__table__)
EVENTS = cast(Table, Event.__table__)
CUSTOMERS = cast(Table, Customer.__table__)
T = TypeVar("T")
FORMATS = {".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson"}
#: Values per query when looking rows up by a list of values on SQLite (its variable
#: limit); PostgreSQL takes them all as one array.
LOOKUP_CHUNK = 500
#: Rows per INSERT statement batch on SQLite.
INSERT_CHUNK = 5000
#: Tickets per batch of rows handed to the writer (which COPYs one while the next is made).
WRITE_CHUNK = 2000
#: At most this many bad rows are listed; the count says how many there were.
MAX_REPORTED = 100
#: As many earlier complaints as intake looks at.
PRIOR_LIMIT = 100


class ImportRefused(Exception):
    """The file was not imported; ``problems`` lists ``(line, reason)`` of bad rows."""

    def __init__(self, problems: list[tuple[int, str]], total: int | None = None) -> None:
        self.problems = problems
        self.total = len(problems) if total is None else total
        super().__init__(f"{self.total} bad rows; nothing was imported")

    def lines(self) -> list[str]:
        shown = [f"line {line}: {reason}" for line, reason in self.problems[:MAX_REPORTED]]
        if self.total > len(shown):
            shown.append(f"... and {self.total - len(shown)} more bad rows")
        return shown


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ImportRefused([(0, f"unknown file type {suffix!r}: use .csv, .ndjson or .jsonl")])
    return FORMATS[suffix]


def _cell(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _csv_object(row: dict[str, str]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for column, value in row.items():
        if column is None:
            raise ValueError("more cells than columns")
        if value is None or value == "":
            continue
        if column == "fields":
            obj["fields"] = {**json.loads(value), **obj.get("fields", {})}
        elif column.startswith("fields."):
            obj.setdefault("fields", {})[column[len("fields.") :]] = _cell(value)
        elif column.startswith("customer."):
            key = column[len("customer.") :]
            cell: Any = value
            if key == "anonymous":
                cell = value.strip().lower() in ("1", "true", "yes", "y")
            obj.setdefault("customer", {})[key] = cell
        else:
            obj[column] = value
    return obj


def read_file(path: str | Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """``(line, object)`` per ticket of the file, or ``(line, reason)`` if unreadable."""
    kind = format_of(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            if kind == "ndjson":
                for number, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except ValueError as exc:
                        yield number, f"not JSON: {exc}"
                        continue
                    yield number, obj if isinstance(obj, dict) else "not a JSON object"
            else:
                reader = csv.DictReader(f)
                for row in reader:
                    try:
                        yield reader.line_num, _csv_object(row)
                    except ValueError as exc:
                        yield reader.line_num, f"bad cell: {exc}"
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportRefused([(0, f"{path}: {exc}")]) from None


def _reason(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "ticket"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Imported:
    count: int
    first_number: str | None
    last_number: str | None


def import_tickets(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    rows: Iterable[tuple[int, dict[str, Any] | str]],
    *,
    now: datetime,
) -> Imported:
    """Validate, classify, number and write ``rows`` as new tickets of ``tenant``.

    Raises :class:`ImportRefused` before writing anything if any row is bad. The
    caller commits.
    """
    with tenant_scope(session, tenant.id), _no_cycle_collection():
        return _import(session, registry, tenant, rows, now)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector. An import keeps every validated ticket and a
    batch of rows alive while it allocates millions of objects, and the collector kept
    rescanning them: a quarter of the importer's own CPU time (bench B6,
    docs/performance.md). The import itself leaves no reference cycles to collect."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _import(
    session: DbSession,
    registry: SectorRegistry,
    tenant: Tenant,
    rows: Iterable[tuple[int, dict[str, Any] | str]],
    now: datetime,
) -> Imported:
    version = active_version(session, tenant)
    policy = policy_of(registry, version)
    problems: list[tuple[int, str]] = []
    tickets: list[tuple[int, TicketIn]] = []
    for line, obj in rows:
        if isinstance(obj, str):
            problems.append((line, obj))
            continue
        try:
            data = TicketIn.model_validate(obj)
        except ValidationError as exc:
            problems.append((line, _reason(exc)))
            continue
        found = check_ticket_in(policy, data, now)
        if found:
            problems.append((line, "; ".join(f"{k}: {v}" for k, v in found.items())))
        else:
            tickets.append((line, data))
    related = _related_ids(session, tenant, {t.related_ticket for _, t in tickets})
    for line, data in tickets:
        if data.related_ticket and data.related_ticket not in related:
            problems.append((line, f"related_ticket: no ticket {data.related_ticket}"))
    if problems:
        raise ImportRefused(sorted(problems))
    if not tickets:
        return Imported(0, None, None)

    # Every read first: once the rows stream out, the connection is the writer's.
    writer = _Writer(session)
    customer_ids, new_customers = _customers(session, tenant, [t for _, t in tickets], writer, now)
    prior = _prior_complaints(session, tenant, set(customer_ids), now)
    calendar = tenant_calendar(session, tenant, now.astimezone(ZoneInfo(tenant.timezone)).date())
    numbers = reserve_ticket_numbers(session, tenant, now, len(tickets))
    ticket_ids = writer.ids(TICKETS, len(tickets))
    try:
        writer.write(CUSTOMERS, new_customers)
        # Every ticket starts at ``now`` on one calendar: a tier's milestones for a kind
        # (and a requested deadline) are planned once.
        plans: dict[tuple[str, str, datetime | None], list[PlannedMilestone]] = {}
        shared: dict[tuple[Any, ...], tuple[list[str], list[str]]] = {}
        created: dict[tuple[Any, ...], dict[str, Any]] = {}
        # Plain values: the ORM's attributes cost a lookup each, on every row.
        tenant_id, version_id, version_number = tenant.id, version.id, version.number
        ticket_rows: list[dict[str, Any]] = []
        milestone_rows: list[dict[str, Any]] = []
        event_rows: list[dict[str, Any]] = []
        for (_, data), customer_id, number, ticket_id in zip(
            tickets, customer_ids, numbers, ticket_ids, strict=True
        ):
            matter = (customer_id, data.category)
            facts = new_ticket_facts(registry, tenant, data, prior[matter][:PRIOR_LIMIT], now)
            result = classify(policy.compiled, facts)
            outcome = shared.setdefault(
                (tuple(result.validity_reasons), tuple(result.reasons)),
                (list(result.validity_reasons), list(result.reasons)),
            )
            plan_key = (result.tier, data.kind, data.requested_due_at)
            planned = plans.get(plan_key)
            if planned is None:
                planned = plans[plan_key] = [
                    m
                    for start in ("created", "classified")
                    for m in plan_milestones(
                        policy.document, result.tier, data.kind, start, now, calendar,
                        data.requested_due_at,
                    )
                ]  # fmt: skip
            related_id = related.get(data.related_ticket) if data.related_ticket else None
            ticket_rows.append(
                {
                    "id": ticket_id,
                    "tenant_id": tenant_id,
                    "number": number,
                    "kind": data.kind,
                    "status": str(Status.NEW),
                    "channel": data.channel,
                    "channel_level": result.channel_level,
                    "validity": result.validity,
                    "validity_reasons": outcome[0],
                    "tier": result.tier,
                    "category": data.category,
                    "score": result.score,
                    "classification_reasons": outcome[1],
                    "subject": data.subject,
                    "description": data.description,
                    "fields": data.fields,
                    "customer_id": customer_id,
                    "policy_version_id": version_id,
                    "related_ticket_id": related_id,
                    "escalation_level": 0,
                    "breached": False,
                    "next_due_at": min((m.due_at for m in planned), default=None),
                    "occurred_at": data.occurred_at,
                    "requested_due_at": data.requested_due_at,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            milestone_rows += [
                {
                    "tenant_id": tenant_id,
                    "ticket_id": ticket_id,
                    "name": m.name,
                    "started_at": m.started_at,
                    "due_at": m.due_at,
                    "provisional": m.provisional,
                    "pauses": [],
                    "rule": m.rule,
                }
                for m in planned
            ]
            event_rows.append(
                {
                    "tenant_id": tenant_id,
                    "ticket_id": ticket_id,
                    "at": now,
                    "type": "created",
                    "public": False,
                    "data": created.setdefault(
                        (
                            data.channel,
                            result.tier,
                            result.validity,
                            id(outcome[1]),
                            data.related_ticket or None,
                        ),
                        {
                            "channel": data.channel,
                            "policy_version": version_number,
                            "tier": result.tier,
                            "validity": result.validity,
                            "reasons": outcome[1],
                            "related_ticket": data.related_ticket or None,
                        },
                    ),
                }
            )
            if data.kind in COMPLAINT_KINDS:
                prior[matter].insert(0, now)  # later rows of this customer see this one
            if len(ticket_rows) >= WRITE_CHUNK:
                _flush(writer, ticket_rows, milestone_rows, event_rows)
        _flush(writer, ticket_rows, milestone_rows, event_rows)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    return Imported(len(tickets), numbers[0], numbers[-1])


def _flush(writer: _Writer, *batches: list[dict[str, Any]]) -> None:
    for table, rows in zip((TICKETS, MILESTONES, EVENTS), batches, strict=True):
        writer.write(table, rows[:])
        rows.clear()


def _pieces(session: DbSession, values: list[T]) -> Iterator[list[T]]:
    """``values`` in lists for :func:`among`: one on PostgreSQL, as many as SQLite's
    variable limit needs."""
    step = len(values) if session.get_bind().dialect.name == "postgresql" else LOOKUP_CHUNK
    for i in range(0, len(values), max(step, 1)):
        yield values[i : i + step]


def _related_ids(session: DbSession, tenant: Tenant, numbers: set[str | None]) -> dict[str, int]:
    """Ids of ``tenant``'s tickets by number (another tenant's number is not found)."""
    found: dict[str, int] = {}
    for chunk in _pieces(session, sorted(n for n in numbers if n)):
        rows = session.execute(
            select(Ticket.number, Ticket.id).where(
                Ticket.tenant_id == tenant.id, among(session, Ticket.number, chunk)
            )
        )
        found.update({number: id_ for number, id_ in rows})
    return found


def _customers(
    session: DbSession, tenant: Tenant, tickets: Sequence[TicketIn], writer: _Writer, now: datetime
) -> tuple[list[int], list[dict[str, Any]]]:
    """The customer id of each ticket, as intake finds or creates it: a known phone
    (not anonymous) is the same customer, in the database or earlier in the file;
    anyone else is a new customer."""
    phones = sorted(
        {t.customer.phone for t in tickets if t.customer.phone and not t.customer.anonymous}
    )
    known: dict[str, int] = {}
    for chunk in _pieces(session, phones):
        rows = session.execute(
            select(Customer.phone, func.min(Customer.id))
            .where(Customer.tenant_id == tenant.id, among(session, Customer.phone, chunk))
            .group_by(Customer.phone)
        )
        known.update({phone: id_ for phone, id_ in rows if phone})
    new_rows: list[dict[str, Any]] = []
    new_by_phone: dict[str, int] = {}
    refs: list[tuple[bool, int]] = []  # (a new row?, its index or the known id)
    for data in tickets:
        person = data.customer
        phone = person.phone if person.phone and not person.anonymous else None
        if phone is not None and phone in known:
            refs.append((False, known[phone]))
            continue
        if phone is not None and phone in new_by_phone:
            refs.append((True, new_by_phone[phone]))
            continue
        if phone is not None:
            new_by_phone[phone] = len(new_rows)
        refs.append((True, len(new_rows)))
        new_rows.append(
            {
                "tenant_id": tenant.id,
                "name": person.name,
                "phone": person.phone,
                "email": person.email,
                "anonymous": person.anonymous,
                "created_at": now,
            }
        )
    new_ids = writer.ids(CUSTOMERS, len(new_rows))
    for row, row_id in zip(new_rows, new_ids, strict=True):
        row["id"] = row_id
    return [new_ids[ref] if is_new else ref for is_new, ref in refs], new_rows


def _prior_complaints(
    session: DbSession, tenant: Tenant, customer_ids: set[int], now: datetime
) -> defaultdict[tuple[int, str | None], list[datetime]]:
    """Earlier complaints per (customer, category), newest first, as intake reads them."""
    prior: defaultdict[tuple[int, str | None], list[datetime]] = defaultdict(list)
    for chunk in _pieces(session, sorted(customer_ids)):
        rows = session.execute(
            select(Ticket.customer_id, Ticket.category, Ticket.created_at)
            .where(
                Ticket.tenant_id == tenant.id,
                among(session, Ticket.customer_id, chunk),
                Ticket.kind.in_(COMPLAINT_KINDS),
                Ticket.created_at >= now - REPEAT_LOOKBACK,
            )
            .order_by(Ticket.created_at.desc())
        )
        for customer_id, category, created_at in rows:
            if customer_id is not None:
                prior[(customer_id, category)].append(created_at)
    return prior


class _Writer:
    """Ids from the tables' own sequences, and rows written in bulk in the session's
    transaction: batched INSERTs on SQLite; on PostgreSQL COPY, from a thread, so the
    server takes in one batch while the next is classified (the caller must not use the
    session between the first :meth:`write` and :meth:`finish`)."""

    def __init__(self, session: DbSession) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self._next: dict[str, int] = {}
        self._queue: queue.Queue[tuple[str, list[tuple[Any, ...]]] | None] = queue.Queue(maxsize=4)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def ids(self, table: Table, count: int) -> list[int]:
        if count == 0:
            return []
        if self.postgres:
            # The sequence is looked up once (in FROM), not once per id: 10x faster.
            return list(
                self.session.execute(
                    text(
                        "SELECT nextval(seq) FROM generate_series(1, :count),"
                        " CAST(pg_get_serial_sequence(:table, 'id') AS regclass) AS seq"
                    ),
                    {"table": table.name, "count": count},
                ).scalars()
            )
        # SQLite: the transaction holds the write lock since the counter was bumped.
        start = self._next.get(table.name)
        if start is None:
            start = (self.session.scalar(text(f"SELECT max(id) FROM {table.name}")) or 0) + 1
        self._next[table.name] = start + count
        return list(range(start, start + count))

    def write(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if not self.postgres:
            for i in range(0, len(rows), INSERT_CHUNK):
                self.session.execute(insert(table), rows[i : i + INSERT_CHUNK])
            return
        names = list(rows[0])
        defaults = _scalar_defaults(table, names)
        json_columns = [c.name for c in table.columns if isinstance(c.type, JSON)]
        # Rows share their JSON values where they can (a plan's rules, the reasons of
        # one classification outcome): each distinct object is encoded once, and COPY
        # reads the text into the column's JSON type.
        encoded: dict[int, str] = {}
        for row in rows:
            for name in json_columns:
                value = row.get(name)
                if value is not None:
                    text = encoded.get(id(value))
                    if text is None:
                        text = encoded[id(value)] = json.dumps(value, ensure_ascii=False)
                    row[name] = text
        extra = tuple(defaults.values())
        values = [(*row.values(), *extra) for row in rows]
        sql = f"COPY {table.name} ({', '.join([*names, *defaults])}) FROM STDIN"
        if self._thread is None:
            raw = self.session.connection().connection.driver_connection
            self._thread = threading.Thread(target=self._copy, args=(raw,), daemon=True)
            self._thread.start()
        self._put((sql, values))

    def _put(self, item: tuple[str, list[tuple[Any, ...]]] | None) -> None:
        while self._thread is not None and self._thread.is_alive():
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        self._raise()

    def _copy(self, raw: Any) -> None:
        try:
            with raw.cursor() as cur:
                while (item := self._queue.get()) is not None:
                    sql, values = item
                    with cur.copy(sql) as copy:
                        for row in values:
                            copy.write_row(row)
        except BaseException as exc:  # handed to the caller's thread by finish()
            self._error = exc

    def abort(self) -> None:
        """Stop the COPY thread after a failure; the caller rolls back."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._thread = None

    def finish(self) -> None:
        if self._thread is not None:
            self._put(None)
            self._thread.join()
            self._thread = None
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def _scalar_defaults(table: Table, given: list[str]) -> dict[str, Any]:
    """Python-side defaults of the columns a COPY leaves out (INSERT applies them)."""
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or column.primary_key or default is None:
            continue
        if default.is_scalar:
            defaults[column.name] = default.arg  # type: ignore[attr-defined]
        elif default.is_callable:
            defaults[column.name] = default.arg(None)  # type: ignore[attr-defined]
    return defaults


__all__ = ["ImportRefused", "Imported", "format_of", "import_tickets", "read_file"]
