from datetime import timedelta

from selfhelp.checkins import services
from selfhelp.clock import local, now
from tests.programs.helpers import enrol


def guided_resident(db, personas, resident_key="resident", guide_key="guide", weeks_ago: int = 1):
    """A resident started the depression program `weeks_ago` weeks back and has the guide."""
    resident = personas[resident_key]
    enrolment = enrol(resident, "depression", now() - timedelta(weeks=weeks_ago))
    enrolment.start_date = local(now()).date() - timedelta(weeks=weeks_ago)
    services.assign_guide(personas["admin"], enrolment, personas[guide_key], now())
    db.commit()
    return enrolment


def submitted_checkin(db, personas, text="Tung uke, men jeg gikk to turer", **kw):
    enrolment = guided_resident(db, personas, **kw)
    checkin = services.current_checkin(enrolment, local(now()).date())
    services.submit_checkin(enrolment.resident, checkin, text, now())
    db.commit()
    return enrolment, checkin
