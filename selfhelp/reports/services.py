"""The four reports as tables (with charts), built from the SQL aggregates.

Each builder runs a fixed number of statements, whatever the amount of data:
outcomes 3 (one of them the single outcome statement), engagement 5, reach 1, workload 8
(see tests/reports/test_query_counts.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from selfhelp.measures.definitions import get_measure
from selfhelp.reports import engagement, labels, outcomes, reach, workload
from selfhelp.reports.charts import Bar, bar_chart
from selfhelp.reports.scope import Period, Scope
from selfhelp.reports.stats import mean_ci
from selfhelp.reports.suppression import (
    Count, Interval, Rate, Stat, chart_value, display, number, protect_partition,
)
from selfhelp.reports.tables import Table
from selfhelp.i18n import localized
from selfhelp.reports.stepped_care import stepped_care_tables


@dataclass(frozen=True)
class ReportInfo:
    name: str
    title: object
    summary: object


REPORTS = {
    "outcomes": ReportInfo("outcomes", _l("Resultater"), _l(
        "Hvor mange som startet og fullførte, og hvordan det gikk med PHQ-9, GAD-7 og WHO-5: "
        "tilfriskning, pålitelig bedring og forverring, og gjennomsnittlig endring.")),
    "engagement": ReportInfo("engagement", _l("Deltakelse"), _l(
        "Fullføring, hvor folk stopper, oppmøte per samling og ventetid til første modul eller "
        "samling.")),
    "reach": ReportInfo("reach", _l("Hvem tilbudet når"), _l(
        "Alder, kjønn, kommune, hvordan de hørte om tilbudet og arbeidssituasjon.")),
    "workload": ReportInfo("workload", _l("Veiledernes arbeid"), _l(
        "Besvarte sjekk-inn, svartid i arbeidstimer, minutter per innbygger per uke, forsinkede "
        "svar og risikoflagg.")),
    "stepped_care": ReportInfo("stepped_care", _l("Trinnvis hjelp"), _l(
        "Vurderinger av planen i uke 3 og 7, ved forverring og på kurs, og hvor mange som fikk mer "
        "hjelp.")),
}


def build(name: str, scope: Scope, period: Period) -> list[Table]:
    return {"outcomes": outcome_tables, "engagement": engagement_tables, "reach": reach_tables,
            "workload": workload_tables, "stepped_care": stepped_care_tables}[name](scope, period)


# ------------------------------------------------------------------ outcomes

def _group_names(rows: list[dict]) -> dict[tuple[str, str], str]:
    cohorts = labels.cohort_labels({int(r["grp"]) for r in rows if r["level"] == "cohort"})
    staff = workload.guide_names({int(r["grp"]) for r in rows if r["level"] in ("guide", "leader")})
    names = {}
    for r in rows:
        level, grp = r["level"], r["grp"]
        names[(level, grp)] = {
            "program": lambda: labels.program_title(grp),
            "course": lambda: labels.course_name(grp),
            "cohort": lambda: cohorts.get(int(grp), grp),
            "guide": lambda: staff.get(int(grp), grp),
            "leader": lambda: staff.get(int(grp), grp),
            "total": lambda: _("Alle"),
        }[level]()
    return names


def outcome_tables(scope: Scope, period: Period) -> list[Table]:
    rows = outcomes.outcome_rows(scope, period)
    names = _group_names(rows)
    order = {level: i for i, level in enumerate(outcomes.LEVELS)}
    rows.sort(key=lambda r: (order[r["level"]], names[(r["level"], r["grp"])].lower()))
    head = [_("Nivå"), _("Gruppe")]

    def label(r):
        return [labels.level_label(r["level"]), names[(r["level"], r["grp"])]]

    people = Table("people", _("Startet, fullførte og målinger"), head + [
        _("Startet"), _("Fullførte (minst 2 sjekk-inn eller samlinger)"),
        _("Med før- og etter-måling"), _("Bare én måling"), _("Ingen måling")],
        [label(r) + [Count(r["started"]), Count(r["finished"])] + protect_partition(
            [Count(r["paired"]), Count(r["measured"] - r["paired"]),
             Count(r["started"] - r["measured"])]) for r in rows], label_columns=2,
        note=_("Personer med bare én måling kan ikke få en endring, og telles her i stedet for å "
               "falle ut i det stille."))
    nhs = _("NHS TT")
    rates = Table("rates", _("Tilfriskning og pålitelig endring (PHQ-9 og GAD-7)"), head + [
        _("Med før- og etter-måling"), _("Over grensen ved start"),
        _("Fullførte og over grensen ved start (%(nhs)s)", nhs=nhs),
        _("Tilfriskning"), _("Tilfriskning (%(nhs)s)", nhs=nhs),
        _("Pålitelig bedring"), _("Pålitelig bedring (%(nhs)s)", nhs=nhs),
        _("Pålitelig tilfriskning"), _("Pålitelig tilfriskning (%(nhs)s)", nhs=nhs),
        _("Pålitelig forverring")],
        [label(r) + [Count(r["paired_pg"]), Count(r["case_paired"]), Count(r["nhs_cases"]),
                     Rate(r["recovered"], r["case_paired"]),
                     Rate(r["nhs_recovered"], r["nhs_cases"]),
                     Rate(r["improved"], r["paired_pg"]),
                     Rate(r["nhs_improved"], r["nhs_cases"]),
                     Rate(r["reliably_recovered"], r["case_paired"]),
                     Rate(r["nhs_reliably_recovered"], r["nhs_cases"]),
                     Rate(r["deteriorated"], r["paired_pg"])] for r in rows], label_columns=2,
        note=_("To nevnere står side om side. Dagens tall: tilfriskning regnes av alle med "
               "før- og etter-måling som var over grensen ved start (PHQ-9 ≥ 10 eller GAD-7 ≥ 8), "
               "pålitelig bedring og forverring av alle med før- og etter-måling. NHS Talking "
               "Therapies (NHS TT): bare de som fullførte (minst 2 sjekk-inn eller samlinger), "
               "har før- og etter-måling og var over grensen ved start; både tilfriskning og "
               "pålitelig bedring regnes av dem. Pålitelig endring: PHQ-9 minst 6 poeng, "
               "GAD-7 minst 4."))
    who5 = get_measure("WHO-5")
    basis = who5.reliable_basis
    threshold = number(who5.reliable_change, 1)
    # Only groups where someone answered WHO-5 twice (KiB, and programs that ask for it).
    who_rows = [r for r in rows if r["who_paired"] or r["level"] == "total"]
    wellbeing = Table("who5", _("Pålitelig endring i trivsel (WHO-5)"), head + [
        _("Med før- og etter-måling"), _("Pålitelig bedring"), _("Pålitelig forverring"),
        _("Fullførte og under grensen ved start"), _("Pålitelig bedring av dem")],
        [label(r) + [Count(r["who_paired"]), Rate(r["who_improved"], r["who_paired"]),
                     Rate(r["who_deteriorated"], r["who_paired"]), Count(r["who_cases"]),
                     Rate(r["who_cases_improved"], r["who_cases"])] for r in who_rows],
        label_columns=2,
        note=_("WHO-5 er målet i Kurs i belastningsmestring (KiB). Pålitelig endring etter "
               "Jacobson og Truax: 1,96 × √2 × SD × √(1 − r) = %(threshold)s poeng, med "
               "standardavvik SD = %(sd)s og reliabilitet r = %(r)s. %(source)s Under grensen: "
               "WHO-5 under %(cut)s ved start; «av dem» er de som fullførte (minst 2 "
               "samlinger eller sjekk-inn) med før- og etter-måling.",
               threshold=threshold, sd=number(basis.sd, 0) if basis else "–",
               r=number(basis.reliability, 2) if basis else "–",
               source=localized(basis.source) if basis else "", cut=who5.cutoff.score))
    change_columns = []
    for code in outcomes.MEASURES:
        change_columns += [_("%(measure)s antall", measure=code),
                           _("%(measure)s endring", measure=code),
                           _("%(measure)s 95 %% KI", measure=code)]

    def changes(r):
        cells = []
        for short in ("phq", "gad", "who"):
            ci = mean_ci(r[f"n_{short}"], r[f"s_{short}"] or 0.0, r[f"ss_{short}"] or 0.0)
            cells += [Count(ci.n), Stat(ci.mean, ci.n), Interval(ci.low, ci.high, ci.n)]
        return cells

    change = Table("change", _("Gjennomsnittlig endring fra første til siste måling"),
                   head + change_columns, [label(r) + changes(r) for r in rows], label_columns=2,
                   note=_("Siste minus første skår. Lavere er bedre på PHQ-9 og GAD-7, høyere er "
                          "bedre på WHO-5 (0–100). KI: 95 % konfidensintervall (t-fordeling)."))
    top = [r for r in rows if r["level"] in ("program", "course")]
    rates.chart = bar_chart(
        _("Pålitelig bedring per program og kurs"),
        [Bar(names[(r["level"], r["grp"])], chart_value(Rate(r["improved"], r["paired_pg"])),
             display(Rate(r["improved"], r["paired_pg"]))) for r in top],
        _("Andel med pålitelig bedring av dem med før- og etter-måling."), maximum=100)
    tables = [people, rates, wellbeing, change]
    months = outcomes.followup_months()
    if months:
        columns = []
        for m in months:
            columns += [_("Svarte etter %(n)d mnd.", n=m),
                        _("Over grensen ved start, svarte etter %(n)d mnd.", n=m),
                        _("Tilfriskning etter %(n)d mnd.", n=m),
                        _("Pålitelig bedring etter %(n)d mnd.", n=m)]

        def followups(r):
            cells = []
            for m in months:
                cases = r[f"fu{m}_cases"]
                cells += [Count(r[f"fu{m}_answered"]), Count(cases),
                          Rate(r[f"fu{m}_recovered"], cases), Rate(r[f"fu{m}_improved"], cases)]
            return cells

        program_rows = [r for r in rows if r["level"] in ("program", "guide", "total")]
        tables.append(Table(
            "followup", _("Oppfølging etter at programmet er ferdig"), head + columns,
            [label(r) + followups(r) for r in program_rows], label_columns=2,
            note=_("Svarene på spørreskjemaene programmet ber om %(months)s måneder etter at "
                   "programmet sluttet, sammenlignet med første måling. Tilfriskning og pålitelig bedring regnes av "
                   "dem som var over grensen ved start og svarte ved oppfølgingen.",
                   months=", ".join(str(m) for m in months))))
    return tables


# ------------------------------------------------------------------ engagement

def engagement_tables(scope: Scope, period: Period) -> list[Table]:
    progress = engagement.program_progress(scope, period)
    attendance = engagement.session_attendance(scope, period)
    held = {(r["course_code"], int(r["number"])): int(r["people"])
            for r in engagement.session_participants(scope, period)}
    last = engagement.last_session_attended(scope, period)
    waits = engagement.waiting_times(scope, period)

    per_program: dict[str, dict] = {}
    for r in progress:
        p = per_program.setdefault(r["program_slug"], {"started": 0, "completed": 0, "stopped": 0,
                                                       "furthest": {}, "stopped_at": {}})
        n = int(r["people"])
        p["started"] += n
        p["completed"] += n * int(r["completed"])
        p["stopped"] += n * int(r["stopped"])
        p["furthest"][int(r["furthest"])] = p["furthest"].get(int(r["furthest"]), 0) + n
        if r["stopped"]:
            p["stopped_at"][int(r["furthest"])] = p["stopped_at"].get(int(r["furthest"]), 0) + n
    slugs = sorted(per_program, key=lambda s: labels.program_title(s).lower())
    completion = Table("completion", _("Fullføring per program"), [
        _("Program"), _("Startet"), _("Fullførte alle moduler"), _("Andel fullført"),
        _("Stoppet (ikke aktiv på 14 dager)"), _("Fortsatt i gang")],
        [[labels.program_title(s), Count(p["started"]), Count(p["completed"]),
          Rate(p["completed"], p["started"]), Count(p["stopped"]),
          Count(p["started"] - p["completed"] - p["stopped"])]
         for s in slugs for p in [per_program[s]]])
    completion.chart = bar_chart(
        _("Andel som fullførte alle moduler"),
        [Bar(labels.program_title(s), chart_value(Rate(p["completed"], p["started"])),
             display(Rate(p["completed"], p["started"]))) for s in slugs for p in [per_program[s]]],
        _("Andel av dem som startet i perioden."), maximum=100)
    module_rows = []
    for s in slugs:
        p = per_program[s]
        for number in range(1, max(p["furthest"], default=0) + 1):
            reached = sum(n for k, n in p["furthest"].items() if k >= number)
            module_rows.append([labels.program_title(s), labels.module_title(s, number),
                                Count(reached), Count(p["stopped_at"].get(number, 0))])
    modules = Table("modules", _("Hvor folk stopper i programmene"), [
        _("Program"), _("Modul"), _("Kom til modulen"), _("Stoppet her")], module_rows,
        label_columns=2, note=_("«Stoppet her»: modulen var den siste de åpnet, de fullførte ikke "
                                "programmet og har ikke vært aktive på 14 dager."))

    marks: dict[tuple[str, int], dict[str, int]] = {}
    for r in attendance:
        marks.setdefault((r["course_code"], int(r["number"])), {})[r["status"]] = int(r["people"])
    session_rows = []
    for (code, number) in sorted(marks):
        m = marks[(code, number)]
        total = held.get((code, number), 0)
        session_rows.append([labels.course_name(code), str(number), Count(total),
                             Count(m.get("present", 0)), Rate(m.get("present", 0), total),
                             Count(m.get("notified", 0)), Count(m.get("absent", 0))])
    sessions = Table("sessions", _("Oppmøte per samling"), [
        _("Kurs"), _("Samling"), _("Deltakere"), _("Møtte"), _("Oppmøte"), _("Meldt fravær"),
        _("Ikke møtt")], session_rows, label_columns=2,
        note=_("Deltakere: de som hadde plass i en kursgruppe der samlingen er holdt."))
    sessions.chart = bar_chart(
        _("Oppmøte per samling"),
        [Bar(_("%(course)s samling %(n)s", course=row[0], n=row[1]), chart_value(row[4]),
             display(row[4])) for row in session_rows],
        _("Andel av deltakerne som møtte."), maximum=100)
    dropout = Table("dropout", _("Siste samling deltakerne møtte på"), [
        _("Kurs"), _("Siste samling møtt"), _("Deltakere")],
        [[labels.course_name(r["course_code"]),
          str(r["last"]) if r["last"] else _("Møtte aldri"), Count(int(r["people"]))]
         for r in sorted(last, key=lambda r: (r["course_code"], int(r["last"])))], label_columns=2)

    def wait_name(r):
        if r["grp"] == "all":
            return _("Alle program") if r["kind"] == "program" else _("Alle kurs")
        if r["kind"] == "program":
            return labels.program_title(r["grp"])
        return labels.course_name(r["grp"])

    waits.sort(key=lambda r: (r["kind"] != "program", r["grp"] == "all", wait_name(r).lower()))
    waiting = Table("waiting", _("Ventetid"), [
        _("Fra"), _("Gruppe"), _("Personer"), _("Median (dager)"), _("90-persentil (dager)")],
        [[_("Registrering til første modul") if r["kind"] == "program"
          else _("Søknad til første samling"), wait_name(r), Count(int(r["n"])),
          Stat(_float(r["median"]), int(r["n"])), Stat(_float(r["p90"]), int(r["n"]))]
         for r in waits], label_columns=2,
        note=_("Median og 90-persentil (nærmeste rang). Personer som ennå ikke har startet er "
               "ikke med."))
    waiting.chart = bar_chart(
        _("Ventetid, median i dager"),
        [Bar(f"{row[1]}", chart_value(row[3]), display(row[3])) for row in waiting.rows],
        _("Median antall dager fra registrering eller søknad til første modul eller samling."))
    return [completion, modules, sessions, dropout, waiting]


def _float(value) -> float | None:
    return None if value is None else float(value)


# ------------------------------------------------------------------ reach

def reach_tables(scope: Scope, period: Period) -> list[Table]:
    rows = reach.reach_rows(scope, period)
    total = next((r for r in rows if r["dimension"] == "total"), None)
    everyone = total["people"] if total else 0
    tables = []
    for dimension in reach.DIMENSIONS:
        found = [r for r in rows if r["dimension"] == dimension]
        if dimension == "age":
            known = [reach.age_group_label(a) for a in reach.AGE_GROUPS]
            found.sort(key=lambda r: known.index(r["value"]) if r["value"] in known else 99)
        else:
            found.sort(key=lambda r: (r["value"] == "unknown", -r["people"],
                                      labels.category_label(dimension, r["value"])))
        # Each column adds up to the total row: protect it against subtraction.
        people = protect_partition([Count(r["people"]) for r in found])
        program = protect_partition([Count(r["in_program"]) for r in found])
        course = protect_partition([Count(r["in_course"]) for r in found])
        body = [[labels.category_label(dimension, r["value"]), people[i],
                 Rate(r["people"], everyone, hidden=people[i].hidden), program[i], course[i]]
                for i, r in enumerate(found)]
        if total:
            body.append([_("Alle"), Count(everyone), Rate(everyone, everyone),
                         Count(total["in_program"]), Count(total["in_course"])])
        table = Table(dimension, labels.dimension_title(dimension), [
            labels.dimension_title(dimension), _("Personer"), _("Andel"), _("I program"),
            _("Søkte kurs")], body)
        table.chart = bar_chart(
            labels.dimension_title(dimension),
            [Bar(row[0], chart_value(row[1]), display(row[1])) for row in body[:-1]],
            _("Antall personer tilbudet nådde i perioden."))
        tables.append(table)
    return tables


# ------------------------------------------------------------------ workload

def workload_tables(scope: Scope, period: Period) -> list[Table]:
    turn = {r["grp"]: r for r in workload.turnaround(scope, period)}
    counts = {r["guide_id"]: r for r in workload.checkin_counts(scope, period)}
    overdue = {r["guide_id"]: int(r["overdue"]) for r in workload.overdue_now(scope, period)}
    flags = {r["guide_id"]: r for r in workload.flag_counts(scope, period)}
    acks = {r["grp"]: r for r in workload.acknowledgement_times(scope, period)}
    ids = set(counts) | set(overdue) | set(flags)
    names = workload.guide_names(ids)
    order = sorted(ids, key=lambda i: names.get(i, "").lower())

    def pct(source: dict, key: str, field: str):
        r = source.get(key)
        return Stat(_float(r[field]), int(r["n"])) if r else Stat(None, 0)

    def checkin_row(name: str, key: str, c: dict, late_overdue: int):
        handled = int(c.get("handled") or 0)
        with_minutes = int(c.get("with_minutes") or 0)
        minutes = _float(c.get("minutes"))
        mean_minutes = minutes / with_minutes if with_minutes and minutes is not None else None
        return [name, Count(handled), pct(turn, key, "median"), pct(turn, key, "p90"),
                Stat(mean_minutes, with_minutes), Count(int(c.get("late") or 0)),
                Count(late_overdue)]

    checkin_rows = [checkin_row(names.get(i, str(i)), str(i), counts.get(i, {}), overdue.get(i, 0))
                    for i in order]
    if ids:
        summed = {k: sum(int(c.get(k) or 0) for c in counts.values())
                  for k in ("handled", "late", "with_minutes", "minutes")}
        checkin_rows.append(checkin_row(_("Alle"), "all", summed, sum(overdue.values())))
    checkins = Table("checkins", _("Sjekk-inn og svartid"), [
        _("Veileder"), _("Besvarte sjekk-inn"), _("Svartid, median (arbeidstimer)"),
        _("Svartid, 90-persentil (arbeidstimer)"), _("Minutter per innbygger per uke"),
        _("Besvart etter fristen"), _("Over fristen nå")], checkin_rows,
        note=_("Arbeidstimer: 08–16 på hverdager som ikke er helligdager. Hver sjekk-inn er én "
               "innbyggers uke, så minutter per innbygger per uke er snittet per sjekk-inn."))
    checkins.chart = bar_chart(
        _("Svartid per veileder, median i arbeidstimer"),
        [Bar(row[0], chart_value(row[2]), display(row[2])) for row in checkin_rows],
        _("Median arbeidstimer fra sjekk-inn kom inn til tilbakemeldingen ble sendt."))

    def flag_row(name: str, key: str, f: dict):
        return [name, Count(int(f.get("raised") or 0)), Count(int(f.get("acknowledged") or 0)),
                Count(int(f.get("open") or 0)), pct(acks, key, "median"), pct(acks, key, "p90")]

    flag_rows = [flag_row(names.get(i, str(i)), str(i), flags.get(i, {})) for i in order]
    if ids:
        summed = {k: sum(int(f.get(k) or 0) for f in flags.values())
                  for k in ("raised", "acknowledged", "open")}
        flag_rows.append(flag_row(_("Alle"), "all", summed))
    risk = Table("flags", _("Risikoflagg"), [
        _("Veileder"), _("Flagg"), _("Kvittert ut"), _("Åpne nå"),
        _("Tid til kvittering, median (timer)"), _("Tid til kvittering, 90-persentil (timer)")],
        flag_rows, note=_("Flagg hevet i perioden hos innbyggere veilederen hadde da. Tid til "
                          "kvittering er klokketimer."))
    return [checkins, risk, _owner_table(scope, period)]


def _owner_table(scope: Scope, period: Period) -> Table:
    """Risk flags per the owner type they were first given (guide, course leaders, team)."""
    by_owner = {r["grp"]: r for r in workload.flags_by_owner(scope, period)}
    labels = {"guide": _("Veileder"), "course_leader": _("Kursledere"), "team": _("Teamet i kommunen")}
    rows = []
    for key, label in [*labels.items(), ("all", _("Alle"))]:
        r = by_owner.get(key)
        if r is None and key != "all":
            continue
        r = r or {}
        rows.append([label, Count(int(r.get("raised") or 0)), Count(int(r.get("acknowledged") or 0)),
                     Count(int(r.get("escalated") or 0)),
                     Stat(_float(r.get("median")), int(r.get("n") or 0))])
    return Table("flag_owners", _("Risikoflagg per eier"), [
        _("Første eier"), _("Flagg"), _("Kvittert ut"), _("Gikk videre i kjeden"),
        _("Tid til kvittering, median (timer)")], rows,
        note=_("Eieren flagget fikk da det ble hevet: veilederen, ellers kurslederne, ellers teamet "
               "i kommunen. «Gikk videre» betyr at ingen fulgte det opp innen fristen. Bare for "
               "administratorer."))
