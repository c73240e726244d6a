from __future__ import annotations

import json
from collections.abc import Callable

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from classifier import registry
from inquiries import api_tokens, model_registry, privacy, routing_table
from inquiries.admin import bp
from inquiries.admin.forms import RouteForm, ServiceForm, SubmitterForm, TokenForm
from inquiries.extensions import db
from inquiries.forms import choices, flash_form_errors
from inquiries.models import AdminEvent, ModelVersion, Objective, Service
from inquiries.staff.access import admin_required
from inquiries.triage.forms import DecisionForm


def _service_choices(services: list[Service]) -> list:
    language = str(get_locale())
    return choices([("", "–")] + [(s.key, s.name(language)) for s in services if s.active])


@bp.get("/routing")
@admin_required
def routing() -> str:
    objectives = db.session.scalars(select(Objective).order_by(Objective.code)).all()
    services = db.session.scalars(select(Service).order_by(Service.key)).all()
    service_choices = _service_choices(list(services))
    route_forms = {}
    for objective in objectives:
        form = RouteForm(
            prefix=f"objective-{objective.code}",
            service=objective.service_key or "",
            copy_when_secondary=objective.copy_when_secondary,
        )
        form.service.choices = service_choices
        route_forms[objective.code] = form
    service_forms = {
        service.key: ServiceForm(prefix=f"service-{service.key}", obj=service)
        for service in services
    }
    return render_template(
        "admin/routing.html",
        objectives=objectives,
        services=services,
        route_forms=route_forms,
        service_forms=service_forms,
        changes=routing_table.recent_changes(),
    )


def _save(change: Callable[[], bool], saved: str, anchor: str) -> Response:
    """Apply one change to the routing table and go back to its row; explain a refusal."""
    try:
        changed = change()
    except routing_table.RoutingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        if changed:
            flash(saved, "success")
    return redirect(url_for("admin.routing", _anchor=anchor), code=303)


@bp.post("/routing/objectives/<int:code>")
@admin_required
def route_objective(code: int) -> Response:
    form = RouteForm(prefix=f"objective-{code}")
    form.service.choices = _service_choices(list(db.session.scalars(select(Service))))
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("admin.routing", _anchor=f"objective-{code}"), code=303)
    return _save(
        lambda: routing_table.set_route(
            code, form.service.data or None, form.copy_when_secondary.data, current_user
        ),
        _("The routing of objective %(code)s is saved.", code=code),
        f"objective-{code}",
    )


@bp.post("/routing/services/<key>")
@admin_required
def update_service(key: str) -> Response:
    if db.session.get(Service, key) is None:
        abort(404)
    form = ServiceForm(prefix=f"service-{key}")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("admin.routing", _anchor=f"service-{key}"), code=303)
    return _save(
        lambda: routing_table.update_service(
            key,
            email=form.email.data,
            active=form.active.data,
            reminder_after_days=form.reminder_after_days.data,
            escalate_after_days=form.escalate_after_days.data,
            by=current_user,
        ),
        _("The service %(key)s is saved.", key=key),
        f"service-{key}",
    )


@bp.get("/models")
@admin_required
def models() -> str:
    model_registry.sync_live()
    versions = db.session.scalars(
        select(ModelVersion).order_by(ModelVersion.created_at.desc())
    ).all()
    return render_template("admin/models.html", versions=versions, form=DecisionForm())


@bp.post("/models/<version>/promote")
@admin_required
def promote_model(version: str) -> Response:
    """Make a version live: the decision the retraining leaves to an admin."""
    if not DecisionForm().validate_on_submit():
        abort(400)
    if db.session.get(ModelVersion, version) is None:
        abort(404)
    try:
        model_registry.promote(version, actor=current_user.actor)
    except (registry.NoModelError, registry.ModelIntegrityError) as error:
        current_app.logger.warning("promotion of %s refused: %s", version, error)
        flash(_("This version cannot be loaded, so it was not made live."), "error")
    else:
        db.session.add(
            AdminEvent(
                actor=current_user.actor, action="model_promoted", detail={"version": version}
            )
        )
        db.session.commit()
        flash(
            _(
                "Model %(version)s is live. Workers use it from their next inquiry.",
                version=version,
            ),
            "success",
        )
    return redirect(url_for("admin.models"), code=303)


@bp.route("/privacy", methods=["GET", "POST"])
@admin_required
def privacy_page() -> object:
    """A submitter's rights: download everything held about them, or erase it."""
    form = SubmitterForm()
    if form.validate_on_submit():
        email = form.email.data
        if request.form.get("do") == "erase":
            if not form.confirm.data:
                form.confirm.errors = [_("Tick the box to confirm the erasure.")]
            else:
                erased = privacy.erase_submitter(email, current_user)
                flash(
                    _("Erased: %(count)s inquiries.", count=len(erased))
                    + (" " + ", ".join(erased) if erased else ""),
                    "success",
                )
                return redirect(url_for("admin.privacy_page"), code=303)
        else:
            data = privacy.submitter_data(email, current_user)
            return Response(
                json.dumps(data, ensure_ascii=False, indent=2),
                mimetype="application/json",
                headers={
                    "Content-Disposition": 'attachment; filename="submitter-data.json"',
                    "Cache-Control": "no-store",
                },
            )
    status = 422 if form.errors else 200
    return render_template(
        "admin/privacy.html", form=form, months=current_app.config["RETENTION_MONTHS"]
    ), status


@bp.route("/tokens", methods=["GET", "POST"])
@admin_required
def tokens() -> object:
    """API tokens for integrations; a new token is shown on this answer only, never again."""
    form = TokenForm()
    made = None
    if form.validate_on_submit():
        row, token = api_tokens.issue(form.name.data, current_user)
        made = {"name": row.name, "token": token}
    status = 422 if form.errors else 200
    return render_template(
        "admin/tokens.html", form=form, tokens=api_tokens.everyone(), made=made
    ), status


@bp.post("/tokens/<int:token_id>/revoke")
@admin_required
def revoke_token(token_id: int) -> Response:
    if not DecisionForm().validate_on_submit():
        abort(400)
    if api_tokens.revoke(token_id, current_user):
        flash(_("The token is revoked: calls with it are refused from now on."), "success")
    return redirect(url_for("admin.tokens"), code=303)
