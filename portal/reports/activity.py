"""What happened on tickets during a period, read from their timelines: escalations,
reminders of repeat complaints, callback surveys and the customers' ratings.

These count events dated in the period, whenever their ticket came in: a callback in
October about a September complaint belongs to October's satisfaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select

from portal.database import DbSession
from portal.models import Event
from portal.reports.sql import count_by, ratio

ESCALATION = "escalate"  # the action; its event's data names the level
REMINDER = "reminder"  # a repeat complaint while the first was open (intake)
CALLBACK = "callback"  # the satisfaction call; data["survey"] as payloads.Callback
RATING = "rate"  # the customer's rating on the tracking page, 1-5


def _dated(tenant_id: int, start: datetime, end: datetime, kind: str) -> list[ColumnElement[bool]]:
    return [Event.tenant_id == tenant_id, Event.at >= start, Event.at < end, Event.type == kind]


def activity(session: DbSession, tenant_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    solved = Event.data[("survey", "solved")].as_boolean().is_(True)
    attitude = Event.data[("survey", "attitude")].as_string()
    score = Event.data[("survey", "score")].as_float()
    calls, solved_n, satisfied, neutral, unsatisfied, mean_score = session.execute(
        select(
            func.count(),
            func.count().filter(solved),
            func.count().filter(attitude == "satisfied"),
            func.count().filter(attitude == "neutral"),
            func.count().filter(attitude == "unsatisfied"),
            func.avg(score),
        ).where(*_dated(tenant_id, start, end, CALLBACK))
    ).one()
    ratings, mean_rating = session.execute(
        select(func.count(), func.avg(Event.data["score"].as_float())).where(
            *_dated(tenant_id, start, end, RATING)
        )
    ).one()
    escalations = count_by(
        session, Event.data["level"].as_string(), _dated(tenant_id, start, end, ESCALATION)
    )
    reminders = session.scalar(select(func.count()).where(*_dated(tenant_id, start, end, REMINDER)))
    return {
        "escalations": sum(escalations.values()),
        "escalations_by_level": escalations,
        "reminders": int(reminders or 0),
        "callbacks": {
            "count": int(calls),
            "solved": int(solved_n),
            "satisfied": int(satisfied),
            "neutral": int(neutral),
            "unsatisfied": int(unsatisfied),
            "satisfaction_rate": ratio(int(satisfied), int(calls)),
            "solved_rate": ratio(int(solved_n), int(calls)),
            "mean_score": round(float(mean_score), 2) if mean_score is not None else None,
        },
        "ratings": {
            "count": int(ratings),
            "mean_score": round(float(mean_rating), 2) if mean_rating is not None else None,
        },
    }
