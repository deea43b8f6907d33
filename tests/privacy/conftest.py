"""A resident with something of everything: program, worksheet (two versions), questionnaires,
a risk flag, a guide, a check-in with feedback and messages, and a course application."""
from __future__ import annotations

from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from selfhelp.checkins import services as checkins
from selfhelp.clock import local, now
from selfhelp.measures.definitions import get_measure
from selfhelp.measures.services import record_result
from selfhelp.programs import services as programs
from tests import factories
from tests.programs.helpers import enrol, program


@pytest.fixture
def rich(db, personas, clock):
    resident = personas["resident"]
    enrolment = enrol(resident, "depression", now() - timedelta(weeks=1))
    enrolment.start_date = local(now()).date() - timedelta(weeks=1)
    checkins.assign_guide(personas["admin"], enrolment, personas["guide"], now())
    prog = program("depression")
    module = prog.modules[0]
    goals = module.text("nb").exercise("goals")
    programs.save_worksheet(enrolment, prog, module, goals,
                            MultiDict({"f-general_goal": "Første utkast av målet"}), now() - timedelta(hours=2))
    answer, _ = programs.save_worksheet(enrolment, prog, module, goals,
                                        MultiDict({"f-general_goal": "Komme meg ut hver dag"}), now())
    programs.complete_module(enrolment, prog, module, now())
    phq = get_measure("PHQ-9")
    record_result(resident, phq, "program:depression", "start",
                  {f"q{i}": "1" for i in range(1, 9)} | {"q9": "1"}, now())
    checkin = checkins.current_checkin(enrolment, local(now()).date())
    checkins.submit_checkin(resident, checkin, "Uka var tung, men jeg gikk tur", now())
    checkins.publish_feedback(personas["guide"], checkin, "Så bra at du gikk tur, Rita!", 12, now())
    checkins.post_message(resident, resident, "Takk for svaret", now())
    cohort = factories.make_cohort(leaders=[personas["course_leader"]], auto_admit=True, capacity=1)
    application = factories.make_application(cohort, resident, motivation="Lære å takle tunge dager")
    db.commit()
    return {"enrolment": enrolment, "answer": answer, "checkin": checkin, "cohort": cohort,
            "application": application}
