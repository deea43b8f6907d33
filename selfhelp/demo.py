"""Demo data: one municipality with a person in every role. Logins are listed in the README."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from selfhelp.accounts.models import LeaderRegistration, StaffMunicipality, User, UserRole
from selfhelp.checkins import services as checkins
from selfhelp.clock import local, years_before
from selfhelp.content import get_catalogue
from selfhelp.courses.models import Cohort
from selfhelp.courses.services.cohorts import CohortPlan, create_cohort, publish
from selfhelp.db import db
from selfhelp.measures.definitions import get_measure
from selfhelp.measures.services import record_result
from selfhelp.programs import services as programs
from selfhelp.reports.demo import load_report_demo
from selfhelp.security import hash_password

DEMO_MUNICIPALITY = "3301"  # Drammen
DEMO_PASSWORD = "demo-passord"
#: Every demo staff member's authenticator secret (base32). Never use it outside the demo:
#: `selfhelp demo-totp` prints the current code, or add it to an authenticator app.
DEMO_TOTP_SECRET = "SELFHELPDEMOTOTPSELFHELPDEMOTOTP"


def _years_before(day: date, years: int, days_more: int = 0) -> date:
    return years_before(day, years) - timedelta(days=days_more)


def demo_people(today: date) -> list[dict]:
    return [
        dict(email="innbygger@demo.no", name="Kari Nordmann", roles=["resident"],
             birth_date=date(1988, 3, 14), referral_source="self"),
        dict(email="ungdom@demo.no", name="Jonas Berg", roles=["resident"],
             birth_date=_years_before(today, 15, 120), referral_source="school"),
        dict(email="deltaker@demo.no", name="Lars Larsen", roles=["resident"],
             birth_date=date(1979, 9, 2), referral_source="gp"),
        dict(email="veileder@demo.no", name="Ingrid Hansen", display_name="Ingrid",
             roles=["guide"]),
        dict(email="kursleder@demo.no", name="Ola Johansen", display_name="Ola",
             roles=["course_leader"],
             # The leader register: (qualification, course date, certificate number), recorded by
             # the demo admin.
             register=[("kid_leader", date(2021, 3, 12), "KID-2021-0412"),
                       ("kib_leader", date(2022, 9, 23), "KIB-2022-0117"),
                       ("du_leader", date(2023, 2, 3), "DU-2023-0031")]),
        dict(email="kursleder2@demo.no", name="Amina Rahimi", display_name="Amina",
             roles=["course_leader", "guide"],
             register=[("kid_leader", date(2022, 5, 20), "KID-2022-0688"),
                       ("du_leader", date(2023, 2, 3), "DU-2023-0032")]),
        dict(email="admin@demo.no", name="Per Olsen", roles=["admin"]),
    ]


def _next_weekday(day: date, weekday: int) -> date:
    from datetime import timedelta

    return day + timedelta(days=(weekday - day.weekday()) % 7)


def load_demo_cohorts(now: datetime) -> int:
    """Three published cohorts led by the demo course leaders, unless there are cohorts already."""
    if db.scalar(select(Cohort.id).limit(1)) is not None:
        return 0
    ola = db.scalar(select(User).where(User.email == "kursleder@demo.no"))
    amina = db.scalar(select(User).where(User.email == "kursleder2@demo.no"))
    today = local(now).date()
    plans = [
        CohortPlan("KiD", [ola.id], DEMO_MUNICIPALITY, _next_weekday(today + timedelta(weeks=3), 1),
                   time(18, 0), 10, today + timedelta(weeks=2), place="Drammen bibliotek, Grønland 32",
                   room="Kursrom 2"),
        CohortPlan("DU", [ola.id, amina.id], DEMO_MUNICIPALITY, _next_weekday(today + timedelta(weeks=4), 3),
                   time(16, 30), 8, today + timedelta(weeks=3), place="Drammen helsestasjon for ungdom"),
        CohortPlan("KiB", [ola.id], DEMO_MUNICIPALITY, _next_weekday(today + timedelta(weeks=5), 2),
                   time(19, 0), 12, today + timedelta(weeks=4), online=True,
                   video_link="https://video.example.no/kib-demo", open_to_other_municipalities=True,
                   auto_admit=True),
    ]
    courses = get_catalogue().courses
    for plan in plans:
        cohort = create_cohort(ola, plan, courses[plan.course_code], now, today)
        publish(ola, cohort, now)
    db.flush()
    return len(plans)


#: Display names earlier demo databases gave their staff.
OLD_DEMO_NAMES = frozenset({"Ingrid (veileder)", "Ola (kursleder)", "Amina (kursleder)"})


def load_demo(now: datetime) -> list[User]:
    """Create the demo people if they are missing; safe to run again."""
    created = []
    pw = hash_password(DEMO_PASSWORD)
    for person in demo_people(now.date()):
        existing = db.scalar(select(User).where(User.email == person["email"]))
        if existing is not None:
            if existing.is_staff and existing.totp_secret is None:
                # Demo databases made before two-factor login: give them the documented secret.
                existing.totp_secret, existing.totp_enabled_at = DEMO_TOTP_SECRET, now
            if existing.display_name in OLD_DEMO_NAMES:
                # Earlier demo names had the role inside ("Ingrid (veileder)"), and pages that
                # add the role showed it twice.
                existing.display_name = person.get("display_name")
            continue
        user = User(email=person["email"], name=person["name"],
                    display_name=person.get("display_name"), password_hash=pw,
                    birth_date=person.get("birth_date"), referral_source=person.get("referral_source"),
                    municipality_code=DEMO_MUNICIPALITY if "resident" in person["roles"] else None,
                    email_verified_at=now, created_at=now, locale="nb",
                    terms_version=current_app.config["TERMS_VERSION"], terms_accepted_at=now)
        user.roles = [UserRole(role=r) for r in person["roles"]]
        if "resident" not in person["roles"]:
            user.municipalities_served = [StaffMunicipality(municipality_code=DEMO_MUNICIPALITY)]
            user.totp_secret = DEMO_TOTP_SECRET
            user.totp_enabled_at = now
        db.add(user)
        created.append(user)
    db.flush()
    _register_demo_leaders(now)
    load_demo_cohorts(now)
    if any(u.email == "deltaker@demo.no" for u in created):
        load_demo_guidance(now)
    if any(u.email == "veileder@demo.no" for u in created):
        load_report_demo(now, DEMO_MUNICIPALITY)
    return created


def _register_demo_leaders(now: datetime) -> None:
    """The demo admin has recorded the demo course leaders' trainings in the leader register."""
    admin = db.scalar(select(User).where(User.email == "admin@demo.no"))
    for person in demo_people(now.date()):
        user = db.scalar(select(User).where(User.email == person["email"]))
        for qualification, course_date, number in person.get("register", []):
            if qualification in user.qualification_names:
                continue
            user.leader_registrations.append(LeaderRegistration(
                qualification=qualification, course_date=course_date, certificate_number=number,
                recorded_by_id=admin.id if admin else None, recorded_at=now))
    db.flush()


def load_demo_guidance(now: datetime) -> None:
    """Lars started the depression program a week ago, has Ingrid as guide and has checked in."""
    from datetime import timedelta

    from werkzeug.datastructures import MultiDict


    lars = db.scalar(select(User).where(User.email == "deltaker@demo.no"))
    ingrid = db.scalar(select(User).where(User.email == "veileder@demo.no"))
    admin = db.scalar(select(User).where(User.email == "admin@demo.no"))
    program = get_catalogue().programs["depression"]
    started = now - timedelta(weeks=1, hours=2)
    enrolment = programs.start_program(lars, program, started)
    first = program.modules[0]
    programs.save_worksheet(enrolment, program, first, first.text("nb").exercise("goals"), MultiDict({
        "f-general_goal": "Få tilbake lysten til å gjøre ting sammen med familien.",
        "f-specific_goals-0-goal": "Gå tur med hunden hver morgen",
        "f-specific_goals-0-first_step": "Legge fram joggeskoene kvelden før"}), started)
    programs.complete_module(enrolment, program, first, started)
    for code, values in (("PHQ-9", [2, 2, 1, 2, 1, 1, 1, 0, 0]), ("GAD-7", [1, 1, 1, 0, 1, 1, 0]),
                         ("WHO-5", [2, 2, 1, 2, 2])):
        record_result(lars, get_measure(code), "program:depression", "start",
                      {f"q{i}": str(v) for i, v in enumerate(values, start=1)}, started)
    checkins.assign_guide(admin, enrolment, ingrid, started)
    checkins.add_snippet(ingrid, "Takk for sjekk-inn",
                         "Hei {fornavn}! Takk for at du sendte sjekk-inn denne uka.", now,
                         shared_in=DEMO_MUNICIPALITY)
    checkins.add_snippet(ingrid, "Neste modul",
                         "Neste uke åpner en ny modul. Ta gjerne med deg det du lærte i «{modul}».", now,
                         shared_in=DEMO_MUNICIPALITY)
    checkin = checkins.current_checkin(enrolment, local(now).date())
    if checkin is not None:
        checkins.submit_checkin(lars, checkin, "Har gått tur tre dager. Kveldene er tunge, "
                                "men jeg har ringt broren min.", now - timedelta(hours=1))
    db.flush()
