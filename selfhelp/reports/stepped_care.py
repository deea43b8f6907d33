"""Stepped care in figures: the review decisions recorded in the period, per review point, and
how many stepped the help up (everything but "continue"). One statement."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import String, case, cast, false, func, literal, or_, select

from selfhelp.accounts.models import Role, User
from selfhelp.courses.models import CohortLeader
from selfhelp.db import db
from selfhelp.pathway.forms import DECISION_LABELS
from selfhelp.pathway.models import DECISIONS, ReviewDecision
from selfhelp.reports.scope import Period, Scope
from selfhelp.reports.suppression import Count
from selfhelp.reports.tables import Table

POINTS = ("week-3", "week-7", "deterioration", "session")


def _point():
    checkpoint = ReviewDecision.checkpoint
    return case((checkpoint.in_(("week-3", "week-7")), checkpoint),
                (checkpoint.like("deterioration-%"), "deterioration"), else_="session")


def _scope(scope: Scope):
    """admin: residents of the municipalities served; course leader: the cohorts led;
    guide: the decisions the guide recorded."""
    if scope.role == Role.ADMIN:
        return ReviewDecision.resident_id.in_(select(User.id).where(
            User.municipality_code.in_(scope.municipalities)))
    if scope.role == Role.COURSE_LEADER:
        led = select(literal("cohort:", String) + cast(CohortLeader.cohort_id, String)).where(CohortLeader.leader_id == scope.user_id)
        return or_(ReviewDecision.context.in_(led), ReviewDecision.decided_by_id == scope.user_id)
    if scope.role == Role.GUIDE:
        return ReviewDecision.decided_by_id == scope.user_id
    return false()


def decision_counts(scope: Scope, period: Period) -> dict[tuple[str, str], int]:
    point = _point().label("point")
    rows = db.execute(select(point, ReviewDecision.decision, func.count()).where(
        _scope(scope), ReviewDecision.decided_at >= period.start, ReviewDecision.decided_at < period.end)
        .group_by(point, ReviewDecision.decision))
    return {(p, d): int(n) for p, d, n in rows}


def stepped_care_tables(scope: Scope, period: Period) -> list[Table]:
    counts = decision_counts(scope, period)
    names = {"week-3": _("Uke 3 (tidlig respons)"), "week-7": _("Uke 7 (sen respons)"),
             "deterioration": _("Pålitelig forverring"), "session": _("Målt kurssamling")}
    rows = []
    for point in (*POINTS, None):
        def n(decision, point=point):
            return sum(v for (p, d), v in counts.items() if (point is None or p == point) and d == decision)
        total = sum(n(d) for d in DECISIONS)
        rows.append([names[point] if point else _("Alle"), Count(total),
                     Count(total - n("continue")), *[Count(n(d)) for d in DECISIONS]])
    return [Table("decisions", _("Vurderinger av planen og trinnvis opptrapping"),
                  [_("Når"), _("Vurderinger"), _("Trappet opp"), *[str(DECISION_LABELS[d]) for d in DECISIONS]],
                  rows, note=_("En vurdering kommer når en innbygger i et veiledet program ikke har hatt "
                               "pålitelig bedring innen uke 3 eller uke 7, ved pålitelig forverring, og ved "
                               "kursets målte samlinger. «Trappet opp» er alle beslutninger unntatt å "
                               "fortsette som planlagt."))]
