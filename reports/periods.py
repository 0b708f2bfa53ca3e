"""Survey periods: month, quarter (triwulan), semester, year or a custom range of days."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext, gettext_noop

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MONTHS_ID = (  # marked for the catalog; documents keep them Indonesian, screens translate them
    gettext_noop("Januari"), gettext_noop("Februari"), gettext_noop("Maret"), gettext_noop("April"),
    gettext_noop("Mei"), gettext_noop("Juni"), gettext_noop("Juli"), gettext_noop("Agustus"),
    gettext_noop("September"), gettext_noop("Oktober"), gettext_noop("November"), gettext_noop("Desember"),
)
KINDS = ("month", "quarter", "semester", "year", "custom")


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls("month", date(year, month, 1), following - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        if not 1 <= quarter <= 4:
            raise ValueError("a quarter is 1..4")
        first_month = 3 * quarter - 2
        return cls("quarter", date(year, first_month, 1), cls.month(year, first_month + 2).end)

    @classmethod
    def semester(cls, year: int, semester: int) -> "Period":
        if semester not in (1, 2):
            raise ValueError("a semester is 1 or 2")
        return cls("semester", date(year, 6 * semester - 5, 1), cls.month(year, 6 * semester).end)

    @classmethod
    def year_of(cls, year: int) -> "Period":
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def custom(cls, start: date, end: date) -> "Period":
        return cls("custom", start, end)

    @classmethod
    def containing(cls, day: date, kind: str = "quarter") -> "Period":
        if kind == "month":
            return cls.month(day.year, day.month)
        if kind == "quarter":
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == "semester":
            return cls.semester(day.year, 1 if day.month <= 6 else 2)
        if kind == "year":
            return cls.year_of(day.year)
        raise ValueError(f"no period of kind {kind!r} contains a day")

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def number(self) -> int:
        """The month, quarter or semester number within its year."""
        return {"month": self.start.month, "quarter": (self.start.month + 2) // 3,
                "semester": 1 if self.start.month <= 6 else 2}.get(self.kind, 1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        if self.kind == "custom":
            return Period.custom(self.start - timedelta(days=self.days), self.start - timedelta(days=1))
        return Period.containing(self.start - timedelta(days=1), self.kind)

    def same_last_year(self) -> "Period":
        if self.kind == "custom":
            return Period.custom(_shift_year(self.start, -1), _shift_year(self.end, -1))
        return Period.containing(_shift_year(self.start, -1), self.kind)

    def previous_ones(self, count: int) -> list["Period"]:
        """This period and the count-1 before it, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def quarters(self) -> list["Period"]:
        """The quarters that overlap this period, oldest first (follow-up plans are made per quarter)."""
        found = [Period.containing(self.start)]
        while found[-1].end < self.end:
            found.append(Period.containing(found[-1].end + timedelta(days=1)))
        return found

    @property
    def label(self) -> str:
        """The period as documents write it, e.g. "Triwulan III 2026" (in the active language)."""
        if self.kind == "month":
            return f"{gettext(MONTHS_ID[self.start.month - 1])} {self.year}"
        numbered = {"roman": ROMAN.get(self.number), "year": self.year}
        if self.kind == "quarter":
            return gettext("Triwulan %(roman)s %(year)s") % numbered
        if self.kind == "semester":
            return gettext("Semester %(roman)s %(year)s") % numbered
        if self.kind == "year":
            return gettext("Tahun %(year)s") % numbered
        return gettext("%(start)s s.d. %(end)s") % {"start": f"{self.start:%d-%m-%Y}", "end": f"{self.end:%d-%m-%Y}"}

    @property
    def short_label(self) -> str:
        if self.kind == "quarter":
            return gettext("TW %(roman)s %(year)s") % {"roman": ROMAN[self.number], "year": self.year}
        return self.label

    @property
    def slug(self) -> str:
        """A stable text form for URLs: 2026-Q3, 2026-S1, 2026-M07, 2026, 2026-01-05..2026-02-01."""
        if self.kind == "month":
            return f"{self.year}-M{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "semester":
            return f"{self.year}-S{self.number}"
        if self.kind == "year":
            return str(self.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @classmethod
    def from_slug(cls, text: str) -> "Period":
        """Parse `slug`; raises ValueError with a readable message on anything else."""
        text = (text or "").strip()
        try:
            if ".." in text:
                start, end = (date.fromisoformat(part) for part in text.split("..", 1))
                return cls.custom(start, end)
            if text.isdigit() and len(text) == 4:
                return cls.year_of(int(text))
            year, part = text.split("-", 1)
            kind, number = part[0].upper(), int(part[1:])
            builder = {"M": cls.month, "Q": cls.quarter, "S": cls.semester}[kind]
            return builder(int(year), number)
        except (ValueError, KeyError, IndexError):
            raise ValueError(f"{text!r} is not a period (e.g. 2026-Q3, 2026-S1, 2026-M07, 2026)") from None


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
