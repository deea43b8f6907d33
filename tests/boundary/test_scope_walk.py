"""Walks every staff-editing route and every field on it as every staff persona, with the widest
values a crafted POST could send, and checks that nobody widens their own or anyone's scope:
roles, municipalities, qualifications and access change only when an admin changes someone else
who serves nothing but the admin's municipalities, and only to municipalities the admin serves."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from selfhelp.accounts.models import LeaderRegistration, User
from tests import factories
from tests.conftest import csrf_token, login

DRAMMEN, BERGEN, OSLO = factories.MUNICIPALITY, factories.OTHER_MUNICIPALITY, "0301"
EVERY_CODE = [DRAMMEN, BERGEN, OSLO]
EVERY_ROLE = ["guide", "course_leader", "admin", "resident"]
EVERY_QUALIFICATION = ["kid_leader", "kib_leader", "du_leader"]
_emails = itertools.count(1)


@pytest.fixture
def world(db, personas):
    people = dict(personas)
    people["bergen_admin"] = factories.make_staff(roles=["admin"], name="Berit Bergen-admin",
                                                  municipalities=[BERGEN])
    people["shared_guide"] = factories.make_staff(roles=["guide"], name="Siri Shared",
                                                  municipalities=[DRAMMEN, BERGEN])
    db.commit()
    return people


STAFF_PERSONAS = ["guide", "other_guide", "course_leader", "admin", "bergen_admin"]
TARGETS = ["self", "guide", "other_guide", "course_leader", "shared_guide", "admin"]


def _scope(db) -> dict[int, tuple]:
    db.expire_all()
    return {u.id: (frozenset(u.role_names), frozenset(u.municipality_codes),
                   frozenset(u.qualification_names), u.active)
            for u in db.scalars(select(User))}


def _attempts(actor: User, target: User, entry_ids: list[int]) -> list[tuple[str, dict]]:
    """Every staff-editing route with every field, filled to widen as far as possible."""
    widest = {"roles": EVERY_ROLE, "municipalities": EVERY_CODE, "qualifications": EVERY_QUALIFICATION,
              "active": "y", "display_name": "Ny", "name": target.name}
    out = [("/staff/profile", widest)]
    for codes in (EVERY_CODE, [OSLO], sorted(actor.municipality_codes) or [DRAMMEN]):
        out.append(("/staff/invite", {**widest, "municipalities": codes, "name": "Ny Ansatt",
                                      "email": f"new{next(_emails)}@example.com"}))
        out.append((f"/staff/{target.id}/edit", {**widest, "municipalities": codes}))
    for q in EVERY_QUALIFICATION:
        out.append((f"/staff/{target.id}/leader-register",
                    {"qualification": q, "course_date": "2025-01-10", "certificate_number": "C-1"}))
    for entry_id in entry_ids:
        out.append((f"/staff/{target.id}/leader-register/{entry_id}/revoke", {}))
    return out


def _check(before: dict, after: dict, actor_id: int, path: str, data: dict) -> list[str]:
    actor_roles, actor_codes, _, _ = before[actor_id]
    problems = []
    for uid, now in after.items():
        was = before.get(uid)
        where = f"POST {path} {data} by user {actor_id}"
        if was is None:  # someone invited
            if "admin" not in actor_roles or not now[1] or not now[1] <= actor_codes:
                problems.append(f"{where}: invited user {uid} with {sorted(now[1])}")
            if now[2]:
                problems.append(f"{where}: invited user {uid} with qualifications")
            continue
        if now == was:
            continue
        if uid == actor_id:
            problems.append(f"{where}: changed their own scope {was} -> {now}")
        elif "admin" not in actor_roles:
            problems.append(f"{where}: a non-admin changed user {uid}")
        elif not (was[1] and was[1] <= actor_codes and now[1] <= actor_codes):
            problems.append(f"{where}: user {uid} {sorted(was[1])} -> {sorted(now[1])} "
                            f"outside the admin's {sorted(actor_codes)}")
    return problems


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_no_staff_member_can_widen_their_own_or_anyones_scope(app, db, world, persona):
    actor = world[persona]
    client = app.test_client()
    login(client, actor)
    problems = []
    changed = 0
    for target_name in TARGETS:
        target = actor if target_name == "self" else world[target_name]
        entries = list(db.scalars(select(LeaderRegistration.id).where(
            LeaderRegistration.user_id == target.id)))
        for path, data in _attempts(actor, target, entries):
            before = _scope(db)
            response = client.post(path, data={**data, "csrf_token": csrf_token(client, "/staff/profile")})
            if response.status_code >= 500:
                problems.append(f"POST {path}: {response.status_code}")
            after = _scope(db)
            changed += after != before
            problems += _check(before, after, actor.id, path, data)
            db.expire_all()
            actor = db.get(User, actor.id)
    assert not problems, "\n".join(problems)
    # The walk is not empty: admins really can change staff of their own municipalities.
    assert (changed > 0) == (persona in ("admin", "bergen_admin")), changed


@pytest.mark.parametrize("persona", ["admin", "bergen_admin"])
def test_staff_forms_offer_only_the_admins_own_municipalities(app, db, world, persona):
    actor = world[persona]
    client = app.test_client()
    login(client, actor)
    own = actor.municipality_codes
    for path in ("/staff/invite", f"/staff/{actor.id}/edit"):
        html = client.get(path).get_data(as_text=True)
        for code in EVERY_CODE:
            offered = f'name="municipalities" type="checkbox" value="{code}"' in html
            assert offered == (code in own and path == "/staff/invite"), (path, code)
    profile = client.get("/staff/profile").get_data(as_text=True)
    assert 'name="municipalities"' not in profile and 'name="qualifications"' not in profile
