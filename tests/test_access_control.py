"""Walks every registered route as every persona and checks who gets in.

A new route fails this test until it is listed in ACCESS below, so nothing ships unreviewed.
"""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import PERSONAS, csrf_token

EVERYONE = set(PERSONAS)
LOGGED_IN = EVERYONE - {"anonymous"}
STAFF = {"guide", "other_guide", "course_leader", "admin"}
ADMIN = {"admin"}
RESIDENTS = {"resident", "other_resident"}
LEADER = {"course_leader"}
GUIDES = {"guide", "other_guide"}
SERVING = {"guide", "course_leader", "admin"}

#: endpoint -> personas allowed in
ACCESS: dict[str, set[str]] = {
    "pages.index": EVERYONE,
    "pages.crisis": EVERYONE,
    "pages.terms": EVERYONE,
    "pages.privacy": EVERYONE,
    "pages.about": EVERYONE,
    "pages.accessibility": EVERYONE,
    # Operations: no login; /readyz answers 503 while unready (no scheduler in tests), /metrics
    # only to its bearer token (see KEYED).
    "operations.healthz": EVERYONE,
    "operations.readyz": EVERYONE,
    "operations.metrics": set(),
    "pages.language": EVERYONE,
    "pages.dashboard": LOGGED_IN,
    "accounts.signup": EVERYONE,
    # Anonymous too: sign-up does not log in (it must answer the same for known addresses).
    "accounts.check_email": EVERYONE,
    "accounts.resend_verification": EVERYONE,
    "accounts.verify_email": EVERYONE,
    "accounts.login": EVERYONE,
    "accounts.logout": EVERYONE,
    "accounts.forgot_password": EVERYONE,
    "accounts.reset_password": EVERYONE,
    "accounts.accept_invitation": EVERYONE,
    "accounts.change_password": LOGGED_IN,
    # The half-logged-in second step: without a pending login everyone is sent to /login (or,
    # when logged in already, to the dashboard).
    "accounts_twofactor.verify": LOGGED_IN,
    "accounts_twofactor.enrol": LOGGED_IN,
    "accounts_profile.confirm_password": LOGGED_IN,
    "accounts_profile.accept_terms": LOGGED_IN,
    "accounts_profile.change_email": RESIDENTS,
    "accounts_profile.sessions": LOGGED_IN,
    "accounts_profile.end_one_session": LOGGED_IN,
    "accounts_profile.end_sessions": LOGGED_IN,
    "accounts_staff.reset_second_factor": ADMIN,
    "accounts_staff.new_recovery_codes": STAFF,
    "accounts_staff.index": ADMIN,
    "accounts_staff.invite": ADMIN,
    "accounts_staff.edit": ADMIN,
    "accounts_staff.resend_invitation": ADMIN,
    "accounts_staff.profile": STAFF,
    "accounts_staff.leader_register_list": ADMIN,
    "accounts_staff.leader_register_member": ADMIN,
    "accounts_staff.leader_register_revoke": ADMIN,
    "notifications.mail_outbox": ADMIN,
    "notifications.failed": ADMIN,
    "notifications.retry": ADMIN,
    "notifications.centre_page": LOGGED_IN,
    "notifications.open_notification": LOGGED_IN,
    "notifications.read_all": LOGGED_IN,
    "notifications.settings": LOGGED_IN,
    "notifications.unsubscribe": EVERYONE,  # the signed token in the link is the key
    "programs.catalogue": RESIDENTS,
    "programs.program": RESIDENTS,
    "programs.start": RESIDENTS,
    "programs.module": RESIDENTS,
    "programs.complete": RESIDENTS,
    "programs.save_exercise": RESIDENTS,
    "programs.questionnaire": RESIDENTS,
    "programs_toolbox.index": RESIDENTS,
    "programs_toolbox.show": RESIDENTS,
    "programs_toolbox.download": RESIDENTS,
    "measures.progress": RESIDENTS,
    "measures.support": RESIDENTS,
    "measures.more_help": RESIDENTS,
    "courses.index": RESIDENTS,
    "courses.cohort": RESIDENTS,
    "courses.mine": RESIDENTS,
    # One thing per page; someone who may not apply is sent to the cohort page (tests/courses/
    # test_apply_steps.py tests that, and that nobody reads another's draft).
    "courses_apply.start": RESIDENTS,
    "courses_apply.motivation": RESIDENTS,
    "courses_apply.screening": RESIDENTS,
    "courses_apply.guardian": RESIDENTS,
    "courses_apply.check": RESIDENTS,
    "courses_apply.send": RESIDENTS,
    "courses_apply.sent": RESIDENTS,
    "courses.withdraw": {"resident"},
    "courses.questionnaire": {"resident"},
    "courses.calendar": EVERYONE,  # the secret token in the link is the key
    "courses_leader.cohorts": LEADER,
    "courses_leader.new_cohort": LEADER,
    "courses_leader.edit_cohort": LEADER,
    "courses_leader.cohort": LEADER,
    "courses_leader.publish": LEADER,
    "courses_leader.cancel_cohort": LEADER,
    "courses_leader.move_session": LEADER,
    "courses_leader.cancel_session": LEADER,
    "courses_leader.applications": LEADER,
    "courses_leader.application": LEADER,
    "courses_leader.admit": LEADER,
    "courses_leader.decline": LEADER,
    "courses_leader.pretalk": LEADER,
    "courses_leader.confirm_guardian": LEADER,
    "courses_leader.roster": LEADER,
    "courses_leader.roster_csv": LEADER,
    "courses_leader.attendance": LEADER,
    "checkins.index": GUIDES,
    "checkins.caseload_page": GUIDES,
    "checkins.resident": {"guide"},
    "checkins.feedback": {"guide"},
    "checkins.message": {"guide"},
    "checkins.acknowledge": {"guide"},
    "checkins.program_action": {"guide"},
    "checkins.snippets": GUIDES,
    "checkins.delete_snippet": {"guide"},
    "checkins.absence": GUIDES | ADMIN,
    "checkins_resident.checkin": RESIDENTS,
    "checkins_resident.messages": RESIDENTS,
    "checkins_admin.assignments": ADMIN,
    "checkins_admin.assign": ADMIN,
    "checkins_admin.settings": ADMIN,
    "reports.index": STAFF,
    "reports.outcomes": STAFF,
    "reports.engagement": STAFF,
    "reports.reach": STAFF,
    "reports.workload": STAFF,
    "reports.stepped_care": STAFF,
    "audit.access_log": RESIDENTS,
    "audit.search": ADMIN,
    "audit.export_csv": ADMIN,
    "privacy.account": RESIDENTS,
    "privacy.index": RESIDENTS,
    "privacy.export_data": RESIDENTS,
    "privacy.close": RESIDENTS,
    "privacy.closed": EVERYONE,
    "privacy.retention": ADMIN,
    # Care pathway: staff who serve the resident (the guide assigned, the leader of the cohort
    # applied to, the municipality's admin); other_guide works elsewhere.
    "pathway.resident": SERVING,
    "pathway.assessment": SERVING,
    "pathway.plan": SERVING,
    "pathway.review": SERVING,
    "pathway.mine": RESIDENTS,
    "pathway.template": ADMIN,
    "care.open_flags": ADMIN | LEADER,
    # The sample flag's owner is the resident's guide; the cohort's leader and the admin are above.
    "care.flag": {"guide"} | LEADER | ADMIN,
}


#: Opened by a secret in a header, never by a session: every persona is refused (404 while no
#: token is configured, 401 without it); tests/operations/test_metrics.py tests the token.
KEYED = {"operations.metrics"}
#: Answer 503 by design while the instance is not ready to serve.
UNREADY_503 = {"operations.readyz"}


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def _sample_objects(db, personas) -> dict:
    """Objects the routes look up: the resident's own program answer."""
    from selfhelp.clock import now
    from selfhelp.content import get_catalogue
    from selfhelp.programs import services

    program = get_catalogue().programs["depression"]
    enrolment = services.start_program(personas["resident"], program, now())
    module = program.modules[0]
    answer, _ = services.save_worksheet(enrolment, program, module, module.text("nb").exercise("goals"),
                                        MultiDict({"f-general_goal": "x"}), now())
    from tests.factories import make_application, make_cohort

    cohort = make_cohort(leaders=[personas["course_leader"]], auto_admit=True)
    application = make_application(cohort, personas["resident"])
    from selfhelp.checkins import services as checkins
    from selfhelp.checkins.models import Snippet
    from selfhelp.measures.models import RiskFlag

    checkins.assign_guide(personas["admin"], enrolment, personas["guide"], now())
    flag = RiskFlag(resident_id=personas["resident"].id, reason="self_harm_item", score=12,
                    item_value=1, raised_at=now(), state="open")
    snippet = Snippet(owner_id=personas["guide"].id, title="Hei", body="Hei {fornavn}", created_at=now())
    from selfhelp.notifications.models import Notification

    notification = Notification(recipient_id=personas["resident"].id, kind="new_message",
                                occurrence="sample", channel="email", created_at=now(),
                                due_at=now(), state="sent", shown_at=now(), context={"link": "/messages"})
    from selfhelp.accounts.models import LeaderRegistration

    registration = LeaderRegistration(user_id=personas["guide"].id, qualification="kid_leader",
                                      certificate_number="X-1", recorded_at=now())
    db.add_all([flag, snippet, notification, registration])
    db.commit()
    return {"answer_id": answer.id, "cohort_id": cohort.id, "session_id": cohort.sessions[0].id,
            "application_id": application.id, "calendar_token": application.calendar_token,
            "resident_id": personas["resident"].id, "flag_id": flag.id, "snippet_id": snippet.id,
            "enrolment_id": enrolment.id, "notification_id": notification.id,
            "entry_id": registration.id}


def _url_values(rule, personas) -> dict:
    """Sample values for the rule's variables: real objects where the route looks one up."""
    values = {}
    for name in rule.arguments:
        if name == "user_id":
            values[name] = personas["guide"].id
        elif name == "token":
            values[name] = personas["calendar_token"] if rule.endpoint == "courses.calendar" else "not-a-token"
        elif name == "slug":
            values[name] = "depression"
        elif name == "module_slug":
            values[name] = "01-forsta-depresjon"
        elif name == "exercise_key":
            values[name] = "goals"
        elif name == "code":
            values[name] = "PHQ-9"
        elif name == "occasion":
            values[name] = "start"
        elif name in ("answer_id", "cohort_id", "session_id", "application_id", "resident_id",
                      "flag_id", "snippet_id", "enrolment_id", "notification_id", "entry_id"):
            values[name] = personas[name]
        else:
            raise AssertionError(f"{rule.rule}: add a sample value for <{name}> in _url_values")
    return values


def test_every_route_has_an_access_rule(app):
    missing = sorted({r.endpoint for r in _rules(app)} - set(ACCESS))
    assert not missing, f"routes without an access rule in tests/test_access_control.py: {missing}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_exactly_the_access_it_should(app, db, personas, as_persona, persona):
    from flask import url_for

    personas = {**personas, **_sample_objects(db, personas)}
    problems = []
    for rule in _rules(app):
        with app.test_request_context():
            path = url_for(rule.endpoint, **_url_values(rule, personas))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            client = as_persona(persona)
            if method == "GET":
                response = client.get(path)
            else:
                response = client.open(path, method=method, data={"csrf_token": csrf_token(client)})
            allowed = persona in ACCESS[rule.endpoint]
            status, location = response.status_code, response.headers.get("Location", "")
            to_login = status == 302 and "/login" in location
            if rule.endpoint in KEYED:
                if status not in (401, 404):
                    problems.append(f"{method} {path}: {persona} should be refused, got {status}")
                continue
            if rule.endpoint in UNREADY_503 and status == 503:
                continue
            if response.status_code >= 500:
                problems.append(f"{method} {path}: {status}")
            elif allowed and (status in (401, 403) or to_login):
                problems.append(f"{method} {path}: {persona} should get in, got {status} {location}")
            elif not allowed and persona == "anonymous" and not to_login:
                problems.append(f"{method} {path}: anonymous should be sent to log in, got {status}")
            elif not allowed and persona != "anonymous" and status not in (403, 404):
                problems.append(f"{method} {path}: {persona} should be refused, got {status}")
    assert not problems, "\n".join(problems)
