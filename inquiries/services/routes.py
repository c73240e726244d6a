from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from inquiries import responses
from inquiries.extensions import db
from inquiries.forms import not_blank, plain_text
from inquiries.models import Delivery
from inquiries.service_links import Action, LinkError, read_token
from inquiries.services import bp


class AcceptForm(FlaskForm):
    """Only a confirm button: the POST is what acts, never the GET a mail scanner makes."""


class SendBackForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is this question not for your service? If you know who should answer it, say so."),
        validators=[
            DataRequired(_l("Give a reason, so our staff can route it right.")),
            not_blank,
            plain_text,
            Length(max=2000),
        ],
    )


@bp.route("/<token>", methods=["GET", "POST"])
def respond(token: str) -> tuple[str, int] | str:
    try:
        delivery_id, message_id, action = read_token(token)
    except LinkError as error:
        return render_template(
            "services/invalid.html", reason=error.reason
        ), 410 if error.reason == "expired" else 404
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.message_id != message_id:
        return render_template("services/invalid.html", reason="invalid"), 404
    refused = responses.refusal(delivery)
    if refused is not None:
        return render_template("services/invalid.html", reason=refused, delivery=delivery), 409
    form = AcceptForm() if action == Action.ACCEPT else SendBackForm()
    if form.validate_on_submit():
        if action == Action.ACCEPT:
            responses.accept(delivery)
        else:
            responses.send_back(delivery, form.reason.data.strip())
        return render_template("services/done.html", delivery=delivery, action=str(action))
    status = 422 if form.errors else 200
    return render_template(
        "services/confirm.html", delivery=delivery, action=str(action), form=form
    ), status
