from __future__ import annotations

from flask import (
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from sqlalchemy import select

from inquiries import faq
from inquiries.extensions import db, limiter
from inquiries.forms import WebInquiryForm, opened_stamp, submit_limit
from inquiries.intake import bp
from inquiries.models import Inquiry, Service
from inquiries.status import public_view
from inquiries.submission import submit_inquiry


@bp.route("/", methods=["GET", "POST"])
@limiter.shared_limit(submit_limit, scope="submit", methods=["POST"])
def form() -> object:
    form = WebInquiryForm()
    if request.method == "GET" and not form.language.data:
        form.language.data = str(get_locale())
    if form.validate_on_submit():
        inquiry = submit_inquiry(
            form.cleaned(), channel="form", interface_language=str(get_locale())
        )
        session["last_submitted"] = inquiry.status_token
        return redirect(url_for("intake.received", token=inquiry.status_token), code=303)
    status = 422 if form.errors else 200
    form.opened.data = opened_stamp()
    suggested = _suggested(form.message.data or "", str(get_locale())) if form.errors else []
    return render_template("intake/form.html", form=form, suggested=suggested), status


def _inquiry_by_token(token: str) -> Inquiry:
    if len(token) > 64:
        abort(404)
    inquiry = db.session.scalar(select(Inquiry).where(Inquiry.status_token == token))
    if inquiry is None:
        abort(404)
    return inquiry


@bp.get("/received/<token>")
def received(token: str) -> str:
    inquiry = _inquiry_by_token(token)
    return render_template("intake/received.html", inquiry=inquiry)


@bp.get("/status/<token>")
def status(token: str) -> object:
    inquiry = _inquiry_by_token(token)
    view = public_view(inquiry, str(get_locale()))
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return jsonify(view)
    return render_template("intake/status.html", inquiry=inquiry, view=view)


def _suggested(text: str, language: str) -> list[dict[str, str]]:
    found = []
    for suggestion in faq.suggestions(text[: current_app.config["MAX_MESSAGE_CHARS"]], language):
        service = db.session.get(Service, suggestion.service)
        found.append(
            {
                "question": suggestion.question,
                "answer": suggestion.answer,
                "service": service.name(language) if service else "",
            }
        )
    return found


@bp.get("/similar-questions")
@limiter.limit("60 per minute")
def similar_questions() -> object:
    """Published answers like the question being typed (the form asks as the citizen types)."""
    language = str(get_locale())
    return jsonify({"suggestions": _suggested(request.args.get("text", ""), language)})
