"""Outcomes in SQL: first and last scores per episode, the NHS Talking Therapies definitions,
and per-group sums (program, course, cohort, course leader, guide and all together) in one
statement.

Two denominators are reported side by side: today's (everyone with a first and last score; the
cases among them for recovery) and NHS Talking Therapies' (people who *finished*, i.e. at least 2
sessions or check-ins, with a first and last score, who were a *case* at the start). WHO-5
(KiB's measure) gets reliable change by Jacobson–Truax, from the SD and reliability in its
measure file. Follow-up answers (``followup-<months>``) are reported per month.

The definitions are those of ``selfhelp.measures.scoring`` (same thresholds, imported from
there); ``tests/reports/test_definitions.py`` checks every combination of scores against the
Python helpers, so the report and the resident's own progress page can never disagree.
"""
from __future__ import annotations

from sqlalchemy import String, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.sql import ColumnElement

from selfhelp.content import get_catalogue
from selfhelp.courses.models import CohortLeader
from selfhelp.db import db
from selfhelp.measures.definitions import get_measure
from selfhelp.measures.models import MeasureResult
from selfhelp.measures.scoring import GAD7_CASE, GAD7_RELIABLE, PHQ9_CASE, PHQ9_RELIABLE
from selfhelp.reports.episodes import episodes
from selfhelp.reports.scope import Period, Scope

PHQ9, GAD7, WHO5 = "PHQ-9", "GAD-7", "WHO-5"
MEASURES = (PHQ9, GAD7, WHO5)
LEVELS = ("program", "course", "cohort", "leader", "guide", "total")


def definitions(f_phq, l_phq, f_gad, l_gad) -> dict[str, ColumnElement]:
    """SQL twins of scoring.is_case_at_start, recovered, reliable_improvement,
    reliable_deterioration and reliable_recovery. ``f_*`` is the first score, ``l_*`` the last
    one or NULL when there is only one (or none); every result is a non-null 0/1."""

    def changed(first, last, threshold, worse: bool) -> ColumnElement:
        diff = (last - first) if worse else (first - last)
        return and_(first.is_not(None), last.is_not(None), diff >= threshold)

    def ends_below(first, last, cut) -> ColumnElement:
        # A measure given at the start needs a last score, and any last score must be under
        # the cut-off (scoring.recovered, clause by clause).
        return and_(or_(first.is_(None), last.is_not(None)), or_(last.is_(None), last < cut))

    is_case = or_(f_phq >= PHQ9_CASE, f_gad >= GAD7_CASE)
    recovered = and_(is_case, ends_below(f_phq, l_phq, PHQ9_CASE),
                     ends_below(f_gad, l_gad, GAD7_CASE))
    worse = or_(changed(f_phq, l_phq, PHQ9_RELIABLE, True),
                changed(f_gad, l_gad, GAD7_RELIABLE, True))
    better = or_(changed(f_phq, l_phq, PHQ9_RELIABLE, False),
                 changed(f_gad, l_gad, GAD7_RELIABLE, False))
    improved = and_(better, ~worse)
    conditions = {"case": is_case, "recovered": recovered, "improved": improved,
                  "deteriorated": worse, "reliably_recovered": and_(recovered, improved)}
    return {name: case((cond, 1), else_=0) for name, cond in conditions.items()}


def followup_months() -> tuple[int, ...]:
    """Every follow-up month any program asks for (program files: ``followup_months``)."""
    return tuple(sorted({m for p in get_catalogue().programs.values() for m in p.followup_months}))


def who5_threshold() -> float:
    """WHO-5 reliable change in points (Jacobson–Truax from the measure file's SD and r)."""
    return get_measure(WHO5).reliable_change


def _scores(eps, period: Period, months: tuple[int, ...]):
    """(resident_id, context) -> first and last score and count per measure during the help,
    and the score at each follow-up (occasion ``followup-<months>``). Follow-up answers are not
    the 'last' score of the help itself. Course screening answers (given before admission) are
    not the course's 'before' measure."""
    mr = MeasureResult
    is_followup = case((mr.occasion.like("followup-%"), 1), else_=0)
    window = (mr.resident_id, mr.context, mr.measure_code, is_followup)
    ranked = (
        select(mr.resident_id, mr.context, mr.measure_code, mr.score, mr.occasion,
               is_followup.label("fu"),
               func.row_number().over(partition_by=window,
                                      order_by=(mr.answered_at, mr.id)).label("rn"),
               func.count().over(partition_by=window).label("n"))
        .join(eps, and_(eps.c.resident_id == mr.resident_id, eps.c.context == mr.context))
        .where(mr.measure_code.in_(MEASURES), ~mr.occasion.like("screening%"),
               mr.answered_at < period.end)
        .subquery()
    )
    r = ranked.c
    during = r.fu == 0
    columns = []
    for code, short in SHORT.items():
        is_code = and_(r.measure_code == code, during)
        columns += [
            func.max(case((and_(is_code, r.rn == 1), r.score))).label(f"f_{short}"),
            func.max(case((and_(is_code, r.rn == r.n, r.n >= 2), r.score))).label(f"l_{short}"),
            func.coalesce(func.max(case((is_code, r.n))), 0).label(f"n_{short}"),
        ]
        for months_after in months:
            columns.append(func.max(case((and_(r.measure_code == code,
                                               r.occasion == f"followup-{months_after}"),
                                          r.score))).label(f"fu{months_after}_{short}"))
    return (select(r.resident_id, r.context, *columns).group_by(r.resident_id, r.context)
            .subquery("scores"))


SHORT = {PHQ9: "phq", GAD7: "gad", WHO5: "who"}


def _per_episode(scope: Scope, period: Period, months: tuple[int, ...]):
    eps = episodes(scope, period)
    s = _scores(eps, period, months)
    n_phq, n_gad, n_who = (func.coalesce(s.c[f"n_{m}"], 0) for m in ("phq", "gad", "who"))
    defs = definitions(s.c.f_phq, s.c.l_phq, s.c.f_gad, s.c.l_gad)
    paired_pg = or_(n_phq >= 2, n_gad >= 2)
    finished = eps.c.finished == 1
    # NHS Talking Therapies: people who finished (2+ sessions or check-ins) with a first and
    # last score who were a case at the start.
    nhs = and_(finished, paired_pg, defs["case"] == 1)
    # WHO-5 (higher is better): reliable change by Jacobson–Truax; a "case" is under the cut-off.
    paired_who = n_who >= 2
    d_who = s.c.l_who - s.c.f_who
    threshold = literal(who5_threshold())
    who_cut = get_measure(WHO5).cutoff.score
    who_den = and_(finished, paired_who, s.c.f_who < who_cut)

    def flag(cond) -> ColumnElement:
        return case((cond, 1), else_=0)

    columns = [
        eps.c.kind, eps.c.key, eps.c.cohort_id, eps.c.guide_id, eps.c.finished,
        flag(or_(n_phq >= 1, n_gad >= 1, n_who >= 1)).label("measured"),
        flag(or_(paired_pg, paired_who)).label("paired"),
        flag(paired_pg).label("paired_pg"),
        flag(and_(paired_pg, defs["case"] == 1)).label("case_paired"),
        flag(and_(paired_pg, defs["recovered"] == 1)).label("recovered"),
        flag(and_(paired_pg, defs["improved"] == 1)).label("improved"),
        flag(and_(paired_pg, defs["reliably_recovered"] == 1)).label("reliably_recovered"),
        flag(and_(paired_pg, defs["deteriorated"] == 1)).label("deteriorated"),
        flag(nhs).label("nhs_cases"),
        flag(and_(nhs, defs["recovered"] == 1)).label("nhs_recovered"),
        flag(and_(nhs, defs["improved"] == 1)).label("nhs_improved"),
        flag(and_(nhs, defs["reliably_recovered"] == 1)).label("nhs_reliably_recovered"),
        flag(paired_who).label("who_paired"),
        flag(and_(paired_who, d_who >= threshold)).label("who_improved"),
        flag(and_(paired_who, -d_who >= threshold)).label("who_deteriorated"),
        flag(who_den).label("who_cases"),
        flag(and_(who_den, d_who >= threshold)).label("who_cases_improved"),
        (s.c.l_phq - s.c.f_phq).label("d_phq"), (s.c.l_gad - s.c.f_gad).label("d_gad"),
        d_who.label("d_who"),
    ]
    for m in months:
        fu_phq, fu_gad, fu_who = (s.c[f"fu{m}_{x}"] for x in ("phq", "gad", "who"))
        at_followup = definitions(s.c.f_phq, fu_phq, s.c.f_gad, fu_gad)
        answered_pg = or_(and_(s.c.f_phq.is_not(None), fu_phq.is_not(None)),
                          and_(s.c.f_gad.is_not(None), fu_gad.is_not(None)))
        fu_cases = and_(answered_pg, at_followup["case"] == 1)
        columns += [
            flag(or_(fu_phq.is_not(None), fu_gad.is_not(None), fu_who.is_not(None)))
            .label(f"fu{m}_answered"),
            flag(fu_cases).label(f"fu{m}_cases"),
            flag(and_(fu_cases, at_followup["recovered"] == 1)).label(f"fu{m}_recovered"),
            flag(and_(fu_cases, at_followup["improved"] == 1)).label(f"fu{m}_improved"),
        ]
    return (
        select(*columns)
        .select_from(eps)
        .outerjoin(s, and_(s.c.resident_id == eps.c.resident_id, s.c.context == eps.c.context))
        .cte("per_episode")
    )


SUMS = ("finished", "measured", "paired", "paired_pg", "case_paired", "recovered", "improved",
        "reliably_recovered", "deteriorated", "nhs_cases", "nhs_recovered", "nhs_improved",
        "nhs_reliably_recovered", "who_paired", "who_improved", "who_deteriorated", "who_cases",
        "who_cases_improved")
FOLLOWUP_SUMS = ("answered", "cases", "recovered", "improved")


def outcome_rows(scope: Scope, period: Period) -> list[dict]:
    """One dict per group: level, group (slug, course code, cohort id, guide or leader id, or
    'all'), started, the SUMS, the follow-up sums ``fu<months>_<name>`` for every follow-up
    month a program asks for, and n/sum/sum of squares of the change on each measure.
    One query."""
    months = followup_months()
    p = _per_episode(scope, period, months)
    sums = list(SUMS) + [f"fu{m}_{name}" for m in months for name in FOLLOWUP_SUMS]

    def aggregate(level: str, key, *where, grouped: bool = True, leaders: bool = False):
        columns = [literal(level).label("level"), key.label("grp"), func.count().label("started")]
        columns += [func.sum(p.c[name]).label(name) for name in sums]
        for m in ("phq", "gad", "who"):
            d = p.c[f"d_{m}"]
            columns += [func.count(d).label(f"n_{m}"), func.sum(d).label(f"s_{m}"),
                        func.sum(d * d).label(f"ss_{m}")]
        query = select(*columns)
        if leaders:  # one row per leader of the cohort: co-leaders each count the cohort
            query = query.select_from(p).join(CohortLeader,
                                              CohortLeader.cohort_id == p.c.cohort_id)
        query = query.where(*where)
        return query.group_by(key) if grouped else query

    statement = union_all(
        aggregate("program", p.c.key, p.c.kind == "program"),
        aggregate("course", p.c.key, p.c.kind == "course"),
        aggregate("cohort", cast(p.c.cohort_id, String), p.c.kind == "course"),
        aggregate("guide", cast(p.c.guide_id, String), p.c.guide_id.is_not(None)),
        aggregate("leader", cast(CohortLeader.leader_id, String), p.c.kind == "course",
                  leaders=True),
        aggregate("total", literal("all", String), grouped=False),
    )
    rows = []
    for row in db.execute(statement).mappings():
        if row["level"] == "total" and not row["started"]:
            continue
        rows.append({k: (v if k in ("level", "grp") or v is None else
                         (float(v) if k.startswith(("s_", "ss_")) else int(v)))
                     for k, v in row.items()})
    return rows
