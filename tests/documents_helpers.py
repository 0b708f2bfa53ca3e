"""Shared by the document tests: the specification's worked examples stored as real responses, and
readers for the documents' text."""

import csv
import io
from datetime import timedelta
from pathlib import Path

from tests.factories import local, submit

EXAMPLES = Path(__file__).parent / "data" / "spec_examples"


def submit_example(unit, service, name, *, year=2026, month=7, day=6, **profile) -> int:
    """Store the rows of tests/data/spec_examples/<name>.csv as responses a minute apart; blanks stay blank."""
    rows = list(csv.DictReader((EXAMPLES / f"{name}.csv").open()))
    start = local(year, month, day, 8)
    for number, row in enumerate(rows):
        values = [int(value) if value.strip() else None for value in row.values()]
        submit(unit, service, values, answered_at=start + timedelta(minutes=number), **profile)
    return len(rows)


def pdf_text(data: bytes) -> tuple[str, int]:
    """The text of a PDF (pages joined) and its page count, as a reader's tool extracts them."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def login(client, user):
    client.force_login(user)
    return client


def recalculate(data: bytes, folder: Path) -> dict[tuple[str, str], object]:
    """Every formula of a workbook recalculated by a pure-Python spreadsheet engine (the `formulas` package, not
    SKM's code): (sheet title, cell) -> value; numbers as floats, text as str."""
    import formulas

    path = folder / "recalculate.xlsx"
    path.write_bytes(data)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values = {}
    for reference, ranged in solution.items():
        sheet, _, cell = reference.rpartition("!")
        if ":" in cell or not hasattr(ranged, "value"):
            continue
        value = ranged.value[0][0]
        values[(sheet.split("]", 1)[1].rstrip("'").upper(), cell)] = value.item() if hasattr(value, "item") else value
    return values
