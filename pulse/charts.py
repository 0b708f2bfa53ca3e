"""The board's chart: each day's answers as a column stacked by face, drawn with the dashboards' SVG parts."""

from collections.abc import Sequence

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from pulse.models import PulseValue
from pulse.selectors import PulseDay
from reports.charts import GRID, MUTED, _line, _rect, _svg, _text

# From red (Sangat tidak puas) to green (Sangat puas), the colours of the faces on the kiosk.
FACE_COLOURS = {1: "#b02a37", 2: "#e07b39", 3: "#5b9b3a", 4: "#146c43"}


def pulse_days_chart(*, days: Sequence[PulseDay], width: int = 680, height: int = 190) -> SafeString:
    """Columns oldest to newest, each split into its faces; the last column (today) has its total written."""
    left, right, top, bottom, legend = 34, 10, 22, 30, 22
    plot_w, plot_h = width - left - right, height - top - bottom - legend
    ceiling = max((day.total for day in days), default=0) or 1
    step = plot_w / max(len(days), 1)
    body = [_line(left, top + plot_h, left + plot_w, top + plot_h, MUTED)]
    for value in sorted({0, ceiling}):
        y = top + plot_h - plot_h * value / ceiling
        body.append(_line(left, y, left + plot_w, y, GRID))
        body.append(_text(left - 5, y + 4, str(value), anchor="end", size=10, fill=MUTED))
    for index, day in enumerate(days):
        x, base = left + index * step, top + plot_h
        for value, count in enumerate(day.counts, start=1):
            if count:
                bar_h = plot_h * count / ceiling
                base -= bar_h
                body.append(_rect(x + step * 0.12, base, max(step * 0.76, 1), bar_h, FACE_COLOURS[value]))
        if index % 7 == (len(days) - 1) % 7:
            body.append(_text(x + step / 2, top + plot_h + 16, f"{day.day.day}/{day.day.month}", anchor="middle",
                              size=10, fill=MUTED))
    if days:
        body.append(_text(left + plot_w - 4, 14, _("Hari ini: %(n)s") % {"n": days[-1].total}, anchor="end",
                          size=11, weight="bold"))
    x = left
    for value, label in PulseValue.choices:
        body.append(_rect(x, height - 14, 10, 10, FACE_COLOURS[value]))
        body.append(_text(x + 14, height - 5, str(label), size=10))
        x += 28 + 7 * len(str(label))
    desc = "; ".join(f"{day.day.isoformat()}: {day.total}" for day in days if day.total) or _("Belum ada data.")
    return _svg(width=width, height=height, title=_("Jawaban denyut per hari"), desc=desc, body=body)
