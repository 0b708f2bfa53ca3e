"""The documents' charts: the dashboards' SVG drawings (reports.charts) fed with the documents' rows, so a
chart in a PDF is the same picture as on screen."""

from __future__ import annotations

from django.utils.safestring import SafeString

from reports import charts
from reports.ikm import Regulation


def elements_chart(rows: list[dict], regulation: Regulation) -> SafeString:
    bars = [charts.ElementBar(code=row["code"], name=row["name"],
                              converted=row["score"].converted if row["score"] else None) for row in rows]
    return charts.element_chart(bars=bars, regulation=regulation, title="Nilai per unsur (NRR x 25)")


def profile_chart(table: dict) -> SafeString:
    return charts.bar_chart(items=[(row["label"], row["value"]) for row in table["rows"]], title=table["title"])


def trend_chart(rows: list[dict], regulation: Regulation) -> SafeString:
    return charts.trend_chart(points=[(row["label"], row["converted_value"]) for row in rows],
                              regulation=regulation, title="Tren IKM konversi")


def units_chart(rows: list[dict], regulation: Regulation) -> SafeString:
    return charts.units_chart(units=[(row["name"], row["converted_value"]) for row in rows], regulation=regulation,
                              title="Unit layanan menurut IKM konversi")
