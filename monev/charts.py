"""The monev-beside-IKM scatter, drawn on the server as plain SVG like reports.charts (same helpers, same
rules: a <title>, a <desc> stating every number, and the values written as visible text)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from monev.compliance import COMPLIANCE_WEAK_BELOW
from reports.charts import BAND_FILL, BAND_TEXT, GRID, MUTED, TEXT, _line, _num, _rect, _svg, _text
from reports.ikm import HIGHEST_CONVERTED, LOWEST_CONVERTED, PERMENPAN_14_2017, Regulation


def grade_b_lowest(regulation: Regulation) -> Decimal:
    return next(lowest for lowest, grade in regulation.bands if grade.letter == "B")


def compliance_ikm_chart(rows: Sequence, *, year: int, width: int = 640, height: int = 420) -> SafeString:
    """Each unit with an IKM as a numbered point (its row in the table): compliance across, converted IKM up.
    The quadrant where both are weak (compliance below 75% and IKM below grade B) is shaded."""
    left, right, top, bottom = 50, 16, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    placed = [(number, row) for number, row in enumerate(rows, 1) if row.standing.ikm is not None]
    regulation = next((row.regulation for _number, row in placed), PERMENPAN_14_2017)
    ikm_line = grade_b_lowest(regulation)

    def x(value) -> float:
        return left + float(Decimal(value) / 100) * plot_w

    def y(value) -> float:
        span = HIGHEST_CONVERTED - LOWEST_CONVERTED
        return top + plot_h - float((Decimal(value) - LOWEST_CONVERTED) / span) * plot_h

    body = [
        _rect(x(0), y(ikm_line), x(COMPLIANCE_WEAK_BELOW) - x(0), y(LOWEST_CONVERTED) - y(ikm_line), BAND_FILL["D"]),
        _text(x(0) + 6, y(LOWEST_CONVERTED) - 8, _("Lemah keduanya"), size=11, weight="bold", fill=BAND_TEXT["D"]),
    ]
    for tick in (0, 25, 50, 75, 100):
        body.append(_line(x(tick), top, x(tick), top + plot_h, GRID))
        body.append(_text(x(tick), top + plot_h + 16, f"{tick}%", anchor="middle", size=10, fill=MUTED))
    for tick in (25, 50, 75, 100):
        body.append(_line(left, y(tick), left + plot_w, y(tick), GRID))
        body.append(_text(left - 6, y(tick) + 4, str(tick), anchor="end", size=10, fill=MUTED))
    dashed = ' stroke-dasharray="5 4" stroke-width="1.5"'
    body.append(_line(x(COMPLIANCE_WEAK_BELOW), top, x(COMPLIANCE_WEAK_BELOW), top + plot_h, TEXT, dashed))
    body.append(_line(left, y(ikm_line), left + plot_w, y(ikm_line), TEXT, dashed))
    body.append(_text(left + plot_w - 4, y(ikm_line) - 5, _("batas mutu B: %(value)s") % {"value": _num(ikm_line)},
                      anchor="end", size=10, fill=MUTED))
    body.append(_text(left + plot_w / 2, height - 8, _("Kepatuhan monev %(year)s (%%)") % {"year": year},
                      anchor="middle", size=11))
    body.append(f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="11" text-anchor="middle" '
                f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(_("IKM konversi"))}</text>')
    for number, row in placed:
        cx, cy = x(row.standing.compliance), y(row.standing.ikm)
        letter = row.letter or "D"
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="{BAND_TEXT[letter]}" fill-opacity="0.85"/>')
        body.append(_text(cx, cy + 4, str(number), anchor="middle", size=10, weight="bold", fill="#ffffff"))
    desc = "; ".join(f"{number}. {row.summary.unit.name}: {_num(row.standing.compliance)}%, IKM "
                     f"{_num(row.standing.ikm)}" for number, row in placed) or _("Belum ada unit dengan IKM.")
    title = _("Kepatuhan monev dan IKM konversi %(year)s") % {"year": year}
    return _svg(width=width, height=height, title=title, desc=desc, body=body)
