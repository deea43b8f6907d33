"""The SQL outcome definitions give exactly what the Python helpers in measures/scoring.py give,
for every combination of first and last PHQ-9 and GAD-7 scores around the thresholds."""
import itertools

from sqlalchemy import Integer, column, select, values

from selfhelp.measures import scoring
from selfhelp.reports.outcomes import definitions

PHQ = (None, 0, 4, 9, 10, 11, 15, 16, 27)  # cut-off 10; changes of 5, 6 and more
GAD = (None, 0, 3, 7, 8, 11, 12, 21)  # cut-off 8; changes of 3, 4 and more


def test_sql_and_python_agree_on_every_combination(app, db):
    combos = list(itertools.product(PHQ, PHQ, GAD, GAD))
    table = values(column("id", Integer), column("fp", Integer), column("lp", Integer),
                   column("fg", Integer), column("lg", Integer), name="combos").data(
        [(i, *c) for i, c in enumerate(combos)]).cte("combos")
    defs = definitions(table.c.fp, table.c.lp, table.c.fg, table.c.lg)
    names = ("case", "recovered", "improved", "deteriorated", "reliably_recovered")
    rows = db.execute(select(table.c.id, *(defs[n].label(n) for n in names))).all()
    assert len(rows) == len(combos)
    python = {
        "case": lambda fp, lp, fg, lg: scoring.is_case_at_start(fp, fg),
        "recovered": scoring.recovered,
        "improved": scoring.reliable_improvement,
        "deteriorated": scoring.reliable_deterioration,
        "reliably_recovered": scoring.reliable_recovery,
    }
    wrong = []
    for row in rows:
        combo = combos[row.id]
        for name in names:
            if bool(getattr(row, name)) != python[name](*combo):
                wrong.append((name, combo, getattr(row, name)))
    assert not wrong, wrong[:10]


def test_the_combinations_cover_the_edges():
    # Exactly at each threshold, on both sides of it, and missing scores.
    assert {9, 10} <= set(PHQ) and {7, 8} <= set(GAD) and None in PHQ and None in GAD
    assert 16 - 10 == scoring.PHQ9_RELIABLE and 12 - 8 == scoring.GAD7_RELIABLE
