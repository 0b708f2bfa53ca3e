"""The documents' charts: the dashboards' SVG drawings (reports.charts) fed with the documents' rows, so a
chart in a PDF is the same picture as on screen."""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import SafeString

from reports import charts
from reports.ikm import HIGHEST_CONVERTED, LOWEST_CONVERTED, Regulation


def elements_chart(rows: list[dict], regulation: Regulation) -> SafeString:
    bars = [charts.ElementBar(code=row["code"], name=row["name"],
                              converted=row["score"].converted if row["score"] else None) for row in rows]
    return charts.element_chart(bars=bars, regulation=regulation, title="Nilai per unsur (NRR x 25)")


def profile_chart(table: dict) -> SafeString:
    return charts.bar_chart(items=[(row["label"], row["value"]) for row in table["rows"]], title=table["title"])


def trend_chart(rows: list[dict], regulation: Regulation) -> SafeString:
    return charts.trend_chart(points=[(row["label"], row["converted_value"]) for row in rows],
                              regulation=regulation, title="Tren IKM konversi")


def units_chart(units: list[tuple[str, Decimal]], regulation: Regulation, *, width: int = 680) -> SafeString:
    """Units by converted IKM, highest first, each bar in the colour of its grade over the grade bands."""
    label_width, value_width, row, top = 250, 70, 18, 30
    plot_left, plot_right = label_width, width - value_width
    height = top + row * len(units) + 26

    def x(value) -> float:
        span = HIGHEST_CONVERTED - LOWEST_CONVERTED
        return plot_left + float((Decimal(value) - LOWEST_CONVERTED) / span) * (plot_right - plot_left)

    body = []
    for start, end, letter in charts._bands(regulation, LOWEST_CONVERTED, HIGHEST_CONVERTED):
        body.append(charts._rect(x(start), top - 6, x(end) - x(start), row * len(units) + 6,
                                 charts.BAND_FILL[letter]))
        body.append(charts._text((x(start) + x(end)) / 2, top - 12, letter, anchor="middle", size=11,
                                 weight="bold", fill=charts.BAND_TEXT[letter]))
    for value in (25, 50, 75, 100):
        body.append(charts._text(x(value), top + row * len(units) + 16, str(value), anchor="middle", size=10,
                                 fill=charts.MUTED))
    for index, (name, converted) in enumerate(units):
        y = top + index * row
        letter = regulation.grade(converted).letter
        body.append(charts._text(8, y + row / 2 + 4, charts._short(name, 38), size=11))
        body.append(charts._rect(plot_left, y + 3, x(converted) - plot_left, row - 6, charts.BAND_TEXT[letter]))
        body.append(charts._text(plot_right + 6, y + row / 2 + 4, f"{charts._num(converted)} {letter}", size=11))
    desc = "; ".join(f"{name}: {charts._num(converted)}" for name, converted in units)
    return charts._svg(width=width, height=height, title="Unit layanan menurut IKM konversi", desc=desc, body=body)
