"""Charts drawn on the server as SVG markup: the dashboards inline them and the PDF documents embed the same
drawings (WeasyPrint), so they use plain SVG only (rect, line, polyline, circle, path, text) with explicit
sizes, fonts named in attributes and no CSS or script. Every chart carries a <title> and a <desc> that
states its numbers, and writes its values as visible text, so a screen reader and a printout keep them.

Each function takes plain numbers and labels and returns a SafeString of one <svg> element.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import count as _counter

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.ikm import HIGHEST_CONVERTED, LOWEST_CONVERTED, Regulation, round_half_up

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
TEXT = "#212529"
MUTED = "#5c636a"
GRID = "#ced4da"
BAR = "#3d6fb6"
HIGHLIGHT = "#c2410c"
TODAY = "#146c43"
# Pale backgrounds for the grade bands, in the hues of the grade letters on screen (static/css/skm.css).
BAND_FILL = {"A": "#d1e7dd", "B": "#cfe2ff", "C": "#ffe5d0", "D": "#f8d7da"}
BAND_TEXT = {"A": "#146c43", "B": "#0a58ca", "C": "#9a4a00", "D": "#b02a37"}
# Distinct hues for slices and series, dark enough for white text to be unnecessary (labels sit beside).
BAR_LABEL_CHARS = 28  # characters of a bar label's line; about 7 px each at 12 px DejaVu Sans
PALETTE = ("#3d6fb6", "#e07b39", "#2f9e74", "#b8336a", "#7a5cc2", "#8c6d1f", "#0f8ea8", "#6c757d")

_ids = _counter(1)


@dataclass(frozen=True)
class ElementBar:
    """One element in the element chart: its code (U1), its name and its converted NRR (None: no answers)."""

    code: str
    name: str
    converted: Decimal | None


def _num(value, places: int = 2) -> str:
    return number_format(round_half_up(Fraction(value), places), places)


def _percent(part: int, whole: int) -> str:
    return _num(Fraction(part, whole) * 100, 1) + "%" if whole else "0%"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _middle(text: str, limit: int) -> str:
    """Shortened from the middle, so both the start and the distinguishing end stay readable."""
    if len(text) <= limit:
        return text
    tail = (limit - 1) // 2
    return text[: limit - 1 - tail].rstrip() + "…" + text[len(text) - tail:].lstrip()


def _label_lines(label: str, limit: int) -> list[str]:
    """A bar's label on at most two lines of `limit` characters: "unit · service" puts each on its own line
    (units of one agency often share a long name start); other labels wrap at words. What still does not fit
    is shortened from the middle, never cut off at the end."""
    unit, dot, service = label.partition(" · ")
    if dot:
        return [_middle(unit + dot.rstrip(), limit), _middle(service, limit)]
    lines = textwrap.wrap(label, limit) or [label]
    if len(lines) <= 2:
        return [_middle(line, limit) for line in lines]
    return [lines[0], _middle(" ".join(lines[1:]), limit)]


def _svg(*, width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    ident = f"chart{next(_ids)}"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" font-family="{FONT}" font-size="12" fill="{TEXT}">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int | None = None, weight: str = "",
          fill: str = "") -> str:
    attributes = f'x="{x:.1f}" y="{y:.1f}"'
    if anchor != "start":
        attributes += f' text-anchor="{anchor}"'
    if size:
        attributes += f' font-size="{size}"'
    if weight:
        attributes += f' font-weight="{weight}"'
    if fill:
        attributes += f' fill="{fill}"'
    return f"<text {attributes}>{escape(text)}</text>"


def _rect(x: float, y: float, width: float, height: float, fill: str, extra: str = "") -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{max(height, 0):.1f}" '
            f'fill="{fill}"{extra}/>')


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, extra: str = "") -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}"{extra}/>'


def _bands(regulation: Regulation, low: Decimal, high: Decimal) -> list[tuple[Decimal, Decimal, str]]:
    """The grade bands of the regulation clipped to low..high, as (from, to, letter)."""
    edges = [lowest for lowest, _grade in regulation.bands] + [HIGHEST_CONVERTED]
    bands = []
    for (lowest, grade), upper in zip(regulation.bands, edges[1:]):
        start, end = max(lowest, low), min(upper, high)
        if start < end:
            bands.append((start, end, grade.letter))
    return bands


def _converted_axis(left: float, right: float):
    """The x of a converted value (25..100) on a horizontal axis drawn from left to right."""
    def x(value) -> float:
        span = HIGHEST_CONVERTED - LOWEST_CONVERTED
        return left + float((Decimal(value) - LOWEST_CONVERTED) / span) * (right - left)
    return x


def _band_columns(x, *, top: float, height: float, regulation: Regulation, size: int) -> list[str]:
    """The grade bands behind rows of horizontal bars, each band's letter above it."""
    body = []
    for start, end, letter in _bands(regulation, LOWEST_CONVERTED, HIGHEST_CONVERTED):
        body.append(_rect(x(start), top - 6, x(end) - x(start), height + 6, BAND_FILL[letter]))
        body.append(_text((x(start) + x(end)) / 2, top - 12, letter, anchor="middle", size=size, weight="bold",
                          fill=BAND_TEXT[letter]))
    return body


def lowest_codes(bars: Sequence[ElementBar], count: int = 3) -> set[str]:
    """The codes of the lowest elements; ties keep questionnaire order, as IkmResult.lowest_elements does."""
    scored = [bar for bar in bars if bar.converted is not None]
    return {bar.code for bar in sorted(scored, key=lambda bar: bar.converted)[:count]}


def element_chart(*, bars: Sequence[ElementBar], regulation: Regulation, title: str, highlight: int = 3,
                  width: int = 680) -> SafeString:
    """Each element's converted NRR (25..100) as a horizontal bar over the grade bands, lowest highlighted."""
    lowest = lowest_codes(bars, highlight)
    label_width, value_width, row, top = 240, 92, 26, 34
    plot_left, plot_right = label_width, width - value_width
    height = top + row * len(bars) + 30
    x = _converted_axis(plot_left, plot_right)
    body = _band_columns(x, top=top, height=row * len(bars), regulation=regulation, size=12)
    # The axis is marked where the grades change, so each bar reads against the regulation's bands.
    bands = _bands(regulation, LOWEST_CONVERTED, HIGHEST_CONVERTED)
    for value in [start for start, _end, _letter in bands] + [HIGHEST_CONVERTED]:
        body.append(_line(x(value), top - 6, x(value), top + row * len(bars), GRID))
        body.append(_text(x(value), top + row * len(bars) + 16, _num(value) if value % 1 else str(int(value)),
                          anchor="middle", size=10, fill=MUTED))
    for index, bar in enumerate(bars):
        y = top + index * row
        weak = bar.code in lowest
        body.append(_text(8, y + row / 2 + 4, _short(f"{bar.code} {bar.name}", 27 if weak else 31),
                          weight="bold" if weak else "", fill=HIGHLIGHT if weak else TEXT))
        if bar.converted is None:
            body.append(_text(plot_left + 6, y + row / 2 + 4, _("belum ada jawaban"), fill=MUTED))
            continue
        body.append(_rect(plot_left, y + 5, x(bar.converted) - plot_left, row - 10, HIGHLIGHT if weak else BAR))
        value = _num(bar.converted)
        body.append(_text(plot_right + 6, y + row / 2 + 4, f"{value} ▼" if weak else value,
                          weight="bold" if weak else "", fill=HIGHLIGHT if weak else TEXT))
    body.append(_text(8, height - 6, _("▼ = %(n)s unsur terendah") % {"n": len(lowest)}, size=10, fill=MUTED))
    desc = "; ".join(
        f"{bar.code} {bar.name}: {_num(bar.converted) if bar.converted is not None else _('belum ada jawaban')}"
        + (f" ({_('terendah')})" if bar.code in lowest else "") for bar in bars
    )
    return _svg(width=width, height=height, title=title, desc=desc, body=body)


def units_chart(*, units: Sequence[tuple[str, Decimal]], regulation: Regulation, title: str,
                width: int = 680) -> SafeString:
    """Units by converted IKM, in the order given, each bar in the colour of its grade over the grade bands."""
    label_width, value_width, row, top = 250, 70, 18, 30
    plot_left, plot_right = label_width, width - value_width
    height = top + row * len(units) + 26
    x = _converted_axis(plot_left, plot_right)
    body = _band_columns(x, top=top, height=row * len(units), regulation=regulation, size=11)
    for value in (25, 50, 75, 100):
        body.append(_text(x(value), top + row * len(units) + 16, str(value), anchor="middle", size=10, fill=MUTED))
    for index, (name, converted) in enumerate(units):
        y = top + index * row
        letter = regulation.grade(converted).letter
        body.append(_text(8, y + row / 2 + 4, _short(name, 38), size=11))
        body.append(_rect(plot_left, y + 3, x(converted) - plot_left, row - 6, BAND_TEXT[letter]))
        body.append(_text(plot_right + 6, y + row / 2 + 4, f"{_num(converted)} {letter}", size=11))
    desc = "; ".join(f"{name}: {_num(converted)}" for name, converted in units)
    return _svg(width=width, height=height, title=title, desc=desc, body=body)


def trend_chart(*, points: Sequence[tuple[str, Decimal | None]], regulation: Regulation, title: str,
                width: int = 680, height: int = 230) -> SafeString:
    """The converted IKM over periods (oldest first) as a line over the grade bands; None leaves a gap."""
    left, right, top, bottom = 44, 16, 16, 34
    values = [value for _label, value in points if value is not None]
    floor = min(values, default=HIGHEST_CONVERTED) - 5
    low = max(LOWEST_CONVERTED, Decimal(math.floor(floor / 5) * 5))
    high = HIGHEST_CONVERTED
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points), 1)

    def y(value) -> float:
        return top + plot_h - float((Decimal(value) - low) / (high - low)) * plot_h

    def x(index: int) -> float:
        return left + step * (index + 0.5)

    body = []
    for start, end, letter in _bands(regulation, low, high):
        body.append(_rect(left, y(end), plot_w, y(start) - y(end), BAND_FILL[letter]))
        body.append(_text(width - right - 4, y(end) + 12, letter, anchor="end", size=11, weight="bold",
                          fill=BAND_TEXT[letter]))
    tick = low
    while tick <= high:
        body.append(_line(left, y(tick), left + plot_w, y(tick), GRID))
        body.append(_text(left - 6, y(tick) + 4, str(int(tick)), anchor="end", size=10, fill=MUTED))
        tick += 5 if high - low <= 30 else 25
    segment: list[str] = []
    segments = []
    for index, (_label, value) in enumerate(points):
        if value is None:
            segments.append(segment)
            segment = []
        else:
            segment.append(f"{x(index):.1f},{y(value):.1f}")
    segments.append(segment)
    for part in segments:
        if len(part) > 1:
            body.append(f'<polyline points="{" ".join(part)}" fill="none" stroke="{BAR}" stroke-width="2.5"/>')
    for index, (label, value) in enumerate(points):
        body.append(_text(x(index), height - 12, label, anchor="middle", size=10, fill=MUTED))
        if value is None:
            body.append(_text(x(index), top + plot_h - 6, "–", anchor="middle", fill=MUTED))
            continue
        last = index == len(points) - 1
        body.append(f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="{5 if last else 4}" '
                    f'fill="{HIGHLIGHT if last else BAR}"/>')
        above = y(value) - 9 if y(value) > top + 16 else y(value) + 18
        body.append(_text(x(index), above, _num(value), anchor="middle", size=11, weight="bold" if last else ""))
    desc = "; ".join(f"{label}: {_num(value) if value is not None else _('tidak ada data')}"
                     for label, value in points)
    return _svg(width=width, height=height, title=title, desc=desc, body=body)


def bar_chart(*, items: Sequence[tuple[str, int]], title: str, width: int = 420) -> SafeString:
    """Counts as horizontal bars, each with its count and share of the total written beside it."""
    total = sum(value for _label, value in items)
    labels = [_label_lines(label, BAR_LABEL_CHARS) for label, _value in items]
    longest = max((len(line) for lines in labels for line in lines), default=0)
    two_lines = any(len(lines) > 1 for lines in labels)
    label_width, value_width, row, top = min(max(60, 7 * longest + 14), 220), 96, 34 if two_lines else 22, 6
    width = max(width, label_width + value_width + 120)
    plot_w = width - label_width - value_width
    largest = max((value for _label, value in items), default=0) or 1
    height = top + row * len(items) + 6
    body = []
    for index, ((label, value), lines) in enumerate(zip(items, labels, strict=True)):
        y = top + index * row
        first = y + row / 2 + 4 - 7 * (len(lines) - 1)
        body.extend(_text(label_width - 8, first + 14 * number, line, anchor="end")
                    for number, line in enumerate(lines))
        body.append(_rect(label_width, y + 3, plot_w * value / largest, row - 6,
                          PALETTE[index % len(PALETTE)] if len(items) <= 2 else BAR))
        body.append(_text(label_width + plot_w * value / largest + 6, y + row / 2 + 4,
                          f"{value} ({_percent(value, total)})", size=11))
    if not items:
        height = 30
        body.append(_text(8, 20, _("Belum ada data."), fill=MUTED))
    desc = "; ".join(f"{label}: {value} ({_percent(value, total)})" for label, value in items)
    return _svg(width=width, height=height, title=title, desc=desc or _("Belum ada data."), body=body)


def pie_chart(*, items: Sequence[tuple[str, int]], title: str, width: int = 360) -> SafeString:
    """Shares of a whole as a pie with a legend that writes every count and percentage."""
    items = [(label, value) for label, value in items if value > 0]
    total = sum(value for _label, value in items)
    radius, cx, cy = 60, 70, 70
    legend = max((len(f"{_short(label, 24)}: {value} ({_percent(value, total)})") for label, value in items),
                 default=0)
    width = max(width, int(2 * cx + 32 + 7 * legend + 8))
    height = max(2 * cy, 20 + 22 * len(items))
    body = []
    angle = -math.pi / 2
    for index, (label, value) in enumerate(items):
        colour = PALETTE[index % len(PALETTE)]
        if value == total:
            body.append(f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{colour}"/>')
        else:
            sweep = 2 * math.pi * value / total
            end = angle + sweep
            x1, y1 = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            x2, y2 = cx + radius * math.cos(end), cy + radius * math.sin(end)
            large = 1 if sweep > math.pi else 0
            body.append(f'<path d="M{cx},{cy} L{x1:.2f},{y1:.2f} A{radius},{radius} 0 {large} 1 {x2:.2f},{y2:.2f} Z" '
                        f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>')
            angle = end
        y = 20 + index * 22
        body.append(_rect(2 * cx + 14, y - 10, 12, 12, colour))
        body.append(_text(2 * cx + 32, y, f"{_short(label, 24)}: {value} ({_percent(value, total)})"))
    if not items:
        body.append(_text(8, 20, _("Belum ada data."), fill=MUTED))
        height = 30
    desc = "; ".join(f"{label}: {value} ({_percent(value, total)})" for label, value in items)
    return _svg(width=width, height=height, title=title, desc=desc or _("Belum ada data."), body=body)


def daily_chart(*, counts: Mapping[date, int], start: date, end: date, title: str, today: date | None = None,
                width: int = 680, height: int = 170) -> SafeString:
    """Respondents per day from start to end as columns; today's column is marked and its count written."""
    days = [date.fromordinal(ordinal) for ordinal in range(start.toordinal(), end.toordinal() + 1)]
    left, right, top, bottom = 34, 10, 22, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    largest = max(counts.values(), default=0)
    ceiling = max(largest, 1)
    step = plot_w / len(days)
    body = [_line(left, top + plot_h, left + plot_w, top + plot_h, MUTED)]
    for value in sorted({0, ceiling}):
        y = top + plot_h - plot_h * value / ceiling
        body.append(_line(left, y, left + plot_w, y, GRID))
        body.append(_text(left - 5, y + 4, str(value), anchor="end", size=10, fill=MUTED))
    label_every = 1 if len(days) <= 14 else 7 if len(days) <= 62 else 0
    for index, day in enumerate(days):
        value = counts.get(day, 0)
        x = left + index * step
        is_today = day == today
        if value:
            bar_h = plot_h * value / ceiling
            body.append(_rect(x + step * 0.12, top + plot_h - bar_h, max(step * 0.76, 1), bar_h,
                              TODAY if is_today else BAR))
        first_of_month = day.day == 1 or index == 0
        if (label_every and index % label_every == 0) or (not label_every and first_of_month):
            label = f"{day.day}/{day.month}"
            body.append(_line(x + step / 2, top + plot_h, x + step / 2, top + plot_h + 4, MUTED))
            body.append(_text(x + step / 2, height - 14, label, anchor="middle", size=10, fill=MUTED))
        if is_today:
            body.append(_text(min(max(x + step / 2, left + 40), left + plot_w - 40), 14,
                              _("Hari ini: %(n)s") % {"n": value}, anchor="middle", size=11, weight="bold",
                              fill=TODAY))
    total = sum(counts.get(day, 0) for day in days)
    busiest = max(days, key=lambda day: counts.get(day, 0))
    desc = _("%(total)s responden dalam %(days)s hari; terbanyak %(most)s pada %(day)s.") % {
        "total": total, "days": len(days), "most": counts.get(busiest, 0), "day": busiest.strftime("%d-%m-%Y")}
    if today is not None and start <= today <= end:
        desc += " " + _("Hari ini: %(n)s") % {"n": counts.get(today, 0)} + "."
    return _svg(width=width, height=height, title=title, desc=desc, body=body)
