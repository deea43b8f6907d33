"""Shared feedback snippets stay in their municipality; a cover is a guide of the same
municipalities; unsubscribe links expire."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from selfhelp.checkins import queries, services
from selfhelp.checkins.models import GuideAbsence, Snippet
from selfhelp.clock import now
from selfhelp.notifications.models import NotificationSettings
from tests import factories
from tests.checkins.helpers import submitted_checkin
from tests.conftest import post_form


def test_a_shared_snippet_is_seen_only_by_guides_of_its_municipality(as_persona, personas, db):
    response = post_form(as_persona("guide"), "/guide/snippets",
                         {"title": "Felles hilsen", "body": "Hei {fornavn}!", "shared": "shared:3301"})
    assert response.status_code == 302
    snippet = db.scalar(select(Snippet))
    assert (snippet.owner_id, snippet.municipality_code) == (None, "3301")
    colleague = factories.make_staff(roles=["guide"])
    db.commit()
    assert "Felles hilsen" in as_persona("guide").get("/guide/snippets").get_data(as_text=True)
    assert "Felles hilsen" not in as_persona("other_guide").get("/guide/snippets").get_data(as_text=True)
    assert [s.title for s in queries.snippets_for(colleague)] == ["Felles hilsen"]
    assert queries.snippets_for(personas["other_guide"]) == []


def test_a_guide_cannot_share_a_snippet_into_a_municipality_they_do_not_serve(as_persona, personas, db):
    html = post_form(as_persona("guide"), "/guide/snippets",
                     {"title": "Til Bergen", "body": "Hei", "shared": "shared:4601"}).get_data(as_text=True)
    assert "Velg hvem som kan bruke malen fra lista." in html
    assert 'value="Til Bergen"' in html
    assert db.scalar(select(Snippet)) is None


def test_another_municipalitys_snippet_cannot_be_inserted_into_feedback(as_persona, personas, db, clock):
    from selfhelp.checkins.models import FeedbackDraft

    enrolment, checkin = submitted_checkin(db, personas)
    bergen = Snippet(owner_id=None, municipality_code=factories.OTHER_MUNICIPALITY, title="Bergen",
                     body="Hemmelig mal fra Bergen", created_at=now())
    db.add(bergen)
    db.commit()
    page = f"/guide/residents/{personas['resident'].id}"
    post_form(as_persona("guide"), page + "/feedback",
              {"checkin_id": checkin.id, "body": "Utkast", "do": "snippet", "snippet": bergen.id,
               "minutes": "3"}, page=page)
    db.expire_all()
    assert "Hemmelig" not in (db.scalar(select(FeedbackDraft.body)) or "")


def test_an_admin_guide_cannot_cover_a_guide_of_another_municipality(as_persona, personas, db, clock):
    admin_guide = factories.make_staff(roles=["admin", "guide"], name="Alma Admin",
                                       municipalities=[factories.MUNICIPALITY, factories.OTHER_MUNICIPALITY])
    drammen_only_admin_guide = factories.make_staff(roles=["admin", "guide"], name="Dag Drammen")
    shared_guide = factories.make_staff(roles=["guide"], name="Siri Shared",
                                        municipalities=[factories.MUNICIPALITY, factories.OTHER_MUNICIPALITY])
    db.commit()
    from tests.conftest import login

    client = as_persona("anonymous")
    login(client, drammen_only_admin_guide)
    # Siri also serves Bergen: a Drammen-only guide may not see her Bergen residents as cover.
    html = post_form(client, "/guide/absence", {
        "guide": shared_guide.id, "cover": drammen_only_admin_guide.id,
        "starts_on": "2026-03-02", "ends_on": "2026-03-06"}).get_data(as_text=True)
    assert "Stedfortrederen må være veileder i de samme kommunene" in html
    assert db.scalar(select(GuideAbsence)) is None
    with_both = services.add_absence(admin_guide, shared_guide, admin_guide, date(2026, 3, 2),
                                     date(2026, 3, 6), now())
    assert with_both.cover_id == admin_guide.id


def test_the_cover_must_serve_the_absent_guides_municipality(db, personas, clock):
    import pytest

    with pytest.raises(services.CheckinError) as refused:
        services.add_absence(personas["admin"], personas["other_guide"], personas["guide"],
                             date(2026, 3, 2), date(2026, 3, 6), now())
    assert refused.value.code == "cover_municipality"


def test_an_unsubscribe_link_expires_after_sixty_days_with_a_clear_page(app, db, client, personas, clock):
    from selfhelp.notifications.preferences import unsubscribe_token

    with app.test_request_context():
        token = unsubscribe_token(personas["resident"].id, "messages")
    clock.shift(timedelta(days=59))
    assert client.get(f"/unsubscribe/{token}").status_code == 200
    clock.shift(timedelta(days=2))
    response = client.post(f"/unsubscribe/{token}")
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "Lenken er for gammel" in html and "60 dager" in html
    assert "/login?next=/account/notifications" in html
    assert db.get(NotificationSettings, personas["resident"].id) is None
