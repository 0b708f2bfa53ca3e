"""Third-party survey results (docs/third-party.md): entered by an agency admin with the provider's PDF, checked
element by element, pooled exactly into agency and region figures, marked "hasil survei pihak ketiga" on every
output, and never mixed with the captured responses of the same unit and period without a recorded choice."""

import io

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import AuditEvent
from reports.aggregates import agency_figures, agency_tree, figure_pool, unit_figures
from reports.ikm import ElementTotal, compute_ikm
from reports.models import ThirdPartyElement, ThirdPartyResult
from reports.periods import Period
from tests.dashboard_helpers import by_testid, client_for, text
from tests.documents_helpers import pdf_text
from tests.factories import local, submit

pytestmark = pytest.mark.django_db

Q2 = Period.quarter(2026, 2)
MARK = "hasil survei pihak ketiga"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
# Captured in world.unit: three respondents.
CAPTURED = ([4, 4, 3, 3, 4, 2, 3, 4, 4], [3, 3, 3, 2, 4, 3, 3, 4, 3], [4, 3, 4, 3, 3, 3, 2, 4, 4])
# The third-party result of world.sub_unit, 40 respondents: per element the counts of 1, 2, 3, 4.
COUNTS = [(0, 2, 18, 20), (1, 3, 20, 16), (0, 5, 25, 10), (0, 0, 30, 10), (2, 4, 14, 20), (0, 1, 19, 20),
          (0, 6, 24, 10), (0, 0, 20, 19), (1, 1, 18, 20)]  # U8: 39 answers (one blank)
# The sums-only result of world.other_unit, 25 respondents: per element (sum, answers).
SUMS = [(80, 25), (75, 25), (70, 24), (90, 25), (85, 25), (60, 25), (77, 25), (81, 25), (88, 25)]


def shown(value) -> str:
    """A converted IKM as the Indonesian screens write it."""
    return f"{value:.2f}".replace(".", ",")


def report(name="laporan.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def form_data(*, respondents, counts=None, sums=None, period="2026-Q2", provider="PT Survei Nusantara",
              unit=None, file=None):
    elements = list(unit.questionnaire.elements.order_by("position"))
    data = {"period": period, "provider": provider, "method": "wawancara tatap muka", "respondents": respondents,
            "report": file or report()}
    for index, element in enumerate(elements):
        if counts is not None:
            for value, count in enumerate(counts[index], 1):
                data[f"e{element.id}_{value}"] = count
        if sums is not None:
            data[f"e{element.id}_sum"], data[f"e{element.id}_answers"] = sums[index]
    return data


def enter(client, unit, **fields):
    return client.post(reverse("reports:third_party_list", args=[unit.code]), form_data(unit=unit, **fields))


@pytest.fixture
def pooled(world):
    """Captured responses in world.unit, a counted third-party result in world.sub_unit and a sums-only one in
    world.other_unit, all in 2026-Q2."""
    for values in CAPTURED:
        submit(world.unit, world.service, values, answered_at=local(2026, 5, 4))
    admin = client_for(world.agency_admin)
    assert enter(admin, world.sub_unit, respondents=40, counts=COUNTS).status_code == 302
    other = client_for(world.other_agency_admin)
    assert enter(other, world.other_unit, respondents=25, sums=SUMS, provider="CV Data Rakyat").status_code == 302
    return world


def expected_totals(parts) -> list[ElementTotal]:
    """Per element, the sum and count of the union of hand-written parts: captured rows, counts and sums."""
    totals = []
    for index in range(9):
        total, count = 0, 0
        for kind, data in parts:
            if kind == "rows":
                total += sum(row[index] for row in data)
                count += len(data)
            elif kind == "counts":
                total += sum(value * n for value, n in enumerate(data[index], 1))
                count += sum(data[index])
            else:
                total += data[index][0]
                count += data[index][1]
        totals.append(ElementTotal(code=f"U{index + 1}", sum=total, count=count))
    return totals


# Entry and validation ------------------------------------------------------------------------------------------

def test_it_stores_a_counted_result_with_who_and_the_pdf(world):
    response = enter(client_for(world.agency_admin), world.sub_unit, respondents=40, counts=COUNTS)
    assert response.status_code == 302
    result = ThirdPartyResult.objects.get()
    assert (result.unit, result.period, result.start, result.end) == (world.sub_unit, "2026-Q2", Q2.start, Q2.end)
    assert result.entered_by == world.agency_admin and result.entered_at is not None
    assert result.questionnaire == world.sub_unit.questionnaire
    assert result.report.read().startswith(b"%PDF-")
    rows = {row.element.code: row for row in ThirdPartyElement.objects.select_related("element")}
    assert rows["U8"].counts == [0, 0, 20, 19] and (rows["U8"].total, rows["U8"].answers) == (136, 39)
    page = client_for(world.agency_admin).get(response["Location"]).content.decode()
    assert f"{MARK} (PT Survei Nusantara)" in by_testid(page, "third-party")
    engine = compute_ikm(expected_totals([("counts", COUNTS)]), world.sub_unit.questionnaire.rules)
    assert by_testid(page, "ikm") == shown(engine.ikm_converted)
    pdf = client_for(world.agency_admin).get(reverse("reports:third_party_report",
                                                     args=[world.sub_unit.code, result.id]))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content) == PDF


def test_the_region_audit_log_shows_who_recorded_a_result_and_who_chose_its_use(pooled):
    world = pooled
    assert enter(client_for(world.agency_admin), world.unit, respondents=40, counts=COUNTS).status_code == 302
    result = ThirdPartyResult.objects.get(unit=world.unit)
    client_for(world.region_admin).post(reverse("reports:third_party_decide", args=[world.unit.code, result.id]),
                                        {"choice": "third_party_only"})
    recorded = AuditEvent.objects.get(action=AuditEvent.Action.THIRD_PARTY_RECORDED, target=str(result))
    assert (recorded.actor, recorded.region) == (world.agency_admin, world.region)
    assert recorded.detail == {"unit": world.unit.code, "period": "2026-Q2", "provider": "PT Survei Nusantara",
                               "respondents": 40, "report": result.report_name}
    decided = AuditEvent.objects.get(action=AuditEvent.Action.THIRD_PARTY_MIXING_DECIDED, target=str(result))
    assert (decided.actor, decided.detail["mixing"]) == (world.region_admin, "third_party_only")
    audit = reverse("agencies:region_audit", args=[world.region.code])
    log = client_for(world.region_admin).get(audit).content.decode()
    assert "Hasil survei pihak ketiga dicatat" in log and "Cara memakai hasil pihak ketiga ditetapkan" in log
    assert str(result) in log


def test_a_result_withdrawn_with_a_reason_leaves_every_figure_and_the_audit_log_keeps_it(pooled):
    world = pooled
    result = ThirdPartyResult.objects.get(unit=world.sub_unit)
    stored, label = result.report.name, str(result)
    dashboard = reverse("reports:agency_dashboard", args=[world.agency.code])
    admin = client_for(world.region_admin)
    assert SUB_MARK in by_testid(admin.get(dashboard, {"period": "2026-Q2"}).content.decode(), "third-party")
    withdraw = reverse("reports:third_party_withdraw", args=[world.sub_unit.code, result.id])
    detail = reverse("reports:third_party_detail", args=[world.sub_unit.code, result.id])
    assert "Tarik hasil" in admin.get(detail).content.decode()

    assert admin.get(withdraw).status_code == 405
    refused = admin.post(withdraw, {"reason": "   "}, follow=True)
    assert "tulis alasannya" in text(refused.content.decode())
    for user in (world.other_agency_admin, world.operator, world.stranger):
        assert client_for(user).post(withdraw, {"reason": "salah unit"}).status_code == 404
    assert ThirdPartyResult.objects.filter(pk=result.pk).exists() and default_storage.exists(stored)

    response = admin.post(withdraw, {"reason": "U3 salah ketik: 25 jawaban bernilai 3, bukan 52."})
    assert response["Location"] == reverse("reports:third_party_list", args=[world.sub_unit.code])
    listed = text(admin.get(response["Location"]).content.decode())
    assert "PT Survei Nusantara · 2026-Q2 ditarik dari semua angka" in listed
    assert not ThirdPartyResult.objects.filter(pk=result.pk).exists()
    assert not ThirdPartyElement.objects.filter(result_id=result.pk).exists() and not default_storage.exists(stored)
    assert unit_figures(unit_ids=[world.sub_unit.id], period=Q2)[world.sub_unit.id].respondents == 0
    # The agency's cached figures went with it: the same page no longer holds the result.
    assert SUB_MARK not in admin.get(dashboard, {"period": "2026-Q2"}).content.decode()

    event = AuditEvent.objects.get(action=AuditEvent.Action.THIRD_PARTY_WITHDRAWN, target=label)
    assert (event.actor, event.region) == (world.region_admin, world.region)
    assert event.detail == {"unit": world.sub_unit.code, "period": "2026-Q2", "provider": "PT Survei Nusantara",
                            "respondents": 40, "report": "laporan.pdf",
                            "reason": "U3 salah ketik: 25 jawaban bernilai 3, bukan 52."}
    log = text(admin.get(reverse("agencies:region_audit", args=[world.region.code])).content.decode())
    assert "Hasil survei pihak ketiga ditarik" in log and "25 jawaban bernilai 3, bukan 52" in log
    assert admin.post(withdraw, {"reason": "lagi"}).status_code == 404


@pytest.mark.parametrize(("change", "message"), [
    ({"counts": {2: (0, 2, "-1", 20)}}, "U3, jawaban bernilai 3: “-1” bukan bilangan bulat tidak negatif."),
    ({"counts": {4: (0, 2, "1,5", 20)}}, "U5, jawaban bernilai 3: “1,5” bukan bilangan bulat tidak negatif."),
    ({"counts": {0: (10, 10, 18, 20)}}, "U1: 58 jawaban (10 + 10 + 18 + 20), lebih dari 40 responden."),
    ({"sums": {3: (200, 40)}}, "U4: jumlah nilai 200 di luar skala 1–4 untuk 40 jawaban (harus 40–160)."),
    ({"sums": {6: (30, 40)}}, "U7: jumlah nilai 30 di luar skala 1–4 untuk 40 jawaban (harus 40–160)."),
    ({"sums": {8: (100, 41)}}, "U9: 41 jawaban, lebih dari 40 responden."),
    ({"blank": 1}, "U2: belum diisi"),
    ({"both": 5}, "U6: isi jumlah jawaban per nilai 1–4 atau jumlah nilai dan banyaknya jawaban, bukan keduanya."),
])
def test_it_names_the_element_and_value_of_each_problem_and_stores_nothing(world, change, message):
    counts = list(COUNTS)
    data = form_data(unit=world.sub_unit, respondents=40, counts=counts)
    elements = list(world.sub_unit.questionnaire.elements.order_by("position"))
    for index, values in change.get("counts", {}).items():
        for value, count in enumerate(values, 1):
            data[f"e{elements[index].id}_{value}"] = count
    for index, (total, answers) in change.get("sums", {}).items():
        for value in range(1, 5):
            data[f"e{elements[index].id}_{value}"] = ""
        data[f"e{elements[index].id}_sum"], data[f"e{elements[index].id}_answers"] = total, answers
    if "blank" in change:
        for value in range(1, 5):
            data[f"e{elements[change['blank']].id}_{value}"] = ""
    if "both" in change:
        data[f"e{elements[change['both']].id}_sum"] = 100
    response = client_for(world.agency_admin).post(reverse("reports:third_party_list", args=[world.sub_unit.code]),
                                                   data)
    assert response.status_code == 400
    assert message in by_testid(response.content.decode(), "problems")
    assert not ThirdPartyResult.objects.exists() and not ThirdPartyElement.objects.exists()


@pytest.mark.parametrize(("file", "message"), [
    (report("laporan.pdf", b"PK\x03\x04 not a pdf at all"), "bukan PDF"),
    (report("foto.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20), "harus berupa PDF"),
    (report("kosong.pdf", b""), "kosong"),
])
def test_it_takes_only_a_pdf_report(world, settings, file, message):
    response = enter(client_for(world.agency_admin), world.sub_unit, respondents=40, counts=COUNTS, file=file)
    assert response.status_code == 400
    assert message in text(response.content.decode())
    assert not ThirdPartyResult.objects.exists()


def test_it_refuses_a_report_over_the_size_limit(world, settings):
    settings.MONEV_EVIDENCE_MAX_BYTES = 100
    response = enter(client_for(world.agency_admin), world.sub_unit, respondents=40, counts=COUNTS,
                     file=report(data=PDF + b"0" * 200))
    assert response.status_code == 400 and "paling besar" in text(response.content.decode())
    assert not ThirdPartyResult.objects.exists()


def test_it_refuses_zero_respondents(world):
    response = enter(client_for(world.agency_admin), world.sub_unit, respondents="0", counts=[(0,) * 4] * 9)
    assert "Responden: “0” bukan bilangan bulat lebih dari 0." in text(response.content.decode())


# Scoping -------------------------------------------------------------------------------------------------------

def test_only_those_who_manage_the_unit_reach_its_results(pooled):
    world = pooled
    result = ThirdPartyResult.objects.get(unit=world.sub_unit)
    urls = [reverse("reports:third_party_list", args=[world.sub_unit.code]),
            reverse("reports:third_party_detail", args=[world.sub_unit.code, result.id]),
            reverse("reports:third_party_report", args=[world.sub_unit.code, result.id])]
    for user in (world.other_agency_admin, world.operator, world.stranger, world.nobody):
        for url in urls:
            assert client_for(user).get(url).status_code in (404, 302), (user, url)
        assert client_for(user).get(urls[0]).status_code != 200
    for user in (world.other_agency_admin, world.stranger):
        assert client_for(user).get(urls[1]).status_code == 404
        response = client_for(user).post(reverse("reports:third_party_decide", args=[world.sub_unit.code, result.id]),
                                         {"choice": "pooled"})
        assert response.status_code == 404
    # A result asked for under another unit does not exist either.
    assert client_for(world.region_admin).get(
        reverse("reports:third_party_detail", args=[world.unit.code, result.id])).status_code == 404
    for user in (world.agency_admin, world.region_admin):
        assert client_for(user).get(urls[1]).status_code == 200
    assert enter(client_for(world.other_agency_admin), world.unit, respondents=40,
                 counts=COUNTS).status_code == 404
    assert ThirdPartyResult.objects.count() == 2


# Exact pooling -------------------------------------------------------------------------------------------------

def test_agency_and_region_pool_the_union_of_the_counts(pooled):
    world = pooled
    rules = world.unit.questionnaire.rules
    unit_ids = [world.unit.id, world.sub_unit.id, world.other_unit.id]
    figures = unit_figures(unit_ids=unit_ids, period=Q2)
    tree = agency_tree(world.region)
    agencies = agency_figures(tree, figures)
    region = figure_pool(figures.values())

    agency_expected = compute_ikm(expected_totals([("rows", CAPTURED), ("counts", COUNTS)]), rules)
    region_expected = compute_ikm(expected_totals([("rows", CAPTURED), ("counts", COUNTS), ("sums", SUMS)]), rules)
    assert agencies[world.agency.id].result == agency_expected
    assert agencies[world.agency.id].respondents == 3 + 40
    assert region.result == region_expected and region.respondents == 3 + 40 + 25
    assert figures[world.other_unit.id].result == compute_ikm(expected_totals([("sums", SUMS)]), rules)
    assert (figures[world.unit.id].third_party, figures[world.sub_unit.id].third_party) == (False, True)
    assert region.third_party_label == f"{MARK} (CV Data Rakyat, PT Survei Nusantara)"

    page = client_for(world.region_admin).get(reverse("reports:region_dashboard", args=[world.region.code]),
                                              {"period": "2026-Q2"}).content.decode()
    assert by_testid(page, "ikm") == shown(region_expected.ikm_converted)
    assert by_testid(page, "respondents") == "68"
    page = client_for(world.agency_admin).get(reverse("reports:agency_dashboard", args=[world.agency.code]),
                                              {"period": "2026-Q2"}).content.decode()
    assert by_testid(page, "ikm") == shown(agency_expected.ikm_converted)


def test_a_result_enters_the_year_that_holds_its_quarter_not_another_quarter(pooled):
    world = pooled
    year = unit_figures(unit_ids=[world.sub_unit.id], period=Period.year_of(2026))[world.sub_unit.id]
    assert year.respondents == 40 and year.third_party
    assert unit_figures(unit_ids=[world.sub_unit.id], period=Period.quarter(2026, 3))[world.sub_unit.id].groups == []
    # A range that cuts the quarter does not hold it.
    cut = Period.custom(Q2.start, Q2.end.replace(day=15))
    assert unit_figures(unit_ids=[world.sub_unit.id], period=cut)[world.sub_unit.id].groups == []


def test_a_figure_narrowed_to_a_service_holds_captured_responses_only(pooled):
    world = pooled
    narrowed = unit_figures(unit_ids=[world.sub_unit.id], period=Q2,
                            service_id=world.sub_unit.services.first().id)[world.sub_unit.id]
    assert narrowed.groups == []


# Mixing with captured responses --------------------------------------------------------------------------------

def test_mixing_needs_a_recorded_choice(pooled):
    world = pooled
    rules = world.unit.questionnaire.rules
    admin = client_for(world.agency_admin)
    assert enter(admin, world.unit, respondents=40, counts=COUNTS, provider="PT Lain").status_code == 302
    result = ThirdPartyResult.objects.get(unit=world.unit)

    figure = unit_figures(unit_ids=[world.unit.id], period=Q2)[world.unit.id]
    assert figure.respondents == 3 and not figure.third_party and figure.pending == ["PT Lain"]
    assert figure.result == compute_ikm(expected_totals([("rows", CAPTURED)]), rules)
    page = admin.get(reverse("reports:unit_dashboard", args=[world.unit.code]), {"period": "2026-Q2"}).content.decode()
    assert "menunggu keputusan" in by_testid(page, "third-party-pending")
    assert "PT Lain" in by_testid(page, "third-party-pending")
    region_page = client_for(world.region_admin).get(reverse("reports:region_dashboard", args=[world.region.code]),
                                                     {"period": "2026-Q2"}).content.decode()
    assert "PT Lain" in by_testid(region_page, "third-party-pending")
    detail = admin.get(reverse("reports:third_party_detail", args=[world.unit.code, result.id])).content.decode()
    assert "belum dipakai" in by_testid(detail, "mixing-pending")

    decide = reverse("reports:third_party_decide", args=[world.unit.code, result.id])
    admin.post(decide, {"choice": "nonsense"})
    result.refresh_from_db()
    assert result.mixing == "" and result.mixing_by is None

    admin.post(decide, {"choice": "pooled"})
    result.refresh_from_db()
    assert (result.mixing, result.mixing_by) == ("pooled", world.agency_admin) and result.mixing_at is not None
    figure = unit_figures(unit_ids=[world.unit.id], period=Q2)[world.unit.id]
    assert figure.pending == [] and figure.respondents == 43 and len(figure.groups) == 1
    assert figure.result == compute_ikm(expected_totals([("rows", CAPTURED), ("counts", COUNTS)]), rules)

    client_for(world.region_admin).post(decide, {"choice": "third_party_only"})
    result.refresh_from_db()
    assert (result.mixing, result.mixing_by) == ("third_party_only", world.region_admin)
    figure = unit_figures(unit_ids=[world.unit.id], period=Q2)[world.unit.id]
    assert figure.respondents == 40
    assert figure.result == compute_ikm(expected_totals([("counts", COUNTS)]), rules)
    # The year keeps the captured responses of other quarters, and leaves out only Q2's.
    submit(world.unit, world.service, [1] * 9, answered_at=local(2026, 8, 4))
    year = unit_figures(unit_ids=[world.unit.id], period=Period.year_of(2026))[world.unit.id]
    assert year.respondents == 41
    assert year.result == compute_ikm(expected_totals([("counts", COUNTS), ("rows", [[1] * 9])]), rules)
    detail = admin.get(reverse("reports:third_party_detail", args=[world.unit.code, result.id])).content.decode()
    assert "gunakan hasil pihak ketiga saja" in by_testid(detail, "mixing")


def test_a_result_without_captured_responses_needs_no_choice(pooled):
    world = pooled
    figure = unit_figures(unit_ids=[world.sub_unit.id], period=Q2)[world.sub_unit.id]
    assert figure.pending == [] and figure.respondents == 40


def test_figures_take_a_fixed_number_of_queries(pooled, django_assert_max_num_queries):
    world = pooled
    from tests.factories import make_unit
    for number in range(5):
        unit = make_unit(world.other_agency, f"loket-tambahan-{number}")
        ThirdPartyResult.objects.bulk_create([])
        assert enter(client_for(world.other_agency_admin), unit, respondents=25, sums=SUMS).status_code == 302
    unit_ids = list(world.region.agencies.values_list("units__id", flat=True))
    with django_assert_max_num_queries(8):
        unit_figures(unit_ids=[unit_id for unit_id in unit_ids if unit_id], period=Period.year_of(2026))


# The mark on every output --------------------------------------------------------------------------------------

def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf_words(response) -> str:
    return " ".join(pdf_text(body(response))[0].split())


def workbook_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return " ".join(str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                    for value in row if value is not None)


SUB_MARK = f"{MARK} (PT Survei Nusantara)"


def test_the_dashboards_mark_the_figures(pooled):
    world = pooled
    unit = client_for(world.agency_admin).get(reverse("reports:unit_dashboard", args=[world.sub_unit.code]),
                                              {"period": "2026-Q2"}).content.decode()
    assert SUB_MARK in by_testid(unit, "third-party") and SUB_MARK in by_testid(unit, "group-third-party")
    captured_only = client_for(world.agency_admin).get(reverse("reports:unit_dashboard", args=[world.unit.code]),
                                                       {"period": "2026-Q2"}).content.decode()
    assert MARK not in captured_only
    agency = client_for(world.agency_admin).get(reverse("reports:agency_dashboard", args=[world.agency.code]),
                                                {"period": "2026-Q2"}).content.decode()
    assert SUB_MARK in by_testid(agency, "third-party")
    assert by_testid(agency, "row-third-party", all=True) == [SUB_MARK, SUB_MARK]  # the sub-agency and its unit
    region = client_for(world.region_admin).get(reverse("reports:region_dashboard", args=[world.region.code]),
                                                {"period": "2026-Q2"}).content.decode()
    assert f"{MARK} (CV Data Rakyat, PT Survei Nusantara)" in by_testid(region, "third-party")
    extremes = by_testid(region, "row-third-party", all=True)  # the lowest and highest units and agencies
    assert f"{MARK} (CV Data Rakyat)" in extremes and SUB_MARK in extremes
    for kind in ("unit", "opd"):
        table = client_for(world.region_admin).get(reverse("reports:region_table", args=[world.region.code]),
                                                   {"period": "2026-Q2", "jenis": kind}).content.decode()
        rows = by_testid(table, "row-third-party", all=True)
        assert f"{MARK} (CV Data Rakyat)" in rows and SUB_MARK in rows, kind


def test_the_laporan_and_evaluation_pdfs_mark_the_figures(pooled):
    world = pooled
    client = client_for(world.agency_admin)
    unit = pdf_words(client.get(reverse("documents:unit-laporan", args=[world.sub_unit.code]), {"period": "2026-Q2"}))
    assert SUB_MARK in unit
    agency = pdf_words(client.get(reverse("documents:agency-laporan", args=[world.agency.code]),
                                  {"period": "2026-Q2"}))
    assert f"Loket Kelurahan ({SUB_MARK})" in agency
    captured = pdf_words(client.get(reverse("documents:unit-laporan", args=[world.unit.code]), {"period": "2026-Q2"}))
    assert MARK not in captured
    evaluation = pdf_words(client.get(reverse("documents:unit-evaluation", args=[world.sub_unit.code]),
                                      {"period": "2026-Q2"}))
    assert SUB_MARK in evaluation


def test_the_recap_pdf_and_excel_mark_the_figures(pooled):
    world = pooled
    client = client_for(world.region_admin)
    url = reverse("documents:region-recap", kwargs={"region_code": world.region.code})
    found = {}
    for kind in ("xlsx", "pdf"):
        client.post(url, {"period": "2026-Q2", "format": kind})
        from reports.models import GeneratedDocument
        document = GeneratedDocument.objects.order_by("-created_at").first()
        found[kind] = client.get(reverse("documents:document-download", kwargs={"document_id": document.id}))
    sheet = openpyxl.load_workbook(io.BytesIO(body(found["xlsx"])))["Rekap"]
    names = [row[1] for row in sheet.iter_rows(values_only=True) if row and len(row) > 1 and row[1]]
    assert f"    Loket Kelurahan · {SUB_MARK}" in names
    assert f"    Loket Dinas · {MARK} (CV Data Rakyat)" in names
    assert any(name.startswith("IKM Kota Uji (gabungan unsur") and MARK in name for name in names)
    assert "Loket Kecamatan" in [name.strip() for name in names]  # captured responses only: no mark
    text_pdf = pdf_words(found["pdf"])
    assert SUB_MARK in text_pdf and f"{MARK} (CV Data Rakyat)" in text_pdf


def test_the_tabel_workbook_marks_the_result_and_its_check_sheet_adds_it_up(pooled, tmp_path):
    from reports.documents.workbooks import CHECK_SHEET
    from tests.documents_helpers import recalculate

    world = pooled
    response = client_for(world.agency_admin).get(
        reverse("documents:agency-processing-table", args=[world.agency.code]), {"period": "2026-Q2"})
    data = body(response)
    assert SUB_MARK in workbook_text(data)
    values = recalculate(data, tmp_path)
    expected = compute_ikm(expected_totals([("rows", CAPTURED), ("counts", COUNTS)]), world.unit.questionnaire.rules)
    assert values[(CHECK_SHEET.upper(), "B9")] == float(expected.ikm_converted)
    totals = expected_totals([("rows", CAPTURED), ("counts", COUNTS)])
    assert [values[(CHECK_SHEET.upper(), f"{column}3")] for column in "BCDEFGHIJ"] == [total.sum for total in totals]
    assert [values[(CHECK_SHEET.upper(), f"{column}4")] for column in "BCDEFGHIJ"] == [total.count for total in totals]


def test_the_published_figures_mark_the_result(pooled):
    from reports.documents.publication import publication_publish

    world = pooled
    publication = publication_publish(region=world.region, period=Q2, user=world.region_admin)
    units = {row["code"]: row for row in publication.snapshot["units"]}
    assert [group["third_party"] for group in units[world.sub_unit.code]["groups"]] == [True]
    assert [group["third_party"] for group in units[world.unit.code]["groups"]] == [False]
    assert all(group["third_party"] for group in publication.snapshot["region"]["groups"])
    public = client_for(None)
    page = public.get(reverse("public:region-period", args=[world.region.code, "2026-Q2"])).content.decode()
    assert sorted(by_testid(page, "third-party", all=True)) == [f"{MARK} (CV Data Rakyat)", SUB_MARK]
    notice = public.get(reverse("public:notice", args=[world.region.code, "2026-Q2", world.sub_unit.code]))
    assert SUB_MARK in text(notice.content.decode())
    notice_pdf = pdf_words(public.get(reverse("public:notice-pdf",
                                              args=[world.region.code, "2026-Q2", world.sub_unit.code])))
    assert SUB_MARK in notice_pdf


def test_a_period_with_only_a_third_party_result_can_be_published(world):
    from reports.documents.publication import publishable_periods

    enter(client_for(world.agency_admin), world.sub_unit, respondents=40, counts=COUNTS)
    periods = publishable_periods(region=world.region)
    assert Q2 in periods and Period.year_of(2026) not in periods or Period.year_of(2026).end < periods[0].end


def test_the_tabel_leaves_out_the_responses_a_result_replaces(pooled, tmp_path):
    from reports.documents.workbooks import CHECK_SHEET, DATA_SHEET
    from tests.documents_helpers import recalculate

    world = pooled
    admin = client_for(world.agency_admin)
    enter(admin, world.unit, respondents=40, counts=COUNTS, provider="PT Lain")
    result = ThirdPartyResult.objects.get(unit=world.unit)
    admin.post(reverse("reports:third_party_decide", args=[world.unit.code, result.id]), {"choice": "third_party_only"})
    data = body(admin.get(reverse("documents:unit-processing-table", args=[world.unit.code]), {"period": "2026-Q2"}))
    sheet = openpyxl.load_workbook(io.BytesIO(data))[DATA_SHEET]
    numbered = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert numbered == []  # the three captured respondents of Q2 are replaced
    values = recalculate(data, tmp_path)
    totals = expected_totals([("counts", COUNTS)])
    assert [values[(CHECK_SHEET.upper(), f"{column}3")] for column in "BCDEFGHIJ"] == [total.sum for total in totals]
    expected = compute_ikm(totals, world.unit.questionnaire.rules)
    assert values[(CHECK_SHEET.upper(), "B9")] == float(expected.ikm_converted)


def test_the_dashboard_trend_holds_the_result_of_its_quarter(pooled):
    world = pooled
    page = client_for(world.agency_admin).get(reverse("reports:unit_dashboard", args=[world.sub_unit.code]),
                                              {"period": "2026-Q3"}).content.decode()
    trend = page[page.index('id="trend-title"'):page.index('id="daily-title"')]
    engine = compute_ikm(expected_totals([("counts", COUNTS)]), world.sub_unit.questionnaire.rules)
    assert shown(engine.ikm_converted) in trend


def test_the_monev_comparison_marks_an_ikm_holding_a_result(pooled):
    world = pooled
    client = client_for(world.region_admin)
    page = client.get(f"/monev/daerah/{world.region.code}/monev-dan-ikm/", {"tahun": 2026}).content.decode()
    assert sorted(by_testid(page, "third-party", all=True)) == [f"{MARK} (CV Data Rakyat)", SUB_MARK]
    pdf = pdf_words(client.get(f"/monev/daerah/{world.region.code}/rekap-monev.pdf", {"tahun": 2026}))
    assert f"Loket Kelurahan ({SUB_MARK})" in pdf
    names = workbook_text(body(client.get(f"/monev/daerah/{world.region.code}/rekap-monev.xlsx", {"tahun": 2026})))
    assert f"Loket Dinas ({MARK} (CV Data Rakyat))" in names


def test_the_follow_up_page_reads_the_weakest_elements_of_the_result(pooled):
    world = pooled
    page = client_for(world.agency_admin).get(reverse("reports:follow_up", args=[world.sub_unit.code]),
                                              {"period": "2026-Q2"}).content.decode()
    assert by_testid(page, "third-party") == SUB_MARK


def test_the_coverage_board_counts_a_unit_surveyed_by_a_third_party(pooled):
    from reports.coverage import coverage_board

    world = pooled
    lines = {line.unit.code: line for line in coverage_board(region=world.region, period=Q2).units}
    assert lines[world.sub_unit.code].surveyed and lines[world.sub_unit.code].sample.respondents == 40
    assert lines[world.other_unit.code].sample.respondents == 25
    assert lines[world.unit.code].sample.respondents == 3


def test_open_data_and_the_evidence_pack_carry_the_published_mark(pooled):
    import csv

    from reports.documents.publication import publication_publish

    world = pooled
    publication_publish(region=world.region, period=Q2, user=world.region_admin)
    csv_text = body(client_for(None).get(reverse("public:open-data-csv",
                                                 args=[world.region.code, "2026-Q2"]))).decode("utf-8-sig")
    rows = {row["unit_code"]: row for row in csv.DictReader(io.StringIO(csv_text))}
    assert [rows[unit.code]["third_party"] for unit in (world.unit, world.sub_unit, world.other_unit)] == [
        "false", "true", "true"]
    pdf = pdf_words(client_for(world.agency_admin).get(
        f"/monev/bukti-pekppp/unit/{world.sub_unit.code}/bukti-pekppp.pdf", {"tahun": 2026}))
    assert "termasuk hasil survei pihak ketiga: PT Survei Nusantara" in pdf
