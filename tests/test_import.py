"""``flask portal import``: tickets from another system, in bulk, exactly as intake
would have opened them one by one; a bad file imports nothing."""

import csv
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.importing import ImportRefused, import_tickets, read_file
from portal.models import Customer, Event, Milestone, Ticket, TicketCounter, utcnow
from portal.plugins import sectors
from portal.tenancy import ALL_TENANTS, tenant_scope
from portal.workflow.intake import TicketIn, open_ticket
from tests.conftest import make_tenant

NOW = utcnow().replace(microsecond=0)
LATER = (NOW + timedelta(days=1)).isoformat()


def body(**changes):
    ticket = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "噪音扰民",
        "category": "service",
        "customer": {"name": "王芳", "phone": "13800000001"},
        "fields": {},
    }
    ticket.update(changes)
    return ticket


def inputs():
    """Each tier and unit of the sample sector, an invalid ticket, repeats of one
    customer that reach the major tier, and a link to an earlier ticket."""
    same = {"name": "Repeat", "phone": "13900000009"}
    return [
        body(fields={"amount": 6000}),
        body(fields={"company_fault": True}, customer={"name": "Li", "phone": "13800000002"}),
        body(requested_due_at=LATER, customer={"email": "a@example.com"}),
        body(customer={"anonymous": True}, channel="web"),
        body(kind="consultation", customer={}, description="问一下"),
        body(customer=same),
        body(customer=same),
        body(customer=same, occurred_at=(NOW - timedelta(days=3)).isoformat()),
        body(customer=same, category=None),
        body(related_ticket="SEED-PLACEHOLDER"),
    ]


def write_ndjson(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def write_csv(path, rows):
    columns = ["kind", "channel", "subject", "description", "category", "occurred_at"]
    columns += ["requested_due_at", "related_ticket"]
    columns += [f"customer.{k}" for k in ("name", "phone", "email", "anonymous")]
    columns += ["fields.amount", "fields.company_fault"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            flat = {**row, **{f"customer.{k}": v for k, v in row["customer"].items()}}
            flat |= {f"fields.{k}": json.dumps(v) for k, v in row["fields"].items()}
            writer.writerow(["" if flat.get(c) is None else flat[c] for c in columns])
    return path


def seeded(slug):
    """A tenant with one earlier complaint of the repeat customer and a ticket to link."""
    tenant = make_tenant(slug)
    with tenant_scope(db.session, tenant.id):
        earlier = open_ticket(
            db.session,
            sectors(),
            tenant,
            TicketIn.model_validate(body(customer={"name": "Repeat", "phone": "13900000009"})),
            now=NOW - timedelta(days=2),
        )
        db.session.commit()
    return tenant, earlier.number


def with_related(rows, number):
    return [r | {"related_ticket": number} if r.get("related_ticket") else r for r in rows]


def shape(tenant):
    """What intake decided for each of the tenant's tickets, in order, without ids."""
    with tenant_scope(db.session, tenant.id):
        tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
        return [
            {
                "number": t.number,
                "kind": t.kind,
                "status": t.status,
                "validity": t.validity,
                "validity_reasons": t.validity_reasons,
                "tier": t.tier,
                "channel_level": t.channel_level,
                "score": t.score,
                "reasons": t.classification_reasons,
                "customer": (t.customer.phone, t.customer.anonymous) if t.customer else None,
                "same_customer_as_first_repeat": t.customer_id,
                "related": t.related_ticket_id is not None,
                "next_due_at": t.next_due_at,
                "policy_version_id": t.policy_version_id is not None,
                "milestones": [
                    (m.name, m.started_at, m.due_at, m.provisional, m.rule) for m in t.milestones
                ],
                "events": [(e.type, e.at, e.public, e.data) for e in t.events],
            }
            for t in tickets
        ]


def normalised(rows, prefix):
    """Shapes of two tenants compare equal once numbers and customer ids are relative."""
    ids = {}
    for row in rows:
        row["number"] = row["number"].removeprefix(prefix)
        for _, _, _, data in row["events"]:
            if data.get("related_ticket"):
                data["related_ticket"] = data["related_ticket"].removeprefix(prefix)
        key = row["same_customer_as_first_repeat"]
        row["same_customer_as_first_repeat"] = ids.setdefault(key, len(ids))
    return rows


def test_import_matches_open_ticket_one_by_one(app, tmp_path):
    imported, number_a = seeded("bulk")
    one_by_one, number_b = seeded("single")
    done = import_tickets(
        db.session,
        sectors(),
        imported,
        read_file(write_ndjson(tmp_path / "t.ndjson", with_related(inputs(), number_a))),
        now=NOW,
    )
    db.session.commit()
    with tenant_scope(db.session, one_by_one.id):
        for row in with_related(inputs(), number_b):
            open_ticket(db.session, sectors(), one_by_one, TicketIn.model_validate(row), now=NOW)
        db.session.commit()

    assert done.count == 10
    got, want = shape(imported), shape(one_by_one)
    assert normalised(got, "BULK") == normalised(want, "SINGLE")
    tiers = [row["tier"] for row in got[1:]]
    assert tiers[:3] == ["major", "important", "minor"]
    assert got[4]["validity"] == "invalid"
    assert tiers[7] == "major", "the third repeat within 30 days is major, as in intake"
    assert got[-1]["related"]
    assert (done.first_number, done.last_number) == (
        "BULK" + got[1]["number"],
        "BULK" + got[-1]["number"],
    )


def test_csv_gives_the_same_tickets_as_ndjson(app, tmp_path):
    from_json, number_a = seeded("fromjson")
    from_csv, number_b = seeded("fromcsv")
    rows_a, rows_b = with_related(inputs(), number_a), with_related(inputs(), number_b)
    for tenant, source in (
        (from_json, write_ndjson(tmp_path / "a.ndjson", rows_a)),
        (from_csv, write_csv(tmp_path / "b.csv", rows_b)),
    ):
        import_tickets(db.session, sectors(), tenant, read_file(source), now=NOW)
        db.session.commit()
    assert normalised(shape(from_csv), "FROMCS") == normalised(shape(from_json), "FROMJS")


def counts():
    with tenant_scope(db.session, ALL_TENANTS):
        return [
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Ticket, Customer, Milestone, Event, TicketCounter)
        ] + [db.session.scalar(select(func.sum(TicketCounter.value)))]


def portal(app, *args):
    return app.test_cli_runner().invoke(args=["portal", *args])


def test_the_command_imports_a_file_and_numbers_it(app, tmp_path):
    make_tenant("cli")
    result = portal(
        app, "import", "--tenant", "cli", str(write_ndjson(tmp_path / "t.jsonl", inputs()[:3]))
    )
    assert result.exit_code == 0, result.output
    month = NOW.strftime("%Y%m")
    assert "imported 3 tickets into cli" in result.output
    with tenant_scope(db.session, ALL_TENANTS):
        numbers = db.session.scalars(select(Ticket.number).order_by(Ticket.id)).all()
    assert len(numbers) == 3 and numbers[0].endswith("000001") and numbers[2].endswith("000003")
    assert all(month[:4] in n for n in numbers)


def test_a_bad_file_imports_nothing_and_names_each_bad_row(app, tmp_path):
    tenant, _ = seeded("strict")
    before = counts()
    path = tmp_path / "bad.ndjson"
    lines = [
        json.dumps(body()),
        json.dumps(body(kind="praise")),
        "{not json",
        json.dumps(body(related_ticket="NOPE-202601-000001")),
        json.dumps(body(fields={"amount": -5}, channel="fax")),
        "",
        json.dumps(body(occurred_at=(NOW + timedelta(days=3)).isoformat())),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = portal(app, "import", "--tenant", "strict", str(path))
    assert result.exit_code != 0
    reported = result.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in reported[:-1]] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
        "line 7",
    ]
    assert "channel" in reported[3] and "fields.amount" in reported[3]
    assert reported[-1] == "Error: 5 bad rows; nothing was imported"
    assert counts() == before
    with pytest.raises(ImportRefused):
        import_tickets(db.session, sectors(), tenant, read_file(path), now=NOW)
    db.session.rollback()
    assert counts() == before


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--tenant", "nobody"], "no tenant 'nobody'"),
        (["--tenant", "known", "--", "tickets.xml"], "unknown file type"),
        (["--tenant", "known", "--", "missing.csv"], "missing.csv"),
    ],
)
def test_the_command_refuses_in_one_line(app, tmp_path, args, reason):
    make_tenant("known")
    if "--" not in args:
        args = [*args, str(write_ndjson(tmp_path / "t.ndjson", inputs()[:1]))]
    else:
        args = [
            a if a == "--" or a.startswith("-") or a == "known" else str(tmp_path / a) for a in args
        ]
    result = portal(app, "import", *args)
    assert result.exit_code != 0
    assert reason in result.stderr
    assert result.stderr.strip().count("\n") <= 1, result.stderr
    assert counts()[0] == 0
