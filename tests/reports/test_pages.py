"""What an admin sees on the report pages and in the CSV files: the <5 rule, charts, filters."""
import csv
import io

import pytest

from tests.reports import dataset

PERIOD = "start=2026-01-01&end=2026-03-01&scope=admin"
PAGES = ("outcomes", "engagement", "reach", "workload")


@pytest.fixture
def data(db, personas, clock):
    return dataset.build(db, personas)


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # BOM: Excel reads æøå
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_outcome_counts_under_five_show_as_less_than_five_in_page_and_csv(app, data, as_persona):
    client = as_persona("admin")
    rows = _csv(client.get(f"/reports/outcomes?{PERIOD}&format=csv&table=people"))
    assert rows[0][:3] == ["Nivå", "Gruppe", "Startet"]
    by_group = {(r[0], r[1]): r[2:] for r in rows[1:]}
    # depression: started 8, finished 5, paired 6, one measurement 1, none 1
    assert by_group[("Program", "Mestring av depresjon")] == ["8", "5", "6", "<5", "<5"]
    # all: 13 started, 8 finished, 9 paired, 2 with one measurement, 2 without
    assert by_group[("Alle", "Alle")] == ["13", "8", "9", "<5", "<5"]
    # the KiD cohort: 5 started, 3 finished -> suppressed
    assert by_group[("Kurs", "KiD")] == ["5", "<5", "<5", "<5", "<5"]
    html = client.get(f"/reports/outcomes?{PERIOD}").get_data(as_text=True)
    assert "Mestring av depresjon" in html and "&lt;5" in html


def test_rates_and_changes_resting_on_fewer_than_five_are_suppressed(app, data, as_persona):
    client = as_persona("admin")
    rows = _csv(client.get(f"/reports/outcomes?{PERIOD}&format=csv&table=rates"))
    by_group = {(r[0], r[1]): r[2:] for r in rows[1:]}
    # paired 6, cases 5, NHS TT cases 3 (A B H); recovered 3 of 5 (NHS TT 2 of 3), improved
    # 3 of 6 (2 of 3), reliably recovered 2 of 5 (2 of 3), deteriorated 1 of 6: each share
    # reveals a count under five.
    assert by_group[("Program", "Mestring av depresjon")] == ["6", "5"] + ["<5"] * 8
    rows = _csv(client.get(f"/reports/outcomes?{PERIOD}&format=csv&table=change"))
    depression = {(r[0], r[1]): r[2:] for r in rows[1:]}[("Program", "Mestring av depresjon")]
    # PHQ-9: n 6, mean −3,2, CI −8,2 til 1,9; GAD-7 and WHO-5 rest on 3 people.
    assert depression[:3] == ["6", "-3,2", "-8,2 til 1,9"]
    assert depression[3:] == ["<5"] * 6


def test_reach_shares_next_to_the_total(app, data, as_persona):
    client = as_persona("admin")
    rows = _csv(client.get(f"/reports/reach?{PERIOD}&format=csv&table=gender"))
    assert rows[0] == ["Kjønn", "Personer", "Andel", "I program", "Søkte kurs"]
    # women 6 of 13 = 46 %; 4 in the program and 3 applied for the course: both under five
    assert rows[1] == ["Kvinne", "6", "46", "<5", "<5"]
    assert rows[-1] == ["Alle", "13", "100", "8", "6"]
    html = client.get(f"/reports/reach?{PERIOD}").get_data(as_text=True)
    assert "46 %" in html
    # Drammen 12, Bergen 1 (P7): Bergen alone under five would be 13 − 12, so Drammen is hidden
    # (and its share). Course applicants: Drammen 5, Bergen 1 -> hidden the same way. In a
    # program: Drammen 8, Bergen 0 -> a zero gives nobody away, 8 is shown.
    rows = _csv(client.get(f"/reports/reach?{PERIOD}&format=csv&table=municipality"))
    assert rows[1:] == [["Drammen", "skjult", "skjult", "8", "skjult"],
                        ["Bergen", "<5", "<5", "<5", "<5"],
                        ["Alle", "13", "100", "8", "6"]]


def test_engagement_and_workload_tables(app, data, as_persona):
    client = as_persona("admin")
    rows = _csv(client.get(f"/reports/engagement?{PERIOD}&format=csv&table=completion"))
    # depression: 8 started, 1 completed, 6 stopped, 1 still going
    assert rows[1] == ["Mestring av depresjon", "8", "<5", "<5", "6", "<5"]
    rows = _csv(client.get(f"/reports/engagement?{PERIOD}&format=csv&table=waiting"))
    kid = next(r for r in rows if r[1] == "KiD")
    assert kid[2:] == ["5", "10,0", "30,0"]  # median 10 days, 90th percentile 30
    rows = _csv(client.get(f"/reports/workload?{PERIOD}&format=csv&table=checkins"))
    gina = next(r for r in rows if r[0] == "Gina Guide")
    # 5 answered; median 3 and p90 16 working hours; minutes rest on 4 check-ins; 1 late; 1 overdue
    assert gina[1:] == ["5", "3,0", "16,0", "<5", "<5", "<5"]
    everyone = rows[-1]
    assert everyone[:4] == ["Alle", "6", "2,5", "16,0"]


def test_every_page_has_accessible_charts_and_csv_links(app, data, as_persona):
    client = as_persona("admin")
    for page in PAGES:
        html = client.get(f"/reports/{page}?{PERIOD}").get_data(as_text=True)
        assert 'role="img"' in html and "<title" in html and "<desc" in html, page
        assert "aria-labelledby=\"report-chart-" in html, page
        # A visible title and legend above each chart, and a value axis in it.
        assert html.count('<figcaption id="f-') == html.count('class="report-chart"'), page
        assert 'class="chart-legend"' in html and 'class="chart-axis"' in html, page
        assert "format=csv" in html, page
        assert "style=" not in html and "<script>" not in html, page
        assert 'tabindex="0" role="region"' in html, page


@pytest.mark.parametrize("query, message", [
    ("start=2026-03-01&end=2026-01-01", "Til-datoen må være samme dag som fra-datoen eller senere."),
    ("start=31.02.2026&end=2026-03-01", "Skriv datoen som dag.måned.år"),
    ("start=&end=2026-03-01", "Skriv en fra-dato."),
    ("start=2010-01-01&end=2026-03-01", "Velg en periode på høyst fem år."),
    ("start=9999-01-01&end=9999-12-31", "Velg en dato mellom år 2000 og 2100."),
    ("start=0001-01-01&end=0001-12-31", "Velg en dato mellom år 2000 og 2100."),
    ("start=2026-01-01&end=2026-03-01&scope=bogus", "Utvalg"),
])
def test_bad_filters_show_a_message_and_keep_what_was_typed(app, data, as_persona, query, message):
    client = as_persona("admin")
    for page in PAGES:
        response = client.get(f"/reports/{page}?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert message in html
        typed = query.split("&")[0].split("=")[1]
        assert f'value="{typed}"' in html or typed == ""
        assert "<table" not in html  # no figures for a period that does not make sense
    response = client.get(f"/reports/outcomes?{query}&format=csv&table=people")
    assert response.mimetype == "text/html"


def test_an_unknown_csv_table_is_not_found(app, data, as_persona):
    assert as_persona("admin").get(f"/reports/outcomes?{PERIOD}&format=csv&table=nope").status_code == 404


def test_the_default_period_is_the_last_twelve_months(app, data, as_persona):
    html = as_persona("admin").get("/reports/outcomes").get_data(as_text=True)
    assert 'value="2025-03-02"' in html and 'value="2026-03-02"' in html
    assert "Mestring av depresjon" in html


def test_a_period_without_the_data_shows_no_figures(app, data, as_persona):
    html = as_persona("admin").get(
        "/reports/outcomes?start=2024-01-01&end=2024-02-01&scope=admin").get_data(as_text=True)
    assert "Mestring av depresjon" not in html
    assert "Ingen data i perioden." in html
