"""Notifications: queued in the transaction of the change, delivered once by the job."""

from __future__ import annotations

import email
import email.policy
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from portal.extensions import db
from portal.jobs.review import review
from portal.models import Department, Milestone, OutboxMessage, Tenant, Ticket, User
from portal.models.outbox import OutboxStatus
from portal.notifications.deliver import Retry, deliver, deliver_due
from portal.notifications.recipients import Notice
from portal.notifications.render import LANGUAGES
from portal.plugins import sectors
from portal.policy.versions import activate, active_version, save_version
from portal.tenancy import ALL_TENANTS, set_scope, tenant_scope
from portal.workflow.intake import TicketIn, open_ticket
from portal.workflow.perform import perform
from tests.conftest import make_tenant, make_user

T0 = datetime(2026, 9, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CUSTOMER_EMAIL = "li@example.net"


@pytest.fixture
def mailbox(app: Flask, tmp_path: Path) -> Path:
    """The file backend's folder; never the real instance folder."""
    folder = tmp_path / "outbox"
    app.config["OUTBOX_DIR"] = str(folder)
    return folder


@pytest.fixture
def tenant(app: Flask, mailbox: Path) -> Tenant:
    tenant = make_tenant("estate", name="安居物业")
    set_scope(db.session, tenant.id)
    return tenant


@pytest.fixture
def agent(tenant: Tenant) -> User:
    return make_user(tenant, "agent")


def staff(tenant: Tenant, role: str, email: str, **columns: Any) -> User:
    user = make_user(tenant, role, email)
    for name, value in columns.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def new_ticket(tenant: Tenant, email: str | None = CUSTOMER_EMAIL, **fields: Any) -> Ticket:
    body = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "电梯故障",
        "description": "电梯停在两层之间。",
        "customer": {"name": "李先生", "phone": "13700000000", "email": email},
        "fields": fields,
    }
    ticket = open_ticket(db.session, sectors(), tenant, TicketIn.model_validate(body), now=T0)
    db.session.commit()
    return ticket


def act(tenant: Tenant, ticket: Ticket, name: str, actor: User, at: datetime = T0, **payload: Any):
    event = perform(db.session, sectors(), tenant, ticket, name, actor, payload, now=at)
    db.session.commit()
    return event


def outbox(kind: Notice | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def review_at(now: datetime) -> dict[str, int]:
    with tenant_scope(db.session, ALL_TENANTS):
        counts = review(db.session, now)
        db.session.commit()
    return counts


def deliver_at(now: datetime) -> dict[str, int]:
    with tenant_scope(db.session, ALL_TENANTS):
        return deliver(db.session, now)


def read_mails(folder: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


# --- what is queued, when, for whom -----------------------------------------------------


def test_assigning_queues_one_message_to_the_assignee_in_their_language(tenant, agent, mailbox):
    english = staff(tenant, "agent", "wang@estate.example.com", locale="en")
    chinese = staff(tenant, "agent", "zhao@estate.example.com")  # no locale: the tenant's
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "assign", agent, assignee_id=english.id)
    act(tenant, ticket, "assign", agent, assignee_id=chinese.id)

    rows = outbox(Notice.ASSIGN)
    assert [(r.recipient, r.user_id, r.locale) for r in rows] == [
        (english.email, english.id, "en"),
        (chinese.email, chinese.id, "zh_Hans_CN"),
    ]
    assert all(r.status == "queued" and r.attempts == 0 for r in rows)

    assert deliver_at(T0 + timedelta(minutes=1)) == {"messages_sent": 2}
    to_english, to_chinese = read_mails(mailbox)
    assert to_english["To"] == english.email
    assert to_english["Subject"] == f"[安居物业] Ticket {ticket.number} is assigned to you"
    assert "电梯故障" in text_of(to_english)
    assert to_chinese["Subject"] == f"【安居物业】工单 {ticket.number} 已分派给您"


def test_nobody_is_told_of_their_own_assignment(tenant, agent):
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "assign", agent, assignee_id=agent.id)
    assert outbox() == []


def test_a_reply_goes_to_the_customer_with_the_reply_and_nothing_internal(tenant, agent, mailbox):
    ticket = new_ticket(tenant, amount=8000)  # major
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "note", agent, text="客户情绪激动，内部备注")
    act(tenant, ticket, "reply", agent, message="维修人员今天下午到场 <b>谢谢</b>")

    (row,) = outbox()
    assert (row.kind, row.recipient, row.user_id, row.locale) == (
        "reply",
        CUSTOMER_EMAIL,
        None,
        "zh_Hans_CN",
    )
    deliver_at(T0)
    (mail,) = read_mails(mailbox)
    text = text_of(mail)
    assert mail["To"] == CUSTOMER_EMAIL
    assert "维修人员今天下午到场 <b>谢谢</b>" in text and ticket.number in text
    html_part = mail.get_body(("html",))
    assert html_part is not None
    html = html_part.get_content()
    assert "&lt;b&gt;谢谢&lt;/b&gt;" in html
    for internal in ("内部备注", "8000", "major", "重大", agent.email, agent.display_name):
        assert internal not in text and internal not in html


def test_a_customer_without_an_email_address_is_not_written_to(tenant, agent):
    ticket = new_ticket(tenant, email=None)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "reply", agent, message="已处理")
    assert outbox() == []


def test_an_escalation_goes_to_the_tenants_active_supervisors(app, tenant, agent):
    first = staff(tenant, "supervisor", "boss1@estate.example.com")
    second = staff(tenant, "supervisor", "boss2@estate.example.com", locale="en")
    staff(tenant, "supervisor", "gone@estate.example.com", active=False)
    other = make_tenant("elsewhere")
    with tenant_scope(db.session, other.id):
        make_user(other, "supervisor")
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "escalate", agent, reason="客户要求见主管")

    rows = outbox()
    assert {(r.kind, r.recipient, r.locale) for r in rows} == {
        ("escalate", first.email, "zh_Hans_CN"),
        ("escalate", second.email, "en"),
    }


def test_an_action_rolled_back_queues_nothing(tenant, agent):
    assignee = staff(tenant, "agent", "wang@estate.example.com")
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    payload = {"assignee_id": assignee.id}
    perform(db.session, sectors(), tenant, ticket, "assign", agent, payload, now=T0)
    db.session.rollback()
    assert outbox() == []


# --- at risk and breached ---------------------------------------------------------------


def _resolve(ticket: Ticket) -> Milestone:
    return next(m for m in ticket.milestones if m.name == "resolve")


def test_a_breach_run_twice_queues_once(tenant, agent):
    assignee = staff(tenant, "agent", "wang@estate.example.com")
    ticket = new_ticket(tenant)  # minor: resolve in 2 days
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "assign", agent, assignee_id=assignee.id)
    late = _resolve(ticket).due_at + timedelta(minutes=1)

    first = review_at(late)
    assert first["milestones_breached"] == 1 and first["notices_queued"] == 1
    assert review_at(late)["notices_queued"] == 0  # the same slot again
    assert review_at(late + timedelta(minutes=1))["notices_queued"] == 0

    (row,) = outbox(Notice.BREACH)
    assert (row.recipient, row.milestone, row.milestone_id) == (
        assignee.email,
        "resolve",
        _resolve(ticket).id,
    )
    assert row.due_at == _resolve(ticket).due_at and row.next_attempt_at == late


def test_an_unassigned_breach_goes_to_the_departments_supervisors(tenant, agent):
    desk = Department(code="desk", name="客服部")
    repairs = Department(code="repairs", name="维修部")
    db.session.add_all([desk, repairs])
    db.session.commit()
    desk_boss = staff(tenant, "supervisor", "desk@estate.example.com", department_id=desk.id)
    repairs_boss = staff(
        tenant, "supervisor", "repairs@estate.example.com", department_id=repairs.id
    )
    in_repairs = new_ticket(tenant)
    act(tenant, in_repairs, "accept", agent)
    act(tenant, in_repairs, "assign", agent, department_id=repairs.id)
    nowhere = new_ticket(tenant)  # no department: every supervisor

    review_at(_resolve(in_repairs).due_at + timedelta(minutes=1))
    by_ticket = {(r.ticket_id, r.recipient) for r in outbox(Notice.BREACH)}
    assert by_ticket == {
        (in_repairs.id, repairs_boss.email),
        (nowhere.id, repairs_boss.email),
        (nowhere.id, desk_boss.email),
    }


def test_at_risk_warnings_follow_the_policys_share(tenant, agent, mailbox):
    document = dict(active_version(db.session, tenant).document, warn_at_share=0.5)
    version = save_version(db.session, tenant, document, registry=sectors(), comment="早提醒")
    activate(db.session, tenant, version)
    db.session.commit()
    assignee = staff(tenant, "agent", "wang@estate.example.com", locale="en")
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "assign", agent, assignee_id=assignee.id)
    resolve = _resolve(ticket)
    half = resolve.started_at + (resolve.due_at - resolve.started_at) / 2

    assert review_at(half - timedelta(minutes=1))["milestones_at_risk"] == 0
    assert review_at(half + timedelta(minutes=1))["milestones_at_risk"] == 1
    assert review_at(half + timedelta(minutes=2))["milestones_at_risk"] == 0
    (row,) = outbox(Notice.AT_RISK)
    assert row.recipient == assignee.email
    db.session.refresh(resolve)
    assert resolve.warned_at == half + timedelta(minutes=1) and resolve.breached_at is None

    deliver_at(half + timedelta(minutes=1))
    (mail,) = [m for m in read_mails(mailbox) if "near" in m["Subject"]]
    assert mail["To"] == assignee.email and "resolve" in mail["Subject"]


def test_the_default_share_is_four_fifths(tenant, agent):
    ticket = new_ticket(tenant)
    resolve = _resolve(ticket)
    at = resolve.started_at + (resolve.due_at - resolve.started_at) * 0.8
    assert review_at(at - timedelta(minutes=1))["milestones_at_risk"] == 0
    assert review_at(at + timedelta(minutes=1))["milestones_at_risk"] == 1


# --- delivery ---------------------------------------------------------------------------


def test_file_delivery_writes_one_file_per_message_marks_them_sent_and_sends_once(
    tenant, agent, mailbox
):
    assignee = staff(tenant, "agent", "wang@estate.example.com")
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "assign", agent, assignee_id=assignee.id)
    act(tenant, ticket, "reply", agent, message="已安排维修")
    sent_at = T0 + timedelta(minutes=5)

    assert deliver_at(sent_at) == {"messages_sent": 2}
    assert deliver_at(sent_at + timedelta(minutes=1)) == {}
    assert sorted(m["To"] for m in read_mails(mailbox)) == sorted([assignee.email, CUSTOMER_EMAIL])
    assert len(list(mailbox.iterdir())) == 2
    db.session.expire_all()
    assert [(r.status, r.attempts, r.sent_at) for r in outbox()] == [("sent", 1, sent_at)] * 2


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough of an SMTP server to accept messages."""

    def handle(self) -> None:
        self.wfile.write(b"220 test\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                lines = iter(self.rfile.readline, b".\r\n")
                self.server.received.append(b"".join(lines))  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_failed_delivery_is_retried_later_and_then_sent(app, tenant, agent, smtp_server):
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port())
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "reply", agent, message="已安排维修")
    now = T0 + timedelta(minutes=1)

    assert deliver_at(now) == {"messages_queued": 1}
    db.session.expire_all()
    (row,) = outbox()
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.next_attempt_at == now + timedelta(minutes=1)
    assert "Connection refused" in str(row.last_error)

    assert deliver_at(now + timedelta(seconds=30)) == {}  # not due yet: nothing tried
    app.config["SMTP_PORT"] = smtp_server.server_address[1]
    assert deliver_at(now + timedelta(minutes=1)) == {"messages_sent": 1}
    db.session.expire_all()
    assert (row.status, row.attempts) == ("sent", 2)
    (raw,) = smtp_server.received
    assert f"To: {CUSTOMER_EMAIL}".encode() in raw


def test_a_message_that_keeps_failing_is_kept_as_failed(app, tenant, agent):
    app.config.update(
        MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port(), OUTBOX_MAX_ATTEMPTS=3
    )
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "reply", agent, message="已安排维修")
    outcomes = [deliver_at(T0 + timedelta(hours=hour)) for hour in range(1, 5)]
    assert outcomes == [{"messages_queued": 1}, {"messages_queued": 1}, {"messages_failed": 1}, {}]
    db.session.expire_all()
    (row,) = outbox()
    assert (row.status, row.attempts, row.sent_at) == ("failed", 3, None)
    assert row.last_error


def test_a_broken_message_does_not_hold_up_the_others(tenant, agent, mailbox):
    assignee = staff(tenant, "agent", "wang@estate.example.com")
    ticket = new_ticket(tenant)
    act(tenant, ticket, "accept", agent)
    act(tenant, ticket, "assign", agent, assignee_id=assignee.id)
    act(tenant, ticket, "reply", agent, message="已安排维修")
    broken = outbox(Notice.ASSIGN)[0]
    broken.kind = "no_such_template"
    db.session.commit()
    assert deliver_at(T0) == {"messages_queued": 1, "messages_sent": 1}
    db.session.refresh(broken)
    assert "TemplateNotFound" in str(broken.last_error)


def test_backoff_doubles_up_to_its_ceiling():
    retry = Retry(attempts=8, first=timedelta(minutes=1), longest=timedelta(minutes=10))
    delays = [retry.delay(n) for n in range(1, 7)]
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 10, 10)]


def test_every_notice_has_a_text_template_in_both_languages(app):
    for language in LANGUAGES:
        for kind in Notice:
            assert app.jinja_env.get_template(f"notifications/{language}/{kind}.txt")


class _Recording:
    """A slow backend that notes who sent what, to make two deliveries overlap."""

    def __init__(self, sent: list[tuple[str, str]], lock: threading.Lock) -> None:
        self.sent, self.lock = sent, lock

    def send(self, mail: EmailMessage) -> None:
        time.sleep(0.01)
        with self.lock:
            self.sent.append((threading.current_thread().name, str(mail["Message-ID"])))


def test_two_concurrent_deliveries_send_each_message_once(app, tenant):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer; the race needs PostgreSQL")
    ticket = new_ticket(tenant)
    db.session.add_all(
        OutboxMessage(
            kind=Notice.ASSIGN,
            ticket_id=ticket.id,
            occurred_at=T0,
            recipient=f"agent{i}@estate.example.com",
            locale="en",
            next_attempt_at=T0,
        )
        for i in range(40)
    )
    db.session.commit()
    sent: list[tuple[str, str]] = []
    lock, barrier = threading.Lock(), threading.Barrier(2)
    engine = create_engine(db.engine.url, poolclass=NullPool)

    def run() -> None:
        with app.app_context(), Session(engine) as session:
            set_scope(session, ALL_TENANTS)
            barrier.wait(timeout=30)
            deliver_due(
                session,
                T0,
                _Recording(sent, lock),
                sender="Tousu <noreply@example.com>",
                retry=Retry(3, timedelta(minutes=1), timedelta(hours=1)),
                limit=100,
            )

    threads = [threading.Thread(target=run, name=f"delivery-{n}") for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    engine.dispose()

    ids = [message_id for _, message_id in sent]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert {name for name, _ in sent} == {"delivery-0", "delivery-1"}  # they did overlap
    db.session.expire_all()
    assert {r.status for r in outbox()} == {OutboxStatus.SENT}
