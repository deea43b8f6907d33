"""The SVG score graph: valid, accessible, CSP-safe (no inline styles), sane for 0/1/many points."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from markupsafe import Markup

from selfhelp import create_app
from selfhelp.config import SettingsForTests
from selfhelp.measures import graph
from selfhelp.measures.definitions import (Band, Cutoff, Item, Measure, Option, get_measure,
                                           reset_measures)
from selfhelp.measures.graph import Point, describe, render_graph, render_table_rows

SVG = "{http://www.w3.org/2000/svg}"

WEEKLY = [Point(date(2025, 3, 2), 16), Point(date(2025, 3, 9), 14),
          Point(date(2025, 3, 16), 11, "Uke 2"), Point(date(2025, 4, 20), 8)]


@pytest.fixture(scope="module", autouse=True)
def catalogues():
    """The graph's words come from the message catalogues, which Flask-Babel reads in an app."""
    app = create_app(SettingsForTests(database_url="sqlite://").as_dict())
    with app.app_context():
        yield


@pytest.fixture(autouse=True)
def builtin_only(monkeypatch):
    monkeypatch.delenv("SELFHELP_MEASURES_DIR", raising=False)
    reset_measures()
    yield
    reset_measures()


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_graph_is_valid_svg_that_scales_to_its_container():
    root = parse(render_graph(get_measure("PHQ-9"), WEEKLY, "nb", "Depresjon (PHQ-9)"))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 360 276"  # about its real size at the width the page caps it
    assert root.get("width") == "100%" and root.get("height") is None


def test_graph_is_labelled_by_its_title_and_description():
    root = parse(render_graph(get_measure("PHQ-9"), WEEKLY, "nb", "Depresjon (PHQ-9)"))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Depresjon (PHQ-9)"
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == desc_id
    assert "Første skår 16 (Moderat alvorlig) 2. mars 2025" in desc.text
    assert "siste skår 8 (Mild) 20. apr. 2025" in desc.text
    assert "4 målinger" in desc.text


def test_ids_are_unique_per_graph():
    first = parse(render_graph(get_measure("PHQ-9"), WEEKLY, "nb", "A"))
    second = parse(render_graph(get_measure("PHQ-9"), WEEKLY, "nb", "A"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


@pytest.mark.parametrize("points", [[], WEEKLY[:1], WEEKLY])
def test_no_inline_styles_anywhere(points):
    svg = render_graph(get_measure("PHQ-9"), points, "nb", "PHQ-9", "improved")
    root = parse(svg)
    assert not [el for el in root.iter() if "style" in el.attrib]
    assert root.find(f".//{SVG}style") is None
    assert "style" not in str(svg)


def test_bands_scores_dates_and_cutoff_are_drawn():
    root = parse(render_graph(get_measure("PHQ-9"), WEEKLY, "nb", "PHQ-9"))
    words = texts(root)
    for label in ("Minimal", "Mild", "Moderat", "Moderat alvorlig", "Alvorlig"):
        assert label in words
    for score in ("16", "14", "11", "8"):
        assert score in words
    for day in ("2. mars", "16. mars", "20. apr."):
        assert day in words
    assert "9. mars" not in words  # a week from its neighbours: thinned so labels never overlap
    assert words.count("2025") == 1  # the year under the first date
    assert "Moderat fra 10" in words  # the dashed line in plain words
    assert len(root.findall(f"{SVG}circle")) == 4
    assert len(root.findall(f"{SVG}rect[@class]")) == 5
    cutoff = root.find(f"{SVG}line[@class='cutoff']")
    assert cutoff.get("stroke-dasharray")
    assert len(root.find(f"{SVG}polyline").get("points").split()) == 4


def test_points_are_placed_by_date_and_score():
    root = parse(render_graph(get_measure("PHQ-9"), list(reversed(WEEKLY)), "nb", "PHQ-9"))
    circles = root.findall(f"{SVG}circle")
    xs = [float(c.get("cx")) for c in circles]
    ys = [float(c.get("cy")) for c in circles]
    assert xs == sorted(xs)  # oldest first even when given newest first
    assert ys == sorted(ys)  # scores fall, so y grows downwards
    gap_week = xs[1] - xs[0]
    assert xs[3] - xs[2] == pytest.approx(5 * gap_week, rel=0.01)  # 5 weeks later
    assert "Uke 2" in circles[2].find(f"{SVG}title").text


def test_english_labels_with_locale_en():
    root = parse(render_graph(get_measure("PHQ-9"), WEEKLY, "en", "Depression", "improved"))
    words = texts(root)
    assert "Moderately severe" in words and "Moderate from 10" in words
    assert "2 Mar" in words
    assert "Reliable improvement" in words
    assert "First score 16 (Moderately severe) on 2 Mar 2025" in root.find(f"{SVG}desc").text


@pytest.mark.parametrize("reliable, nb, en", [
    ("improved", "Pålitelig bedring", "Reliable improvement"),
    ("deteriorated", "Pålitelig forverring", "Reliable deterioration"),
])
def test_reliable_change_marker_at_the_last_point(reliable, nb, en):
    for locale, word in (("nb", nb), ("en", en)):
        root = parse(render_graph(get_measure("PHQ-9"), WEEKLY, locale, "PHQ-9", reliable))
        marker = root.find(f"{SVG}text[@class='reliable reliable-{reliable}']")
        assert marker.text == word
        assert word in root.find(f"{SVG}desc").text
        last = root.findall(f"{SVG}circle")[-1]
        assert abs(float(marker.get("x")) - float(last.get("cx"))) <= 12


def test_no_marker_without_reliable_change():
    root = parse(render_graph(get_measure("PHQ-9"), WEEKLY, "nb", "PHQ-9", None))
    assert root.find(f"{SVG}text[@class='reliable reliable-improved']") is None
    assert "Pålitelig" not in "".join(root.itertext())


def test_no_points_renders_an_empty_graph():
    root = parse(render_graph(get_measure("GAD-7"), [], "nb", "GAD-7", "improved"))
    assert "Ingen svar ennå" in texts(root)
    assert root.find(f"{SVG}circle") is None and root.find(f"{SVG}polyline") is None
    assert "Ingen registrerte svar" in root.find(f"{SVG}desc").text
    assert "Pålitelig" not in "".join(root.itertext())


def test_one_point_is_centred_without_a_line():
    root = parse(render_graph(get_measure("GAD-7"), [Point(date(2025, 1, 6), 9)], "en", "GAD-7"))
    circle = root.find(f"{SVG}circle")
    assert float(circle.get("cx")) == pytest.approx((graph.X0 + graph.X1) / 2)
    assert root.find(f"{SVG}polyline") is None
    assert "One measurement: score 9 (Mild) on 6 Jan 2025." in root.find(f"{SVG}desc").text
    assert "6 Jan" in texts(root) and "2025" in texts(root)


def test_points_on_the_same_day_and_many_points():
    same_day = [Point(date(2025, 1, 6), 3), Point(date(2025, 1, 6), 5)]
    svg = str(render_graph(get_measure("PHQ-9"), same_day, "nb", "PHQ-9"))
    assert "nan" not in svg.lower() and "inf" not in svg.lower()
    many = [Point(date(2025, 1, 1) + timedelta(days=7 * i), i % 28) for i in range(52)]
    root = parse(render_graph(get_measure("PHQ-9"), many, "nb", "PHQ-9"))
    assert len(root.findall(f"{SVG}circle")) == 52
    dates = [t for t in root.iter(f"{SVG}text") if t.get("class") == "date"]
    assert 2 <= len(dates) < 52  # thinned so they do not overlap
    assert dates[-1].text == "24. des."  # the latest date is always shown
    years = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "year"]
    assert years == ["2025"]


def test_who5_notes_that_higher_is_better():
    points = [Point(date(2025, 1, 1), 48), Point(date(2025, 2, 1), 64)]
    root = parse(render_graph(get_measure("WHO-5"), points, "nb", "WHO-5", "improved"))
    words = texts(root)
    assert "↑ høyere skår er bedre" in words
    assert "Godt velvære" in words and "Godt velvære fra 52" in words
    ys = [float(c.get("cy")) for c in root.findall(f"{SVG}circle")]
    assert ys[1] < ys[0]  # the better score is drawn higher
    assert "høyere skår er bedre" in root.find(f"{SVG}desc").text


def test_all_text_is_escaped():
    options = (Option(0, {"nb": "0"}), Option(1, {"nb": "1"}))
    measure = Measure("X&Y", {"nb": "x"}, {"nb": "x"}, options,
                      (Item("a", {"nb": "a"}),), (), 1, (), 0, 1,
                      (Band(0, 0, {"nb": "<b>Lav & fin</b>"}, 0), Band(1, 1, {"nb": "Høy\""}, 1)),
                      Cutoff(1, "above"))
    svg = render_graph(measure, [Point(date(2025, 1, 1), 0, "<script>")], "nb",
                       "<script>alert(1)</script>")
    assert "<script>" not in str(svg) and "<b>" not in str(svg)
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>"
    assert "<b>Lav & fin</b>" in texts(root)


def test_a_score_outside_the_range_is_an_error():
    with pytest.raises(ValueError):
        render_graph(get_measure("PHQ-2"), [Point(date(2025, 1, 1), 7)], "nb", "PHQ-2")


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("background", [*graph.BAND_FILLS, "#ffffff"])
def test_text_colours_meet_wcag_aa_on_every_band(background):
    for colour in (graph.TEXT, graph.LINE, *graph.MARKER.values()):
        assert contrast(colour, background) >= 4.5, (colour, background)


def test_every_fill_and_stroke_in_the_graph_is_a_known_colour():
    svg = str(render_graph(get_measure("PHQ-9"), WEEKLY, "nb", "PHQ-9", "deteriorated"))
    used = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', svg))
    assert used <= {graph.TEXT, graph.LINE, "#ffffff", *graph.BAND_FILLS, *graph.MARKER.values()}


def test_table_rows_for_the_text_alternative():
    rows = render_table_rows(get_measure("PHQ-9"), list(reversed(WEEKLY)), "en")
    assert [(r["date"], r["score"], r["band"]) for r in rows] == [
        (date(2025, 3, 2), 16, "Moderately severe"), (date(2025, 3, 9), 14, "Moderate"),
        (date(2025, 3, 16), 11, "Moderate"), (date(2025, 4, 20), 8, "Mild")]
    assert rows[2]["label"] == "Uke 2" and rows[0]["date_text"] == "2. mars 2025"
    assert render_table_rows(get_measure("WHO-5"), [Point(date(2025, 1, 1), 48)], "nb")[0][
        "band"] == "Lavt velvære"
    assert render_table_rows(get_measure("WHO-5"), [], "nb") == []


def test_unknown_locale_falls_back_to_bokmal():
    text = describe(get_measure("GAD-7"), [Point(date(2025, 1, 6), 9)], "de")
    assert "Én måling: skår 9 (Mild) 6. jan. 2025." in text
    assert "grenseverdien 8" in text


def test_the_year_is_printed_where_it_changes():
    points = [Point(date(2025, 11, 3), 12), Point(date(2025, 12, 8), 10), Point(date(2026, 1, 12), 8)]
    root = parse(render_graph(get_measure("PHQ-9"), points, "nb", "PHQ-9"))
    years = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "year"]
    assert years == ["2025", "2026"]


def test_a_cutoff_that_starts_no_band_is_called_a_limit():
    assert graph.cutoff_words(_measure_with_cutoff_inside_a_band(), "nb") == "Grense 7"


def _measure_with_cutoff_inside_a_band() -> Measure:
    phq = get_measure("GAD-7")
    import dataclasses
    return dataclasses.replace(phq, cutoff=dataclasses.replace(phq.cutoff, score=7))
