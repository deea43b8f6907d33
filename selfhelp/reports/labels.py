"""Names shown in the reports for groups and categories (bokmål msgids, translated by Babel)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from selfhelp import dates
from selfhelp.accounts.municipalities import municipality_name
from selfhelp.content import get_catalogue
from selfhelp.courses.models import Cohort
from selfhelp.db import db
from selfhelp.i18n import current_locale, localized


def level_label(level: str) -> str:
    return {"program": _("Program"), "course": _("Kurs"), "cohort": _("Kursgruppe"),
            "leader": _("Kursleder"), "guide": _("Veileder"), "total": _("Alle")}[level]


def program_title(slug: str) -> str:
    program = get_catalogue().programs.get(slug)
    return localized(program.title) if program else slug


def course_name(code: str) -> str:
    return code


def module_title(slug: str, number: int) -> str:
    program = get_catalogue().programs.get(slug)
    module = next((m for m in program.modules if m.number == number), None) if program else None
    if module is None:
        return str(number)
    return f"{number}. {module.text(current_locale()).title}"


def cohort_labels(ids: set[int]) -> dict[int, str]:
    """One query for every cohort named in a report."""
    if not ids:
        return {}
    rows = db.execute(select(Cohort.id, Cohort.course_code, Cohort.municipality_code,
                             Cohort.first_date, Cohort.online).where(Cohort.id.in_(sorted(ids))))
    return {i: _("%(course)s %(place)s fra %(date)s (nr. %(id)d)", course=code,
                 place=_("på nett") if online else municipality_name(municipality),
                 date=dates.day_short(first), id=i)
            for i, code, municipality, first, online in rows}


def category_label(dimension: str, value: str) -> str:
    if value == "unknown":
        return _("Ikke registrert")
    if dimension == "age":
        return _("%(group)s år", group=value)
    if dimension == "municipality":
        return municipality_name(value)
    names = {
        "gender": {"female": _("Kvinne"), "male": _("Mann"), "other": _("Annet"),
                   "unspoken": _("Vil ikke oppgi")},
        "referral": {"self": _("Fant det selv"), "gp": _("Fastlegen"), "nav": _("NAV"),
                     "school": _("Skolen"), "other": _("Annet")},
        "work": {"working": _("I arbeid"), "sick_leave": _("Sykmeldt"),
                 "nav_benefits": _("Ytelse fra NAV (AAP, uføretrygd)"),
                 "student": _("Elev eller student"), "unemployed": _("Arbeidsledig"),
                 "retired": _("Pensjonist"), "other": _("Annet"), "unspoken": _("Vil ikke oppgi")},
    }
    return names.get(dimension, {}).get(value, value)


def dimension_title(dimension: str) -> str:
    return {"age": _("Aldersgruppe"), "gender": _("Kjønn"), "municipality": _("Kommune"),
            "referral": _("Hvordan de hørte om tilbudet"), "work": _("Arbeidssituasjon")}[dimension]
