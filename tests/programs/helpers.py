from datetime import datetime

from selfhelp.content import get_catalogue
from selfhelp.programs import services


def program(slug="depression"):
    return get_catalogue().programs[slug]


def enrol(resident, slug="depression", now: datetime | None = None):
    from selfhelp.clock import now as clock_now

    return services.start_program(resident, program(slug), now or clock_now())
