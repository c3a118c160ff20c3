"""The policy pages: versions, the editor, the diff, simulation, activation, rollback.

Every save makes a new draft version; nothing a tenant's tickets use changes until an
admin activates a version, and open tickets move to it only by the explicit "apply"
step after its simulation.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.admin.base import AdminForm, AdminPage
from portal.admin.policy_editor import (
    PolicyForm,
    apply_op,
    attach_problems,
    document_from,
    form_data,
)
from portal.extensions import db
from portal.models import AuditEntry, PolicyVersion, User, utcnow
from portal.plugins import sectors
from portal.policy.diff import diff
from portal.policy.document import PolicyInvalid
from portal.policy.engine import build_policy
from portal.policy.simulation import apply_policy, simulate
from portal.policy.versions import activate, rollback, save_version, version_by_number

#: Recently closed tickets are simulated too, to show what the draft would have done.
SIMULATION_DAYS = 30


class PolicyView(AdminPage):
    def _version(self, number: int) -> PolicyVersion:
        version = version_by_number(db.session, g.tenant, number)
        if version is None:
            abort(404)
        return version

    def _active_number(self) -> int | None:
        active = db.session.get(PolicyVersion, g.tenant.active_policy_version_id)
        return active.number if active else None

    @expose("/")
    def index(self) -> Any:
        rows = db.session.execute(
            select(PolicyVersion, User.display_name)
            .outerjoin(User, User.id == PolicyVersion.author_id)
            .order_by(PolicyVersion.number.desc())
        ).all()
        return self.render(
            "admin/tousu/policy_versions.html",
            rows=rows,
            active=self._active_number(),
            form=AdminForm(),
        )

    @expose("/edit/", methods=("GET", "POST"))
    def edit(self) -> Any:
        base = self._version(request.args.get("from", self._active_number() or 0, type=int))
        chain = [c["key"] for c in base.document.get("escalation_chain", [])]
        if request.method == "POST":
            form = PolicyForm(request.form)
            op = request.form.get("op", "")
            if op and op != "save":
                data = form.data
                if not apply_op(data, op):
                    flash(_("That row is no longer there; the editor was reloaded."), "warning")
                form = PolicyForm(formdata=None, data=data)
                return self._editor(form, base, chain, [])
            _choices(form, chain)
            if form.validate():
                try:
                    document = document_from(base.document, form.data)
                    version = save_version(
                        db.session,
                        g.tenant,
                        document,
                        registry=sectors(),
                        comment=form.comment.data or "",
                        author=current_user,
                    )
                except PolicyInvalid as exc:
                    db.session.rollback()
                    attach_problems(form, exc.problems)
                    return self._editor(form, base, chain, exc.problems)
                db.session.commit()
                flash(_("Saved as draft version %(number)d.", number=version.number))
                return redirect(url_for(".review", number=version.number))
            return self._editor(form, base, chain, [])
        return self._editor(
            PolicyForm(formdata=None, data=form_data(base.document)), base, chain, []
        )

    def _editor(
        self, form: PolicyForm, base: PolicyVersion, chain: list[str], problems: Any
    ) -> Any:
        _choices(form, chain)
        return self.render(
            "admin/tousu/policy_edit.html",
            form=form,
            base=base,
            problems=problems,
            has_scoring=bool(base.document.get("scoring")),
            any_errors=bool(problems) or bool(form.errors),
        )

    @expose("/diff/")
    def compare(self) -> Any:
        a = self._version(request.args.get("a", 0, type=int))
        b = self._version(request.args.get("b", 0, type=int))
        return self.render(
            "admin/tousu/policy_diff.html", a=a, b=b, changes=diff(a.document, b.document)
        )

    @expose("/<int:number>/")
    def review(self, number: int) -> Any:
        """A version's diff against the active one and its simulation on open tickets."""
        version = self._version(number)
        active = self._version(self._active_number() or 0)
        policy = build_policy(sectors(), g.tenant.sector, version.document)
        result = simulate(
            db.session, sectors(), g.tenant, policy, now=utcnow(), days=SIMULATION_DAYS
        )
        db.session.rollback()  # simulation reads only; nothing may linger in the session
        return self.render(
            "admin/tousu/policy_review.html",
            version=version,
            active=active,
            changes=diff(active.document, version.document),
            simulation=result,
            days=SIMULATION_DAYS,
            now=utcnow(),
            form=AdminForm(),
        )

    @expose("/<int:number>/activate/", methods=("POST",))
    def activate_view(self, number: int) -> Any:
        version = self._version(number)
        activate(db.session, g.tenant, version, current_user)
        if request.form.get("apply") == "yes":
            self._apply(version)
        db.session.commit()
        flash(_("Version %(number)d is active; new tickets use it.", number=number))
        return redirect(url_for(".index"))

    @expose("/<int:number>/apply/", methods=("POST",))
    def apply_view(self, number: int) -> Any:
        version = self._version(number)
        if version.id != g.tenant.active_policy_version_id:
            flash(_("Only the active version can be applied to open tickets."), "error")
            return redirect(url_for(".review", number=number))
        self._apply(version)
        db.session.commit()
        return redirect(url_for(".index"))

    def _apply(self, version: PolicyVersion) -> None:
        result = apply_policy(
            db.session, sectors(), g.tenant, version, now=utcnow(), actor_id=current_user.id
        )
        db.session.add(
            AuditEntry(
                tenant_id=g.tenant.id,
                actor_id=current_user.id,
                action="apply",
                object_type="policy_version",
                object_id=str(version.number),
                after={"examined": result.examined, "changed": [c.number for c in result.changes]},
            )
        )
        flash(
            _(
                "%(changed)d of %(examined)d open tickets moved to version %(number)d.",
                changed=len(result.changes),
                examined=result.examined,
                number=version.number,
            )
        )

    @expose("/<int:number>/rollback/", methods=("POST",))
    def rollback_view(self, number: int) -> Any:
        version = rollback(
            db.session, g.tenant, self._version(number), registry=sectors(), author=current_user
        )
        db.session.commit()
        flash(
            _(
                "Version %(new)d, equal to version %(old)d, is active.",
                new=version.number,
                old=number,
            )
        )
        return redirect(url_for(".index"))


def _choices(form: PolicyForm, chain: list[str]) -> None:
    for tier in form.tiers:
        tier.form.escalation_target.choices = [("", "—"), *[(k, k) for k in chain]]
