"""Course forms: planning a cohort, applying, and the leader's decisions."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from selfhelp.courses.services.cohorts import CohortPlan
from selfhelp.forms import DateInput, MultiCheckboxField, NoControlCharacters

DATE_LIST = re.compile(r"[\s,;]+")



class TimeInput(TimeField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Skriv klokkeslettet som tt:mm, for eksempel 18:00.")) from error


class CohortForm(FlaskForm):
    course = SelectField(_l("Kurs"), validate_choice=False,
                         validators=[DataRequired(_l("Velg kurs."))])
    municipality = SelectField(_l("Kommune"), validate_choice=False,
                               validators=[DataRequired(_l("Velg kommune."))])
    leaders = MultiCheckboxField(_l("Kursledere"), coerce=int, validate_choice=False)
    online = BooleanField(_l("Kurset holdes på nett (video)"))
    place = StringField(_l("Sted (adresse)"), validators=[Optional(), Length(max=200), NoControlCharacters()])
    room = StringField(_l("Rom"), validators=[Optional(), Length(max=120), NoControlCharacters()])
    video_link = StringField(_l("Videolenke (vises bare for de som er tatt opp)"), validators=[
        Optional(), Length(max=500), URL(message=_l("Skriv en hel lenke som begynner med https://."))])
    first_date = DateInput(_l("Dato for første samling"), validators=[
        InputRequired(_l("Skriv datoen for første samling."))])
    start_time = TimeInput(_l("Klokkeslett"), validators=[
        InputRequired(_l("Skriv klokkeslettet, for eksempel 18:00."))])
    capacity = IntegerField(_l("Antall plasser"), validators=[
        InputRequired(_l("Skriv antall plasser.")),
        NumberRange(min=1, max=30, message=_l("Skriv et tall fra 1 til 30."))])
    application_deadline = DateInput(_l("Søknadsfrist"), validators=[
        InputRequired(_l("Skriv søknadsfristen."))])
    skip_dates = StringField(_l("Uker uten samling (valgfritt)"), validators=[Optional(), Length(max=500)])
    open_to_other_municipalities = BooleanField(_l("Åpent for innbyggere i andre kommuner"))
    auto_admit = BooleanField(_l("Ta opp søkere automatisk i den rekkefølgen de søker (uten forsamtale)"))
    remind_two_hours = BooleanField(_l("Send også påminnelse to timer før hver samling"))

    def plan(self) -> CohortPlan:
        """What the leader planned, for courses.services.cohorts."""
        return CohortPlan(
            course_code=self.course.data, leader_ids=list(self.leaders.data or []),
            municipality_code=self.municipality.data, first_date=self.first_date.data,
            start_time=self.start_time.data, capacity=self.capacity.data,
            application_deadline=self.application_deadline.data, online=bool(self.online.data),
            place=(self.place.data or "").strip() or None, room=(self.room.data or "").strip() or None,
            video_link=(self.video_link.data or "").strip() or None,
            open_to_other_municipalities=bool(self.open_to_other_municipalities.data),
            auto_admit=bool(self.auto_admit.data), remind_two_hours=bool(self.remind_two_hours.data),
            skip_dates=self.skip_date_values())

    def skip_date_values(self) -> list[date]:
        values = []
        for part in DATE_LIST.split(self.skip_dates.data or ""):
            if not part:
                continue
            for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
                try:
                    values.append(datetime.strptime(part, fmt).date())
                    break
                except ValueError:
                    continue
        return values

    def validate_skip_dates(self, field):
        parts = [p for p in DATE_LIST.split(field.data or "") if p]
        if len(self.skip_date_values()) != len(parts):
            raise ValidationError(_l("Skriv datoene som dag.måned.år, skilt med komma, for eksempel 12.10.2026."))


class MotivationForm(FlaskForm):
    """Step 1 of an application."""

    motivation = TextAreaField(_l("Hva ønsker du å få ut av kurset?"), validators=[
        DataRequired(_l("Skriv noen ord om hva du ønsker å få ut av kurset.")),
        Length(max=3000, message=_l("Skriv høyst 3000 tegn.")), NoControlCharacters()])


class GuardianForm(FlaskForm):
    """The step for applicants who need a guardian's consent (DU under 16)."""

    guardian_name = StringField(_l("Navn på forelder eller foresatt"), validators=[
        DataRequired(_l("Skriv navnet til forelderen eller den foresatte.")),
        Length(max=120, message=_l("Skriv høyst 120 tegn.")), NoControlCharacters()])
    guardian_contact = StringField(_l("Telefon eller e-post til forelder eller foresatt"), validators=[
        DataRequired(_l("Skriv telefonnummeret eller e-postadressen til forelderen eller den foresatte.")),
        Length(max=200, message=_l("Skriv høyst 200 tegn.")), NoControlCharacters()])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Begrunnelse"), validators=[
        DataRequired(_l("Skriv en kort begrunnelse for avslaget.")), Length(max=2000), NoControlCharacters()])
    show_reason = BooleanField(_l("Søkeren kan lese begrunnelsen når hen logger inn. Den inneholder "
                                  "ingen helseopplysninger."))


class PretalkForm(FlaskForm):
    date = DateInput(_l("Dato"), validators=[InputRequired(_l("Skriv datoen for forsamtalen."))])
    time = TimeInput(_l("Klokkeslett"), validators=[InputRequired(_l("Skriv klokkeslettet, for eksempel 18:00."))])
    note = TextAreaField(_l("Melding til søkeren (sted, telefon eller video)"), validators=[
        Optional(), Length(max=1000), NoControlCharacters()])


class MoveSessionForm(FlaskForm):
    date = DateInput(_l("Ny dato"), validators=[InputRequired(_l("Skriv den nye datoen."))])
    time = TimeInput(_l("Nytt klokkeslett"), validators=[InputRequired(_l("Skriv klokkeslettet, for eksempel 18:00."))])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Begrunnelse"), validators=[
        DataRequired(_l("Skriv en kort begrunnelse.")), Length(max=2000), NoControlCharacters()])


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Nytt notat (bare kursledere ser notatene)"), validators=[
        DataRequired(_l("Skriv notatet.")), Length(max=5000), NoControlCharacters()])


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    course = SelectField(_l("Kurs"), validate_choice=False)
    municipality = SelectField(_l("Kommune"), validate_choice=False)
    online = BooleanField(_l("Bare kurs på nett"))
