"""The route table: every operation of the JSON API, and nothing that is not here.

Registering the URL rules, validating requests and writing the OpenAPI document all
read this table, so what the document says is what the code does.
"""

from __future__ import annotations

from functools import partial

from portal.api import actions, reports, tickets
from portal.api.blueprint import bp
from portal.api.routing import Route, register
from portal.api.schemas import (
    ACTION_BODIES,
    ActionHeaders,
    CreateHeaders,
    ReportOut,
    ReportQuery,
    TicketCreate,
    TicketDetail,
    TicketOut,
    TicketPage,
    TicketQuery,
)
from portal.workflow.actions import ACTIONS, Action

ETAG = {"ETag": "The ticket's version, quoted; send it back as If-Match to act safely."}


def _action_route(action: Action) -> Route:
    sources = ", ".join(sorted(action.sources))
    roles = ", ".join(sorted(action.roles))
    target = f" It moves the ticket to `{action.target}`." if action.target else ""
    return Route(
        name=f"act_{action.name}",
        method="POST",
        path=f"/tickets/{{number}}/actions/{action.name}",
        handler=partial(actions.act, action=action.name),
        summary=action.label,
        description=(
            f"Possible while the ticket is: {sources}.{target} Roles: {roles}. "
            "Another role answers 403; a wrong state or a sector rule answers 422 with "
            "the reason."
        ),
        tag="actions",
        body=ACTION_BODIES[action.name],
        headers=ActionHeaders,
        response=TicketDetail,
        errors=(403, 404, 409),
        response_headers=ETAG,
    )


ROUTES: list[Route] = [
    Route(
        name="create_ticket",
        method="POST",
        path="/tickets",
        handler=tickets.create_ticket,
        summary="Open a ticket",
        description=(
            "Classifies the ticket under the tenant's active policy and sets its deadlines. "
            "With Idempotency-Key, a retry answers with the first ticket (201, header "
            "Idempotent-Replayed: true); the same key with another body answers 409."
        ),
        body=TicketCreate,
        headers=CreateHeaders,
        response=TicketOut,
        status=201,
        errors=(409,),
        response_headers={
            **ETAG,
            "Location": "The ticket's URL.",
            "Idempotent-Replayed": "`true` when this answers a retry.",
        },
    ),
    Route(
        name="list_tickets",
        method="GET",
        path="/tickets",
        handler=tickets.list_tickets,
        summary="List tickets",
        description=(
            "Newest first. Follow `next` until it is null; tickets opened meanwhile do not "
            "shift the pages. For syncing, pass the time of your last sync as updated_since."
        ),
        query=TicketQuery,
        response=TicketPage,
    ),
    Route(
        name="get_ticket",
        method="GET",
        path="/tickets/{number}",
        handler=tickets.get_ticket,
        summary="Read a ticket with its timeline",
        response=TicketDetail,
        errors=(404,),
        response_headers=ETAG,
    ),
    *[_action_route(ACTIONS[name]) for name in ACTION_BODIES],
    Route(
        name="get_report",
        method="GET",
        path="/reports/{kind}",
        handler=reports.get_report,
        summary="Read a report's figures",
        description=(
            "Answers the figures the reporting job stored for the period (daily "
            "2026-11-23, weekly 2026-W47, monthly 2026-11, quarterly 2026-Q4, yearly "
            "2026). A period not built yet answers 404; a malformed one, 422."
        ),
        tag="reports",
        query=ReportQuery,
        response=ReportOut,
        errors=(404, 422),
    ),
]

register(bp, ROUTES)
