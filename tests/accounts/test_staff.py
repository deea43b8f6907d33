import re

from sqlalchemy import select

from selfhelp.accounts.models import User
from tests import factories
from tests.conftest import login, post_form, totp_code
from tests.smtp import send_queued_mail, text_of

INVITE = {"name": "Vera Veileder", "email": "vera@example.com", "roles": ["guide", "course_leader"],
          "display_name": "Vera", "municipalities": ["3301"]}


def test_admin_invites_staff_who_set_a_password_and_log_in(as_persona, personas, db, mailbox, app):
    admin = as_persona("admin")
    response = post_form(admin, "/staff/invite", INVITE)
    assert response.status_code == 302
    staff = db.scalar(select(User).where(User.email == "vera@example.com"))
    assert staff.role_names == {"guide", "course_leader"}
    assert staff.municipality_codes == {"3301"}
    assert staff.qualification_names == set()  # recorded in the leader register, not here
    assert staff.password_hash is None and not staff.is_active
    send_queued_mail()
    link = re.search(r"http://localhost(/invitation/\S+)", text_of(mailbox.messages[-1])).group(1)
    assert "Ada Admin" in text_of(mailbox.messages[-1])

    newcomer = app.test_client()
    response = post_form(newcomer, link, {"password": "a brand new password",
                                          "password_confirm": "a brand new password"})
    assert response.status_code == 302
    # Staff set up the second factor before they get in.
    assert response.headers["Location"].endswith("/login/two-factor/setup")
    assert "QR-kode" in newcomer.get("/login/two-factor/setup").get_data(as_text=True)
    db.expire_all()
    secret = db.scalar(select(User).where(User.email == "vera@example.com")).totp_secret
    codes = post_form(newcomer, "/login/two-factor/setup", {"code": totp_code(secret)})
    assert codes.status_code == 200 and "Gjenopprettingskoder" in codes.get_data(as_text=True)
    assert "Hei, Vera" in newcomer.get("/dashboard").get_data(as_text=True)
    assert newcomer.get(link).status_code == 400  # used once, never again


def test_invitation_form_errors_keep_what_was_typed(as_persona, personas, db):
    admin = as_persona("admin")
    html = post_form(admin, "/staff/invite", {**INVITE, "roles": [], "email": "bad"}).get_data(as_text=True)
    assert "Velg minst én rolle." in html and "Skriv en gyldig e-postadresse" in html
    assert 'value="Vera Veileder"' in html
    assert db.scalar(select(User).where(User.name == "Vera Veileder")) is None


def test_inviting_an_existing_email_is_refused(as_persona, personas, db):
    html = post_form(as_persona("admin"), "/staff/invite",
                     {**INVITE, "email": personas["guide"].email}).get_data(as_text=True)
    assert "Det finnes allerede en konto" in html


def test_admin_changes_roles_and_can_close_access(as_persona, personas, db):
    guide = personas["guide"]
    response = post_form(as_persona("admin"), f"/staff/{guide.id}/edit",
                         {"name": "Gina Guide", "roles": ["guide", "admin"], "municipalities": ["3301"]})
    assert response.status_code == 302
    db.expire_all()
    guide = db.get(User, guide.id)
    assert guide.role_names == {"guide", "admin"} and not guide.active


def test_admin_cannot_remove_their_own_admin_role(as_persona, personas, db):
    admin = personas["admin"]
    html = post_form(as_persona("admin"), f"/staff/{admin.id}/edit",
                     {"name": "Ada", "roles": ["guide"], "municipalities": ["3301"], "active": "y"}
                     ).get_data(as_text=True)
    assert "Du kan ikke endre dine egne roller" in html
    db.expire_all()
    assert db.get(User, admin.id).has_role("admin")


def test_admin_sees_only_staff_of_their_municipalities(as_persona, personas, db):
    html = as_persona("admin").get("/staff/").get_data(as_text=True)
    assert "Gina Guide" in html and "Gustav Guide" not in html
    assert as_persona("admin").get(f"/staff/{personas['other_guide'].id}/edit").status_code == 404


def test_staff_update_their_own_display_name_but_nothing_else(as_persona, personas, db):
    response = post_form(as_persona("course_leader"), "/staff/profile",
                         {"display_name": "Kurt K.", "municipalities": ["3301", "4601"],
                          "qualifications": ["kid_leader", "kib_leader", "du_leader"]})
    assert response.status_code == 302
    db.expire_all()
    leader = db.get(User, personas["course_leader"].id)
    assert leader.display_name == "Kurt K." and leader.municipality_codes == {"3301"}
    assert leader.role_names == {"course_leader"}
    assert leader.qualification_names == {"kid_leader", "du_leader"}


def test_an_unknown_municipality_is_refused(as_persona, personas):
    html = post_form(as_persona("admin"), "/staff/invite",
                     {**INVITE, "municipalities": ["0000"]}).get_data(as_text=True)
    assert "Velg kommuner fra lista." in html


def test_create_admin_command_makes_a_working_admin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "boss@example.com", "--name", "Boss",
                                 "--password", "a good long password", "--municipality", "3301"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    boss = db.scalar(select(User).where(User.email == "boss@example.com"))
    assert boss.has_role("admin") and boss.municipality_codes == {"3301"} and boss.is_active
    refused = runner.invoke(args=["create-admin", "--email", "x@example.com", "--name", "X",
                                  "--password", "a good long password", "--municipality", "9999"])
    assert refused.exit_code != 0 and "unknown municipality" in refused.output


def test_change_password_ends_other_sessions(app, db):
    user = factories.make_resident()
    db.commit()
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login(laptop, user)
    response = post_form(phone, "/account/password", {
        "current_password": factories.PASSWORD, "password": "another long password",
        "password_confirm": "another long password"})
    assert response.status_code == 302
    assert phone.get("/dashboard").status_code == 200
    assert laptop.get("/dashboard").status_code == 302
