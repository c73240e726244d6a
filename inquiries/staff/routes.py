from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from inquiries import accounts
from inquiries.extensions import db, limiter
from inquiries.i18n import format_when
from inquiries.models import StaffUser
from inquiries.staff import bp
from inquiries.staff.access import admin_required, staff_required
from inquiries.staff.forms import LoginForm, NewUserForm, PasswordForm, UserChangeForm


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never an address elsewhere (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("triage.queue")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> object:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        attempt = accounts.sign_in(form.email.data, form.password.data)
        if attempt.user is not None:
            session.clear()  # a fresh session: nothing carried over from before sign-in
            session.permanent = True
            login_user(attempt.user)
            return redirect(_safe_next(request.args.get("next")), code=303)
        status = 401
        if attempt.locked_until:
            form.form_errors.append(
                _(
                    "Too many wrong attempts: this account is locked until %(time)s.",
                    time=format_when(attempt.locked_until, "short"),
                )
            )
        else:
            form.form_errors.append(_("The email address or the password is not right."))
    elif form.errors:
        status = 422
    return render_template("staff/login.html", form=form), status


@bp.post("/logout")
@staff_required
def logout() -> object:
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("staff.login"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@staff_required
def password() -> object:
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except accounts.AccountError as error:
            form.current.errors = [str(error)]
        else:
            db.session.commit()
            # This session stays signed in, under the new session version.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other sessions are signed out."), "success")
            return redirect(url_for("triage.queue"), code=303)
    status = 422 if form.errors else 200
    return render_template("staff/password.html", form=form), status


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users() -> object:
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.email.data, form.password.data, form.role.data, form.name.data or ""
            )
        except accounts.AccountError as error:
            form.email.errors = [str(error)]
        else:
            db.session.commit()
            current_app.logger.info("staff account %s created by %s", user.id, current_user.id)
            flash(_("The account is made."), "success")
            return redirect(url_for("staff.users"), code=303)
    everyone = db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    status = 422 if form.errors else 200
    return render_template(
        "staff/users.html", form=form, users=everyone, change_form=UserChangeForm()
    ), status


@bp.post("/users/<int:user_id>")
@admin_required
def change_user(user_id: int) -> object:
    user = db.session.get(StaffUser, user_id) or abort(404)
    form = UserChangeForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id and (form.role.data != user.role or form.active.data != "1"):
        flash(_("You cannot take away your own administrator rights or block yourself."), "error")
        return redirect(url_for("staff.users"), code=303)
    if (user.role, user.active) != (form.role.data, form.active.data == "1"):
        user.role = form.role.data
        user.active = form.active.data == "1"
        user.session_version += 1  # new rights apply from the next sign-in
        db.session.commit()
        current_app.logger.info("staff account %s changed by %s", user.id, current_user.id)
        flash(_("The account is changed."), "success")
    return redirect(url_for("staff.users"), code=303)
