"""States are enums with a CHECK constraint: the database refuses a state no rule knows, on SQLite
and PostgreSQL, and migration 0014 adds (and its downgrade drops) exactly the constraints the
models declare, without touching the rows already stored."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import Enum, func, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

import selfhelp.models  # noqa: F401  (registers every table on Base.metadata)
from selfhelp import create_app
from selfhelp.accounts.models import Role, UserRole
from selfhelp.audit.models import AuditAction, AuditEvent
from selfhelp.config import SettingsForTests
from selfhelp.content import get_catalogue
from selfhelp.courses.services import roster as course_services
from selfhelp.courses.models import (
    Application, ApplicationState, Attendance, AttendanceStatus, Cohort, CohortState,
)
from selfhelp.db import Base, unit_of_work
from selfhelp.measures.models import FlagState, OwnerLevel, Outcome, RiskFlag, RiskFlagAction
from selfhelp.migrate import alembic_config, upgrade
from selfhelp.notifications.models import Channel, Notification, NotificationState
from selfhelp.programs import services as program_services
from selfhelp.programs.models import Enrolment, EnrolmentState
from tests import factories
from tests.conftest import PG_URL, _truncate_all

NOW = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


def _vocabulary_columns():
    """(table, column, constraint name, allowed values) of every enum column in the models."""
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum):
                yield table.name, column.name, f"ck_{table.name}_{column.type.name}", set(column.type.enums)


def _checks_in_database(engine) -> dict[tuple[str, str], set[str]]:
    """(table, constraint name) -> the quoted values its SQL allows, as the database reports them."""
    inspector = inspect(engine)
    return {(table, check["name"]): set(re.findall(r"'([^']*)'", check["sqltext"]))
            for table in inspector.get_table_names()
            for check in inspector.get_check_constraints(table)}


def test_every_state_kind_and_role_column_is_an_enum():
    found = {(table, column) for table, column, _name, _values in _vocabulary_columns()}
    assert {("course_applications", "state"), ("enrolments", "state"), ("checkins", "state"),
            ("risk_flags", "state"), ("risk_flags", "kind"), ("risk_flags", "owner_level"),
            ("risk_flag_actions", "outcome"), ("notifications", "state"), ("notifications", "channel"),
            ("notification_settings", "channel"), ("course_sessions", "state"), ("cohorts", "state"),
            ("attendance", "status"), ("user_roles", "role"), ("account_tokens", "purpose"),
            ("audit_events", "action"), ("messages", "kind"), ("review_decisions", "decision")} <= found


def _assert_migrated_checks_match_the_models(engine) -> None:
    in_database = _checks_in_database(engine)
    for table, column, name, values in _vocabulary_columns():
        assert (table, name) in in_database, f"{table}.{column} has no CHECK constraint {name}"
        assert in_database[(table, name)] == values, f"{name} allows other values than the model"


def test_migrations_create_the_check_constraint_of_every_state_on_sqlite(tmp_path):
    app = create_app(SettingsForTests(database_url=f"sqlite:///{tmp_path / 's.db'}").as_dict())
    upgrade(app)
    _assert_migrated_checks_match_the_models(app.extensions["db"].engine)


def test_migrations_create_the_check_constraint_of_every_state_on_postgresql(postgres_engine):
    _assert_migrated_checks_match_the_models(postgres_engine)


# ---------------------------------------------------------------- the database refuses

@pytest.fixture
def stored(db, personas):
    """One row of each kind whose state the tests below try to corrupt."""
    leader, resident = personas["course_leader"], personas["resident"]
    cohort = factories.make_cohort(leaders=[leader])
    application = factories.make_application(cohort, resident)
    application.state = ApplicationState.ADMITTED  # attendance is kept only for admitted participants
    catalogue = get_catalogue()
    enrolment = program_services.start_program(resident, next(iter(catalogue.programs.values())), NOW)
    course_services.record_attendance(leader, cohort.sessions[0], {application.id: "present"}, NOW)
    flag = RiskFlag(resident_id=resident.id, reason="self_harm_item", score=15, item_value=1,
                    raised_at=NOW, owner_level=OwnerLevel.GUIDE)
    notification = Notification(recipient_id=resident.id, kind="course_admitted", occurrence="x",
                                due_at=NOW, created_at=NOW)
    db.add_all([flag, notification])
    db.flush()
    db.add(RiskFlagAction(flag_id=flag.id, actor_id=leader.id, actor_level=OwnerLevel.COURSE_LEADER,
                          outcome=Outcome.NO_CONTACT, note="Ringte, ikke svar", at=NOW))
    db.commit()
    return {"cohort": cohort, "application": application, "enrolment": enrolment, "flag": flag,
            "notification": notification}


CORRUPTIONS = [
    ("course_applications", "state"), ("cohorts", "state"), ("course_sessions", "state"),
    ("course_sessions", "kind"), ("attendance", "status"), ("enrolments", "state"),
    ("risk_flags", "state"), ("risk_flags", "reason"), ("risk_flags", "first_owner_level"),
    ("risk_flag_actions", "actor_level"), ("risk_flag_actions", "outcome"),
    ("notifications", "state"), ("notifications", "channel"), ("user_roles", "role"),
]


@pytest.mark.parametrize(("table", "column"), CORRUPTIONS)
def test_the_database_refuses_a_state_no_rule_knows(db, stored, table, column):
    with pytest.raises(IntegrityError):
        with db.begin_nested():
            db.execute(text(f"UPDATE {table} SET {column} = 'waitlistd'"))


def test_a_typo_in_code_is_refused_by_the_database_too(db, stored):
    application = stored["application"]
    with pytest.raises(IntegrityError):
        with db.begin_nested():
            db.execute(update(Application).where(Application.id == application.id)
                       .values(state="admited"))
    with pytest.raises(IntegrityError):
        with db.begin_nested():
            db.add(UserRole(user_id=application.resident_id, role="superuser"))
            db.flush()


def test_states_are_stored_as_their_plain_strings_and_read_back_as_enum_members(db, stored):
    raw = db.execute(text("SELECT state FROM course_applications")).scalar_one()
    assert raw == "admitted" and type(raw) is str
    application = db.scalars(select(Application)).one()
    assert application.state is ApplicationState.ADMITTED
    assert application.state == "admitted"  # a StrEnum: comparisons with the old strings still hold
    assert db.scalars(select(Cohort)).one().state is CohortState.PUBLISHED
    assert db.scalars(select(Enrolment)).one().state is EnrolmentState.ACTIVE
    assert db.scalars(select(Attendance)).one().status is AttendanceStatus.PRESENT
    notification = db.scalars(select(Notification)).one()
    assert (notification.state, notification.channel) == (NotificationState.PENDING, Channel.EMAIL)
    assert db.scalars(select(RiskFlag)).one().state is FlagState.OPEN
    roles = set(db.scalars(select(UserRole.role)))
    assert roles <= set(Role) and all(isinstance(r, Role) for r in roles)


def test_an_audit_action_no_rule_knows_is_refused(db, personas):
    with pytest.raises(IntegrityError):
        with db.begin_nested():
            db.add(AuditEvent(actor_id=personas["admin"].id, role=Role.ADMIN, what="audit_log",
                              action="peek", at=NOW))
            db.flush()
    db.add(AuditEvent(actor_id=personas["admin"].id, role=Role.ADMIN, what="audit_log",
                      action=AuditAction.VIEW, at=NOW))
    db.flush()


# ---------------------------------------------------------------- upgrade and downgrade with data

def _row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        present = set(inspect(engine).get_table_names())  # tables of later revisions come and go
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables if t.name in present}


def _kept(engine, before: dict[str, int]) -> bool:
    """Every table that had rows at 0013 has them still (tables of later revisions may be added)."""
    after = _row_counts(engine)
    return {name: after.get(name) for name in before} == before


def _fill_at_0013(app) -> None:
    """Rows in the tables 0014 rebuilds on SQLite, and in the tables whose foreign keys (some
    ON DELETE CASCADE) point at them, as a 0013 database holds them. The rows are written with
    today's models at the head and the database is then taken down to 0013 (later migrations add
    columns the models write)."""
    upgrade(app)
    with app.app_context(), unit_of_work() as db:
        leader = factories.make_staff(roles=["course_leader", "guide"], qualifications=["kid_leader"])
        resident = factories.make_resident()
        cohort = factories.make_cohort(leaders=[leader])
        application = factories.make_application(cohort, resident)
        application.state = ApplicationState.ADMITTED  # attendance is kept only for admitted participants
        course_services.record_attendance(leader, cohort.sessions[0], {application.id: "absent"}, NOW)
        program = next(iter(get_catalogue().programs.values()))
        enrolment = program_services.start_program(resident, program, NOW)
        program_services.open_module(enrolment, program, program.modules[0], NOW)
        flag = RiskFlag(resident_id=resident.id, reason="reliable_deterioration", score=14, raised_at=NOW,
                        owner_level="guide", first_owner_level="guide", state="acknowledged",
                        outcome="called")
        db.add(flag)
        db.flush()
        db.add(RiskFlagAction(flag_id=flag.id, actor_id=leader.id, actor_level="guide", outcome="called",
                              note="Snakket med", at=NOW))
        db.add(Notification(recipient_id=resident.id, kind="course_admitted", occurrence="a", due_at=NOW,
                            created_at=NOW, state="digest", channel="in_app"))
        db.add(AuditEvent(actor_id=leader.id, role="course_leader", what="cohort_roster", action="view",
                          at=NOW + timedelta(minutes=1)))
    app.extensions["db"].engine.dispose()
    command.downgrade(alembic_config(app), "0013")


def _upgrade_and_downgrade_keep_every_row(app) -> None:
    engine = app.extensions["db"].engine
    before = _row_counts(engine)
    assert before["attendance"] and before["risk_flag_actions"] and before["module_progress"]
    # Fresh connections, as a deployment migrating has: foreign keys on (an earlier migration may
    # have left a pooled SQLite connection with them off).
    engine.dispose()
    upgrade(app)
    assert _kept(engine, before)
    assert ("attendance", "ck_attendance_status") in _checks_in_database(engine)
    engine.dispose()
    command.downgrade(alembic_config(app), "0013")
    assert _kept(engine, before)
    assert ("attendance", "ck_attendance_status") not in _checks_in_database(engine)
    assert ("risk_flags", "ck_risk_flags_kind") in _checks_in_database(engine)  # 0013's own stays
    upgrade(app)
    assert _kept(engine, before)


def test_upgrade_to_0014_and_back_keeps_every_row_on_sqlite(tmp_path):
    app = create_app(SettingsForTests(database_url=f"sqlite:///{tmp_path / 'd.db'}").as_dict())
    _fill_at_0013(app)
    _upgrade_and_downgrade_keep_every_row(app)


def test_upgrade_to_0014_and_back_keeps_every_row_on_postgresql(postgres_engine):
    _truncate_all(postgres_engine)
    app = create_app(SettingsForTests(database_url=PG_URL).as_dict())
    try:
        _fill_at_0013(app)
        _upgrade_and_downgrade_keep_every_row(app)
    finally:
        upgrade(app)  # the session's schema is shared by the tests that follow
        _truncate_all(postgres_engine)
        app.extensions["db"].engine.dispose()
