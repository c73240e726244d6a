from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from inquiries import accounts, dashboard, decisions, outbox, queue, similarity
from inquiries.export import objectives_by_code, queue_csv
from inquiries.extensions import db
from inquiries.forms import choices, flash_form_errors
from inquiries.models import Inquiry, Objective, Service, StaffUser
from inquiries.pipeline import classification_text
from inquiries.staff.access import staff_required
from inquiries.submission import CHANNELS
from inquiries.triage import bp
from inquiries.triage.forms import (
    AssignForm,
    BulkForm,
    DecisionForm,
    NoteForm,
    ObjectiveForm,
    OutOfScopeForm,
)

REFUSALS = {
    decisions.Refused.NOT_OPEN: _l("This inquiry is no longer open: it was routed or closed."),
    decisions.Refused.NO_SERVICE: _l("Choose an objective with a service first."),
    decisions.Refused.ALREADY_ROUTING: _l("This inquiry is already on its way to a service."),
    decisions.Refused.UNKNOWN_OBJECTIVE: _l("Choose one of the nine objectives."),
    decisions.Refused.UNKNOWN_SERVICE: _l("Choose an active service."),
    decisions.Refused.UNKNOWN_ASSIGNEE: _l("Choose an active colleague."),
}


def _objectives() -> dict[int, Objective]:
    """The ten objectives, read once per request (pages and forms all need them)."""
    if "objectives" not in g:
        g.objectives = objectives_by_code()
    return g.objectives


def _language() -> str:
    return str(get_locale())


def _colleagues() -> list[StaffUser]:
    """Who can be assigned, read once per request."""
    if "colleagues" not in g:
        g.colleagues = accounts.staff_members()
    return g.colleagues


def _assignee_choices() -> list[SelectChoice]:
    return choices([("", _("Nobody"))] + [(str(u.id), u.display_name) for u in _colleagues()])


def _objective_form(**defaults: object) -> ObjectiveForm:
    language = _language()
    form = ObjectiveForm(**defaults)
    form.objective.choices = choices(
        (code, f"{code} – {o.name(language)}") for code, o in _objectives().items() if code != 0
    )
    services = db.session.scalars(select(Service).where(Service.active).order_by(Service.key))
    form.service.choices = choices(
        [("", _("The objective's own service"))] + [(s.key, s.name(language)) for s in services]
    )
    return form


def _assign_form(**defaults: object) -> AssignForm:
    form = AssignForm(**defaults)
    form.assignee.choices = _assignee_choices()
    return form


def _forms(inquiry: Inquiry) -> dict[str, object]:
    return {
        "decision_form": DecisionForm(),
        "objective_form": _objective_form(
            objective=inquiry.objective_code or None, service=inquiry.service_key or ""
        ),
        "out_of_scope_form": OutOfScopeForm(),
        "note_form": NoteForm(),
        "assign_form": _assign_form(assignee=str(inquiry.assignee_id or "")),
    }


@bp.get("", endpoint="queue")
@staff_required
def queue_page() -> str:
    chosen = queue.QueueFilter.from_args(request.args)
    result = queue.page(chosen, current_user.id)
    bulk_form = BulkForm(prefix="bulk")
    bulk_form.assignee.choices = _assignee_choices()
    return render_template(
        "triage/queue.html",
        chosen=chosen,
        page=result,
        counts=queue.bucket_counts(),
        objectives=_objectives(),
        colleagues=_colleagues(),
        bulk_form=bulk_form,
        bucket_of=queue.bucket_of,
    )


@bp.get("/export.csv")
@staff_required
def export() -> Response:
    chosen = queue.QueueFilter.from_args(request.args)
    return queue_csv(queue.filtered(chosen, current_user.id), _objectives(), _language())


def _inquiry(inquiry_id: int, lock: bool = False) -> Inquiry:
    query = select(Inquiry).where(Inquiry.id == inquiry_id)
    inquiry = db.session.scalar(query.with_for_update() if lock else query)
    if inquiry is None:
        abort(404)
    return inquiry


@bp.get("/inquiries/<int:inquiry_id>")
@staff_required
def inquiry(inquiry_id: int) -> str:
    item = _inquiry(inquiry_id)
    objectives = _objectives()
    return render_template(
        "triage/inquiry.html",
        inquiry=item,
        objectives=objectives,
        bucket=queue.bucket_of(item),
        channel=CHANNELS.get(item.channel, item.channel),
        similar=similarity.similar_to(item, classification_text(item)),
        open=item.status in decisions.OPEN,
        **_forms(item),
    )


def _decide(inquiry_id: int, form: FlaskForm, act: Callable[..., None], done: str) -> Response:
    """Run one decision on a locked inquiry; explain a refusal instead of acting."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("triage.inquiry", inquiry_id=inquiry_id), code=303)
    item = _inquiry(inquiry_id, lock=True)
    try:
        act(item, form)
    except decisions.DecisionRefused as refusal:
        db.session.rollback()
        flash(str(REFUSALS[refusal.reason]), "error")
    else:
        outbox.commit_and_publish()
        flash(done, "success")
    return redirect(url_for("triage.inquiry", inquiry_id=inquiry_id), code=303)


def _me() -> StaffUser:
    return current_user._get_current_object()  # type: ignore[no-any-return]


@bp.post("/inquiries/<int:inquiry_id>/confirm")
@staff_required
def confirm(inquiry_id: int) -> Response:
    return _decide(
        inquiry_id,
        DecisionForm(),
        lambda item, form: decisions.confirm_and_route(item, _me()),
        _("Confirmed. The routing mail is on its way."),
    )


@bp.post("/inquiries/<int:inquiry_id>/objective")
@staff_required
def objective(inquiry_id: int) -> Response:
    then_route = request.form.get("then") == "route"

    def act(item: Inquiry, form: ObjectiveForm) -> None:
        decisions.set_objective(item, form.objective.data, _me(), form.service.data or None)
        if then_route:
            decisions.route_now(item, _me())

    done = _("Saved. The routing mail is on its way.") if then_route else _("Saved.")
    return _decide(inquiry_id, _objective_form(), act, done)


@bp.post("/inquiries/<int:inquiry_id>/route")
@staff_required
def route(inquiry_id: int) -> Response:
    return _decide(
        inquiry_id,
        DecisionForm(),
        lambda item, form: decisions.route_now(item, _me()),
        _("The routing mail is on its way."),
    )


@bp.post("/inquiries/<int:inquiry_id>/out-of-scope")
@staff_required
def out_of_scope(inquiry_id: int) -> Response:
    return _decide(
        inquiry_id,
        OutOfScopeForm(),
        lambda item, form: decisions.mark_out_of_scope(item, _me(), form.note.data or ""),
        _("Marked out of scope. The submitter gets a polite answer in their language."),
    )


@bp.post("/inquiries/<int:inquiry_id>/spam")
@staff_required
def spam(inquiry_id: int) -> Response:
    return _decide(
        inquiry_id,
        DecisionForm(),
        lambda item, form: decisions.mark_spam(item, _me()),
        _("Marked as spam and closed."),
    )


@bp.post("/inquiries/<int:inquiry_id>/note")
@staff_required
def note(inquiry_id: int) -> Response:
    return _decide(
        inquiry_id,
        NoteForm(),
        lambda item, form: decisions.add_note(item, _me(), form.text.data),
        _("Note added."),
    )


@bp.post("/inquiries/<int:inquiry_id>/assign")
@staff_required
def assign(inquiry_id: int) -> Response:
    def act(item: Inquiry, form: AssignForm) -> None:
        decisions.assign(item, _me(), int(form.assignee.data) if form.assignee.data else None)

    return _decide(inquiry_id, _assign_form(), act, _("Assignment saved."))


BULK: dict[str, Callable[[Inquiry, StaffUser, int | None], None]] = {
    "route": lambda item, me, _who: decisions.confirm_and_route(item, me),
    "assign": lambda item, me, who: decisions.assign(item, me, who),
    "spam": lambda item, me, _who: decisions.mark_spam(item, me),
}


@bp.post("/bulk")
@staff_required
def bulk() -> Response:
    """One decision on many inquiries; each is decided on its own, refusals are counted."""
    form = BulkForm(prefix="bulk")
    form.assignee.choices = _assignee_choices()
    back = request.form.get("back", "")
    target = back if back.startswith("/triage") and "//" not in back else url_for("triage.queue")
    if not form.validate_on_submit() or not form.ids.data:
        flash(_("Select at least one inquiry and an action."), "error")
        return redirect(target, code=303)
    who = int(form.assignee.data) if form.assignee.data else None
    done = refused = 0
    for inquiry_id in form.ids.data[: queue.PAGE_SIZE]:
        item = db.session.scalar(select(Inquiry).where(Inquiry.id == inquiry_id).with_for_update())
        if item is None:
            continue
        try:
            BULK[form.action.data](item, _me(), who)
        except decisions.DecisionRefused:
            db.session.rollback()
            refused += 1
        else:
            outbox.commit_and_publish()
            done += 1
    flash(_("Done for %(done)s inquiries.", done=done), "success")
    if refused:
        flash(
            _(
                "%(refused)s inquiries were left as they are: open each to see why.",
                refused=refused,
            ),
            "error",
        )
    return redirect(target, code=303)


@bp.get("/dashboard", endpoint="dashboard")
@staff_required
def dashboard_page() -> str:
    return render_template(
        "triage/dashboard.html", summary=dashboard.summary(), objectives=_objectives()
    )
