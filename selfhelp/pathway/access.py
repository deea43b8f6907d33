"""Who serves a resident, and so may read and write their assessment and plan: their guide (or
the covering guide), the leaders of a cohort they take part in or applied to (held in the
leader's municipalities), and the admins of the resident's municipality."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from selfhelp.accounts.models import Role, User
from selfhelp.checkins.access import may_see
from selfhelp.courses.models import Application, ApplicationState, Cohort, CohortLeader
from selfhelp.db import db

#: The role each kind of server acts in (for the audit log), in the order they are tried.
ROLE_ORDER = (Role.GUIDE, Role.COURSE_LEADER, Role.ADMIN)


def leads_cohort_of(leader: User, resident_id: int) -> bool:
    found = db.scalar(select(Application.id).join(Cohort, Cohort.id == Application.cohort_id)
                      .join(CohortLeader, CohortLeader.cohort_id == Cohort.id)
                      .where(Application.resident_id == resident_id,
                             Application.state != ApplicationState.WITHDRAWN,
                             CohortLeader.leader_id == leader.id,
                             Cohort.municipality_code.in_(sorted(leader.municipality_codes)))
                      .limit(1))
    return found is not None


def serving_role(actor: User, resident: User, today: date) -> Role | None:
    """The role in which `actor` serves `resident`, or None when they do not."""
    if not resident.is_resident or actor.id == resident.id:
        return None
    if actor.has_role(Role.GUIDE) and may_see(actor, resident.id, today):
        return Role.GUIDE
    if actor.has_role(Role.COURSE_LEADER) and leads_cohort_of(actor, resident.id):
        return Role.COURSE_LEADER
    if actor.has_role(Role.ADMIN) and resident.municipality_code in actor.municipality_codes:
        return Role.ADMIN
    return None
