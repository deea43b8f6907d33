"""Forms for check-ins, feedback, messages, flags, absences, snippets and settings."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError,
)

from selfhelp.accounts.municipalities import municipality_name
from selfhelp.forms import DateInput, NoControlCharacters

TEXT_MAX = 20_000


class CheckinForm(FlaskForm):
    how_it_went = TextAreaField(_l("Hvordan har denne uka vært?"), validators=[
        DataRequired(_l("Skriv noen ord om hvordan uka har vært.")),
        Length(max=TEXT_MAX, message=_l("Teksten er for lang.")), NoControlCharacters()])


def new_nonce() -> str:
    return secrets.token_hex(16)


class MessageForm(FlaskForm):
    text = TextAreaField(_l("Skriv en melding"), validators=[
        DataRequired(_l("Skriv en melding før du sender.")),
        Length(max=TEXT_MAX, message=_l("Teksten er for lang.")), NoControlCharacters()])
    #: One per form shown: a double click (or a resend) posts the same nonce, saved once.
    nonce = HiddenField(default=new_nonce)


class FeedbackForm(FlaskForm):
    body = TextAreaField(_l("Tilbakemelding"), validators=[
        DataRequired(_l("Skriv tilbakemeldingen før du publiserer.")),
        Length(max=TEXT_MAX, message=_l("Teksten er for lang.")), NoControlCharacters()])
    minutes = IntegerField(_l("Minutter brukt"), validators=[
        InputRequired(_l("Skriv hvor mange minutter du brukte.")),
        NumberRange(min=0, max=600, message=_l("Skriv et tall fra 0 til 600."))])
    snippet = SelectField(_l("Sett inn mal"), validate_choice=False, validators=[Optional()])


class AcknowledgeForm(FlaskForm):
    note = TextAreaField(_l("Hva er gjort?"), validators=[
        DataRequired(_l("Skriv hva som er gjort, for eksempel «ringt, ingen akutt fare».")),
        Length(max=5000), NoControlCharacters()])


class AbsenceForm(FlaskForm):
    guide = SelectField(_l("Veileder som er borte"), coerce=int, validate_choice=False)
    cover = SelectField(_l("Stedfortreder"), coerce=int, validate_choice=False)
    starts_on = DateInput(_l("Fra og med"), validators=[InputRequired(_l("Skriv første dag."))])
    ends_on = DateInput(_l("Til og med"), validators=[InputRequired(_l("Skriv siste dag."))])


class SnippetForm(FlaskForm):
    title = StringField(_l("Navn på malen"), validators=[
        DataRequired(_l("Gi malen et navn.")), Length(max=120), NoControlCharacters()])
    body = TextAreaField(_l("Tekst"), validators=[
        DataRequired(_l("Skriv teksten.")), Length(max=TEXT_MAX), NoControlCharacters()])
    shared = SelectField(_l("Hvem kan bruke den?"), validate_choice=False)

    def __init__(self, *args, municipality_codes: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        # A shared snippet belongs to one municipality: only its guides see it.
        self.shared.choices = [("mine", _l("Bare meg"))] + [
            (f"shared:{code}", _l("Alle veiledere i %(municipality)s",
                                  municipality=municipality_name(code)))
            for code in sorted(municipality_codes)]

    def validate_shared(self, field):
        if field.data not in dict(self.shared.choices):
            raise ValidationError(_l("Velg hvem som kan bruke malen fra lista."))

    @property
    def shared_municipality(self) -> str | None:
        return self.shared.data.split(":", 1)[1] if (self.shared.data or "").startswith("shared:") else None


class ProgramActionForm(FlaskForm):
    action = SelectField(_l("Endre programmet"), validate_choice=False)
    measure = SelectField(_l("Spørreskjema"), validate_choice=False, validators=[Optional()])
    reason = TextAreaField(_l("Kort begrunnelse til innbyggeren"), validators=[
        DataRequired(_l("Skriv en kort begrunnelse. Innbyggeren leser den i samtalen.")),
        Length(max=2000, message=_l("Begrunnelsen er for lang (høyst 2000 tegn).")),
        NoControlCharacters()])
    #: The plan the page showed (programs.schedule.plan_switch): done only while it still holds.
    plan = HiddenField()


class GuideSettingsForm(FlaskForm):
    feedback_due_days = IntegerField(_l("Virkedager veilederen har på å svare"), validators=[
        InputRequired(_l("Skriv et antall dager.")),
        NumberRange(min=1, max=10, message=_l("Skriv et tall fra 1 til 10."))])


class AssignmentFilterForm(FlaskForm):
    """The filters of the admin's guide-assignment page (a GET form: they belong in the address)."""
    class Meta:
        csrf = False

    text = StringField(_l("Søk etter navn eller e-post"), filters=[lambda v: v.strip() if v else v],
                       validators=[Optional(), Length(max=100, message=_l("Skriv høyst 100 tegn."))])
    show = SelectField(_l("Vis"), default="all", validate_choice=False)

    def set_choices(self, guides, programs) -> None:
        self.show.choices = [("all", _l("Alle")), ("waiting", _l("Venter på veileder")),
                             ("risk", _l("Har åpent risikovarsel"))]
        self.guide.choices = [("", _l("Alle veiledere"))] + [(str(g.id), g.shown_name) for g in guides]
        self.program.choices = [("", _l("Alle program"))] + programs
    guide = SelectField(_l("Veileder"), validate_choice=False)
    program = SelectField(_l("Program"), validate_choice=False)


class AssignForm(FlaskForm):
    guide = SelectField(_l("Veileder"), coerce=int, validate_choice=False)
