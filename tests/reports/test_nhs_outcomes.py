"""NHS Talking Therapies denominators, WHO-5 reliable change (Jacobson–Truax), rows per course
leader and follow-up at 12 months, against hand-computed data.

On top of tests/reports/dataset.py (see the tables there), a KiB cohort led by Kari KiB, first
session Monday 19 January 2026, WHO-5 at the first and last session:

| who | WHO-5 first → last | present at | finished | notes                                  |
|-----|--------------------|------------|----------|----------------------------------------|
| Q1  | 28 → 60 (+32)      | 1, 2, 3    | yes      | under 52 at start, reliably better      |
| Q2  | 40 → 64 (+24)      | 1, 2       | yes      | under 52, reliably better (24 ≥ 21.5)   |
| Q3  | 44 → 64 (+20)      | 1, 2       | yes      | under 52, +20 is not reliable           |
| Q4  | 60 → 84 (+24)      | 1, 2       | yes      | not under 52 at start, reliably better  |
| Q5  | 48 → 24 (−24)      | 1, 2, 3    | yes      | under 52, reliably worse                |
| Q6  | 20 → 48 (+28)      | 1          | no       | reliably better, but did not finish     |
| Q7  | 36 (once)          | 1, 2       | yes      | one measurement only                    |

WHO-5 threshold: 1.96 × √2 × 20 × √(1 − 0.85) = 21.47 points.
"""
from datetime import date, datetime, timedelta, timezone

import pytest

from selfhelp.courses.models import Application, Attendance
from selfhelp.programs.models import Enrolment
from selfhelp.reports import outcomes
from selfhelp.reports.scope import Period, Scope
from tests import factories
from tests.reports import dataset
from tests.reports.dataset import _result, utc

PERIOD = "start=2026-01-01&end=2026-03-01&scope=admin"
NHS = ("nhs_cases", "nhs_recovered", "nhs_improved", "nhs_reliably_recovered")
WHO = ("who_paired", "who_improved", "who_deteriorated", "who_cases", "who_cases_improved")
KIB = {"Q1": (28, 60, 3), "Q2": (40, 64, 2), "Q3": (44, 64, 2), "Q4": (60, 84, 2),
       "Q5": (48, 24, 3), "Q6": (20, 48, 1), "Q7": (36, None, 2)}


@pytest.fixture
def data(db, personas, clock):
    built = dataset.build(db, personas)
    kari = factories.make_staff(roles=["course_leader"], qualifications=["kid_leader", "kib_leader"],
                                name="Kari KiB")
    cohort = factories.make_cohort(leaders=[kari], course="KiB", first_date=date(2026, 1, 19),
                                   application_deadline=date(2026, 1, 12))
    sessions = {s.number: s for s in cohort.sessions}
    context = f"cohort:{cohort.id}"
    for key, (first, last, present) in KIB.items():
        person = factories.make_resident(name=f"Person {key}")
        application = Application(cohort_id=cohort.id, resident_id=person.id, state="admitted",
                                  applied_at=utc(2026, 1, 5), calendar_token=f"kib-{key}")
        db.add(application)
        db.flush()
        for number in range(1, present + 1):
            db.add(Attendance(session_id=sessions[number].id, application_id=application.id,
                              status="present", recorded_by_id=kari.id,
                              recorded_at=utc(2026, 2, 10)))
        _result(db, person, "WHO-5", context, "session-1", first, sessions[1].starts_at)
        if last is not None:
            _result(db, person, "WHO-5", context, "session-8", last, utc(2026, 2, 23, 17))
    db.commit()
    return {**built, "kari": kari, "kib": cohort}


def _rows(personas, period=None):
    scope = Scope.for_user(personas["admin"], "admin")
    return {(r["level"], r["grp"]): r for r in outcomes.outcome_rows(scope, period or dataset.period())}


def _pick(row, keys):
    return tuple(row[k] for k in keys)


def test_recovery_and_improvement_count_only_people_who_finished_and_were_a_case(app, data, personas):
    rows = _rows(personas)
    # Depression: cases with a first and last score A B C E H; of them finished (2+ check-ins)
    # A (3), B (2), H (5) -> 3. Recovered A B = 2 (H's GAD-7 has no last score); reliably
    # improved A B = 2; reliably recovered A B = 2. Today's figures stay: 3 of 5 and 3 of 6.
    depression = rows[("program", "depression")]
    assert _pick(depression, NHS) == (3, 2, 2, 2)
    assert (depression["recovered"], depression["case_paired"]) == (3, 5)
    assert (depression["improved"], depression["paired_pg"]) == (3, 6)
    # KiD: paired cases P1 (14) and P4 (16), both finished (3 sessions) -> 2; P1 recovered and
    # reliably improved (−6); P4 16 → 12 neither.
    assert _pick(rows[("course", "KiD")], NHS) == (2, 1, 1, 1)
    # Guide G (A–E): A and B -> 2, 2, 2, 2; G2 (F–H): H only -> 1, 0, 0, 0.
    assert _pick(rows[("guide", str(personas["guide"].id))], NHS) == (2, 2, 2, 2)
    assert _pick(rows[("guide", str(personas["other_guide"].id))], NHS) == (1, 0, 0, 0)
    # KiB has no PHQ-9 or GAD-7: nobody in the NHS TT denominator. All: 3 + 2.
    assert _pick(rows[("course", "KiB")], NHS) == (0, 0, 0, 0)
    assert _pick(rows[("total", "all")], NHS) == (5, 3, 3, 3)


def test_kib_gets_reliable_change_on_who5(app, data, personas):
    rows = _rows(personas)
    # Paired Q1–Q6 = 6; reliably better Q1 Q2 Q4 Q6 = 4 (Q3 +20 is under 21.47); worse Q5 = 1;
    # finished, paired and under 52 at the start: Q1 Q2 Q3 Q5 = 4 (Q4 60, Q6 did not finish);
    # reliably better among them Q1 Q2 = 2.
    assert _pick(rows[("course", "KiB")], WHO) == (6, 4, 1, 4, 2)
    assert _pick(rows[("cohort", str(data["kib"].id))], WHO) == (6, 4, 1, 4, 2)
    # Depression: A +20, B +20, C +8: none reliable; A and B finished and started under 52.
    assert _pick(rows[("program", "depression")], WHO) == (3, 0, 0, 2, 0)
    assert _pick(rows[("total", "all")], WHO) == (9, 4, 1, 6, 2)


def test_rows_per_course_leader(app, data, personas):
    rows = _rows(personas)
    kari = rows[("leader", str(data["kari"].id))]
    assert (kari["started"], kari["finished"]) == (7, 6)  # Q6 came once
    assert _pick(kari, WHO) == (6, 4, 1, 4, 2)
    kurt = rows[("leader", str(personas["course_leader"].id))]
    # The Drammen KiD cohort (dataset.py): started 5, finished 3, 2 cases, 1 recovered.
    assert (kurt["started"], kurt["finished"], kurt["case_paired"], kurt["recovered"]) == (5, 3, 2, 1)
    assert ("leader", str(data["other_cohort"].leaders[0].leader_id)) not in rows  # Bergen


def test_the_page_explains_both_denominators_and_the_who5_threshold(app, data, as_persona):
    html = as_persona("admin").get(f"/reports/outcomes?{PERIOD}").get_data(as_text=True)
    assert "Tilfriskning (NHS TT)" in html and "Pålitelig bedring (NHS TT)" in html
    assert "bare de som fullførte (minst 2 sjekk-inn eller samlinger)" in html
    assert "Pålitelig endring i trivsel (WHO-5)" in html
    assert "SD = 20 og reliabilitet r = 0,85" in html and "21,5 poeng" in html
    assert "Cronbachs alfa" in html
    assert "Kari KiB" in html and "Kursleder" in html
    csv = as_persona("admin").get(f"/reports/outcomes?{PERIOD}&format=csv&table=who5")
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    # 6 paired (shown); the shares rest on fewer than five people.
    assert "Kurs;KiB;6;<5;<5;<5;<5" in lines
    assert "Kursleder;Kari KiB;6;<5;<5;<5;<5" in lines
    assert not [line for line in lines if line.startswith("Kurs;KiD;")]  # KiD measures no WHO-5


# ------------------------------------------------------------------ follow-up at 12 months

def test_follow_up_at_three_and_twelve_months(app, db, personas, clock):
    """Depression (follow-ups at 3, 6 and 12 months), started 6 January 2025, ended 3 March 2025;
    period 1 January 2025 – 1 March 2026:

    | who | PHQ-9 start → end | GAD-7       | follow-up                 |
    |-----|-------------------|-------------|---------------------------|
    | F1  | 15 → 8            | 10 → 5      | 12 months: PHQ 7, GAD 4   |
    | F2  | 12 → 9            |             | 12 months: PHQ 14         |
    | F3  | 8 → 5             |             | 12 months: PHQ 2          |
    | F4  | 16 → 10           |             | 3 months: PHQ 9           |
    """
    ctx = "program:depression"
    start, end = utc(2025, 1, 7), utc(2025, 3, 3)
    people = {}
    for key in ("F1", "F2", "F3", "F4"):
        person = people[key] = factories.make_resident(name=f"Person {key}")
        db.add(Enrolment(resident_id=person.id, program_slug="depression",
                         started_at=utc(2025, 1, 6), start_date=date(2025, 1, 6), state="finished",
                         finished_at=end))
    db.flush()
    for key, code, first, last, fu, months in (
            ("F1", "PHQ-9", 15, 8, 7, 12), ("F1", "GAD-7", 10, 5, 4, 12),
            ("F2", "PHQ-9", 12, 9, 14, 12), ("F3", "PHQ-9", 8, 5, 2, 12),
            ("F4", "PHQ-9", 16, 10, 9, 3)):
        _result(db, people[key], code, ctx, "start", first, start)
        _result(db, people[key], code, ctx, "end", last, end)
        _result(db, people[key], code, ctx, f"followup-{months}", fu,
                end + timedelta(days=30 * months) if months == 3 else utc(2026, 2, 27))
    db.commit()
    assert outcomes.followup_months() == (3, 6, 12)
    period = Period(date(2025, 1, 1), date(2026, 3, 1), datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    row = _rows(personas, period)[("program", "depression")]
    # 12 months: answered F1 F2 F3 = 3; cases among them F1 (15) F2 (12) = 2; recovered F1
    # (7, 4) = 1 (F2 ends at 14); reliably improved F1 (−8, −6) = 1 (F2 +2).
    assert _pick(row, ("fu12_answered", "fu12_cases", "fu12_recovered", "fu12_improved")) == (3, 2, 1, 1)
    # 3 months: F4 answered, a case (16), 9 is under 10, −7 is reliable.
    assert _pick(row, ("fu3_answered", "fu3_cases", "fu3_recovered", "fu3_improved")) == (1, 1, 1, 1)
    assert _pick(row, ("fu6_answered", "fu6_cases")) == (0, 0)
    # The follow-up is not the end of the help: the change uses the end score (F2 −3, not +2):
    # F1 −7, F2 −3, F3 −3, F4 −6.
    assert (row["n_phq"], row["s_phq"]) == (4, -19.0)
    assert (row["recovered"], row["case_paired"]) == (2, 3)  # F1 (8, 5) and F2 (9); F4 ends at 10
    with app.test_request_context():
        from selfhelp.reports.services import outcome_tables

        tables = {t.key: t for t in outcome_tables(Scope.for_user(personas["admin"], "admin"), period)}
    assert "Svarte etter 12 mnd." in tables["followup"].columns


def test_applying_again_after_withdrawing_is_one_episode(app, data, personas, db):
    """P2 (KiD, present at 1 and 2) withdraws and applies again, and is admitted and present at
    session 3 under the new application: still one person who started, finished with 3."""
    from sqlalchemy import select

    cohort = data["cohort"]
    old = db.scalar(select(Application).where(Application.cohort_id == cohort.id,
                                              Application.resident_id == data["people"]["P2"].id))
    old.state = "withdrawn"
    again = Application(cohort_id=cohort.id, resident_id=old.resident_id, state="admitted",
                        applied_at=utc(2026, 1, 20), calendar_token="again-p2")
    db.add(again)
    db.flush()
    db.add(Attendance(session_id=data["sessions"][3].id, application_id=again.id,
                      status="present", recorded_by_id=personas["course_leader"].id,
                      recorded_at=utc(2026, 1, 27)))
    db.commit()
    row = _rows(personas)[("course", "KiD")]
    # As in dataset.py (started 5, finished 3, paired 3, deteriorated P2 1): not doubled.
    assert (row["started"], row["finished"], row["paired"], row["deteriorated"]) == (5, 3, 3, 1)
