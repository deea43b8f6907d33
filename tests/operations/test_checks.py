"""`selfhelp check` lists every unsafe setting; production mode refuses to start on one."""
from __future__ import annotations

import pytest

from selfhelp.demo import DEMO_TOTP_SECRET
from selfhelp.operations.checks import UnsafeSettings, database_problems, settings_problems
from selfhelp.operations.cli import check_at_start
from tests import factories

KEY = "k" * 64
GOOD = {"ENVIRONMENT": "production", "SECRET_KEY": KEY, "DATA_KEY": "a-fernet-key",
        "MAIL_BACKEND": "smtp", "DEMO_MODE": False, "DEMO_MAIL_SHOW_LINKS": False,
        "SMS_BACKEND": "file", "BASE_URL": "https://selvhjelp.drammen.kommune.no",
        "DATABASE_URL": "postgresql://selfhelp_app@db/selfhelp", "WEB_WORKERS": 4,
        "TRUSTED_PROXIES": 1}
ENV = {"SELFHELP_SECRET_KEY": KEY}


def test_a_correct_production_configuration_passes():
    assert settings_problems(GOOD, ENV) == []


@pytest.mark.parametrize("change, environ, expected", [
    ({}, {}, "SELFHELP_SECRET_KEY is not set"),
    ({}, {"SELFHELP_SECRET_KEY": "short"}, "shorter than 32 characters"),
    ({"DATA_KEY": None}, ENV, "SELFHELP_DATA_KEY is not set"),
    ({"MAIL_BACKEND": "file"}, ENV, "SELFHELP_MAIL_BACKEND is 'file'"),
    ({"DEMO_MODE": True}, ENV, "demo mode is on"),
    ({"DEMO_MAIL_SHOW_LINKS": True}, ENV, "SELFHELP_DEMO_MAIL_SHOW_LINKS is on"),
    ({"SMS_BACKEND": "console"}, ENV, "phone numbers go to the log"),
    ({"BASE_URL": "http://selvhjelp.drammen.kommune.no"}, ENV, "is not https"),
    ({"DATABASE_URL": "sqlite:////srv/selfhelp.db", "WEB_WORKERS": 3}, ENV,
     "SQLite with 3 web workers"),
    ({"TRUSTED_PROXIES": 0}, ENV, "SELFHELP_TRUSTED_PROXIES is 0"),
])
def test_each_unsafe_setting_is_named(change, environ, expected):
    problems = settings_problems({**GOOD, **change}, environ)
    assert len(problems) == 1 and expected in problems[0], problems


def test_sqlite_with_one_worker_is_allowed():
    assert settings_problems({**GOOD, "DATABASE_URL": "sqlite:////srv/s.db", "WEB_WORKERS": 1},
                             ENV) == []


def test_every_problem_is_listed_at_once():
    problems = settings_problems({"BASE_URL": "http://x", "MAIL_BACKEND": "file"}, {})
    assert len(problems) == 5


def _app_problems(app):
    return database_problems(app.extensions["db"].engine)


def _expected_role_problems(app) -> list[str]:
    # The test database's role is the superuser postgres: the check must say so.
    return ["superuser"] if app.extensions["db"].engine.dialect.name == "postgresql" else []


def test_a_database_without_demo_data_passes_the_data_checks(app, db, personas):
    problems = _app_problems(app)
    assert [p for p in problems if "superuser" not in p] == []
    assert len(problems) == len(_expected_role_problems(app))


def test_demo_people_in_the_database_are_named(app, db):
    factories.make_resident(email="innbygger@demo.no")
    db.commit()
    assert any("demo people are in the database" in p for p in _app_problems(app))


def test_a_staff_member_with_the_demo_two_factor_secret_is_named(app, db):
    factories.make_staff(roles=["guide"], totp_secret=DEMO_TOTP_SECRET)
    db.commit()
    assert any("demo two-factor secret" in p for p in _app_problems(app))


def test_the_postgresql_superuser_is_refused_as_the_app_role(app, db):
    if app.extensions["db"].engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    assert any("superuser" in p for p in _app_problems(app))


def test_the_check_command_lists_problems_and_exits_1(app, db, monkeypatch):
    monkeypatch.delenv("SELFHELP_SECRET_KEY", raising=False)
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "Unsafe for production" in result.output
    assert "  - SELFHELP_SECRET_KEY is not set" in result.output


def test_the_check_command_passes_a_safe_setup(app, db, monkeypatch):
    if app.extensions["db"].engine.dialect.name == "postgresql":
        pytest.skip("the test role is a superuser; test_app_role_check.py passes the app role")
    monkeypatch.setenv("SELFHELP_SECRET_KEY", KEY)
    app.config.update({k: v for k, v in GOOD.items() if k != "DATABASE_URL"}, WEB_WORKERS=1)
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "All production checks pass (production)" in result.output


def test_production_mode_refuses_to_start_with_unsafe_settings(app, db, monkeypatch):
    monkeypatch.delenv("SELFHELP_SECRET_KEY", raising=False)
    app.config["ENVIRONMENT"] = "production"
    with pytest.raises(UnsafeSettings) as refused:
        check_at_start(app)
    assert "refuses to start in production mode" in str(refused.value)
    assert "SELFHELP_BASE_URL 'http://localhost' is not https" in str(refused.value)


def test_outside_production_mode_the_start_is_not_checked(app, db, monkeypatch):
    monkeypatch.delenv("SELFHELP_SECRET_KEY", raising=False)
    app.config["ENVIRONMENT"] = "development"
    check_at_start(app)  # no exception


def test_the_scheduler_command_refuses_to_start_in_production_mode_with_demo_settings(
        app, db, monkeypatch):
    monkeypatch.delenv("SELFHELP_SECRET_KEY", raising=False)
    app.config["ENVIRONMENT"] = "production"
    app.config["LOG_FORMAT"] = "text"
    result = app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code != 0
    assert "refuses to start" in str(result.exception) or "refuses to start" in result.output

