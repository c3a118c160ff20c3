"""Writing a queued message: its templates, in the recipient's language, as an email.

Templates live in ``portal/templates/notifications/<language>/<kind>.txt`` (required;
it sets ``subject``) and ``<kind>.html`` (optional, sent as the HTML alternative).
The language is the one stored on the row when it was queued: the staff user's own,
else the tenant's; customers always get the tenant's.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from jinja2 import TemplateNotFound

from portal.database import DbSession
from portal.models import OutboxMessage, PolicyVersion, Ticket
from portal.notifications.recipients import Notice
from portal.plugins import sectors
from portal.policy.document import Locale
from portal.policy.engine import policy_of

LANGUAGES: tuple[Locale, ...] = ("zh", "en")


def language(locale: str) -> Locale:
    """``zh_Hans_CN`` -> ``zh``; anything that is not Chinese is written in English."""
    return "zh" if locale.lower().startswith("zh") else "en"


def _labels(
    session: DbSession, ticket: Ticket, lang: Locale
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The names the ticket's own policy version gives its tiers, escalation levels and
    milestones, in ``lang`` (a key without a label shows as itself)."""
    version = session.get(PolicyVersion, ticket.policy_version_id)
    if version is None:
        return {}, {}, {}
    document = policy_of(sectors(), version).document
    return (
        {tier.key: tier.label.text(lang) for tier in document.tiers},
        {level.key: level.label.text(lang) for level in document.escalation_chain},
        {
            rule.name: rule.label.text(lang)
            for tier in document.tiers
            for rule in tier.milestones
            if rule.label is not None
        },
    )


def _context(session: DbSession, message: OutboxMessage, lang: Locale) -> dict[str, Any]:
    tenant, ticket = message.tenant, message.ticket
    zone = ZoneInfo(tenant.timezone)

    def local(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""

    common = {"tenant": tenant.name, "number": ticket.number, "zone": tenant.timezone}
    if message.kind == Notice.REPLY:
        # Goes outside the organisation: the public reply and nothing else of the case,
        # so no template can leak an internal field by mistake.
        assert message.event is not None
        return {**common, "reply": message.event.data.get("message", "")}
    tiers, levels, milestones = _labels(session, ticket, lang)
    details = message.event.data if message.event is not None else {}
    return {
        **common,
        "title": ticket.subject,
        "tier": tiers.get(ticket.tier or "", ticket.tier or ""),
        "milestone": milestones.get(message.milestone or "", message.milestone or ""),
        "due": local(message.due_at),
        "at": local(message.occurred_at),
        "level": levels.get(details.get("level", ""), details.get("level", "")),
        "details": details,
    }


def compose(session: DbSession, message: OutboxMessage, sender: str, now: datetime) -> EmailMessage:
    env = current_app.jinja_env
    lang = language(message.locale)
    folder = f"notifications/{lang}"
    context = _context(session, message, lang)
    text = env.get_template(f"{folder}/{message.kind}.txt").make_module(context)
    mail = EmailMessage()
    # A subject is one line whatever the ticket's subject holds (header injection).
    mail["Subject"] = " ".join(str(getattr(text, "subject", "")).split())
    mail["From"] = sender
    mail["To"] = message.recipient
    mail["Date"] = format_datetime(now)
    # Stable per row: if a crash makes the job send a row again, mail clients see the
    # same message, and the file backend rewrites the same file.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    mail["Message-ID"] = f"<tousu-outbox-{message.id}@{domain}>"
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    mail.set_content(str(text).strip() + "\n")
    try:
        html = env.get_template(f"{folder}/{message.kind}.html").render(context)
    except TemplateNotFound:
        return mail
    mail.add_alternative(html, subtype="html")
    return mail
