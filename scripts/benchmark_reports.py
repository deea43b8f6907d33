#!/usr/bin/env python3
"""How long do the service report pages take for a municipality-sized data set? (A measurement,
not a test.)

    .venv/bin/python scripts/benchmark_reports.py [--residents 20000] [--cohorts 300]
                                                 [--answers 500000] [--url URL] [--runs 3]

Generates residents in programs (module progress, guides, weekly check-ins, risk flags), cohorts
with sessions, applications and attendance, and questionnaire answers, with bulk Core inserts;
then times each report page and its CSV through the Flask test client, logged in as an admin,
and counts the SQL statements each one sends. Without --url a fresh SQLite file in a temporary
folder is used; a given URL must be an empty scratch database (never the test database).
"""
from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as clock_time, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, select  # noqa: E402

from selfhelp import create_app  # noqa: E402
from selfhelp.accounts.models import LeaderRegistration, StaffMunicipality, User, UserRole  # noqa: E402
from selfhelp.checkins.models import Checkin, GuideAssignment  # noqa: E402
from selfhelp.clock import OSLO  # noqa: E402
from selfhelp.content import get_catalogue  # noqa: E402
from selfhelp.courses.models import (  # noqa: E402
    Application, Attendance, Cohort, CohortLeader, CourseSession,
)
from selfhelp.db import Base, db  # noqa: E402
from selfhelp.measures.models import MeasureResult, RiskFlag  # noqa: E402
from selfhelp.programs.models import Enrolment, ModuleProgress  # noqa: E402
from selfhelp.security import hash_password  # noqa: E402

UTC = timezone.utc
HOME, NEIGHBOURS = "3301", ("3303", "3305", "3312")
CHUNK = 10_000
YEAR_START = datetime(2025, 1, 1, 9, tzinfo=UTC)
PERIOD = "start=2025-01-01&end=2025-12-31&scope=admin"
PAGES = (("outcomes", "people"), ("engagement", "waiting"), ("reach", "age"),
         ("workload", "checkins"))


class Inserter:
    """Buffers rows per table and writes them with executemany in chunks."""

    def __init__(self) -> None:
        self.buffers: dict = {}
        self.counts: dict = {}

    def add(self, model, row: dict) -> None:
        buffer = self.buffers.setdefault(model, [])
        buffer.append(row)
        if len(buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Write every buffer, in the order the tables were first seen (parents first)."""
        for m in list(self.buffers):
            rows = self.buffers.get(m) or []
            if rows:
                db.execute(insert(m), rows)
                self.counts[m.__tablename__] = self.counts.get(m.__tablename__, 0) + len(rows)
                self.buffers[m] = []
        db.commit()


def _ids(model, count: int) -> list[int]:
    """Reserve `count` primary keys after the current maximum (we insert ids explicitly)."""
    start = (db.scalar(select(func.max(model.id))) or 0) + 1
    return list(range(start, start + count))


def generate(residents: int, cohorts: int, answers: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    out = Inserter()
    now = datetime.now(UTC)
    password = hash_password("benchmark-passord")
    programs = get_catalogue().programs
    courses = get_catalogue().courses
    guided = [s for s, p in programs.items() if p.guided]
    unguided = [s for s, p in programs.items() if not p.guided]

    def user(uid, email, name, roles, **fields):
        out.add(User, {"id": uid, "email": email, "name": name, "password_hash": password,
                       "email_verified_at": now, "locale": "nb", "created_at": fields.pop("created_at", now),
                       "active": True, "security_stamp": f"{uid:016x}", "terms_version": "2026-11",
                       "terms_accepted_at": now, **fields})
        for role in roles:
            out.add(UserRole, {"user_id": uid, "role": role})

    # Staff: one admin, guides and course leaders serving the home municipality.
    staff_ids = _ids(User, 1 + 40 + 60)
    admin_id, guide_ids, leader_ids = staff_ids[0], staff_ids[1:41], staff_ids[41:]
    user(admin_id, "bench-admin@example.com", "Bench Admin", ["admin"])
    for i, gid in enumerate(guide_ids):
        user(gid, f"bench-guide{i}@example.com", f"Veileder {i:02d}", ["guide"])
    for i, lid in enumerate(leader_ids):
        user(lid, f"bench-leader{i}@example.com", f"Kursleder {i:02d}", ["course_leader"])
        for q in ("kid_leader", "kib_leader", "du_leader"):
            out.add(LeaderRegistration, {"user_id": lid, "qualification": q,
                                         "course_date": date(2024, 1, 15),
                                         "certificate_number": f"BENCH-{lid}-{q}",
                                         "recorded_by_id": admin_id, "recorded_at": now})
    for sid in staff_ids:
        out.add(StaffMunicipality, {"user_id": sid, "municipality_code": HOME})

    resident_ids = list(range(staff_ids[-1] + 1, staff_ids[-1] + 1 + residents))
    genders = ("female", "female", "male", "male", "other", "unspoken", None)
    works = ("working", "sick_leave", "nav_benefits", "student", "unemployed", "retired", None, None)
    sources = ("self", "self", "gp", "nav", "school", "other")
    for rid in resident_ids:
        signed_up = YEAR_START + timedelta(days=rng.randrange(365), minutes=rng.randrange(1440))
        municipality = HOME if rng.random() < 0.85 else rng.choice(NEIGHBOURS)
        user(rid, f"bench{rid}@example.com", f"Innbygger {rid}", ["resident"],
             created_at=signed_up, birth_date=date(1950 + rng.randrange(60), 1 + rng.randrange(12), 1),
             municipality_code=municipality, referral_source=rng.choice(sources),
             gender=rng.choice(genders), work_status=rng.choice(works))
    out.flush()

    # Programs: 70 % of residents start one (a few start two).
    enrolment_ids = iter(_ids(Enrolment, residents * 2))
    checkin_ids = iter(_ids(Checkin, residents * 20))
    enrolments = []
    for rid in resident_ids:
        if rng.random() > 0.7:
            continue
        slugs = [rng.choice(guided + unguided)] + ([rng.choice(unguided)] if rng.random() < 0.1 else [])
        for slug in dict.fromkeys(slugs):
            eid = next(enrolment_ids)
            started = YEAR_START + timedelta(days=rng.randrange(365), hours=rng.randrange(8))
            weeks = rng.randrange(1, 15)
            enrolments.append((eid, rid, slug, started, weeks))
            modules = programs[slug].modules
            furthest = min(len(modules), rng.randrange(0, len(modules) + 2))
            last_activity = started + timedelta(weeks=min(weeks, furthest + 1))
            out.add(Enrolment, {"id": eid, "resident_id": rid, "program_slug": slug,
                                "started_at": started, "start_date": started.date(),
                                "state": "active", "unlocked_through": 1, "extra_weeks": 0,
                                "last_activity_at": last_activity})
            for m in modules[:furthest]:
                opened = started + timedelta(weeks=m.number - 1, hours=2)
                out.add(ModuleProgress, {"enrolment_id": eid, "module_slug": m.slug,
                                         "opened_at": opened,
                                         "completed_at": opened + timedelta(days=2)
                                         if rng.random() < 0.85 else None})
            if slug in guided:
                guide = rng.choice(guide_ids)
                out.add(GuideAssignment, {"enrolment_id": eid, "resident_id": rid,
                                          "guide_id": guide, "assigned_by_id": admin_id,
                                          "assigned_at": started})
                for week in range(1, min(weeks, 12) + 1):
                    submitted = started + timedelta(weeks=week, hours=rng.randrange(30))
                    closed = submitted + timedelta(hours=rng.randrange(1, 72))
                    open_now = submitted > now - timedelta(days=3)
                    out.add(Checkin, {"id": next(checkin_ids), "enrolment_id": eid,
                                      "resident_id": rid, "week": week,
                                      "opens_on": submitted.date(),
                                      "state": "submitted" if open_now else "closed",
                                      "how_it_went": "Greit", "submitted_at": submitted,
                                      "feedback_due_at": submitted + timedelta(days=2),
                                      "closed_at": None if open_now else closed,
                                      "closed_by_id": None if open_now else guide,
                                      "minutes_spent": rng.choice((None, 10, 15, 20, 25, 30))})
                if rng.random() < 0.05:
                    raised = started + timedelta(days=rng.randrange(60))
                    acked = rng.random() < 0.9
                    out.add(RiskFlag, {"resident_id": rid, "reason": "self_harm_item", "score": 15,
                                       "item_value": 1, "raised_at": raised,
                                       "state": "acknowledged" if acked else "open",
                                       "acknowledged_at": raised + timedelta(hours=rng.randrange(1, 30))
                                       if acked else None,
                                       "acknowledged_by_id": guide if acked else None,
                                       "action_note": "Ringt" if acked else None})
    out.flush()

    # Cohorts: weekly sessions from a first date in the year; 12 places, attendance.
    cohort_ids = _ids(Cohort, cohorts)
    session_ids = iter(_ids(CourseSession, cohorts * 10))
    application_ids = iter(_ids(Application, cohorts * 14))
    course_answers = []
    codes = list(courses)
    for cid in cohort_ids:
        code = codes[cid % len(codes)]
        first = date(2025, 1, 6) + timedelta(weeks=rng.randrange(48))
        leader = rng.choice(leader_ids)
        out.add(Cohort, {"id": cid, "course_code": code, "municipality_code": HOME,
                         "state": "published", "place": "Biblioteket", "online": False,
                         "first_date": first, "start_time": clock_time(18), "skip_dates": [],
                         "capacity": 12, "application_deadline": first - timedelta(days=7),
                         "open_to_other_municipalities": False, "auto_admit": False,
                         "remind_two_hours": False, "seats_taken": 10, "waitlist_counter": 0,
                         "created_by_id": leader, "created_at": now})
        out.add(CohortLeader, {"cohort_id": cid, "leader_id": leader})
        sessions = []
        for number in range(1, 11):
            day = first + timedelta(weeks=number - 1 if number <= 8 else 8 + 4 * (number - 8))
            starts = datetime.combine(day, clock_time(18), tzinfo=OSLO).astimezone(UTC)
            sid = next(session_ids)
            sessions.append((sid, number, starts))
            out.add(CourseSession, {"id": sid, "cohort_id": cid, "number": number,
                                    "kind": "weekly" if number <= 8 else "followup",
                                    "local_date": day, "start_time": clock_time(18),
                                    "minutes": 150, "starts_at": starts,
                                    "ends_at": starts + timedelta(minutes=150), "state": "scheduled",
                                    "sequence": 0, "updated_at": now})
        for rid in rng.sample(resident_ids, 14):
            aid = next(application_ids)
            state = rng.choice(("admitted",) * 10 + ("withdrawn", "declined", "waitlisted"))
            applied = datetime.combine(first, clock_time(12), tzinfo=UTC) - timedelta(days=rng.randrange(5, 60))
            out.add(Application, {"id": aid, "cohort_id": cid, "resident_id": rid, "state": state,
                                  "motivation": "", "applied_at": applied,
                                  "calendar_token": secrets.token_hex(16)})
            if state != "admitted":
                continue
            stays = rng.randrange(0, 11)
            for sid, number, starts in sessions:
                if starts > now:
                    break
                status = "present" if number <= stays and rng.random() < 0.9 else rng.choice(("absent", "notified"))
                out.add(Attendance, {"session_id": sid, "application_id": aid, "status": status,
                                     "recorded_by_id": leader, "recorded_at": starts})
            course_answers.append((rid, cid, code, sessions))
    out.flush()

    # Questionnaire answers: the courses' before/after, then weekly PHQ-9, GAD-7 and WHO-5 in
    # the programs until the target is reached.
    written = 0
    for rid, cid, code, sessions in course_answers:
        measure = courses[code].outcome_measure or "PHQ-9"
        for sid, number, starts in (sessions[0], sessions[7]):
            if rng.random() < 0.8:
                out.add(MeasureResult, _answer(rng, rid, measure, f"cohort:{cid}", f"session-{number}", starts))
                written += 1
    rounds = 0
    while written < answers:
        for eid, rid, slug, started, weeks in enrolments:
            if written >= answers:
                break
            week = rounds
            if week > weeks + 26:
                continue
            for measure in ("PHQ-9", "GAD-7", "WHO-5"):
                out.add(MeasureResult, _answer(rng, rid, measure, f"program:{slug}",
                                               "start" if week == 0 else f"week-{week}",
                                               started + timedelta(weeks=week)))
                written += 1
        rounds += 1
    out.flush()
    return {"admin_id": admin_id, "counts": out.counts}


def _answer(rng, rid, measure, context, occasion, at) -> dict:
    top = {"PHQ-9": 27, "GAD-7": 21, "WHO-5": 100}[measure]
    score = min(top, max(0, int(rng.gauss(top * 0.45, top * 0.2))))
    if measure == "WHO-5":
        score -= score % 4
    return {"resident_id": rid, "measure_code": measure, "context": context, "occasion": occasion,
            "answers": {}, "raw_score": score, "score": score, "severity": 0, "is_case": None,
            "answered_at": at}


def time_pages(app, admin_id: int, runs: int) -> list[tuple[str, float, float, int]]:
    admin = db.get(User, admin_id)
    client = app.test_client()
    try:
        from selfhelp.accounts.session import SECOND_FACTOR_KEY
    except ImportError:  # before two-factor login existed
        SECOND_FACTOR_KEY = None
    with client.session_transaction() as session:
        session["_user_id"] = admin.get_id()
        session["_fresh"] = True
        if SECOND_FACTOR_KEY:
            session[SECOND_FACTOR_KEY] = admin.get_id()
    statements: list[str] = []
    engine = app.extensions["db"].engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    results = []
    for page, table in PAGES:
        for label, path in ((f"/reports/{page}", f"/reports/{page}?{PERIOD}"),
                            (f"/reports/{page} CSV ({table})",
                             f"/reports/{page}?{PERIOD}&format=csv&table={table}")):
            client.get(path)  # warm up: templates compiled, content loaded
            times = []
            for _ in range(runs):
                statements.clear()
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code}")
            results.append((label, statistics.median(times), max(times), len(statements)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--cohorts", type=int, default=300)
    parser.add_argument("--answers", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--time-only", action="store_true",
                        help="the database at --url already holds a generated data set: only time")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='selfhelp-bench-')) / 'bench.db'}"
    if url.rstrip("/").endswith("/test"):
        raise SystemExit("refusing to write into the test database")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark", "BASE_URL": "http://localhost",
                      "PASSWORD_HASH_FAST": True})
    try:
        with app.app_context():
            Base.metadata.create_all(app.extensions["db"].engine)
            print(f"database: {url.split('@')[-1]}", flush=True)
            if args.time_only:
                made = {"admin_id": db.scalar(select(User.id).where(
                    User.email == "bench-admin@example.com"))}
            else:
                started = time.perf_counter()
                made = generate(args.residents, args.cohorts, args.answers)
                print(f"generated in {time.perf_counter() - started:.0f} s:", flush=True)
                for table, count in sorted(made["counts"].items()):
                    print(f"  {table:<22} {count:>9,}", flush=True)
            if url.startswith("postgresql"):
                from sqlalchemy import text

                db.execute(text("ANALYZE"))
                db.commit()
            print(f"\n| page | median | slowest of {args.runs} | SQL statements |")
            print("| --- | ---: | ---: | ---: |")
            for label, median, worst, count in time_pages(app, made["admin_id"], args.runs):
                print(f"| {label} | {median:.2f} s | {worst:.2f} s | {count} |", flush=True)
    finally:
        app.extensions["db"].engine.dispose()


if __name__ == "__main__":
    main()
