from datetime import date

from sqlalchemy import func, select

from selfhelp.accounts.models import User
from selfhelp.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET


def test_demo_loads_every_role_with_a_fifteen_year_old(app, db, clock):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    users = {u.email: u for u in db.scalars(select(User))}
    roles = set().union(*(u.role_names for u in users.values()))
    assert {"resident", "guide", "course_leader", "admin"} <= roles
    assert users["ungdom@demo.no"].age_on(date(2026, 3, 2)) == 15
    again = app.test_cli_runner().invoke(args=["demo"])
    assert again.exit_code == 0
    assert db.scalar(select(func.count()).select_from(User)) == len(users)
    from selfhelp.courses.models import Cohort

    cohorts = db.scalars(select(Cohort)).all()
    assert sorted(c.course_code for c in cohorts) == ["DU", "KiB", "KiD"]
    assert all(c.state == "published" for c in cohorts)


def test_demo_logins_work(app, db):
    app.test_cli_runner().invoke(args=["demo"])
    from tests.conftest import post_form

    for email in ("innbygger@demo.no", "veileder@demo.no", "kursleder@demo.no", "admin@demo.no"):
        client = app.test_client()
        response = post_form(client, "/login", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email


def test_the_demo_guide_has_a_check_in_waiting(app, db):
    app.test_cli_runner().invoke(args=["demo"])
    from tests.conftest import log_in_with_code

    guide = app.test_client()
    log_in_with_code(guide, "veileder@demo.no", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    queue = guide.get("/guide/").get_data(as_text=True)
    assert "Lars Larsen" in queue and "Sjekk-inn uke 1" in queue


def test_demo_staff_log_in_with_the_documented_totp_secret(app, db):
    app.test_cli_runner().invoke(args=["demo"])
    from tests.conftest import log_in_with_code

    result = app.test_cli_runner().invoke(args=["demo-totp"])
    assert result.exit_code == 0 and DEMO_TOTP_SECRET in result.output
    admin = app.test_client()
    response = log_in_with_code(admin, "admin@demo.no", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")


def test_demo_staff_names_hold_no_roles_and_pages_show_each_role_once(app, db):
    app.test_cli_runner().invoke(args=["demo"])
    from tests.conftest import log_in_with_code

    staff = [u for u in db.scalars(select(User)) if u.is_staff]
    assert staff and not [u.shown_name for u in staff if "(" in u.shown_name]
    # (The resident's access log and the audit search add the role themselves.)
    admin = app.test_client()
    log_in_with_code(admin, "admin@demo.no", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    guides = admin.get("/admin/guides").get_data(as_text=True)
    assert "Amina – 0 i oppfølging nå" in guides and "(0)" not in guides


def test_an_older_demo_database_loses_the_roles_in_its_staff_names(app, db):
    app.test_cli_runner().invoke(args=["demo"])
    ingrid = db.scalar(select(User).where(User.email == "veileder@demo.no"))
    ingrid.display_name = "Ingrid (veileder)"
    db.commit()
    app.test_cli_runner().invoke(args=["demo"])
    db.expire_all()
    assert db.scalar(select(User).where(User.email == "veileder@demo.no")).shown_name == "Ingrid"
