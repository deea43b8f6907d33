"""An admin reads the service reports in the browser: each report, a chosen period, a CSV
download, and an axe check on every page (at phone width: tables scroll in their own box)."""
import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.people import log_in

pytestmark = pytest.mark.browser

REPORTS = (("Resultater", "people", "Startet, fullførte og målinger"),
           ("Deltakelse", "completion", "Fullføring per program"),
           ("Hvem tilbudet når", "age", "Aldersgruppe"),
           ("Veiledernes arbeid", "checkins", "Sjekk-inn og svartid"))


def test_an_admin_reads_each_report_for_a_period_and_downloads_csv(page, live_server, reports_data):
    base = live_server.url
    log_in(page, base, "admin@example.com")
    page.get_by_role("link", name="Rapporter").first.click()
    expect(page.get_by_role("heading", name="Rapporter", level=1)).to_be_visible()
    assert_accessible(page)

    for title, table, heading in REPORTS:
        page.get_by_role("link", name=title, exact=True).first.click()
        expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
        page.get_by_label("Fra dato").fill("2026-01-01")
        page.get_by_label("Til dato").fill("2026-03-01")
        page.get_by_role("button", name="Vis rapport").click()
        page.wait_for_url(re.compile(r".*start=2026-01-01.*"))
        expect(page.get_by_text("Periode: 1. jan. 2026–1. mars 2026.")).to_be_visible()
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
        expect(page.get_by_role("img").first).to_be_visible()  # the chart
        assert_accessible(page)

        with page.expect_download() as download_info:
            page.get_by_role("link", name=f"Last ned «{heading}» som CSV").click()
        download = download_info.value
        assert download.suggested_filename == f"{_slug(title)}-{table}-2026-01-01-2026-03-01.csv"
        text = Path(download.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert len(rows) > 1
        if table == "people":
            assert ["Program", "Mestring av depresjon", "8", "5", "6", "<5", "<5"] in rows

    # A period that does not make sense gives a message and keeps the dates.
    page.get_by_label("Fra dato").fill("2026-03-01")
    page.get_by_label("Til dato").fill("2026-01-01")
    page.get_by_role("button", name="Vis rapport").click()
    expect(page.get_by_text("Til-datoen må være samme dag som fra-datoen eller senere.").first).to_be_visible()
    expect(page.get_by_label("Fra dato")).to_have_value("2026-03-01")
    assert_accessible(page)


def _slug(title: str) -> str:
    return {"Resultater": "outcomes", "Deltakelse": "engagement", "Hvem tilbudet når": "reach",
            "Veiledernes arbeid": "workload"}[title]
