"""casework/web/charts.py: the SVG bar chart, without a database."""

import re

from django.utils import translation

from casework.web.charts import Series, bar_chart


def chart(**kw) -> str:
    args = {
        "chart_id": "c",
        "title": "Fälle",
        "description": "Balken je Status",
        "labels": ["Eingereicht", "<b>Bewilligt</b>"],
        "series": [Series("Fälle", [3, 6])],
    }
    return str(bar_chart(**{**args, **kw}))


def test_it_names_the_image_by_its_title_and_description():
    svg = chart()
    assert svg.startswith('<svg class="chart" role="img" aria-labelledby="c-title c-desc"')
    assert '<title id="c-title">Fälle</title><desc id="c-desc">Balken je Status</desc>' in svg


def test_it_scales_the_bars_to_the_largest_value_and_writes_every_value():
    widths = [
        float(w) for w in re.findall(r'<rect class="chart-bar chart-bar--0" x="0" y="\d+" width="([\d.]+)"', chart())
    ]
    assert widths[1] == 2 * widths[0] > 0
    assert re.findall(r'class="chart-text chart-value"[^>]*>([^<]*)<', chart()) == ["3", "6"]


def test_it_escapes_labels_and_uses_no_style_attribute():
    svg = chart()
    assert "&lt;b&gt;Bewilligt&lt;/b&gt;" in svg and "<b>" not in svg
    assert "style" not in svg


def test_it_draws_a_dash_for_a_missing_figure_and_a_legend_for_two_series():
    with translation.override("de"):
        svg = chart(series=[Series("Median", [None, 2.5]), Series("90. Perzentil", [None, 4])])
    assert re.findall(r'class="chart-text chart-value"[^>]*>([^<]*)<', svg) == ["–", "–", "2,5", "4"]
    assert ">Median</text>" in svg and ">90. Perzentil</text>" in svg


def test_it_draws_an_empty_chart_without_dividing_by_zero():
    assert re.findall(r'width="([\d.]+)" height="16"', chart(series=[Series("Fälle", [0, 0])])) == ["0.0", "0.0"]
