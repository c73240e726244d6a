"""Forms of the staff side: sign in, change password, manage accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from inquiries.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from inquiries.forms import choices, one_line
from inquiries.models import Role


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254), one_line],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
    )


def _new_password(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l(
                    "Use between %(min)s and %(max)s characters.",
                    min=MIN_PASSWORD_LENGTH,
                    max=MAX_PASSWORD_LENGTH,
                ),
            ),
        ],
    )


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new = _new_password(_l("New password"))
    repeat = PasswordField(
        _l("New password again"),
        validators=[EqualTo("new", message=_l("The two new passwords are not the same."))],
    )


ROLE_CHOICES = [(Role.TRIAGER.value, _l("Triager")), (Role.ADMIN.value, _l("Administrator"))]


class NewUserForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter an email address.")), Length(max=254), one_line],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120), one_line])
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))
    password = _new_password(_l("First password (tell it to them in person)"))


class UserChangeForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))
    active = SelectField(
        _l("Account"), choices=choices([("1", _l("Can sign in")), ("0", _l("Blocked"))])
    )
