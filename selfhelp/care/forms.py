"""The follow-up form: what was done (one choice) and a note."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from selfhelp.forms import NoControlCharacters

OUTCOME_LABELS = {
    "called": _l("Ringt personen"),
    "met": _l("Møtt personen"),
    "referred": _l("Henvist videre (fastlege, legevakt, DPS)"),
    "no_contact": _l("Fikk ikke kontakt – varselet blir stående åpent"),
}

#: What went wrong with a follow-up (care.services.CareError codes), as the user reads it.
ERRORS = {
    "not_allowed": _l("Du kan ikke følge opp dette varselet."),
    "already_acknowledged": _l("Varselet er allerede fulgt opp."),
    "outcome_missing": _l("Velg hva som ble gjort."),
    "note_missing": _l("Skriv et kort notat om hva som er gjort og avtalt."),
}


class FollowUpForm(FlaskForm):
    outcome = RadioField(_l("Hva ble gjort?"), validators=[InputRequired(_l("Velg hva som ble gjort."))])
    note = TextAreaField(_l("Notat"), validators=[
        DataRequired(_l("Skriv et kort notat om hva som er gjort og avtalt.")),
        Length(max=5000, message=_l("Teksten er for lang.")), NoControlCharacters()])


def follow_up_form(flag_id: int, **kwargs) -> FollowUpForm:
    """One form per flag on a page: the prefix keeps every field's id unique."""
    form = FollowUpForm(prefix=f"flag{flag_id}", **kwargs)
    # Choices are set here, not in the field definition (WTForms warns on static choices).
    form.outcome.choices = list(OUTCOME_LABELS.items())
    return form
