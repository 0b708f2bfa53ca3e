"""The integrity figure beside every IKM: the same received / counted / excluded / awaiting-review numbers on
the unit and agency dashboards, the regional recap (Excel and PDF), the Laporan Hasil SKM, the public notice
and `integrity_report`; `counted` is the IKM's respondents everywhere."""

import io
import json
import re
from datetime import timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from reports.documents.recap import recap_pdf, recap_xlsx_write
from reports.periods import Period
from surveys.kiosk import kiosk_create
from surveys.models import Flag, Response
from surveys.self_filling import self_filling_detect
from surveys.services import response_exclude
from tests.documents_helpers import pdf_text
from tests.factories import local, sign_in, submit

pytestmark = pytest.mark.django_db
Q3 = Period.quarter(2026, 3)


def flat(text):
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def figures(world):
    """Loket Kecamatan in Q3 2026: 18 received; 2 too fast and 1 excluded by staff; 3 outside service hours
    awaiting review (still counted): counted 15, of which 12 by kiosk and 3 by QR. 6 of 18 doubtful: marked."""
    kiosk, _token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    start = local(2026, 7, 7, 9)
    for index in range(10):
        submit(world.unit, world.service, [3, 4, 3, 3, 4, 3, 3, 4, 2 + index % 3], kiosk_id=kiosk.id,
               answered_at=start + timedelta(minutes=7 * index))
    for index in range(2):
        submit(world.unit, world.service, [4] * 9, kiosk_id=kiosk.id, flag=Flag.TOO_FAST,
               answered_at=start + timedelta(minutes=7 * index, seconds=5))
    for minute in (10, 25, 40):
        submit(world.unit, world.service, [2, 3, 3, 3, 2, 3, 3, 3, 3], kiosk_id=kiosk.id,
               answered_at=local(2026, 7, 8, 19).replace(minute=minute))
    for day in (9, 10, 13):
        submit(world.unit, world.service, [3] * 9, channel="qr", answered_at=local(2026, 7, day))
    staff_excluded = Response.objects.filter(channel="kiosk", flag="").order_by("answered_at").first()
    response_exclude(staff_excluded, by=world.operator)
    self_filling_detect(since=local(2026, 7, 1).date(), until=local(2026, 9, 30).date())
    submit(world.other_unit, world.other_unit.services.get(), [4] * 9, answered_at=local(2026, 8, 3))
    return world


EXPECTED = {"unit": "loket-kecamatan", "period": "2026-Q3", "received": 18, "counted": 15,
            "excluded": {"staff": 1, "too_fast": 2}, "awaiting_review": 3}


def test_integrity_report_prints_the_contract_json(figures):
    out = io.StringIO()
    call_command("integrity_report", "loket-kecamatan", "--period", "2026-Q3", stdout=out)
    assert json.loads(out.getvalue()) == EXPECTED
    assert list(json.loads(out.getvalue())) == ["unit", "period", "received", "counted", "excluded",
                                                "awaiting_review"]


def test_integrity_report_says_what_is_wrong(figures):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown unit"):
        call_command("integrity_report", "tidak-ada", "--period", "2026-Q3")
    with pytest.raises(CommandError, match="not a period"):
        call_command("integrity_report", "loket-kecamatan", "--period", "2026-Q9")


def test_the_figure_is_the_same_on_every_screen_and_document(figures, client):
    counted, received = EXPECTED["counted"], EXPECTED["received"]
    sign_in(client, "operator")
    dashboard = client.get("/dasbor/unit/loket-kecamatan/?period=2026-Q3")
    html = dashboard.content.decode()
    assert f'data-testid="respondents">{counted}<' in html
    assert (f'data-received="{received}" data-counted="{counted}" data-awaiting="3" data-excluded="3"') in html
    assert 'data-testid="integrity-marked"' in html and "33,3% dikecualikan atau menunggu tinjauan" in html
    assert "Kios (tablet di loket) 80,0%, QR / ponsel 20,0%" in flat(html)

    agency_admin = Client()
    sign_in(agency_admin, "camat")
    agency_html = agency_admin.get("/dasbor/opd/kecamatan-uji/?period=2026-Q3").content.decode()
    assert f'data-received="{received}" data-counted="{counted}" data-awaiting="3" data-excluded="3"' in agency_html

    out = io.BytesIO()
    recap_xlsx_write(region=figures.region, period=Q3, out=out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if row and row[0] == "No")
    column = header.index("Integritas Data")
    unit_row = next(row for row in rows if row[1] and row[1].strip() == "Loket Kecamatan")
    assert unit_row[column] == f"{received}/{counted} · 33,3% !"
    assert unit_row[header.index("Responden")] == counted
    text, _pages = pdf_text(recap_pdf(region=figures.region, period=Q3))
    assert f"{received}/{counted} · 33,3% !" in flat(text)

    laporan = client.get("/dokumen/unit/loket-kecamatan/laporan.pdf?period=2026-Q3")
    assert laporan.status_code == 200
    text, _pages = pdf_text(b"".join(laporan.streaming_content) if laporan.streaming else laporan.content)
    text = flat(text)
    assert "Integritas data" in text
    assert (f"Dari {received} isian yang diterima pada Triwulan III 2026, {counted} dihitung dalam IKM, 3 "
            f"dikecualikan") in text
    assert "3 menunggu tinjauan" in text and f"adalah {counted} orang" in text


def test_the_public_notice_carries_the_figure_in_its_notes(figures):
    admin = Client()
    sign_in(admin, "bagor")
    admin.post("/dokumen/daerah/kota-uji/publikasi/", {"period": "2026-Q3", "action": "publish", "confirmed": "yes"})
    notice = Client().get("/hasil/kota-uji/2026-Q3/loket-kecamatan/")
    assert notice.status_code == 200
    html = notice.content.decode()
    assert f'data-received="{EXPECTED["received"]}" data-counted="{EXPECTED["counted"]}"' in html
    assert f"Jumlah responden: {EXPECTED['counted']}" in html
