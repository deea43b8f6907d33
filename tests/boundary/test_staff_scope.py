"""Clear messages when a crafted staff form tries to cross the municipality boundary."""
from __future__ import annotations

from sqlalchemy import select

from selfhelp.accounts.models import User
from tests import factories
from tests.conftest import post_form

INVITE = {"name": "Olga Oslo", "email": "olga@example.com", "roles": ["admin"]}


def test_inviting_an_admin_for_another_municipality_is_refused_with_a_clear_message(
        as_persona, personas, db):
    html = post_form(as_persona("admin"), "/staff/invite",
                     {**INVITE, "municipalities": ["0301"]}).get_data(as_text=True)
    assert "Du kan bare gi tilgang til kommuner du selv administrerer." in html
    assert 'value="Olga Oslo"' in html
    assert db.scalar(select(User).where(User.email == "olga@example.com")) is None


def test_an_invitation_needs_a_municipality(as_persona, personas, db):
    html = post_form(as_persona("admin"), "/staff/invite", INVITE).get_data(as_text=True)
    assert "Velg minst én kommune." in html


def test_an_admin_cannot_add_a_municipality_to_themselves(as_persona, personas, db):
    admin = personas["admin"]
    html = post_form(as_persona("admin"), f"/staff/{admin.id}/edit",
                     {"name": admin.name, "roles": ["admin", "guide"], "municipalities": ["3301"],
                      "active": "y"}).get_data(as_text=True)
    assert "Du kan ikke endre dine egne roller" in html
    db.expire_all()
    assert db.get(User, admin.id).role_names == {"admin"}


def test_an_admin_may_rename_themselves(as_persona, personas, db):
    admin = personas["admin"]
    response = post_form(as_persona("admin"), f"/staff/{admin.id}/edit",
                         {"name": "Ada Admin-Olsen", "roles": ["admin"], "municipalities": ["3301"],
                          "active": "y"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, admin.id).name == "Ada Admin-Olsen"


def test_staff_who_also_serve_another_municipality_cannot_be_changed(as_persona, personas, db):
    shared = factories.make_staff(roles=["guide"], name="Siri Shared",
                                  municipalities=[factories.MUNICIPALITY, factories.OTHER_MUNICIPALITY])
    db.commit()
    admin = as_persona("admin")
    assert "Betjener også andre kommuner" in admin.get("/staff/").get_data(as_text=True)
    page = admin.get(f"/staff/{shared.id}/edit")
    assert page.status_code == 403
    assert "betjener også kommuner du ikke administrerer" in page.get_data(as_text=True)
    response = post_form(admin, f"/staff/{shared.id}/edit",
                         {"name": "Siri", "roles": ["admin"], "municipalities": ["3301"], "active": "y"},
                         page="/staff/")
    assert response.status_code == 403
    db.expire_all()
    assert db.get(User, shared.id).role_names == {"guide"}
    assert post_form(admin, f"/staff/{shared.id}/reset-second-factor", {},
                     page="/staff/").status_code == 403
