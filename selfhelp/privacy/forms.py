"""Forms for downloading your data, closing your account, and the admin's retention setting."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField
from wtforms.validators import DataRequired, InputRequired, NumberRange


def _password_field():
    return PasswordField(_l("Passordet ditt"), validators=[DataRequired(_l("Skriv passordet ditt."))])


class ExportForm(FlaskForm):
    password = _password_field()


class CloseForm(FlaskForm):
    password = _password_field()
    confirm = BooleanField(_l("Jeg forstår at kontoen ikke kan gjenopprettes, og vil slette den."),
                           validators=[DataRequired(_l("Kryss av for å bekrefte at du vil slette kontoen."))])


class RetentionForm(FlaskForm):
    years = IntegerField(_l("Antall år"), validators=[
        InputRequired(_l("Skriv antall år.")),
        NumberRange(min=1, max=100, message=_l("Skriv et tall fra 1 til 100."))])
