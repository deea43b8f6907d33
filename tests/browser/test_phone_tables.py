"""At phone width (390 px) no page scrolls sideways and no table needs sideways scrolling in its
box: the leader's schedule and roster, the admin's guide assignment and the reports become one
card per row. At desktop width the same pages are ordinary tables and the page does not scroll
sideways."""
import pytest

from tests.browser.axe import assert_accessible
from tests.browser.people import log_in

pytestmark = pytest.mark.browser

PERIOD = "start=2026-01-01&end=2026-03-01"

#: Tables wider than the box they sit in, and whether the page itself is wider than the screen.
OVERFLOW = """() => {
  const screen = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('main table')].filter(t => {
    const box = t.closest('.table-wrap') || t.parentElement;
    return t.getBoundingClientRect().width > Math.min(box.clientWidth, screen) + 1;
  }).map(t => (t.caption && t.caption.textContent.trim()) || t.className || 'table');
  return {page: document.documentElement.scrollWidth > screen + 1, tables: wide,
          count: document.querySelectorAll('main table').length};
}"""


def _check(page, base, path, width):
    """At 390 px neither the page nor any table scrolls sideways. At 1280 px the page does not;
    the two widest outcome tables (a dozen figures a row) may scroll in their own labelled,
    keyboard-reachable box there."""
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(base + path)
    assert response.status == 200, path
    found = page.evaluate(OVERFLOW)
    assert found["count"], f"{path}: no table on the page"
    assert not found["page"], f"{path} at {width} px scrolls sideways"
    if width <= 390:
        assert not found["tables"], f"{path} at {width} px: tables wider than their box: {found['tables']}"


def test_staff_tables_fit_a_phone_and_stay_tables_on_a_desktop(page, live_server, reports_data):
    base = live_server.url
    cohort = reports_data["cohort"]
    log_in(page, base, cohort.leaders[0].leader.email)
    for path in (f"/leader/cohorts/{cohort.id}", f"/leader/cohorts/{cohort.id}/roster"):
        _check(page, base, path, 390)
        assert_accessible(page)
        _check(page, base, path, 1280)
        assert page.locator("main table thead").first.is_visible()  # a real table header again
    page.context.clear_cookies()

    log_in(page, base, "admin@example.com")
    paths = ["/admin/guides"] + [f"/reports/{name}?{PERIOD}"
                                 for name in ("outcomes", "engagement", "reach", "workload")]
    for path in paths:
        _check(page, base, path, 390)
        _check(page, base, path, 1280)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(base + f"/reports/outcomes?{PERIOD}")
    assert_accessible(page)
    # Each figure carries its column's name on a phone.
    label = page.locator("main table.report-table td[data-label]").first
    assert label.get_attribute("data-label")
