"""Every path to a risk flag gives it exactly one owner who can acknowledge it; those below the
owner or outside the municipality cannot."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from selfhelp.audit.models import AuditEvent
from selfhelp.care import services as care
from selfhelp.care.chain import acting_level
from selfhelp.checkins import services as checkins
from selfhelp.clock import local, now
from selfhelp.measures.models import RiskFlag, RiskFlagAction
from tests import factories
from tests.care.helpers import raise_flag
from tests.checkins.helpers import guided_resident
from tests.programs.helpers import enrol


def _owner(flag):
    return flag.owner_level, flag.owner_user_id, flag.owner_cohort_id, flag.municipality_code


def _can(people, flag) -> set[str]:
    return {name for name, person in people.items()
            if person.is_staff and acting_level(person, flag, now()) is not None}


def test_a_guided_resident_s_flag_is_owned_by_the_guide_and_anyone_above(db, personas, clock):
    guided_resident(db, personas)
    flag = raise_flag(db, personas["resident"], context="program:depression")
    assert _owner(flag) == ("guide", personas["guide"].id, None, factories.MUNICIPALITY)
    # The guide owns it; the admin is above everyone; the leader has no tie to this person.
    assert _can(personas, flag) == {"guide", "admin"}


def test_a_covering_guide_acts_for_the_absent_owner(db, personas, clock):
    guided_resident(db, personas)
    cover = factories.make_staff(roles=["guide"], name="Cora Cover")
    today = local(now()).date()
    checkins.add_absence(personas["admin"], personas["guide"], cover, today, today + timedelta(days=4), now())
    db.commit()
    flag = raise_flag(db, personas["resident"], context="program:depression")
    assert flag.owner_user_id == personas["guide"].id  # the owner stays the resident's guide
    care.acknowledge(cover, flag, "called", "Ringte, avtalte samtale i morgen", now())
    assert flag.state == "acknowledged" and flag.acknowledged_by_id == cover.id


def test_an_unguided_resident_with_no_cohort_is_owned_by_the_municipality_s_team(db, personas, clock):
    enrol(personas["resident"], "while-you-wait")
    flag = raise_flag(db, personas["resident"])
    assert _owner(flag) == ("team", None, None, factories.MUNICIPALITY)
    assert _can(personas, flag) == {"admin"}
    elsewhere = factories.make_staff(roles=["admin"], municipalities=[factories.OTHER_MUNICIPALITY])
    assert acting_level(elsewhere, flag, now()) is None
    care.acknowledge(personas["admin"], flag, "referred", "Henvist til legevakt etter samtale", now())
    assert (flag.state, flag.outcome) == ("acknowledged", "referred")


@pytest.mark.parametrize("admitted", [False, True], ids=["applicant", "participant"])
def test_a_course_applicant_or_participant_s_flag_is_owned_by_the_cohort_s_leaders(db, personas, clock, admitted):
    cohort = factories.make_cohort(leaders=[personas["course_leader"]], auto_admit=admitted)
    application = factories.make_application(cohort, personas["resident"])
    assert (application.state == "admitted") == admitted
    flag = raise_flag(db, personas["resident"], context=f"cohort:{cohort.id}", occasion="screening")
    assert _owner(flag) == ("course_leader", None, cohort.id, factories.MUNICIPALITY)
    assert _can(personas, flag) == {"course_leader", "admin"}
    care.acknowledge(personas["course_leader"], flag, "met", "Tok en samtale etter samlingen", now())
    assert flag.state == "acknowledged"


def test_the_guide_comes_before_the_cohort_and_the_leader_is_above_the_guide(db, personas, clock):
    guided_resident(db, personas)
    cohort = factories.make_cohort(leaders=[personas["course_leader"]])
    factories.make_application(cohort, personas["resident"])
    flag = raise_flag(db, personas["resident"], context="program:depression")
    assert flag.owner_level == "guide"
    assert _can(personas, flag) == {"guide", "course_leader", "admin"}


def test_a_withdrawn_application_no_longer_ties_the_person_to_the_leaders(db, personas, clock):
    from selfhelp.content import get_catalogue
    from selfhelp.courses.services import admission

    cohort = factories.make_cohort(leaders=[personas["course_leader"]])
    application = factories.make_application(cohort, personas["resident"])
    admission.withdraw(personas["resident"], application, get_catalogue().courses["KiD"], now())
    flag = raise_flag(db, personas["resident"])
    assert flag.owner_level == "team"


def test_a_resident_without_a_municipality_goes_to_the_cohort_s_municipality(db, personas, clock):
    resident = factories.make_resident(municipality=None)
    cohort = factories.make_cohort(leaders=[personas["course_leader"]], open_to_other_municipalities=True)
    factories.make_application(cohort, resident)
    flag = raise_flag(db, resident)
    assert _owner(flag) == ("course_leader", None, cohort.id, factories.MUNICIPALITY)


def test_following_up_needs_an_outcome_and_a_note(db, personas, clock):
    guided_resident(db, personas)
    flag = raise_flag(db, personas["resident"], context="program:depression")
    for outcome, note, code in (("", "Ringte", "outcome_missing"), ("guessed", "Ringte", "outcome_missing"),
                                ("called", "  ", "note_missing")):
        with pytest.raises(care.CareError) as error:
            care.acknowledge(personas["guide"], flag, outcome, note, now())
        assert error.value.code == code
    with pytest.raises(care.CareError) as error:
        care.acknowledge(personas["other_guide"], flag, "called", "Ringte", now())
    assert error.value.code == "not_allowed"
    assert flag.state == "open"


def test_no_contact_reached_is_recorded_but_the_flag_stays_open_and_still_escalates(db, personas, clock):
    guided_resident(db, personas)
    flag = raise_flag(db, personas["resident"], context="program:depression")
    due = flag.escalation_due_at
    care.acknowledge(personas["guide"], flag, "no_contact", "Ringte to ganger, ikke svar", now())
    db.commit()
    assert (flag.state, flag.owner_level, flag.escalation_due_at) == ("open", "guide", due)
    care.acknowledge(personas["guide"], flag, "called", "Fikk tak i henne, ingen akutt fare", now())
    db.commit()
    assert [a.outcome for a in db.query(RiskFlagAction).order_by(RiskFlagAction.id)] == ["no_contact", "called"]
    assert flag.state == "acknowledged"
    with pytest.raises(care.CareError) as error:
        care.acknowledge(personas["admin"], flag, "called", "Igjen", now())
    assert error.value.code == "already_acknowledged"


def test_a_flag_made_before_the_owner_chain_gets_an_owner_when_first_looked_at(db, personas, clock):
    guided_resident(db, personas)
    flag = RiskFlag(resident_id=personas["resident"].id, reason="self_harm_item", score=9, item_value=1,
                    raised_at=now(), state="open")
    db.add(flag)
    db.commit()
    assert acting_level(personas["guide"], flag, now()) is not None
    assert flag.owner_level == "guide" and flag.escalation_due_at is not None


def test_a_follow_up_is_audited_in_the_role_of_the_step_acted_at_whoever_calls_it(db, personas, clock):
    guided_resident(db, personas)
    flag = raise_flag(db, personas["resident"], context="program:depression")
    care.acknowledge(personas["guide"], flag, "no_contact", "Ringte, ikke svar", now())
    care.acknowledge(personas["admin"], flag, "called", "Fikk tak i henne", now())
    events = db.execute(select(AuditEvent.actor_id, AuditEvent.role, AuditEvent.resident_id,
                               AuditEvent.record_id).where(AuditEvent.what == "risk_flag",
                                                           AuditEvent.action == "change")
                        .order_by(AuditEvent.id)).all()
    assert [tuple(e) for e in events] == [
        (personas["guide"].id, "guide", personas["resident"].id, flag.id),
        (personas["admin"].id, "admin", personas["resident"].id, flag.id)]
