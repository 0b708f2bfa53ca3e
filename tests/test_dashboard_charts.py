"""The server-drawn SVG charts: plain, well-formed SVG with a title, a description and visible labels, the
lowest elements highlighted; and the same drawings keep their text inside a WeasyPrint PDF. Numbers are written
the way of the active language (Indonesian by default: 91,48)."""

import io
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from reports import charts
from reports.ikm import PERMENPAN_14_2017

SVG = "{http://www.w3.org/2000/svg}"
BARS = [charts.ElementBar(f"U{n}", name, Decimal(value)) for n, (name, value) in enumerate([
    ("Persyaratan", "90.52"), ("Prosedur", "87.07"), ("Waktu", "86.21"), ("Biaya", "100.00"), ("Produk", "87.93"),
    ("Kompetensi", "90.52"), ("Perilaku", "91.38"), ("Sarana", "90.52"), ("Pengaduan", "99.14")], 1)]


def all_charts():
    return {
        "element": charts.element_chart(bars=BARS, regulation=PERMENPAN_14_2017, title="Nilai per unsur"),
        "trend": charts.trend_chart(points=[("TW I 2026", Decimal("80.10")), ("TW II 2026", None),
                                            ("TW III 2026", Decimal("91.48"))],
                                    regulation=PERMENPAN_14_2017, title="Tren IKM"),
        "bar": charts.bar_chart(items=[("SMA", 12), ("D4/S1", 6), ("S2", 0)], title="Pendidikan"),
        "pie": charts.pie_chart(items=[("Laki-laki", 3), ("Perempuan", 1)], title="Jenis kelamin"),
        "daily": charts.daily_chart(counts={date(2026, 5, 2): 4, date(2026, 5, 4): 7}, start=date(2026, 5, 1),
                                    end=date(2026, 5, 10), today=date(2026, 5, 4), title="Responden per hari"),
    }


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("name", ["element", "trend", "bar", "pie", "daily"])
def test_it_draws_plain_accessible_svg(name):
    svg = all_charts()[name]
    root = parsed(svg)

    assert root.tag == f"{SVG}svg"
    width, height = int(root.get("width")), int(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert root.get("role") == "img" and "DejaVu Sans" in root.get("font-family")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert texts(root), "a chart without visible text loses its numbers on paper"
    allowed = {f"{SVG}{tag}" for tag in ("svg", "title", "desc", "rect", "line", "polyline", "circle", "path", "text")}
    assert {node.tag for node in root.iter()} <= allowed
    assert "script" not in svg and "var(" not in svg and "style=" not in svg


def test_it_writes_every_element_and_highlights_the_three_lowest():
    root = parsed(all_charts()["element"])
    labels = texts(root)

    for bar in BARS:
        assert any(label.startswith(f"{bar.code} {bar.name}") for label in labels)
    assert [label for label in labels if label.endswith("▼")] == ["87,07 ▼", "86,21 ▼", "87,93 ▼"]
    assert {"D", "C", "B", "A"} <= set(labels)
    highlighted = [rect for rect in root.iter(f"{SVG}rect") if rect.get("fill") == charts.HIGHLIGHT]
    assert len(highlighted) == 3
    assert "U2 Prosedur: 87,07 (terendah)" in root.find(f"{SVG}desc").text


def test_it_says_when_an_element_has_no_answers():
    bars = BARS[:8] + [charts.ElementBar("U9", "Pengaduan", None)]

    root = parsed(charts.element_chart(bars=bars, regulation=PERMENPAN_14_2017, title="t"))

    assert "belum ada jawaban" in texts(root)
    assert "U9 Pengaduan: belum ada jawaban" in root.find(f"{SVG}desc").text


def test_it_breaks_the_trend_line_where_a_quarter_has_no_result():
    root = parsed(all_charts()["trend"])

    assert not list(root.iter(f"{SVG}polyline"))  # two points with a gap between: no line to draw
    assert {"80,10", "91,48", "–", "TW II 2026"} <= set(texts(root))
    assert "TW II 2026: tidak ada data" in root.find(f"{SVG}desc").text


def test_it_writes_counts_and_shares_beside_bars_and_slices():
    assert {"12 (66,7%)", "6 (33,3%)", "0 (0,0%)"} <= set(texts(parsed(all_charts()["bar"])))
    assert {"Laki-laki: 3 (75,0%)", "Perempuan: 1 (25,0%)"} <= set(texts(parsed(all_charts()["pie"])))
    whole = parsed(charts.pie_chart(items=[("Kios", 5), ("QR", 0)], title="Saluran"))
    assert len(list(whole.iter(f"{SVG}circle"))) == 1 and "Kios: 5 (100,0%)" in texts(whole)


def test_it_marks_today_in_the_daily_counts():
    root = parsed(all_charts()["daily"])

    assert "Hari ini: 7" in texts(root)
    assert "11 responden dalam 10 hari" in root.find(f"{SVG}desc").text


def test_the_charts_keep_their_labels_in_a_pdf():
    weasyprint = pytest.importorskip("weasyprint")
    pdfplumber = pytest.importorskip("pdfplumber")
    html = "<html><body>" + "".join(f"<div>{svg}</div>" for svg in all_charts().values()) + "</body></html>"

    pdf = weasyprint.HTML(string=html).write_pdf()

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        content = "".join(page.extract_text() for page in document.pages).replace(" ", "").replace("\n", "")
    for expected in ("U3Waktu", "86,21▼", "TWIII2026", "91,48", "SMA", "Laki-laki:3(75,0%)", "Hariini:7"):
        assert expected in content
