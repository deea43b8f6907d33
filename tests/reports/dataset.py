"""A hand-built data set for the service reports, every figure worked out by hand.

The clock fixture stands at Monday 2 March 2026 09:00 UTC; the report period is
1 January – 1 March 2026 (Europe/Oslo, UTC+1 in winter). Everyone lives in Drammen (3301, the
admin's municipality) unless said otherwise. Rows are inserted directly (no services), so each
figure follows from what is written here and nothing else.

Depression program (guided, 8 modules), started in the period; (first → last) scores:

| who | PHQ-9        | GAD-7   | WHO-5   | check-ins sent | guide (last) | notes                              |
|-----|--------------|---------|---------|----------------|--------------|------------------------------------|
| A   | 15 → 8       | 10 → 5  | 40 → 60 | 3              | G (was G2)   | case, recovered, reliably better   |
| B   | 12 → 14 → 6  |         | 32 → 52 | 2              | G            | PHQ down exactly 6: reliable       |
| C   | 12 → 7       |         | 48 → 56 | 1              | G            | recovered, down 5: not reliable    |
| D   | 8 → 3        | 6 → 2   |         | 2              | G            | no case; GAD down exactly 4        |
| E   | 10 → 16      | 9 → 4   |         | 0              | G            | case (PHQ exactly 10); PHQ up 6    |
| F   | 20 (once)    |         |         | 2              | G2           | one measurement only               |
| G   |              |         |         | 0              | G2           | no measurement                     |
| H   | 11 → 9       | 8 (once)|         | 5              | G2           | GAD at start without an end        |

Out of scope: X (Bergen, 4601) and Y (started before the period) in the same program.

KiD cohort in Drammen, first session Monday 12 January 2026 18:00 (17:00 UTC), weekly:

| who          | state     | PHQ-9 (session-1 → session-8) | present at | applied (UTC)       |
|--------------|-----------|-------------------------------|------------|---------------------|
| P1 (= A)     | admitted  | 14 → 8 (screening 20 ignored) | 1, 2, 3    | 2 Jan 17:00         |
| P2           | admitted  | 9 → 15                        | 1, 2       | 7 Jan 17:00         |
| P3           | admitted  | 13 (once)                     | 1          | 10 Jan 17:00        |
| P4           | admitted  | 16 → 12                       | 1, 2, 3    | 13 Dec 2025 17:00   |
| P5           | admitted  | screening 18 only             | 2          | 9 Jan 17:00         |
| P6           | withdrawn | –                             | –          | 3 Jan 17:00         |
| P7 (Bergen)  | declined  | –                             | –          | 4 Jan 17:00         |
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta, timezone

from selfhelp.checkins.models import Checkin, GuideAssignment
from selfhelp.clock import OSLO
from selfhelp.courses.models import Application, Attendance
from selfhelp.measures.models import MeasureResult, RiskFlag
from selfhelp.programs.models import Enrolment, ModuleProgress
from selfhelp.reports.scope import Period
from tests import factories

UTC = timezone.utc
PERIOD_FIRST, PERIOD_LAST = date(2026, 1, 1), date(2026, 3, 1)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MODULES = ['01-forsta-depresjon', '02-aktivitet-og-humor', '03-atferdsaktivering',
           '04-tanker-og-folelser', '05-arbeide-med-tankene', '06-problemlosning',
           '07-sovn-og-dognrytme', '08-ta-vare-pa-det-du-har-lart']


def period() -> Period:
    return Period(PERIOD_FIRST, PERIOD_LAST, NOW)


def utc(y, m, d, hh=9, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def oslo(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=OSLO).astimezone(UTC)


def _result(db, resident, code, context, occasion, score, at):
    db.add(MeasureResult(resident_id=resident.id, measure_code=code, context=context,
                         occasion=occasion, answers={}, raw_score=score, score=score, severity=0,
                         is_case=None, answered_at=at))


def _scores(db, resident, code, context, scores, first_at):
    for i, score in enumerate(scores):
        occasion = "start" if i == 0 else f"week-{i}"
        _result(db, resident, code, context, occasion, score, first_at + timedelta(weeks=i))


def _checkin(db, enrolment, week, submitted, closed=None, closed_by=None, minutes=None, due=None):
    checkin = Checkin(enrolment_id=enrolment.id, resident_id=enrolment.resident_id, week=week,
                      opens_on=submitted.date(), state="closed" if closed else "submitted",
                      how_it_went="...", submitted_at=submitted,
                      feedback_due_at=due or submitted + timedelta(days=7), closed_at=closed,
                      closed_by_id=closed_by.id if closed_by else None, minutes_spent=minutes)
    db.add(checkin)
    return checkin


def build(db, personas) -> dict:
    admin, g, g2 = personas["admin"], personas["guide"], personas["other_guide"]
    leader = personas["course_leader"]
    people: dict = {}

    def resident(key, born, created=utc(2026, 1, 1), **fields):
        person = factories.make_resident(name=f"Person {key}", birth_date=born, **fields)
        person.created_at = created
        people[key] = person
        return person

    resident("A", date(1995, 6, 1), gender="female", work_status="working")
    resident("B", date(2008, 6, 1), gender="female", work_status="student", referral_source="gp")
    resident("C", date(2010, 3, 1), gender="male", work_status="student", referral_source="nav")
    resident("D", date(1959, 3, 1), gender="female", referral_source="school")
    resident("E", date(1959, 3, 2), gender="other")
    resident("F", None, gender="unspoken")
    resident("G", date(1980, 1, 1))
    resident("H", date(1990, 1, 1), gender="female")
    resident("X", date(1990, 1, 1), municipality=factories.OTHER_MUNICIPALITY)
    resident("Y", date(1990, 1, 1))
    resident("P2", date(2000, 1, 1), gender="male", referral_source="gp")
    resident("P3", date(2006, 1, 1), gender="female")
    resident("P4", date(1988, 1, 1), gender="female")
    resident("P5", date(1985, 1, 1))
    resident("P6", date(1970, 1, 1), gender="female")
    resident("P7", date(1950, 1, 1), gender="male", municipality=factories.OTHER_MUNICIPALITY)
    people["P1"] = people["A"]

    enrolments = {}
    for key in "ABCDEFGHXY":
        started = utc(2025, 12, 15) if key == "Y" else utc(2026, 1, 2)
        e = Enrolment(resident_id=people[key].id, program_slug="depression", started_at=started,
                      start_date=started.date(), state="active")
        db.add(e)
        enrolments[key] = e
    db.flush()

    # Guides: A had G2 first, then G; B–E have G; F–H and X, Y have G2.
    db.add(GuideAssignment(enrolment_id=enrolments["A"].id, resident_id=people["A"].id,
                           guide_id=g2.id, assigned_by_id=admin.id, assigned_at=utc(2026, 1, 2),
                           ended_at=utc(2026, 1, 20)))
    for key in "ABCDEFGHXY":
        guide = g if key in "ABCDE" else g2
        db.add(GuideAssignment(enrolment_id=enrolments[key].id, resident_id=people[key].id,
                               guide_id=guide.id, assigned_by_id=admin.id,
                               assigned_at=utc(2026, 1, 20) if key == "A" else utc(2026, 1, 2)))

    ctx = "program:depression"
    start = utc(2026, 1, 3)
    _scores(db, people["A"], "PHQ-9", ctx, [15, 8], start)
    _scores(db, people["A"], "GAD-7", ctx, [10, 5], start)
    _scores(db, people["A"], "WHO-5", ctx, [40, 60], start)
    _scores(db, people["B"], "PHQ-9", ctx, [12, 14, 6], start)
    _scores(db, people["B"], "WHO-5", ctx, [32, 52], start)
    _scores(db, people["C"], "PHQ-9", ctx, [12, 7], start)
    _scores(db, people["C"], "WHO-5", ctx, [48, 56], start)
    _scores(db, people["D"], "PHQ-9", ctx, [8, 3], start)
    _scores(db, people["D"], "GAD-7", ctx, [6, 2], start)
    _scores(db, people["E"], "PHQ-9", ctx, [10, 16], start)
    _scores(db, people["E"], "GAD-7", ctx, [9, 4], start)
    _scores(db, people["F"], "PHQ-9", ctx, [20], start)
    _scores(db, people["H"], "PHQ-9", ctx, [11, 9], start)
    _scores(db, people["H"], "GAD-7", ctx, [8], start)
    _scores(db, people["X"], "PHQ-9", ctx, [20, 5], start)
    _scores(db, people["Y"], "PHQ-9", ctx, [20, 5], start)
    # An answer after the period does not count: B's last score stays 6.
    _result(db, people["B"], "PHQ-9", ctx, "followup-3", 27, utc(2026, 3, 2, 8))

    # Check-ins. Working hours 08–16 Oslo = 07–15 UTC; 1 January is a public holiday.
    # Closed by G in the period (working hours from sent to answered):
    #   c1 A: Mon 5 Jan 10:00 -> 12:00                       = 2 h, 10 min
    #   c2 A: Fri 9 Jan 15:00 -> Mon 12 Jan 10:00 (1 + 2)    = 3 h, 20 min
    #   c3 A: Sat 10 Jan 12:00 -> Sun 11 Jan 20:00            = 0 h, no minutes
    #   c4 B: Tue 13 Jan 07:00 -> Wed 14 Jan 18:00 (8 + 8)   = 16 h, 30 min, after its deadline
    #   c5 C: Wed 31 Dec 14:00 -> Fri 2 Jan 10:00 (2 + 0 + 2) = 4 h, 15 min (sent before the period)
    # -> G: 5 answered, hours 0, 2, 3, 4, 16: median 3, p90 (rank ceil(4.5) = 5) 16;
    #    minutes 10 + 20 + 30 + 15 = 75 over 4 = 18.75; 1 late.
    # Closed by G2 in the period: c6 D: Mon 2 Feb 09:00 -> 09:30 = 0.5 h, 5 min.
    # -> all: 0, 0.5, 2, 3, 4, 16: median (2 + 3) / 2 = 2.5, p90 (rank ceil(5.4) = 6) 16.
    ea, eb, ec, ed = (enrolments[k] for k in "ABCD")
    _checkin(db, ea, 1, oslo(2026, 1, 5, 10), oslo(2026, 1, 5, 12), g, 10)
    _checkin(db, ea, 2, oslo(2026, 1, 9, 15), oslo(2026, 1, 12, 10), g, 20)
    _checkin(db, ea, 3, oslo(2026, 1, 10, 12), oslo(2026, 1, 11, 20), g, None)
    _checkin(db, eb, 1, oslo(2026, 1, 13, 7), oslo(2026, 1, 14, 18), g, 30,
             due=oslo(2026, 1, 14, 16))
    _checkin(db, ec, 1, oslo(2025, 12, 31, 14), oslo(2026, 1, 2, 10), g, 15)
    _checkin(db, ed, 1, oslo(2026, 2, 2, 9), oslo(2026, 2, 2, 9, 30), g2, 5)
    # Waiting now: B's is past its deadline (overdue for G), D's is not yet due.
    _checkin(db, eb, 2, utc(2026, 2, 24), due=utc(2026, 2, 27, 15))
    _checkin(db, ed, 2, utc(2026, 2, 27), due=utc(2026, 3, 3, 15))
    # F and H: answered after the period ends (count for "finished", not for the workload).
    for week in (1, 2):
        _checkin(db, enrolments["F"], week, utc(2026, 2, 18 + week), utc(2026, 3, 2, 8), g2, 5)
    for week in range(1, 6):
        _checkin(db, enrolments["H"], week, utc(2026, 1, 20 + week), utc(2026, 3, 2, 8), g2, 5)

    # Modules: A did all 8; B opened 1–3, did 1–2, last active 1 Feb (stopped at 3);
    # C opened 1, active 25 Feb (still going); D opened 1–2, did 1, never active since (stopped
    # at 2). E–H opened nothing.
    # Sign-up (1 Jan 09:00 UTC) to first module: A 2 days, B 5, C 1.5, D 10.
    def modules(e, opened, done, first_open):
        for i in range(opened):
            db.add(ModuleProgress(enrolment_id=e.id, module_slug=MODULES[i],
                                  opened_at=first_open + timedelta(days=i),
                                  completed_at=first_open + timedelta(days=i, hours=1) if i < done else None))

    modules(ea, 8, 8, utc(2026, 1, 3))
    modules(eb, 3, 2, utc(2026, 1, 6))
    modules(ec, 1, 0, utc(2026, 1, 2, 21))
    modules(ed, 2, 1, utc(2026, 1, 11))
    ea.last_activity_at = utc(2026, 2, 20)
    eb.last_activity_at = utc(2026, 2, 1)
    ec.last_activity_at = utc(2026, 2, 25)

    # Risk flags: A on 10 Jan (G2 was A's guide then), acknowledged after 3 h; A on 1 Feb (G),
    # after 1 h; B on 10 Feb (G), still open; C on 20 Dec 2025 (outside the period).
    db.add_all([
        RiskFlag(resident_id=people["A"].id, reason="self_harm_item", score=15, item_value=1,
                 raised_at=utc(2026, 1, 10, 10), state="acknowledged",
                 acknowledged_at=utc(2026, 1, 10, 13), acknowledged_by_id=g2.id, action_note="x"),
        RiskFlag(resident_id=people["A"].id, reason="self_harm_item", score=12, item_value=1,
                 raised_at=utc(2026, 2, 1, 10), state="acknowledged",
                 acknowledged_at=utc(2026, 2, 1, 11), acknowledged_by_id=g.id, action_note="x"),
        RiskFlag(resident_id=people["B"].id, reason="reliable_deterioration", score=14,
                 raised_at=utc(2026, 2, 10, 10), state="open"),
        RiskFlag(resident_id=people["C"].id, reason="self_harm_item", score=12, item_value=2,
                 raised_at=utc(2025, 12, 20, 10), state="open"),
    ])

    # The KiD cohort (its schedule made by the course services: 10 sessions from 12 Jan).
    cohort = factories.make_cohort(leaders=[leader], course="KiD", first_date=date(2026, 1, 12),
                                   application_deadline=date(2026, 1, 5))
    bergen_leader = factories.make_staff(roles=["course_leader"], qualifications=["kid_leader"],
                                         municipalities=[factories.OTHER_MUNICIPALITY])
    other = factories.make_cohort(leaders=[bergen_leader], course="KiD",
                                  first_date=date(2026, 1, 12),
                                  municipality=factories.OTHER_MUNICIPALITY)
    sessions = {s.number: s for s in cohort.sessions}
    applications = {}
    for key, state, applied in (("P1", "admitted", utc(2026, 1, 2, 17)),
                                ("P2", "admitted", utc(2026, 1, 7, 17)),
                                ("P3", "admitted", utc(2026, 1, 10, 17)),
                                ("P4", "admitted", utc(2025, 12, 13, 17)),
                                ("P5", "admitted", utc(2026, 1, 9, 17)),
                                ("P6", "withdrawn", utc(2026, 1, 3, 17)),
                                ("P7", "declined", utc(2026, 1, 4, 17))):
        application = Application(cohort_id=cohort.id, resident_id=people[key].id, state=state,
                                  applied_at=applied, calendar_token=secrets.token_hex(12))
        db.add(application)
        applications[key] = application
    # Someone in the Bergen cohort: outside the Drammen admin's reports.
    db.add(Application(cohort_id=other.id, resident_id=people["X"].id, state="admitted",
                       applied_at=utc(2026, 1, 2), calendar_token=secrets.token_hex(12)))
    db.flush()
    marks = {"P1": {1: "present", 2: "present", 3: "present"},
             "P2": {1: "present", 2: "present", 3: "absent"},
             "P3": {1: "present", 2: "notified", 3: "absent"},
             "P4": {1: "present", 2: "present", 3: "present"},
             "P5": {1: "absent", 2: "present"}}
    for key, by_session in marks.items():
        for number, status in by_session.items():
            db.add(Attendance(session_id=sessions[number].id, application_id=applications[key].id,
                              status=status, recorded_by_id=leader.id, recorded_at=utc(2026, 1, 20)))
    c = f"cohort:{cohort.id}"
    # The session-8 answers are given early (23 Feb) so they fall inside the period.
    s1, s8 = sessions[1].starts_at, utc(2026, 2, 23, 17)
    _result(db, people["P1"], "PHQ-9", c, "screening", 20, utc(2026, 1, 2, 17))
    _result(db, people["P1"], "PHQ-9", c, "session-1", 14, s1)
    _result(db, people["P1"], "PHQ-9", c, "session-8", 8, s8)
    _result(db, people["P2"], "PHQ-9", c, "session-1", 9, s1)
    _result(db, people["P2"], "PHQ-9", c, "session-8", 15, s8)
    _result(db, people["P3"], "PHQ-9", c, "session-1", 13, s1)
    _result(db, people["P4"], "PHQ-9", c, "session-1", 16, s1)
    _result(db, people["P4"], "PHQ-9", c, "session-8", 12, s8)
    _result(db, people["P5"], "PHQ-9", c, "screening", 18, utc(2026, 1, 9, 17))
    db.commit()
    return {"people": people, "enrolments": enrolments, "cohort": cohort, "other_cohort": other,
            "sessions": sessions}
