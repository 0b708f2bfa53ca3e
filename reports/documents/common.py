"""What every document shares: numbers written the Indonesian way, the scope a document covers (one unit or
one agency with the units below it), and PDF rendering."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.template.loader import render_to_string

from agencies.models import Agency, Region, ServiceUnit
from agencies.selectors import agency_descendant_ids, units_for_user
from reports.ikm import round_half_up
from reports.periods import Period


def number(value: Fraction | Decimal | int, places: int) -> str:
    """Half up to `places` decimals, written as Indonesian documents do: 1.234,567."""
    rounded = round_half_up(value, places)
    whole, _, decimals = f"{abs(rounded):.{places}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    text = f"{grouped},{decimals}" if places else grouped
    return f"-{text}" if rounded < 0 else text


def count(value: int | None) -> str:
    return "–" if value is None else number(value, 0)


def percent(part: int, whole: int) -> str:
    return number(Fraction(part, whole) * 100, 2) if whole else "0,00"


def change(current: Decimal | None, previous: Decimal | None) -> dict | None:
    """A change between two converted values: its text with a sign and its direction (up, down, same)."""
    if current is None or previous is None:
        return None
    delta = current - previous
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    sign = "+" if delta > 0 else ""
    return {"delta": delta, "text": f"{sign}{number(delta, 2)}", "direction": direction,
            "arrow": {"up": "▲", "down": "▼", "same": "="}[direction]}


@dataclass(frozen=True)
class DocumentScope:
    """What a document is about: one unit, or an agency with the units of it and its sub-agencies."""

    region: Region
    agency: Agency
    unit: ServiceUnit | None
    unit_ids: tuple[int, ...]

    @property
    def kind(self) -> str:
        return "unit" if self.unit else "agency"

    @property
    def code(self) -> str:
        return self.unit.code if self.unit else self.agency.code

    @property
    def name(self) -> str:
        return self.unit.name if self.unit else self.agency.name

    @property
    def address(self) -> str:
        return (self.unit.address if self.unit else "") or self.agency.address

    @property
    def head(self) -> dict:
        """Who signs: the head of the unit, else the head of its agency."""
        source = self.unit if self.unit and self.unit.head_name else self.agency
        return {"name": source.head_name, "title": source.head_title, "nip": source.head_nip}

    @classmethod
    def for_unit(cls, unit: ServiceUnit) -> "DocumentScope":
        return cls(region=unit.agency.region, agency=unit.agency, unit=unit, unit_ids=(unit.id,))

    @classmethod
    def for_agency(cls, agency: Agency, *, user) -> "DocumentScope":
        """The agency's units (sub-agencies included) that the user may see."""
        unit_ids = (units_for_user(user).filter(agency_id__in=agency_descendant_ids({agency.id}))
                    .order_by("id").values_list("id", flat=True))
        return cls(region=agency.region, agency=agency, unit=None, unit_ids=tuple(unit_ids))


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the Pango library it needs is not installed on this server."""


def render_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    try:
        from weasyprint import HTML  # imported here so the app starts on a machine without Pango
    except (ImportError, OSError) as problem:
        raise PdfUnavailable(str(problem)) from problem
    return HTML(string=html).write_pdf()
