"""Read-only records: the audit log and the scheduler's job runs.

Both tables hold platform-wide rows too (``tenant_id`` NULL), so they sit outside the
automatic tenant scope; these views filter them explicitly. Nobody edits or deletes
them here, platform admins included.
"""

from __future__ import annotations

import json
from typing import Any

from flask import flash, g, redirect, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from portal.admin.base import RoleGate, SafeExport
from portal.extensions import db
from portal.jobs.ledger import run_once
from portal.jobs.review import review
from portal.models import Role, utcnow


def _json(value: Any) -> Markup:
    if value is None:
        return Markup("")
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return Markup("<pre class='mb-0 small'>") + escape(text) + Markup("</pre>")


class RecordView(SafeExport, RoleGate, ModelView):
    can_create = can_edit = can_delete = False
    can_view_details = True
    page_size = 50

    def __init__(self, model: type, name: str, endpoint: str, **kw: Any) -> None:
        super().__init__(model, db, name=name, endpoint=endpoint, **kw)

    def _own(self, query: Any) -> Any:
        if g.tenant is None:  # the platform admin
            return query
        return query.filter(self.model.tenant_id == g.tenant.id)

    def get_query(self) -> Any:
        return self._own(super().get_query())

    def get_count_query(self) -> Any:
        return self._own(super().get_count_query())

    def get_one(self, id: Any) -> Any:
        if not str(id).isdigit():
            return None
        return self.get_query().filter(self.model.id == int(id)).one_or_none()


class AuditView(RecordView):
    roles = (Role.PLATFORM_ADMIN, Role.TENANT_ADMIN, Role.AUDITOR)
    column_list = ("at", "actor", "action", "object_type", "object_id", "before", "after")
    column_default_sort = ("at", True)
    column_filters = ("action", "object_type")
    column_labels = {
        "at": _l("When"),
        "actor": _l("Who"),
        "action": _l("Action"),
        "object_type": _l("What"),
        "object_id": _l("Id"),
        "before": _l("Before"),
        "after": _l("After"),
    }
    column_formatters = {
        "actor": lambda v, c, m, n: m.actor.display_name if m.actor else _("platform"),
        "before": lambda v, c, m, n: _json(m.before),
        "after": lambda v, c, m, n: _json(m.after),
    }
    can_export = True
    export_types = ["csv"]
    column_export_list = ("at", "actor_id", "action", "object_type", "object_id", "before", "after")
    column_formatters_export = {
        "before": lambda v, c, m, n: json.dumps(m.before, ensure_ascii=False),
        "after": lambda v, c, m, n: json.dumps(m.after, ensure_ascii=False),
    }


class JobRunView(RecordView):
    roles = (Role.PLATFORM_ADMIN, Role.TENANT_ADMIN)
    list_template = "admin/tousu/job_runs.html"
    column_list = ("job", "slot", "started_at", "finished_at", "counts", "error")
    column_default_sort = ("started_at", True)
    column_filters = ("job",)
    column_labels = {
        "job": _l("Job"),
        "slot": _l("Slot"),
        "started_at": _l("Started"),
        "finished_at": _l("Duration"),
        "counts": _l("Counts"),
        "error": _l("Error"),
    }
    column_formatters = {
        "finished_at": lambda v, c, m, n: (
            f"{(m.finished_at - m.started_at).total_seconds():.2f} s"
            if m.finished_at
            else _("running")
        ),
        "counts": lambda v, c, m, n: _json(m.counts),
        "error": lambda v, c, m, n: _json(m.error) if m.error else "",
    }

    @expose("/run-review/", methods=("POST",))
    def run_review(self) -> Any:
        if g.tenant is None:
            flash(_("The review runs per tenant here; the scheduler runs it for all."), "error")
            return redirect(url_for(".index_view"))
        interval = 60  # at most one manual run per tenant per minute
        run = run_once(db.session, "review", interval, review, utcnow(), tenant_id=g.tenant.id)
        if run is None:
            flash(_("A review of this tenant ran less than a minute ago."), "warning")
        elif run.error:
            flash(_("The review failed; the error is in the list."), "error")
        else:
            flash(_("Review done: %(counts)s", counts=json.dumps(run.counts)))
        return redirect(url_for(".index_view"))
