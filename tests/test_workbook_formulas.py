"""No spreadsheet the app produces runs a formula someone typed into a name: every workbook and CSV, built
with hostile text in every field a user can edit, holds formula cells only where the app wrote its own
(the check sheets' SUM/COUNT/ROUND), and text that looks like a formula is stored as quoted text."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.models import Campaign
from campaigns.services import campaign_save
from monev.models import ChecklistItem
from monev.services import item_create
from reports.documents.generated import EXTENSIONS
from reports.documents.publication import publication_publish
from reports.models import GeneratedDocument
from reports.periods import Period
from tests.dashboard_helpers import client_for
from tests.factories import local, submit

pytestmark = pytest.mark.django_db

# Each leads a cell with a character a spreadsheet reads as the start of a formula.
HOSTILE = {
    "region": '=HYPERLINK("http://evil.example/r","Kota")',
    "agency": "@SUM(1+1)*cmd|' /C calc'!A0",
    "agency_address": "=1+2",
    "agency_head": "+62 811 cmd|' /C calc'!A0",
    "unit": "-2+3 Loket",
    "unit_address": "\t=1+1",
    "unit_head": "=ROW()",
    "service": '=HYPERLINK("http://evil.example/s","svc")',
    "campaign": "=HYPERLINK(\"http://evil.example/c\",\"kampanye\")",
    "campaign_service": "+SUM(9)",
    "suggestion": "=cmd|' /C calc'!A0",
    "checklist_item": "-HYPERLINK(\"http://evil.example/m\")",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The app's own formulas: the check sheet of the Tabel Pengolahan Data recomputes the totals.
OWN_FORMULA_SHEET = "Pemeriksaan"


def workbook_routes() -> set[str]:
    """Every URL name that serves a workbook or a CSV, so a new one cannot miss this test."""
    found = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, ":".join(filter(None, [namespace, pattern.namespace])))
            elif isinstance(pattern, URLPattern) and str(pattern.pattern).endswith((".xlsx", ".csv")):
                found.add(":".join(filter(None, [namespace, pattern.name])))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.fixture
def hostile(world):
    region, agency, unit = world.region, world.agency, world.unit
    region.name = HOSTILE["region"]
    region.save()
    agency.name, agency.address, agency.head_name = HOSTILE["agency"], HOSTILE["agency_address"], HOSTILE["agency_head"]
    agency.save()
    unit.name, unit.address, unit.head_name = HOSTILE["unit"], HOSTILE["unit_address"], HOSTILE["unit_head"]
    unit.save()
    world.service.name = HOSTILE["service"]
    world.service.save()
    today = timezone.localdate()
    campaign = Campaign(region=region, name=HOSTILE["campaign"], start=today, end=today)
    campaign_save(campaign=campaign, units=[unit], service_names=[HOSTILE["campaign_service"]],
                  by=world.region_admin)
    item_create(region=region, year=today.year, name=HOSTILE["checklist_item"], is_key=True,
                kind=ChecklistItem.Kind.MANUAL, by=world.region_admin)
    for n, service in enumerate(unit.services.all()):
        submit(unit, service, [1 + (n + i) % 4 for i in range(9)], suggestion=HOSTILE["suggestion"],
               gender="P", age=41, education="SMA", occupation="Swasta")
        submit(world.sub_unit, world.sub_unit.services.first(), [4] * 9, suggestion=HOSTILE["suggestion"])
    return world


def downloaded(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_no_foreign_formula(name: str, data: bytes):
    texts = []
    if not data.startswith(b"PK"):  # not a workbook (a zip): a CSV
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            for value in row:
                assert not value.startswith(FORMULA_START), (name, value)
                texts.append(value)
        return texts
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert sheet.title.startswith(OWN_FORMULA_SHEET), (name, sheet.title, cell.coordinate, cell.value)
                    assert not any(text in cell.value for text in ("HYPERLINK", "cmd", "ROW(", "evil")), cell.value
                elif isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(FORMULA_START):
                        assert cell.data_type == "s" and cell.quotePrefix, (name, sheet.title, cell.coordinate)
    return texts


def published_quarter(world) -> Period:
    """The last finished quarter, with one response of the hostile unit in it, published."""
    quarter = Period.containing(timezone.localdate()).previous()
    submit(world.unit, world.service, [3] * 9, answered_at=local(quarter.start.year, quarter.start.month, 2))
    publication_publish(region=world.region, period=quarter, user=world.region_admin)
    return quarter


def test_every_workbook_keeps_hostile_names_as_text(hostile):
    quarter = Period.containing(timezone.localdate())
    operator, region_admin = client_for(hostile.operator), client_for(hostile.region_admin)
    agency_admin = client_for(hostile.agency_admin)
    unit, agency, region = [hostile.unit.code], [hostile.agency.code], [hostile.region.code]
    period = {"period": quarter.slug}
    files = {
        "surveys_staff:import_template": downloaded(operator.get(reverse("surveys_staff:import_template", args=unit))),
        "documents:unit-processing-table": downloaded(operator.get(
            reverse("documents:unit-processing-table", args=unit), period)),
        "documents:agency-processing-table": downloaded(agency_admin.get(
            reverse("documents:agency-processing-table", args=agency), period)),
        "documents:unit-responses-export": downloaded(operator.get(
            reverse("documents:unit-responses-export", args=unit), period)),
        "documents:agency-responses-export": downloaded(agency_admin.get(
            reverse("documents:agency-responses-export", args=agency), period)),
        "monev:recap_xlsx": downloaded(region_admin.get(reverse("monev:recap_xlsx", args=region),
                                                         {"tahun": date.today().year})),
        "public:open-data-csv": downloaded(Client().get(reverse(
            "public:open-data-csv", args=[*region, published_quarter(hostile).slug]))),
    }
    # The documents built in the background: the region's recap and a large responses export.
    assert region_admin.post(reverse("documents:region-recap", args=region),
                             {"format": "xlsx", **period}).status_code == 302
    assert agency_admin.post(reverse("documents:agency-responses-export", args=agency), period).status_code == 302
    for document in GeneratedDocument.objects.filter(filename__endswith=".xlsx"):
        files[f"generated:{document.kind}"] = downloaded(region_admin.get(
            reverse("documents:document-download", args=[document.id])) if document.region_id else agency_admin.get(
            reverse("documents:document-download", args=[document.id])))
    spreadsheets = {f"generated:{kind}" for kind, extension in EXTENSIONS.items() if extension in ("xlsx", "csv")}
    assert spreadsheets <= set(files) and len(spreadsheets) >= 2, spreadsheets - set(files)
    assert workbook_routes() <= set(files), workbook_routes() - set(files)

    seen = []
    for name, data in files.items():
        seen += assert_no_foreign_formula(name, data)
    everything = "\n".join(seen)
    for field, text in HOSTILE.items():
        if field not in ("campaign", "agency_head", "unit_head", "agency_address"):  # not shown in any workbook
            assert text.strip() in everything, field  # each hostile name did reach a workbook, as text


def test_the_import_template_keeps_its_header_frozen_pane_and_cell_checks(hostile):
    data = downloaded(client_for(hostile.operator).get(reverse("surveys_staff:import_template",
                                                               args=[hostile.unit.code])))
    sheet = load_workbook(io.BytesIO(data))["Data"]

    assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
    assert [cell.value for cell in sheet[1]][:3] == ["tanggal", "layanan", "jenis_kelamin"]
    rules = {(rule.type, rule.formula1, rule.formula2) for rule in sheet.data_validations.dataValidation}
    assert {("whole", "1", "4"), ("list", '"L,P"', None)} <= rules and len(rules) == 3
    assert sheet.column_dimensions["A"].width == 12
