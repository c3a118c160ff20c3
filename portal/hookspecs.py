"""The plugin contract: every hook a sector plugin may implement.

A sector plugin is a Python module (or object) registered under the entry-point group
``tousu.sectors``; the entry point's name is the sector key::

    [project.entry-points."tousu.sectors"]
    hotel = "tousu_sector_hotel"

The module implements hooks by decorating functions with :data:`hookimpl`. Hooks are
always called with keyword arguments, and an implementation may accept fewer
arguments than the spec lists, so hooks can grow without breaking plugins.

Two families of hooks exist:

* **sector hooks** are called only on the plugin of the tenant's own sector
  (``firstresult``: the sector's answer is the answer). Hooks marked *optional* have a
  core default (``portal/defaults.py``) that a sector overrides by implementing them;
* **broadcast hooks** (ticket created/changed, jobs, ...) are called on every loaded
  plugin and collect a list. None exist yet; they arrive with the features that call
  them. Report sections are a sector hook, not a broadcast one: a section reads the
  sector's own ticket fields, which other sectors' tenants do not have.

A hook that raises, or answers something this contract does not allow, makes the
sector unavailable: the error is logged with the sector's name and only that sector's
tenants see an error page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pluggy

from portal.policy.document import PolicyDocument

PROJECT_NAME = "tousu"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Decorate a plugin's hook implementations with this marker.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@dataclass(frozen=True)
class PolicyPreset:
    """A documented alternative to a sector's default policy (e.g. an older rule).

    ``apply`` takes a policy document (a dict) and returns the changed copy; the admin
    offers each preset by its label, with ``source`` saying where the rule comes from.
    """

    key: str
    label_en: str
    label_zh: str
    source: str
    apply: Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Guidance:
    """Advice shown to the agent on the ticket page: a title and its steps, in order."""

    title: str
    steps: list[str]


@dataclass(frozen=True)
class SectorInfo:
    """Who a sector is: its key (the entry point's name), labels and version."""

    key: str
    name_en: str
    name_zh: str
    version: str


@dataclass(frozen=True)
class Bilingual:
    """A text in both languages the portal speaks."""

    en: str
    zh: str


#: A cell of a report table: a number, a plain text (a key, a store's name), or a
#: text in both languages; None shows as empty.
ReportCell = int | float | str | Bilingual | None


@dataclass(frozen=True)
class ReportFigure:
    """One headline number of a report section (a count, or a rate between 0 and 1)."""

    key: str
    label: Bilingual
    value: int | float | None
    rate: bool = False


@dataclass(frozen=True)
class ReportSection:
    """A sector's part of a report: headline figures, then a table.

    ``rows`` are lists of cells in the order of ``columns``. Sections are stored with
    the report's figures, so they must be built from the database alone.
    """

    key: str
    title: Bilingual
    figures: list[ReportFigure] = field(default_factory=list)
    columns: list[Bilingual] = field(default_factory=list)
    rows: list[list[ReportCell]] = field(default_factory=list)


#: A sector job's work: ``body(session, tenant_ids, now)`` returns its counts.
SectorJobBody = Callable[[Any, list[int], datetime], dict[str, Any]]


@dataclass(frozen=True)
class SectorJob:
    """A periodic job of a sector, run by the scheduler for the sector's tenants.

    ``key`` is unique within the sector (the job's id is ``<sector>.<key>``);
    ``interval_seconds`` is its default schedule, which ``JOB_SCHEDULES`` in the
    configuration may replace (a number of seconds, or a crontab line).
    """

    key: str
    interval_seconds: int
    body: SectorJobBody


@hookspec(firstresult=True)
def sector_info() -> SectorInfo:  # type: ignore[empty-body]
    """Name the sector.

    Called once when the plugin is loaded, at application start.

    :return: a :class:`SectorInfo` whose ``key`` equals the entry point's name.
    """


@hookspec(firstresult=True)
def sector_default_policy() -> dict[str, Any]:  # type: ignore[empty-body]
    """Give the sector's default policy document.

    Called when a tenant of this sector is created (its first policy version is this
    document) and when an admin resets a policy to the sector's defaults.

    :return: a JSON-serialisable dict: the policy document of this sector.
    """


@hookspec(firstresult=True)
def sector_policy_model() -> type[PolicyDocument]:  # type: ignore[empty-body]
    """Give the pydantic model that validates this sector's policy documents.

    Optional (default: :class:`~portal.policy.document.PolicyDocument`). Called when a
    policy document is validated: the sector default at tenant creation, every version
    an admin saves. A sector subclasses ``PolicyDocument`` to add its own settings and
    cross-checks (override ``cross_check``), and to declare its derived facts (override
    ``fact_types``) so that conditions may test them.

    :return: a subclass of ``PolicyDocument``.
    """


@hookspec(firstresult=True)
def sector_derived_facts(  # type: ignore[empty-body]
    fields: Mapping[str, Any], kind: str, occurred_at: datetime | None, now: datetime, timezone: str
) -> dict[str, Any]:
    """Compute facts that the ticket's data implies but cannot state itself.

    Optional (default: none). Called each time a ticket is classified, before the
    criteria run; the facts it returns are tested by conditions like any field (e.g. a
    bill's ratio to the customer's three-month average) but are not stored as fields.

    :param fields: the ticket's sector fields, already validated.
    :param kind: the ticket's kind (``complaint``, ``appeal``, ...).
    :param occurred_at: when the matter happened, if known (aware).
    :param now: the time of classification (aware UTC).
    :param timezone: the tenant's time zone name (e.g. ``Asia/Shanghai``), for periods
        counted in local calendar days.
    :return: a dict of fact name to value; names must be declared by the sector's
        policy model (``fact_types``).
    """


@hookspec(firstresult=True)
def sector_policy_presets() -> list[PolicyPreset]:  # type: ignore[empty-body]
    """List the documented alternatives an admin may switch the policy to.

    Optional (default: none). Called by the policy editor to offer them.

    :return: a list of :class:`PolicyPreset`, each applying to a default-shaped document.
    """


@hookspec(firstresult=True)
def sector_demo_tickets(now: datetime, count: int) -> list[dict[str, Any]]:  # type: ignore[empty-body]
    """Give example tickets for the demo tenant of this sector (``make run``).

    Optional (default: none, so the demo tenant has no tickets). Called once by
    ``flask portal seed-demo``, for the demo tenant of this sector. Each item has the
    shape of the API's ticket creation body (``kind``, ``channel``, ``subject``, ``description``,
    ``customer``, ``fields``, ``occurred_at``, ``requested_due_at``), with aware
    datetimes; they go through the same intake, classification and deadlines as real
    tickets, so they should show the sector's tiers and rules.

    :param now: the start of the demo period (aware UTC). The demo opens the tickets at
        times spread over the three weeks after it, so incident times (``occurred_at``)
        go before ``now`` and requested deadlines more than three weeks after it.
    :param count: how many tickets the demo wants.
    :return: a list of ticket bodies.
    """


@hookspec(firstresult=True)
def sector_action_guard(  # type: ignore[empty-body]
    ticket: Any,
    action: str,
    actor_role: str,
    data: Mapping[str, Any],
    assignee: Any,
    document: PolicyDocument,
    locale: str,
) -> list[str]:
    """Refuse a lifecycle action that the sector's rules forbid.

    Optional (default: no objection). Called before every action on a ticket of this
    sector, after the core's own checks (state, role, input) passed and before anything
    is written. E.g. a return of goods resolves only after three confirmations; a bank
    never assigns a staff-behaviour complaint to the person complained about.

    :param ticket: the ticket (a ``portal.models.Ticket``; read it, do not change it),
        with its ``fields``, ``events`` and ``milestones``.
    :param action: the action's name (``assign``, ``resolve``, ...; see
        ``portal.workflow.actions.ACTIONS``).
    :param actor_role: the role of the user acting.
    :param data: the action's validated input (e.g. ``assignee_id`` for ``assign``).
    :param assignee: for an action naming a person (``assign``), that staff member (a
        ``portal.models.User``, read only), else None.
    :param document: the policy the ticket was classified under, validated with the
        sector's model (e.g. which parties a ``confirm`` may name).
    :param locale: ``"zh"`` or ``"en"``, the tenant's language for the reasons.
    :return: the reasons to refuse, in the tenant's language; empty to allow.
    """


@hookspec(firstresult=True)
def sector_guidance(  # type: ignore[empty-body]
    ticket: Any, document: PolicyDocument, locale: str
) -> list[Guidance]:
    """Tell the agent how to handle this ticket.

    Optional (default: the eight-step handling path for service complaints, seed 001).
    Called when a ticket page is shown.

    :param ticket: the ticket (a ``portal.models.Ticket``; read it, do not change it).
    :param document: the policy the ticket was classified under, validated with the
        sector's model, so sector settings (e.g. procedures per category) are there.
    :param locale: ``"zh"`` or ``"en"``: the language to answer in.
    :return: a list of :class:`Guidance`, shown in order.
    """


@hookspec(firstresult=True)
def sector_report_sections(  # type: ignore[empty-body]
    session: Any, tenant_id: int, start: datetime, end: datetime, timezone: str, now: datetime
) -> list[ReportSection]:
    """Add the sector's own sections to a report (e.g. a regulator's statistics).

    Optional (default: none). Called each time a report of a tenant of this sector is
    built: by the reporting job for the current and the just-finished periods, and by
    ``flask portal report build``. The sections are stored with the report, shown on its
    page and written to its exports. Compute them with set-based SQL (GROUP BY), never
    ticket by ticket; :mod:`portal.reports.sql` has the building blocks (the tickets of
    the period, counts by a column, sector fields read from ``Ticket.fields`` on both
    databases, on-time rates).

    :param session: the database session, bound to the tenant; read only.
    :param tenant_id: the tenant whose report it is; filter every query by it.
    :param start: the period's first instant (aware UTC, a local midnight).
    :param end: the instant after the period's last one (aware UTC), so a ticket of the
        period has ``start <= created_at < end``.
    :param timezone: the tenant's time zone name, for anything counted in local days.
    :param now: the time of the build (aware UTC): milestones due after it are pending.
    :return: a list of :class:`ReportSection`, shown in order.
    """


@hookspec(firstresult=True)
def sector_jobs() -> list[SectorJob]:  # type: ignore[empty-body]
    """List the sector's own periodic jobs (e.g. sampling closed tickets for review).

    Optional (default: none). Called once when a scheduler process starts. Each job
    runs like the core's: once per slot however many schedulers fire it, recorded in
    the job runs, and its body gets the ids of the sector's active tenants. Write the
    body as set-based SQL that is safe to run twice (a rerun must find its work done).

    :return: a list of :class:`SectorJob`.
    """
