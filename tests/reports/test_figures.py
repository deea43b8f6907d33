"""Every figure of the reports checked against the hand-built data set (tests/reports/dataset.py).

These tests read the raw aggregates (before the <5 rule); test_pages.py checks what the page and
the CSV show.
"""
import pytest

from selfhelp.reports import engagement, outcomes, reach, workload
from selfhelp.reports.scope import Scope
from selfhelp.reports.stats import mean_ci
from tests.reports import dataset


@pytest.fixture
def data(db, personas, clock):
    return dataset.build(db, personas)


def _admin(personas):
    return Scope.for_user(personas["admin"], "admin")


def _rows(scope):
    return {(r["level"], r["grp"]): r for r in outcomes.outcome_rows(scope, dataset.period())}


PEOPLE = ("started", "finished", "measured", "paired", "paired_pg", "case_paired", "recovered",
          "improved", "reliably_recovered", "deteriorated")


def _people(row):
    return tuple(row[k] for k in PEOPLE)


def test_outcomes_per_program(app, data, personas):
    row = _rows(_admin(personas))[("program", "depression")]
    # started A–H = 8 (X lives in Bergen, Y started before the period)
    # finished (2+ check-ins sent): A 3, B 2, D 2, F 2, H 5 = 5
    # measured: all but G = 7; paired (2+ on some measure): A B C D E H = 6, so F (one PHQ-9
    #   only) is the 1 "only one measurement" and G the 1 "no measurement"
    # paired on PHQ-9/GAD-7: the same 6; cases among them: A 15, B 12, C 12, E 10 (exactly the
    #   cut-off), H 11 = 5 (D: 8 and 6 is no case)
    # recovered: A (8, 5), B (6), C (7) = 3; E ends at 16; H's GAD-7 has no last score
    # reliable improvement: A (−7, −5), B (−6, exactly), D (GAD −4, exactly) = 3; C −5 is not
    #   reliable; E improved on GAD-7 (−5) but is reliably worse on PHQ-9 (+6)
    # reliable recovery: recovered and improved: A, B = 2; reliable deterioration: E = 1
    assert _people(row) == (8, 5, 7, 6, 6, 5, 3, 3, 2, 1)


def test_mean_change_with_confidence_intervals(app, data, personas):
    row = _rows(_admin(personas))[("program", "depression")]
    # PHQ-9 changes: A −7, B −6, C −5, D −5, E +6, H −2 -> n 6, Σ −19, Σx² 175
    assert (row["n_phq"], row["s_phq"], row["ss_phq"]) == (6, -19.0, 175.0)
    # mean −19/6 = −3.1667; variance (175 − 361/6)/5 = 22.9667; se = √(22.9667/6) = 1.9565;
    # t(0.975, 5) = 2.571 -> ± 5.0301: −8.197 to 1.863
    ci = mean_ci(row["n_phq"], row["s_phq"], row["ss_phq"])
    assert ci.mean == pytest.approx(-3.1667, abs=1e-4)
    assert (ci.low, ci.high) == (pytest.approx(-8.197, abs=1e-3), pytest.approx(1.863, abs=1e-3))
    # GAD-7: A −5, D −4, E −5 -> mean −4.667; variance (66 − 196/3)/2 = 1/3; se = 1/3;
    # t(2) = 4.303 -> ± 1.4343: −6.101 to −3.232
    ci = mean_ci(row["n_gad"], row["s_gad"], row["ss_gad"])
    assert (ci.n, ci.mean) == (3, pytest.approx(-4.6667, abs=1e-4))
    assert (ci.low, ci.high) == (pytest.approx(-6.101, abs=1e-3), pytest.approx(-3.232, abs=1e-3))
    # WHO-5: A +20, B +20, C +8 -> mean 16; variance (864 − 2304/3)/2 = 48; se 4; ± 17.212
    ci = mean_ci(row["n_who"], row["s_who"], row["ss_who"])
    assert (ci.n, ci.mean) == (3, 16.0)
    assert (ci.low, ci.high) == (pytest.approx(-1.212, abs=1e-3), pytest.approx(33.212, abs=1e-3))


def test_outcomes_per_course_cohort_guide_and_total(app, data, personas):
    rows = _rows(_admin(personas))
    cohort = data["cohort"]
    # KiD: started P1–P5 (P6 withdrew without attending, P7 was declined) = 5;
    # finished (2+ sessions): P1 3, P2 2, P4 3 = 3; measured P1–P4 = 4 (P5's screening answer is
    # not a course measure); paired P1 P2 P4 = 3; one measurement: P3; none: P5.
    # cases: P1 14 (screening 20 ignored), P4 16 = 2; recovered P1 (8) = 1; improved P1 (−6,
    # exactly) = 1; reliably recovered P1 = 1; deteriorated P2 (+6, exactly) = 1.
    assert _people(rows[("course", "KiD")]) == (5, 3, 4, 3, 3, 2, 1, 1, 1, 1)
    assert _people(rows[("cohort", str(cohort.id))]) == (5, 3, 4, 3, 3, 2, 1, 1, 1, 1)
    assert ("cohort", str(data["other_cohort"].id)) not in rows  # Bergen's cohort
    # PHQ-9 in the course: −6, +6, −4 -> n 3, Σ −4
    assert (rows[("course", "KiD")]["n_phq"], rows[("course", "KiD")]["s_phq"]) == (3, -4.0)
    # Guide G (the last guide of A–E): started 5, finished A B D = 3, measured 5, paired 5,
    # cases A B C E = 4, recovered A B C = 3, improved A B D = 3, reliably recovered A B = 2,
    # deteriorated E = 1. G2 (F G H): 3 started, F H finished, F H measured, H paired and a case.
    assert _people(rows[("guide", str(personas["guide"].id))]) == (5, 3, 5, 5, 5, 4, 3, 3, 2, 1)
    assert _people(rows[("guide", str(personas["other_guide"].id))]) == (3, 2, 2, 1, 1, 1, 0, 0, 0, 0)
    # All together: program + course.
    assert _people(rows[("total", "all")]) == (13, 8, 11, 9, 9, 7, 4, 4, 3, 2)


def test_a_guide_sees_only_the_residents_they_guide(app, data, personas):
    rows = _rows(Scope.for_user(personas["guide"], "guide"))
    assert set(rows) == {("program", "depression"), ("guide", str(personas["guide"].id)),
                         ("total", "all")}
    assert rows[("program", "depression")]["started"] == 5


def test_a_course_leader_sees_only_their_cohorts(app, data, personas):
    rows = _rows(Scope.for_user(personas["course_leader"], "course_leader"))
    # They lead the Drammen cohort (5 started), not Bergen's (X).
    assert rows[("course", "KiD")]["started"] == 5
    assert set(rows) == {("course", "KiD"), ("cohort", str(data["cohort"].id)),
                         ("leader", str(personas["course_leader"].id)), ("total", "all")}
    assert ("program", "depression") not in rows


def test_completion_and_where_people_stop(app, data, personas):
    rows = engagement.program_progress(_admin(personas), dataset.period())
    by = {(r["furthest"], r["completed"], r["stopped"]): r["people"] for r in rows
          if r["program_slug"] == "depression"}
    # A finished all 8; C (module 1, active 25 Feb) is still going; B stopped at 3 (last active
    # 1 Feb), D at 2 (never active); E–H never opened a module (furthest 0) and are inactive.
    assert by == {(8, 1, 0): 1, (1, 0, 0): 1, (3, 0, 1): 1, (2, 0, 1): 1, (0, 0, 1): 4}


def test_attendance_per_session_and_last_session(app, data, personas):
    scope, period = _admin(personas), dataset.period()
    marks = {(r["number"], r["status"]): r["people"]
             for r in engagement.session_attendance(scope, period)}
    assert marks == {(1, "present"): 4, (1, "absent"): 1, (2, "present"): 4, (2, "notified"): 1,
                     (3, "present"): 2, (3, "absent"): 2}
    # The base of each session's rate: the 5 participants, for the sessions held by 2 March
    # 09:00 (sessions 1–7, weekly from 12 January; session 8 is that evening).
    held = {r["number"]: r["people"] for r in engagement.session_participants(scope, period)}
    assert held == {n: 5 for n in range(1, 8)}
    last = {r["last"]: r["people"] for r in engagement.last_session_attended(scope, period)}
    assert last == {1: 1, 2: 2, 3: 2}  # P3 | P2, P5 | P1, P4


def test_waiting_times(app, data, personas):
    rows = {(r["kind"], r["grp"]): r for r in engagement.waiting_times(_admin(personas), dataset.period())}
    # Sign-up -> first module: C 1.5, A 2, B 5, D 10 days: median (2 + 5)/2, p90 rank 4 = 10.
    program = rows[("program", "depression")]
    assert (program["n"], float(program["median"]), float(program["p90"])) == (4, 3.5, 10.0)
    assert rows[("program", "all")]["n"] == 4
    # Application -> first session attended: P3 2, P2 5, P1 10, P5 10 (came first to session 2),
    # P4 30 days: median 10, p90 rank ceil(4.5) = 5 -> 30.
    course = rows[("course", "KiD")]
    assert course["n"] == 5
    assert float(course["median"]) == pytest.approx(10.0)
    assert float(course["p90"]) == pytest.approx(30.0)


def test_reach(app, data, personas):
    rows = {(r["dimension"], r["value"]): r for r in reach.reach_rows(_admin(personas), dataset.period())}
    # A–H started the program; P1 (= A), P2, P3, P5, P6, P7 applied in the period (P4 in
    # December): 13 people, 8 in a program and 6 applied for a course.
    total = rows[("total", "all")]
    assert (total["people"], total["in_program"], total["in_course"]) == (13, 8, 6)

    def dim(name):
        return {v: r["people"] for (d, v), r in rows.items() if d == name}

    # Age on 1 March 2026: C turns 16 that very day, D 67; E is 66 until 2 March.
    assert dim("age") == {"16–17": 2, "18–24": 1, "25–34": 2, "35–44": 2, "45–54": 1,
                          "55–66": 2, "67+": 2, "unknown": 1}
    assert dim("gender") == {"female": 6, "male": 3, "other": 1, "unspoken": 1, "unknown": 2}
    assert dim("referral") == {"self": 9, "gp": 2, "nav": 1, "school": 1}
    assert dim("work") == {"working": 1, "student": 2, "unknown": 10}
    assert dim("municipality") == {"3301": 12, "4601": 1}


def test_guide_workload(app, data, personas):
    scope, period = _admin(personas), dataset.period()
    g, g2 = str(personas["guide"].id), str(personas["other_guide"].id)
    turn = {r["grp"]: r for r in workload.turnaround(scope, period)}
    # (SQLite's julianday arithmetic is exact only to about a millisecond: compare approximately.)
    hours = pytest.approx
    assert (turn[g]["n"], float(turn[g]["median"]), float(turn[g]["p90"])) == (
        5, hours(3.0), hours(16.0))
    assert (turn[g2]["n"], float(turn[g2]["median"])) == (1, hours(0.5))
    assert (turn["all"]["n"], float(turn["all"]["median"]), float(turn["all"]["p90"])) == (
        6, hours(2.5), hours(16.0))
    counts = {str(r["guide_id"]): r for r in workload.checkin_counts(scope, period)}
    assert (counts[g]["handled"], counts[g]["late"], counts[g]["with_minutes"],
            int(counts[g]["minutes"])) == (5, 1, 4, 75)
    assert {str(r["guide_id"]): r["overdue"] for r in workload.overdue_now(scope, period)} == {g: 1}
    flags = {str(r["guide_id"]): (r["raised"], r["acknowledged"], int(r["open"]))
             for r in workload.flag_counts(scope, period)}
    assert flags == {g: (2, 1, 1), g2: (1, 1, 0)}
    acks = {r["grp"]: r for r in workload.acknowledgement_times(scope, period)}
    assert float(acks[g]["median"]) == pytest.approx(1.0)
    assert float(acks[g2]["median"]) == pytest.approx(3.0)
    assert (acks["all"]["n"], float(acks["all"]["median"]), float(acks["all"]["p90"])) == (
        2, pytest.approx(2.0), pytest.approx(3.0))


def test_a_guide_workload_is_their_own(app, data, personas):
    scope = Scope.for_user(personas["other_guide"], "guide")
    counts = workload.checkin_counts(scope, dataset.period())
    assert [(r["guide_id"], r["handled"]) for r in counts] == [(personas["other_guide"].id, 1)]
