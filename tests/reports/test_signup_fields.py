"""Gender and work status at sign-up: optional, with "prefer not to say", counted in Reach."""
import pytest
from sqlalchemy import select

from selfhelp.accounts.models import User
from tests.accounts.test_signup import GOOD
from tests.conftest import post_form


def test_sign_up_records_gender_and_work_status_when_given(client, db, mailbox):
    response = post_form(client, "/signup", {**GOOD, "gender": "female", "work_status": "sick_leave"})
    assert response.status_code == 302
    user = db.scalar(select(User))
    assert (user.gender, user.work_status) == ("female", "sick_leave")


@pytest.mark.parametrize("extra", [{}, {"gender": "", "work_status": ""}])
def test_both_are_optional(client, db, mailbox, extra):
    assert post_form(client, "/signup", {**GOOD, **extra}).status_code == 302
    user = db.scalar(select(User))
    assert (user.gender, user.work_status) == (None, None)


def test_prefer_not_to_say_is_a_choice_and_unknown_values_are_refused(client, db, mailbox):
    html = client.get("/signup").get_data(as_text=True)
    assert "Vil ikke oppgi" in html and 'name="work_status"' in html
    response = post_form(client, "/signup", {**GOOD, "gender": "robot"})
    assert response.status_code == 200
    assert db.scalar(select(User)) is None
    assert post_form(client, "/signup", {**GOOD, "gender": "unspoken"}).status_code == 302
    assert db.scalar(select(User)).gender == "unspoken"
