"""Forms for notification settings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField
from wtforms.validators import InputRequired, ValidationError

from selfhelp.forms import MultiCheckboxField


class SettingsForm(FlaskForm):
    channel = RadioField(_l("Hvordan vil du få varsler?"), validators=[InputRequired()])
    wanted = MultiCheckboxField(_l("Send meg e-post eller SMS om"))
    daily_digest = BooleanField(_l("Samle det som kan vente i én e-post om dagen"))
    quiet_start_hour = SelectField(_l("Stille fra kl."), coerce=int)
    quiet_end_hour = SelectField(_l("til kl."), coerce=int)

    def __init__(self, topics, has_phone: bool, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices are set here, not in the field definitions (WTForms warns on static choices).
        self.channel.choices = [("email", _l("E-post")),
                                ("sms", _l("SMS til mobilnummeret ditt") if has_phone
                                 else _l("SMS (legg inn mobilnummer i profilen først)")),
                                ("in_app", _l("Bare i selfhelp (klokka øverst på siden)"))]
        self.wanted.choices = [(t.name, t.label) for t in topics if t.can_mute]
        hours = [(h, f"{h:02d}:00") for h in range(24)]
        self.quiet_start_hour.choices = hours
        self.quiet_end_hour.choices = hours
        self._has_phone = has_phone

    def validate_channel(self, field):
        if field.data == "sms" and not self._has_phone:
            raise ValidationError(_l("Du har ikke lagt inn et mobilnummer, så vi kan ikke sende SMS."))
