"""Forms of the triage pages; the choices (objectives, services, colleagues) come from the
database per request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from inquiries.forms import choices, plain_text

NOTE_MAX = 2000


class DecisionForm(FlaskForm):
    """A decision with nothing to fill in (confirm, route, spam): the CSRF token only."""


class ObjectiveForm(FlaskForm):
    objective = SelectField(_l("Objective"), coerce=int)
    service = SelectField(_l("Service"), validators=[Optional()])


class OutOfScopeForm(FlaskForm):
    note = TextAreaField(
        _l("Internal note (not sent)"), validators=[Optional(), Length(max=NOTE_MAX), plain_text]
    )


class NoteForm(FlaskForm):
    text = TextAreaField(
        _l("Internal note"),
        validators=[
            DataRequired(_l("Write the note first.")),
            Length(max=NOTE_MAX, message=_l("Keep a note under %(max)s characters.", max=NOTE_MAX)),
            plain_text,
        ],
    )


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assign to"), validators=[Optional()])


class BulkForm(FlaskForm):
    ids = SelectMultipleField(_l("Inquiries"), coerce=int, validate_choice=False)
    action = SelectField(
        _l("With the selected inquiries"),
        choices=choices(
            [
                ("route", _l("Route to the suggested service")),
                ("assign", _l("Assign")),
                ("spam", _l("Mark as spam")),
            ]
        ),
    )
    assignee = SelectField(_l("Assign to"), validators=[Optional()])
