"""Bar charts as inline SVG, drawn on the server (no JavaScript, no library).

A chart is an ``<svg role="img">`` named by its ``<title>`` and described by
its ``<desc>``; every bar carries its value as text, so nothing is told by
length or colour alone. Colours come from classes in
``static/casework/dashboard.css`` (the CSP forbids ``style=``). The same
figures stand beside each chart as a table.

Layout, phone first: one row per category, its label above its bars, so a
narrow screen never squeezes the labels. Several series draw one bar each per
row (e.g. median and 90th percentile), named in a legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 320
LABEL_HEIGHT = 20
BAR_HEIGHT = 16
BAR_GAP = 4
ROW_GAP = 10
VALUE_SPACE = 64  # room right of the longest bar for its value
LEGEND_HEIGHT = 22


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per label; None: no figure (drawn as "–")


def _value_text(value: float | None) -> str:
    if value is None:
        return "–"
    return number_format(value, decimal_pos=None if float(value).is_integer() else 1)


def bar_chart(
    *, chart_id: str, title: str, description: str, labels: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """A horizontal bar chart; ``chart_id`` makes the ids of title and description unique on the page."""
    largest = max((v for s in series for v in s.values if v is not None), default=0) or 1
    scale = (WIDTH - VALUE_SPACE) / largest
    legend = len(series) > 1
    y = LEGEND_HEIGHT * len(series) + 6 if legend else 0
    parts = []
    if legend:
        parts.append(
            format_html_join(
                "",
                '<rect class="chart-bar chart-bar--{}" x="0" y="{}" width="14" height="14"/>'
                '<text class="chart-text" x="20" y="{}">{}</text>',
                (
                    (index, index * LEGEND_HEIGHT + 3, index * LEGEND_HEIGHT + 16, s.name)
                    for index, s in enumerate(series)
                ),
            )
        )
    for row, label in enumerate(labels):
        parts.append(format_html('<text class="chart-text chart-label" x="0" y="{}">{}</text>', y + 15, label))
        y += LABEL_HEIGHT
        for index, s in enumerate(series):
            value = s.values[row]
            length = round((value or 0) * scale, 1)
            parts.append(
                format_html(
                    '<rect class="chart-bar chart-bar--{}" x="0" y="{}" width="{}" height="{}"/>'
                    '<text class="chart-text chart-value" x="{}" y="{}">{}</text>',
                    index,
                    y,
                    length,
                    BAR_HEIGHT,
                    length + 4,
                    y + BAR_HEIGHT - 2,
                    _value_text(value),
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        y += ROW_GAP
    height = max(y, 1)
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" '
        'width="{1}" height="{2}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>',
        chart_id,
        WIDTH,
        height,
        title,
        description,
        SafeString("".join(parts)),
    )
