"""The quarterly evaluation, read back from the PDF."""

import re
from datetime import date

import pytest
from django.urls import reverse

from reports.documents.common import DocumentScope
from reports.documents.evaluation import evaluation_context, evaluation_pdf
from reports.ikm import ikm_confidence_interval
from reports.models import FollowUpPlan
from reports.periods import Period
from reports.selectors import scores_by_unit
from tests.documents_helpers import pdf_text, submit_example
from tests.factories import local, submit

pytestmark = pytest.mark.django_db
Q3 = Period.quarter(2026, 3)


def flat(text):
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def three_quarters(world):
    submit_example(world.unit, world.service, "E2-29-respondents")  # Q3 2026: 91.48 A
    for day in range(1, 11):  # Q2 2026: every answer 3 -> 75.00 C
        submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 5, day))
    for day in range(1, 5):  # Q3 2025: every answer 4 -> 100.00 A
        submit(world.unit, world.service, [4] * 9, answered_at=local(2025, 8, day))
    element = world.unit.questionnaire.elements.get(code="U3")
    FollowUpPlan.objects.create(unit=world.unit, element=element, year=2026, quarter=2, status="done",
                                action="Layanan antar jemput berkas", responsible="Sekcam",
                                due_date=date(2026, 9, 30))
    return world


def test_it_compares_the_quarter_with_the_previous_and_last_year(three_quarters):
    world = three_quarters
    scope = DocumentScope.for_unit(world.unit)
    text, pages = pdf_text(evaluation_pdf(scope=scope, period=Q3))
    text = flat(text)
    assert 1 <= pages <= 5
    for label in ("EVALUASI TRIWULANAN HASIL SKM", "Triwulan III 2026", "TW II 2026", "TW III 2025",
                  "Selang kepercayaan 95%", "Nilai per Unsur", "Status Rencana Tindak Lanjut"):
        assert label in text, label
    assert "IKM Konversi 91,48 75,00 100,00" in text
    assert "▲ +16,48" in text and "▼ -8,52" in text
    scores = scores_by_unit(unit_ids=[world.unit.id], period=Q3)[world.unit.id]
    lower, upper = ikm_confidence_interval(scores.element_value_counts, scores.questionnaire.rules)
    assert f"{lower:.2f} – {upper:.2f}".replace(".", ",") in text
    # U3 went from 75.00 to 100/29*25 = 86.21 (+11.21) and from 100.00 a year before (-13.79)
    assert re.search(r"U3 Waktu Penyelesaian 3,448 86,21 \(B\) 75,00 ▲ \+11,21 100,00 ▼ -13,79", text)
    assert "Layanan antar jemput berkas" in text and "Selesai" in text
    assert re.search(r"Selesai 75,00 86,21", text)  # U3 before (TW II) and after (TW III)


def test_changes_are_marked_per_direction(three_quarters):
    [group] = evaluation_context(scope=DocumentScope.for_unit(three_quarters.unit), period=Q3)["groups"]
    assert group["summaries"]["previous"]["change"]["direction"] == "up"
    assert group["summaries"]["last_year"]["change"]["direction"] == "down"
    assert group["summaries"]["previous"]["significant"] is True
    u4 = next(row for row in group["elements"] if row["code"] == "U4")
    assert u4["change_last_year"]["direction"] == "same"


def test_a_quarter_without_respondents_says_so(world):
    text = flat(pdf_text(evaluation_pdf(scope=DocumentScope.for_unit(world.unit), period=Q3))[0])
    assert "Belum ada responden pada Triwulan III 2026" in text


def test_the_download_is_scoped(client, three_quarters):
    world = three_quarters
    for name, kwargs in (("unit-evaluation", {"unit_code": "loket-kecamatan"}),
                         ("agency-evaluation", {"agency_code": "kecamatan-uji"})):
        url = reverse(f"documents:{name}", kwargs=kwargs) + "?period=2026-Q3"
        for outsider in (world.other_agency_admin, world.stranger, world.nobody):
            client.force_login(outsider)
            assert client.get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302
        client.force_login(world.region_admin)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "91,48" in pdf_text(response.content)[0]
