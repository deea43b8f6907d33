"""Clinical records of closed accounts are deleted when the retention period runs out, not before."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from selfhelp.accounts.models import User
from selfhelp.audit.models import AuditEvent
from selfhelp.checkins.models import Checkin, GuideAssignment, Message
from selfhelp.clock import now
from selfhelp.courses.models import Application
from selfhelp.measures.models import MeasureResult, RiskFlag
from selfhelp.privacy import closure, jobs
from selfhelp.privacy.models import RetentionSettings
from selfhelp.programs.models import Enrolment, WorksheetAnswer, WorksheetVersion
from tests import factories
from tests.conftest import post_form

CLINICAL = (WorksheetAnswer, WorksheetVersion, Enrolment, MeasureResult, RiskFlag, Checkin, Message,
            GuideAssignment, Application)


def _counts(db) -> dict:
    return {model.__name__: db.scalar(select(func.count()).select_from(model)) for model in CLINICAL}


def _closed(db, personas, rich):
    closure.close_account(personas["resident"], now())
    db.commit()
    return personas["resident"].id


def test_nothing_is_purged_before_the_retention_period_ends(db, personas, rich, clock):
    _closed(db, personas, rich)
    before = _counts(db)
    clock.move_to(datetime(2036, 3, 2, 8, 59, tzinfo=timezone.utc))  # one minute short of 10 years
    assert jobs.purge_everything_due(now) == 0
    assert _counts(db) == before


def test_clinical_records_are_deleted_after_ten_years_and_the_empty_row_stays(db, personas, rich, clock):
    resident_id = _closed(db, personas, rich)
    audit_rows = db.scalar(select(func.count()).select_from(AuditEvent))
    clock.move_to(datetime(2036, 3, 2, 9, 0, tzinfo=timezone.utc))
    assert jobs.purge_everything_due(now) == 1
    db.expire_all()
    assert all(count == 0 for count in _counts(db).values()), _counts(db)
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
