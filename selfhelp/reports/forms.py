"""The period and scope filter shared by every report (a GET form: no CSRF, bookmarkable)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from selfhelp.forms import DateInput
from selfhelp.reports.scope import REPORT_ROLES

#: Longest period a report covers (the working-day table and the page stay small).
MAX_DAYS = 5 * 366
#: Dates a report can cover at all (keeps date arithmetic far from year 1 and year 9999).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def scope_choices(user) -> list[tuple[str, str]]:
    names = {"admin": _l("Kommunen (alle innbyggere, kurs og veiledere)"),
             "course_leader": _l("Kursene jeg leder"),
             "guide": _l("Mine innbyggere (veiledning)")}
    return [(role, names[role]) for role in REPORT_ROLES if user.has_role(role)]


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateInput(_l("Fra dato"), validators=[InputRequired(_l("Skriv en fra-dato."))],
                      years=(EARLIEST.year, LATEST.year))
    end = DateInput(_l("Til dato"), validators=[InputRequired(_l("Skriv en til-dato."))],
                    years=(EARLIEST.year, LATEST.year))
    scope = SelectField(_l("Utvalg"))

    def __init__(self, user, today: date, formdata=None):
        """Without ``formdata`` (no filter in the address): the last 12 months, widest scope."""
        super().__init__(formdata)
        self.scope.choices = scope_choices(user)
        if not self.scope.data or self.scope.data == "None":
            self.scope.data = self.scope.choices[0][0] if self.scope.choices else None
        if formdata is None:
            self.start.data, self.end.data = today - timedelta(days=365), today

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in (self.start, self.end) if ok else ():
            if not EARLIEST <= field.data <= LATEST:
                field.errors.append(_l("Velg en dato mellom år 2000 og 2100."))
                ok = False
        if ok and self.start.data > self.end.data:
            self.end.errors.append(_l("Til-datoen må være samme dag som fra-datoen eller senere."))
            ok = False
        if ok and (self.end.data - self.start.data).days > MAX_DAYS:
            self.start.errors.append(_l("Velg en periode på høyst fem år."))
            ok = False
        return ok
