"""The one set of rules for what a valid inquiry is, shared by the web form and the JSON API."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import current_app, flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, TimestampSigner
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from config.settings import LANGUAGES

# Anything below space except tab, plus DEL and the C1 controls; newlines are refused in one-line
# fields, which stops header injection where such a field reaches a mail header.
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "de": "Deutsch", "en": "English"}


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Choices for a SelectField from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def flash_form_errors(form: FlaskForm) -> None:
    """Each of a form's errors as a message on the next page (for forms that redirect back)."""
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


def submit_limit() -> str:
    """How many submissions one client may make (SUBMIT_RATE_LIMIT), read per request."""
    return current_app.config["SUBMIT_RATE_LIMIT"]


def one_line(form: Any, field: Any) -> None:
    if field.data and _CONTROL_ONE_LINE.search(field.data):
        raise ValidationError(_l("Use a single line without control characters."))


def plain_text(form: Any, field: Any) -> None:
    if field.data and _CONTROL_TEXT.search(field.data):
        raise ValidationError(_l("Remove the control characters from this text."))


def message_length(form: Any, field: Any) -> None:
    limit = current_app.config["MAX_MESSAGE_CHARS"]
    if field.data and len(field.data) > limit:
        raise ValidationError(_l("Keep your question under %(limit)s characters.", limit=limit))


def not_blank(form: Any, field: Any) -> None:
    if field.data is not None and not str(field.data).strip():
        raise ValidationError(_l("This field cannot be only spaces."))


class InquiryForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=200), one_line])
    email = EmailField(
        _l("Your email address"),
        validators=[
            DataRequired(_l("Enter your email address, so we can answer you.")),
            one_line,
            Length(max=254),
            Email(
                _l("Enter a valid email address, like name@example.org."),
                check_deliverability=False,
            ),
        ],
    )
    organisation = StringField(
        _l("Organisation (optional)"), validators=[Optional(), Length(max=200), one_line]
    )
    subject = StringField(
        _l("Subject (optional)"), validators=[Optional(), Length(max=200), one_line]
    )
    message = TextAreaField(
        _l("Your question"),
        validators=[
            DataRequired(_l("Write your question.")),
            not_blank,
            message_length,
            Length(min=10, message=_l("Write at least %(min)d characters.")),
            plain_text,
        ],
    )
    language = SelectField(
        _l("Language for our answer"),
        choices=[
            SelectChoice(code, LANGUAGE_NAMES[code], render_kw={"lang": code}) for code in LANGUAGES
        ],
        validators=[Optional()],
        validate_choice=True,
    )
    consent_to_share = BooleanField(
        _l(
            "I agree that my name and email address are passed to the federal service that "
            "answers my question, so it can reply to me directly."
        )
    )

    def cleaned(self) -> dict[str, Any]:
        """The submitted values, trimmed, ready to store."""
        return {
            "name": (self.name.data or "").strip(),
            "email": (self.email.data or "").strip(),
            "organisation": (self.organisation.data or "").strip(),
            "subject": (self.subject.data or "").strip(),
            "message": (self.message.data or "").strip(),
            "language": self.language.data or None,
            "consent_to_share": bool(self.consent_to_share.data),
        }


_FORM_CLOCK_SALT = "inquiry-form-opened"


def _clock() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=_FORM_CLOCK_SALT)


def opened_stamp() -> str:
    """A signed 'the form was shown now', checked on submission."""
    return _clock().sign(b"form").decode()


def filled_by_a_person(form: Any, field: Any) -> None:
    """Bots post at once; a person takes a few seconds to write a question."""
    try:
        _, opened_at = _clock().unsign(field.data or "", return_timestamp=True)
    except BadSignature as exc:
        raise ValidationError(_l("Your form had expired. Please send it again.")) from exc
    waited = (datetime.now(UTC) - opened_at).total_seconds()
    if waited < current_app.config["FORM_MIN_FILL_SECONDS"]:
        raise ValidationError(
            _l("That was very fast. Please check your question and send it again.")
        )


def left_empty(form: Any, field: Any) -> None:
    if field.data:
        raise ValidationError(_l("Leave this field empty."))


class WebInquiryForm(InquiryForm):
    """The public form: the same rules, plus two quiet checks against bots."""

    website = StringField(
        _l("Leave this field empty (it is there to stop spam robots)"),
        validators=[left_empty],
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )
    opened = HiddenField(_l("Form"), validators=[filled_by_a_person])
