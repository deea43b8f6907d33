"""Forms for the assessment note, the plan, review decisions and the note template."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from selfhelp.forms import DateInput, NoControlCharacters
from selfhelp.pathway.models import Decision

TEXT_MAX = 10_000

DECISION_LABELS = {
    Decision.CONTINUE.value: _l("Fortsette som planlagt"),
    Decision.ADD_CONTACT.value: _l("Mer kontakt: samtale på telefon eller video"),
    Decision.CHANGE_PROGRAM.value: _l("Bytte eller legge til et program"),
    Decision.OFFER_COURSE.value: _l("Tilby et kurs"),
    Decision.REFER.value: _l("Henvise videre (fastlege, DPS)"),
}


def _text(label, required_message=None):
    validators = [Length(max=TEXT_MAX, message=_l("Teksten er for lang.")), NoControlCharacters()]
    if required_message:
        validators.insert(0, DataRequired(required_message))
    else:
        validators.insert(0, Optional())
    return TextAreaField(label, validators=validators)


class AssessmentForm(FlaskForm):
    reason = _text(_l("Hvorfor personen tok kontakt"), _l("Skriv hvorfor personen tok kontakt."))
    intake_scores = _text(_l("Skårer ved oppstart"))
    risk = _text(_l("Risiko: hva ble spurt om, og hvordan"),
                 _l("Skriv om og hvordan du spurte om selvmordstanker og selvskading."))
    chosen_help = _text(_l("Valgt hjelp"), _l("Skriv hvilken hjelp som ble valgt."))
    goals = _text(_l("Mål dere ble enige om"))


class PlanForm(FlaskForm):
    help = _text(_l("Hvilken hjelp"), _l("Skriv hvilken hjelp planen gir."))
    frequency = _text(_l("Hvor ofte"))
    evaluate_on = DateInput(_l("Evalueres"), validators=[InputRequired(_l("Skriv datoen planen skal evalueres."))])


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Beslutning"), validators=[InputRequired(_l("Velg en beslutning."))])
    reason = _text(_l("Begrunnelse"), _l("Skriv hvorfor dere valgte dette."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = list(DECISION_LABELS.items())


class TemplateForm(FlaskForm):
    municipality = SelectField(_l("Kommune"), validate_choice=False)
    reason = _text(_l("Hvorfor personen tok kontakt"))
    risk = _text(_l("Risiko: hva ble spurt om, og hvordan"))
    chosen_help = _text(_l("Valgt hjelp"))
    goals = _text(_l("Mål dere ble enige om"))
