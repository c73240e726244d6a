"""Forms of the routing table: one per objective row and one per service row."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from inquiries.forms import one_line


class RouteForm(FlaskForm):
    service = SelectField(_l("Service"), validators=[Optional()])
    copy_when_secondary = BooleanField(_l("Copy when secondary"))


class ServiceForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter an email address.")), Length(max=254), one_line],
    )
    active = BooleanField(_l("Takes inquiries"))
    reminder_after_days = IntegerField(
        _l("Reminder after (working days)"),
        validators=[InputRequired(), NumberRange(1, 60, _l("Use between 1 and 60 working days."))],
    )
    escalate_after_days = IntegerField(
        _l("Back to the queue after a further (working days)"),
        validators=[InputRequired(), NumberRange(1, 60, _l("Use between 1 and 60 working days."))],
    )


class SubmitterForm(FlaskForm):
    email = EmailField(
        _l("The submitter's email address"),
        validators=[DataRequired(_l("Enter an email address.")), Length(max=254), one_line],
    )
    confirm = BooleanField(_l("I checked the request: erase everything about this person"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("Who will use it"),
        validators=[DataRequired(_l("Name the integration.")), Length(max=80), one_line],
    )
