"""Account forms; every message is in the user's language and names the field's problem."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import (
    DataRequired, Email, EqualTo, InputRequired, Length, Optional, Regexp, ValidationError,
)

from selfhelp import clock
from selfhelp.accounts import municipalities
from selfhelp.forms import DateInput, DatePartsInput, MultiCheckboxField, NoControlCharacters

PASSWORD_MIN = 10
MIN_SIGNUP_AGE = 14


def referral_choices():
    return [("self", _l("Jeg fant det selv")), ("gp", _l("Fastlegen")), ("nav", _l("NAV")),
            ("school", _l("Skolen")), ("other", _l("Annet"))]


def gender_choices():
    return [("", _l("Ikke oppgitt")), ("female", _l("Kvinne")), ("male", _l("Mann")),
            ("other", _l("Annet")), ("unspoken", _l("Vil ikke oppgi"))]


def work_status_choices():
    return [("", _l("Ikke oppgitt")), ("working", _l("I arbeid")), ("sick_leave", _l("Sykmeldt")),
            ("nav_benefits", _l("Ytelse fra NAV (AAP, uføretrygd)")),
            ("student", _l("Elev eller student")), ("unemployed", _l("Arbeidsledig")),
            ("retired", _l("Pensjonist")), ("other", _l("Annet")),
            ("unspoken", _l("Vil ikke oppgi"))]


def role_choices():
    return [("guide", _l("Veileder")), ("course_leader", _l("Kursleder")),
            ("admin", _l("Administrator (kommune)"))]


def qualification_choices():
    return [("kid_leader", _l("KiD-kursleder")), ("kib_leader", _l("KiB-kursleder")),
            ("du_leader", _l("DU-kursleder"))]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _email_field(label=None):
    return EmailField(label or _l("E-post"), filters=[_strip], validators=[
        DataRequired(_l("Skriv e-postadressen din.")),
        Length(max=254, message=_l("E-postadressen kan ha høyst 254 tegn.")),
        Email(_l("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no."),
              check_deliverability=False),
    ])


def _new_password_fields():
    password = PasswordField(_l("Passord"), validators=[
        DataRequired(_l("Velg et passord.")),
        Length(min=PASSWORD_MIN, max=200,
               message=_l("Passordet må ha minst %(min)d tegn.", min=PASSWORD_MIN)),
    ])
    confirm = PasswordField(_l("Gjenta passordet"), validators=[
        DataRequired(_l("Skriv passordet en gang til.")),
        EqualTo("password", _l("Passordene er ikke like.")),
    ])
    return password, confirm


def _name_field(label=None):
    return StringField(label or _l("Navn"), filters=[_strip], validators=[
        DataRequired(_l("Skriv navnet ditt.")),
        Length(max=120, message=_l("Navnet kan ha høyst 120 tegn.")),
        NoControlCharacters(),
    ])


class SignupForm(FlaskForm):
    name = _name_field(_l("Fullt navn"))
    email = _email_field()
    password, password_confirm = _new_password_fields()
    birth_date = DatePartsInput(_l("Fødselsdato"), validators=[
        InputRequired(_l("Skriv fødselsdatoen din (dag, måned og år)."))])
    municipality = SelectField(_l("Kommune du bor i"), validate_choice=False, validators=[
        DataRequired(_l("Velg kommunen du bor i."))])
    phone = StringField(_l("Mobilnummer (valgfritt)"), validators=[
        Optional(),
        Regexp(r"^\+?[0-9 ]{8,18}$", message=_l("Skriv et telefonnummer med 8 sifre, for eksempel 912 34 567.")),
    ])
    referral_source = RadioField(_l("Hvordan hørte du om oss?"), validate_choice=False, validators=[
        InputRequired(_l("Velg hvordan du hørte om oss."))])
    #: Optional, only for the municipality's service reports (counted, never shown one by one).
    gender = SelectField(_l("Kjønn (valgfritt)"), default="")
    work_status = SelectField(_l("Arbeidssituasjon (valgfritt)"), default="")
    accept_terms = BooleanField(_l("Jeg har lest og godtar vilkårene og personvernerklæringen"),
                                validators=[DataRequired(_l("Du må godta vilkårene for å registrere deg."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [("", _l("Velg kommune"))] + municipalities.choices()
        self.referral_source.choices = referral_choices()
        self.gender.choices = gender_choices()
        self.work_status.choices = work_status_choices()

    def validate_birth_date(self, field):
        if field.data is None:
            return
        today = clock.today()
        if field.data > today:
            raise ValidationError(_l("Fødselsdatoen kan ikke være i framtiden."))
        if field.data.year < 1900:
            raise ValidationError(_l("Sjekk årstallet i fødselsdatoen."))
        age = today.year - field.data.year - ((today.month, today.day) < (field.data.month, field.data.day))
        if age < MIN_SIGNUP_AGE:
            raise ValidationError(_l("Du må være minst %(age)d år for å registrere deg. Snakk med helsesykepleier eller fastlegen din.",
                                     age=MIN_SIGNUP_AGE))

    def validate_referral_source(self, field):
        if field.data not in dict(referral_choices()):
            raise ValidationError(_l("Velg hvordan du hørte om oss."))

    def validate_municipality(self, field):
        if field.data and field.data not in municipalities.by_number():
            raise ValidationError(_l("Velg kommunen du bor i."))


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Passord"), validators=[
        DataRequired(_l("Skriv passordet ditt.")), Length(max=200)])


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class ResendVerificationForm(FlaskForm):
    email = _email_field()


class NewPasswordForm(FlaskForm):
    password, password_confirm = _new_password_fields()


def _display_name_field():
    return StringField(_l("Visningsnavn (det innbyggerne ser)"), validators=[
        Optional(), Length(max=120, message=_l("Visningsnavnet kan ha høyst 120 tegn.")),
        NoControlCharacters()])


class StaffFieldsMixin:
    """What an admin sets for a staff member: only municipalities the admin serves are offered."""

    display_name = _display_name_field()
    municipalities = MultiCheckboxField(_l("Kommuner hen betjener"), validate_choice=False)

    def _set_staff_choices(self, admin_codes: set[str]):
        self._admin_codes = set(admin_codes)
        self.municipalities.choices = [(code, municipalities.municipality_name(code))
                                       for code in sorted(admin_codes)]

    def validate_municipalities(self, field):
        codes = set(field.data or [])
        if not codes:
            raise ValidationError(_l("Velg minst én kommune."))
        known = municipalities.by_number()
        if any(code not in known for code in codes):
            raise ValidationError(_l("Velg kommuner fra lista."))
        if not codes <= self._admin_codes:
            raise ValidationError(_l("Du kan bare gi tilgang til kommuner du selv administrerer."))


class RolesMixin:
    roles = MultiCheckboxField(_l("Roller"), validate_choice=False, validators=[
        DataRequired(_l("Velg minst én rolle."))])

    def validate_roles(self, field):
        if not set(field.data or []) <= set(dict(role_choices())):
            raise ValidationError(_l("Velg roller fra lista."))


class InviteStaffForm(RolesMixin, StaffFieldsMixin, FlaskForm):
    name = _name_field()
    email = _email_field()

    def __init__(self, *args, admin_codes: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self._set_staff_choices(admin_codes)
        self.roles.choices = role_choices()


class EditStaffForm(RolesMixin, StaffFieldsMixin, FlaskForm):
    name = _name_field()
    active = BooleanField(_l("Har tilgang (kan logge inn)"))

    def __init__(self, *args, admin_codes: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self._set_staff_choices(admin_codes)
        self.roles.choices = role_choices()


class StaffProfileForm(FlaskForm):
    """A staff member's own profile: only what does not widen anyone's access."""

    display_name = _display_name_field()


class LeaderRegistrationForm(FlaskForm):
    qualification = SelectField(_l("Kvalifikasjon"), validate_choice=False, validators=[
        DataRequired(_l("Velg kvalifikasjon."))])
    course_date = DateInput(_l("Kursdato (da opplæringen ble fullført)"), validators=[
        InputRequired(_l("Skriv datoen kurset ble fullført (dag, måned og år)."))])
    certificate_number = StringField(_l("Kursbevis- eller kursnummer"), filters=[_strip], validators=[
        DataRequired(_l("Skriv nummeret på kursbeviset eller kurset.")),
        Length(max=60, message=_l("Nummeret kan ha høyst 60 tegn.")),
        NoControlCharacters()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.qualification.choices = [("", _l("Velg kvalifikasjon"))] + qualification_choices()

    def validate_qualification(self, field):
        if field.data not in dict(qualification_choices()):
            raise ValidationError(_l("Velg kvalifikasjon fra lista."))

    def validate_course_date(self, field):
        if field.data is None:
            return
        if field.data > clock.today():
            raise ValidationError(_l("Kursdatoen kan ikke være i framtiden."))
        if field.data.year < 1990:
            raise ValidationError(_l("Sjekk årstallet i kursdatoen."))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Nåværende passord"), validators=[
        DataRequired(_l("Skriv det nåværende passordet ditt.")), Length(max=200)])
    password, password_confirm = _new_password_fields()


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Kode"), filters=[_strip], validators=[
        DataRequired(_l("Skriv koden fra appen.")), Length(max=64)])


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Passord"), validators=[
        DataRequired(_l("Skriv passordet ditt.")), Length(max=200)])


class ChangeEmailForm(FlaskForm):
    email = _email_field(_l("Ny e-postadresse"))


class AcceptTermsForm(FlaskForm):
    accept_terms = BooleanField(_l("Jeg har lest og godtar vilkårene og personvernerklæringen"),
                                validators=[DataRequired(_l("Du må godta vilkårene for å fortsette."))])
