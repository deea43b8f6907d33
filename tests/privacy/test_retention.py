"""Clinical records of closed accounts are deleted when the retention period runs out, not before.

Checked on every table: the tables come from the metadata (every table with a foreign key to
users, and every table pointing at one of those rows), so a new table is checked without anyone
adding it here; a new table the fixture `everything` has no row in fails until a row is added
(or the table is listed as staff-only)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, or_, select

import selfhelp.models  # noqa: F401  (every table in the metadata)
from selfhelp.accounts.models import AccountToken, KeptText, User, UserSession
from selfhelp.audit.models import AuditEvent
from selfhelp.checkins.models import FeedbackDraft
from selfhelp.clock import now
from selfhelp.courses.models import ApplicationDraft, Attendance
from selfhelp.db import Base
from selfhelp.measures.models import RiskFlag, RiskFlagAction
from selfhelp.notifications.models import NotificationSettings
from selfhelp.pathway.models import AssessmentNote, CarePlan, ReviewDecision
from selfhelp.privacy import closure, jobs
from selfhelp.privacy.models import RetentionSettings
from selfhelp.programs.models import Enrolment, QuestionnaireRequest
from tests import factories
from tests.conftest import post_form

USERS = Base.metadata.tables["users"]

#: Tables that deliberately keep the resident's rows after the purge:
KEPT = {
    "audit_events",  # the audit log is append-only by law; it points at the emptied user row
    "user_roles",    # the emptied row stays a resident's row (the audit log names its role)
}
#: Tables with a foreign key to users that only ever name staff (leaders, guides, admins):
#: a resident has no rows there, so the fixture cannot hold one.
STAFF_ONLY = {
    "assessment_templates", "cohorts", "cohort_leaders", "cohort_notes", "guide_absences",
    "leader_register", "recovery_codes", "snippets", "staff_municipalities",
}


def _owned_rows(db, resident_id: int) -> dict[str, set]:
    """Primary keys of the resident's rows, per table: rows with a user foreign key naming them,
    and rows pointing (by any foreign key, at any depth) to such a row."""
    owned: dict[str, set] = {}
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            conditions = []
            for fk in table.foreign_keys:
                target = fk.column.table
                if target is USERS:
                    conditions.append(fk.parent == resident_id)
                elif owned.get(target.name):
                    at = list(target.primary_key).index(fk.column)
                    conditions.append(fk.parent.in_(sorted({key[at] for key in owned[target.name]})))
            if table is USERS or not conditions:
                continue
            keys = set(db.execute(select(*table.primary_key).where(or_(*conditions))).all())
            if not keys <= owned.get(table.name, set()):
                owned[table.name] = owned.get(table.name, set()) | keys
                changed = True
    return {name: keys for name, keys in owned.items() if keys}


def _personal_tables() -> set[str]:
    return {table.name for table in Base.metadata.sorted_tables
            if any(fk.column.table is USERS for fk in table.foreign_keys)}


@pytest.fixture
def everything(db, personas, rich):
    """`rich`, plus a row in each table it leaves empty (added directly: only their existence
    matters here)."""
    resident, guide, at = personas["resident"], personas["guide"], now()
    flag = db.scalars(select(RiskFlag).where(RiskFlag.resident_id == resident.id)).first()
    checkin, application = rich["checkin"], rich["application"]
    db.add_all([
        AccountToken(user_id=resident.id, purpose="reset_password", token_hash="a" * 64, created_at=at,
                     expires_at=at + timedelta(hours=1)),
        UserSession(user_id=resident.id, token_hash="b" * 64, created_at=at, last_seen_at=at,
                    device="Firefox på Linux"),
        KeptText(key="k" * 32, author_id=resident.id, form="message", target=str(resident.id),
                 fields=[["text", "Hei"]], created_at=at),
        NotificationSettings(user_id=resident.id, channel="email"),
        FeedbackDraft(checkin_id=checkin.id, guide_id=guide.id, started_at=at, updated_at=at),
        # An application begun to a second cohort and never sent.
        ApplicationDraft(resident_id=resident.id, cohort_id=factories.make_cohort(
            leaders=[personas["course_leader"]]).id, answers={"motivation": "Begynt, ikke sendt"},
            updated_at=at),
        Attendance(session_id=rich["cohort"].sessions[0].id, application_id=application.id,
                   status="notified", recorded_by_id=personas["course_leader"].id, recorded_at=at),
        RiskFlagAction(flag_id=flag.id, actor_id=guide.id, actor_level="guide", outcome="called",
                       note="Ringte, alt vel", at=at),
        QuestionnaireRequest(enrolment_id=rich["enrolment"].id, measure_code="GAD-7",
                             requested_by_id=guide.id, requested_at=at),
        AssessmentNote(resident_id=resident.id, version=1, author_id=guide.id, created_at=at),
        CarePlan(resident_id=resident.id, version=1, author_id=guide.id, created_at=at),
        ReviewDecision(resident_id=resident.id, context="program:depression", checkpoint="week-4",
                       decision="continue", reason="Går framover", decided_by_id=guide.id,
                       decided_at=at),
    ])
    db.commit()
    return resident


def _closed(db, personas, rich):
    closure.close_account(personas["resident"], now())
    db.commit()
    return personas["resident"].id


def test_nothing_is_purged_before_the_retention_period_ends(db, personas, everything, clock):
    _closed(db, personas, everything)
    before = _owned_rows(db, everything.id)
    clock.move_to(datetime(2036, 3, 2, 8, 59, tzinfo=timezone.utc))  # one minute short of 10 years
    assert jobs.purge_everything_due(now) == 0
    assert _owned_rows(db, everything.id) == before


def test_the_fixture_holds_a_row_of_the_resident_in_every_personal_table(db, everything):
    missing = _personal_tables() - STAFF_ONLY - KEPT - set(_owned_rows(db, everything.id))
    assert not missing, f"add a row to the fixture `everything` (or list as STAFF_ONLY): {missing}"
    assert not STAFF_ONLY - _personal_tables(), "STAFF_ONLY names a table that is gone"


def test_after_the_retention_period_no_table_holds_a_row_of_the_resident(db, personas, everything,
                                                                          clock):
    _closed(db, personas, everything)
    clock.move_to(datetime(2036, 3, 2, 9, 0, tzinfo=timezone.utc))  # ten years after closing
    assert jobs.purge_everything_due(now) == 1
    db.expire_all()
    left = {name: len(keys) for name, keys in _owned_rows(db, everything.id).items()
            if name not in KEPT}
    assert left == {}, f"rows of the purged resident left: {left}"


def test_the_emptied_user_row_and_the_audit_log_stay(db, personas, rich, clock):
    resident_id = _closed(db, personas, rich)
    audit_rows = db.scalar(select(func.count()).select_from(AuditEvent))
    clock.move_to(datetime(2036, 3, 2, 9, 0, tzinfo=timezone.utc))
    assert jobs.purge_everything_due(now) == 1
    db.expire_all()
    user = db.get(User, resident_id)
    assert user.purged_at == now() and user.name == "Slettet bruker" and user.municipality_code is None
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == audit_rows  # append-only
    assert jobs.purge_everything_due(now) == 0  # done once


def test_only_the_closed_account_is_purged(db, personas, rich, clock):
    from tests.programs.helpers import enrol

    enrol(personas["other_resident"], "depression")
    db.commit()
    _closed(db, personas, rich)
    clock.move_to(datetime(2040, 1, 1, tzinfo=timezone.utc))
    jobs.purge_everything_due(now)
    assert db.scalar(select(func.count()).select_from(Enrolment)) == 1
    assert db.get(User, personas["other_resident"].id).purged_at is None


def test_the_admin_sets_the_retention_period_for_their_municipalities(db, personas, as_persona, rich, clock):
    admin = as_persona("admin")
    page = admin.get("/admin/retention").get_data(as_text=True)
    assert 'value="10"' in page
    response = post_form(admin, "/admin/retention", {"years": "3"})
    assert response.status_code == 302
    assert db.get(RetentionSettings, factories.MUNICIPALITY).retention_years == 3
    assert "3 år" in as_persona("resident").get("/account/close").get_data(as_text=True)
    _closed(db, personas, rich)
    clock.move_to(datetime(2029, 3, 1, tzinfo=timezone.utc))
    assert jobs.purge_everything_due(now) == 0
    clock.move_to(datetime(2029, 3, 2, 9, 0, tzinfo=timezone.utc))
    assert jobs.purge_everything_due(now) == 1


def test_a_second_scheduler_cannot_purge_the_same_account_twice(db, personas, rich, clock):
    resident_id = _closed(db, personas, rich)
    clock.move_to(datetime(2037, 1, 1, tzinfo=timezone.utc))
    assert jobs.due_account_ids(now()) == [resident_id]
    assert jobs._claim(resident_id, now()) is True
    assert jobs._claim(resident_id, now()) is False


def test_the_cli_purges_with_a_given_now(app, db, personas, rich, clock):
    resident_id = _closed(db, personas, rich)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "purge", "--now", "2030-01-01T00:00:00+00:00"])
    assert result.exit_code == 0 and "purged: 0" in result.output
    result = runner.invoke(args=["privacy", "purge", "--now", "2036-03-03T00:00:00+00:00"])
    assert result.exit_code == 0 and "purged: 1" in result.output
    db.expire_all()
    assert db.get(User, resident_id).purged_at is not None
    result = runner.invoke(args=["privacy", "purge", "--now", "2036-03-03"])
    assert result.exit_code != 0


def test_the_purge_job_is_scheduled():
    from selfhelp.scheduler import JOBS

    assert "purge_closed_accounts" in {job_id for job_id, _f, _s in JOBS}


def test_the_scheduled_job_purges_what_is_due(app, db, personas, rich, clock):
    import threading

    from selfhelp.scheduler import JOBS

    resident_id = _closed(db, personas, rich)
    job = next(func for job_id, func, _s in JOBS if job_id == "purge_closed_accounts")
    clock.move_to(datetime(2036, 3, 3, tzinfo=timezone.utc))
    job(app, threading.Event())
    db.expire_all()
    assert db.get(User, resident_id).purged_at is not None
