"""The <5 rule on each kind of cell, number formatting, and the confidence interval helper."""
import pytest

from selfhelp.reports.charts import Bar, bar_chart
from selfhelp.reports.stats import mean_ci, t_critical
from selfhelp.reports.suppression import (
    Count, Interval, Rate, Stat, chart_value, csv_value, display, is_suppressed,
)
from selfhelp.reports.tables import Table


@pytest.mark.parametrize("cell, shown", [
    (Count(0), "<5"), (Count(4), "<5"), (Count(5), "5"), (Count(1234), "1234"),
    (Rate(4, 40), "<5"), (Rate(5, 4), "<5"), (Rate(5, 10), "50 %"), (Rate(7, 9), "78 %"),
    (Rate(0, 0), "–"),
    (Stat(3.25, 4), "<5"), (Stat(3.25, 5), "3,2"), (Stat(-0.04, 9), "0,0"), (Stat(None, 9), "–"),
    (Interval(-1.25, 2.0, 5), "-1,2 til 2,0"), (Interval(None, None, 1), "<5"),
])
def test_cells_are_shown_with_the_rule(app, cell, shown):
    with app.test_request_context():
        assert display(cell) == shown


def test_csv_values_follow_the_page_with_plain_percentages(app):
    with app.test_request_context():
        assert csv_value(Rate(5, 10)) == "50"
        assert csv_value(Rate(4, 10)) == "<5"
        assert csv_value(Stat(None, 9)) == ""
        assert csv_value("=HYPERLINK(1)") == "'=HYPERLINK(1)"


def test_charts_draw_no_bar_for_a_suppressed_figure(app):
    assert chart_value(Count(3)) is None and chart_value(Count(7)) == 7.0
    assert is_suppressed(Rate(3, 50)) and chart_value(Rate(10, 50)) == 20.0
    svg = str(bar_chart("T", [Bar("Liten", None, "<5"), Bar("Stor", 20.0, "20 %")], "Sum."))
    assert svg.count("<rect") == 1
    assert 'role="img"' in svg and "<title" in svg and "Liten: &lt;5." in svg


def test_the_csv_has_a_bom_semicolons_and_the_rule(app):
    table = Table("t", "T", ["Gruppe", "Antall"], [["A", Count(3)], ["B", Count(12)]])
    with app.test_request_context():
        assert table.csv() == "\ufeffGruppe;Antall\r\nA;<5\r\nB;12\r\n"


def test_t_critical_values():
    assert t_critical(1) == 12.706 and t_critical(30) == 2.042
    assert t_critical(60) == pytest.approx(2.000, abs=0.001)
    assert t_critical(120) == pytest.approx(1.980, abs=0.001)


def test_mean_ci_needs_two_values():
    assert mean_ci(0, 0, 0).mean is None
    one = mean_ci(1, 4.0, 16.0)
    assert (one.mean, one.low) == (4.0, None)
    two = mean_ci(2, 2.0, 10.0)  # values −1 and 3: mean 1, sd √8, se 2, t(1) 12.706
    assert (two.low, two.high) == (pytest.approx(1 - 25.412), pytest.approx(1 + 25.412))


def test_a_lone_small_cell_beside_a_shown_total_takes_the_smallest_shown_one_with_it():
    from selfhelp.reports.suppression import protect_partition

    cells = protect_partition([Count(12), Count(3), Count(7)])
    assert [c.hidden for c in cells] == [False, False, True]  # 7 hidden: 22 − 12 ≠ 3 alone
    assert all(is_suppressed(c) for c in cells[1:])
    # Two small cells already hide each other; a lone zero gives nobody away.
    assert protect_partition([Count(12), Count(3), Count(2)]) == [Count(12), Count(3), Count(2)]
    assert protect_partition([Count(12), Count(0)]) == [Count(12), Count(0)]


def test_a_hidden_cell_says_so(app):
    with app.test_request_context():
        assert display(Count(12, hidden=True)) == "skjult"
        assert csv_value(Rate(12, 20, hidden=True)) == "skjult"
