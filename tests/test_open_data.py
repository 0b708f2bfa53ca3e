"""Open data (docs/open-data.md): every published period as CSV and JSON, one row per unit and questionnaire with
each element's counts of answers valued 1..4, its sum and its answers, read from the frozen publication. Pooling
the rows with the engine gives the region's IKM that the public page shows."""

import copy
import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from reports.documents.publication import _group, snapshot_checksum
from reports.ikm import SCORES, ElementTotal, compute_ikm
from reports.models import Publication
from reports.selectors import Scores
from surveys.models import Questionnaire
from tests.documents_helpers import submit_example
from tests.factories import make_service, make_unit, submit

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 21, 50, tzinfo=UTC)
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "docs" / "open-data.schema.json").read_text())
AUGUST = datetime(2026, 8, 4, 3, tzinfo=UTC)


def publish(client, world, period="2026-Q3", action="publish"):
    client.force_login(world.region_admin)
    answer = client.post(reverse("documents:region-publication", args=[world.region.code]),
                         {"period": period, "action": action, "confirmed": "yes"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    client.logout()


def data(client, kind, period="2026-Q3", region="kota-uji", **query):
    return client.get(reverse(f"public:open-data-{kind}", args=[region, period]), query)


def json_rows(client, **query) -> list[dict]:
    answer = data(client, "json", **query)
    assert answer.status_code == 200
    return answer.json()["rows"]


def csv_rows(client, **query) -> list[dict]:
    answer = data(client, "csv", **query)
    assert answer.status_code == 200
    return list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))


def pool(rows: list[dict], questionnaire_code: str, *, by_counts: bool = True):
    """What a province would do: add up the rows' answers per element, then run the engine once."""
    totals = {}
    for row in rows:
        if row["questionnaire_code"] != questionnaire_code:
            continue
        for element in row["elements"]:
            found = totals.setdefault(element["code"], [0, 0])
            if by_counts:
                found[0] += sum(value * count for value, count in zip(SCORES, element["counts"], strict=True))
                found[1] += sum(element["counts"])
            else:
                found[0] += element["sum"]
                found[1] += element["answers"]
    rules = Questionnaire.objects.get(code=questionnaire_code).rules
    return compute_ikm([ElementTotal(code, total, n) for code, (total, n) in totals.items()], rules)


def shown(value) -> str:
    """A converted IKM the way the Indonesian page writes it."""
    return f"{value:.2f}".replace(".", ",")


def region_figures(client, period="2026-Q3") -> list[str]:
    """The region IKM lines of the public page, as text."""
    page = client.get(reverse("public:region-period", args=["kota-uji", period]))
    assert page.status_code == 200
    lines = re.findall(r'class="mb-2 skm-region-figure">(.*?)</p>', page.content.decode(), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip() for line in lines]


@pytest.fixture
def results(world, frozen):
    """Q3 2026: three units answered (one in a sub-agency), one unit of the region without respondents."""
    frozen(NOW)
    submit_example(world.unit, world.service, "E2-29-respondents")  # 29 respondents, IKM 91,48
    other_service = world.other_unit.services.get()
    for values in ([2] * 9, [2] * 9, [1, 2, 3, 4, 1, 2, 3, 4, 1]):
        submit(world.other_unit, other_service, values, answered_at=AUGUST)
    submit(world.sub_unit, world.sub_unit.services.get(), [4, 3] * 4 + [4], answered_at=AUGUST)
    make_unit(world.other_agency, "loket-sepi", name="Loket Sepi")
    return world


def test_pooling_every_row_gives_the_region_ikm_shown_on_the_public_page(client, results):
    publish(client, results)
    rows = json_rows(client)
    default = Questionnaire.objects.get(is_default=True).code
    pooled = pool(rows, default)
    assert pool(rows, default, by_counts=False).ikm_converted == pooled.ikm_converted
    [line] = region_figures(client)
    assert line.startswith("IKM Kota Uji (gabungan nilai unsur seluruh unit): ")
    assert f": {shown(pooled.ikm_converted)} · {pooled.grade.letter} · {pooled.grade.performance}" in line
    assert "33 responden" in line
    # exact pooling, not an average of the units' IKMs (which would be another number here)
    unit_ikms = [float(row["ikm"]) for row in rows if row["ikm"]]
    assert shown(sum(unit_ikms) / len(unit_ikms)) != shown(pooled.ikm_converted)
    by_code = {row["unit_code"]: row for row in rows}
    assert set(by_code) == {"loket-kecamatan", "loket-kelurahan", "loket-dinas", "loket-sepi"}
    dinas = by_code["loket-dinas"]
    assert dinas["respondents"] == 3 and dinas["agency_code"] == "dinas-lain" and dinas["parent_agency_code"] is None
    assert [element["code"] for element in dinas["elements"]] == [f"U{n}" for n in range(1, 10)]
    assert dinas["elements"][0] == {"code": "U1", "counts": [1, 2, 0, 0], "sum": 5, "answers": 3}
    assert dinas["elements"][3] == {"code": "U4", "counts": [0, 2, 0, 1], "sum": 8, "answers": 3}
    kelurahan = by_code["loket-kelurahan"]
    assert kelurahan["agency_code"] == "kelurahan-uji" and kelurahan["parent_agency_code"] == "kecamatan-uji"
    assert kelurahan["agency_name"] == "Kelurahan Uji" and kelurahan["unit_name"] == "Loket Kelurahan"
    assert by_code["loket-kecamatan"]["ikm"] == "91.48" and by_code["loket-kecamatan"]["grade"] == "A"
    assert by_code["loket-sepi"] == {
        "unit_code": "loket-sepi", "unit_name": "Loket Sepi", "agency_code": "dinas-lain", "agency_name": "Dinas Lain",
        "parent_agency_code": None, "questionnaire_code": None, "respondents": 0, "elements": [], "ikm": None,
        "grade": None, "third_party": False}
    assert not any(row["third_party"] for row in rows)


def test_the_public_page_links_the_csv_and_json_of_the_period_shown(client, results):
    publish(client, results)
    page = client.get(reverse("public:region-period", args=["kota-uji", "2026-Q3"])).content.decode()
    for kind in ("csv", "json"):
        link = f'href="/hasil/kota-uji/data/2026-Q3.{kind}"'
        assert link in page
        assert client.get(f"/hasil/kota-uji/data/2026-Q3.{kind}").status_code == 200


def test_csv_and_json_agree_with_stable_columns(client, results):
    publish(client, results)
    answer = data(client, "csv")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="skm-kota-uji-2026-Q3.csv"' in answer["Content-Disposition"]
    header = answer.content.decode("utf-8").splitlines()[0].split(",")
    elements = [f"U{n}_{part}" for n in range(1, 10) for part in ("1", "2", "3", "4", "sum", "answers")]
    assert header == ["unit_code", "unit_name", "agency_code", "agency_name", "parent_agency_code",
                      "questionnaire_code", "respondents", *elements, "ikm", "grade", "third_party"]
    from_json, from_csv = json_rows(client), csv_rows(client)
    assert len(from_json) == len(from_csv) == 4

    def text(value):
        return "" if value is None else ("true" if value is True else "false" if value is False else str(value))

    for row, line in zip(from_json, from_csv, strict=True):
        for column in ("unit_code", "unit_name", "agency_code", "agency_name", "parent_agency_code",
                       "questionnaire_code", "respondents", "ikm", "grade", "third_party"):
            assert line[column] == text(row[column]), (row["unit_code"], column)
        for n in range(1, 10):
            element = next((element for element in row["elements"] if element["code"] == f"U{n}"), None)
            expected = ([*element["counts"], element["sum"], element["answers"]] if element else [None] * 6)
            got = [line[f"U{n}_{part}"] for part in ("1", "2", "3", "4", "sum", "answers")]
            assert got == [text(value) for value in expected], (row["unit_code"], n)


def test_the_json_validates_against_the_published_schema(client, results):
    # a unit on two questionnaires in the period (two rows), one of 14 elements
    old = Questionnaire.objects.get(code="kepmenpan-25-2004")
    submit(results.unit, results.service, [3] * 9, answered_at=datetime(2026, 9, 1, 3, tzinfo=UTC))
    results.unit.questionnaire = old
    results.unit.save()
    submit(results.unit, results.service, [3] * 13 + [2], answered_at=datetime(2026, 9, 2, 3, tzinfo=UTC))
    publish(client, results)
    document = data(client, "json").json()
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert document["region"] == {"code": "kota-uji", "name": "Kota Uji"}
    assert document["period"] == {"slug": "2026-Q3", "label": "Triwulan III 2026", "start": "2026-07-01",
                                  "end": "2026-09-30"}
    publication = Publication.objects.get()
    assert document["publication"] == {
        "revision": 1, "published_at": "2026-12-05T04:50:00+07:00", "checksum": publication.checksum,
        "provisional": publication.provisional}
    kecamatan = [row for row in document["rows"] if row["unit_code"] == "loket-kecamatan"]
    assert [row["questionnaire_code"] for row in kecamatan] == [Questionnaire.objects.get(is_default=True).code,
                                                                 "kepmenpan-25-2004"]
    assert [row["respondents"] for row in kecamatan] == [30, 1] and len(kecamatan[1]["elements"]) == 14
    assert kecamatan[1]["elements"][13] == {"code": "U14", "counts": [0, 1, 0, 0], "sum": 2, "answers": 1}
    # each questionnaire pools on its own, as the page's region lines show
    lines = region_figures(client)
    assert len(lines) == 2
    for row in kecamatan:
        result = pool(document["rows"], row["questionnaire_code"])
        title = Questionnaire.objects.get(code=row["questionnaire_code"]).title
        assert any(f"· {title}: {shown(result.ikm_converted)} · {result.grade.letter}" in line for line in lines)
    # the CSV: U10..U14 after U9, blank for the 9-element rows
    table = csv_rows(client)
    assert list(table[0])[-6 - 3:-3] == [f"U14_{part}" for part in ("1", "2", "3", "4", "sum", "answers")]
    nine = next(line for line in table if line["unit_code"] == "loket-dinas")
    assert nine["U10_1"] == nine["U14_answers"] == "" and nine["U9_answers"] == "3"


def test_a_formula_in_a_name_stays_text_in_the_csv(client, results):
    results.other_agency.name = "+Dinas Lain"
    results.other_agency.save()
    hostile = make_unit(results.other_agency, "loket-rumus", name='=HYPERLINK("http://x.test","klik")')
    submit(hostile, make_service(hostile), [4] * 9, answered_at=AUGUST)
    publish(client, results)
    rumus = next(line for line in csv_rows(client) if line["unit_code"] == "loket-rumus")
    assert rumus["unit_name"] == "'=HYPERLINK(\"http://x.test\",\"klik\")" and rumus["agency_name"] == "'+Dinas Lain"
    assert rumus["U1_4"] == "1" and rumus["ikm"] == "100.00"  # numbers are not touched
    row = next(row for row in json_rows(client) if row["unit_code"] == "loket-rumus")
    assert row["unit_name"] == hostile.name and row["agency_name"] == "+Dinas Lain"  # the JSON keeps the text


@pytest.mark.parametrize("period", ["2026-Q2", "2026", "2026-S2", "2025-Q3"])
def test_a_period_that_is_not_published_answers_404(client, results, period):
    for kind in ("csv", "json"):
        assert data(client, kind, period).status_code == 404  # nothing published at all yet
    publish(client, results)
    for kind in ("csv", "json"):
        assert data(client, kind, period).status_code == 404
        assert data(client, kind, "2026-Q3").status_code == 200


def test_a_malformed_period_or_region_answers_404(client, results):
    publish(client, results)
    for period in ("2026-Q5", "2026-q3", "2026-M07", "2026-07", "Q3-2026", "2026-S3", "0000", "20266",
                   "2026-01-01..2026-09-30", "2026-Q3 ", "data", "%00", "٢٠٢٦-Q3"):
        for kind in ("csv", "json"):
            assert data(client, kind, period).status_code == 404, (period, kind)
    for region in ("kota-lain", "kota-tidak-ada"):
        assert data(client, "json", region=region).status_code == 404
    assert client.get("/hasil/kota-uji/data/2026-Q3.xml").status_code == 404
    assert client.get("/hasil/kota-uji/data/2026-Q3", follow=True).status_code == 404


def test_the_checksum_is_the_etag_and_an_unchanged_copy_is_not_sent_again(client, results):
    publish(client, results)
    checksum = Publication.objects.get().checksum
    for kind in ("csv", "json"):
        first = data(client, kind)
        assert first["ETag"] == f'"{checksum}"' and first["Last-Modified"] == "Fri, 04 Dec 2026 21:50:00 GMT"
        assert first["Access-Control-Allow-Origin"] == "*"
        again = client.get(first.request["PATH_INFO"], headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304 and not again.content
        stale = client.get(first.request["PATH_INFO"], headers={"If-None-Match": '"0000"'})
        assert stale.status_code == 200 and stale.content == first.content


def test_a_late_response_after_publication_does_not_change_the_served_data(client, results, frozen):
    publish(client, results)
    before = {kind: data(client, kind).content for kind in ("csv", "json")}
    frozen(datetime(2026, 12, 6, 3, tzinfo=UTC))
    submit(results.other_unit, results.other_unit.services.get(), [4] * 9, answered_at=AUGUST)
    assert {kind: data(client, kind).content for kind in ("csv", "json")} == before
    # a revision is the new latest; the first version stays readable as it was
    publish(client, results, action="revise")
    after = json_rows(client)
    assert next(row for row in after if row["unit_code"] == "loket-dinas")["respondents"] == 4
    assert data(client, "json", versi=2).content == data(client, "json").content
    assert {kind: data(client, kind, versi=1).content for kind in ("csv", "json")} == before
    assert data(client, "csv", versi=3).status_code == 404


def _without_counts(snapshot: dict) -> dict:
    """The snapshot as it was frozen before the counts were kept (format 1)."""
    old = copy.deepcopy(snapshot)
    old["format"] = 1
    groups = [*old["region"]["groups"], *(group for row in old["agencies"] + old["units"] for group in row["groups"])]
    for group in groups:
        for element in group["elements"]:
            del element["counts"]
    return old


def test_a_publication_frozen_without_counts_still_serves_sums_and_answers(client, results, frozen):
    publish(client, results)
    publication = Publication.objects.get()
    assert publication.snapshot["format"] == 2
    old = _without_counts(publication.snapshot)
    Publication.objects.filter(pk=publication.pk).update(snapshot=old, checksum=snapshot_checksum(old))
    document = data(client, "json").json()
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    elements = [element for row in document["rows"] for element in row["elements"]]
    assert elements and all(element["counts"] is None for element in elements)
    dinas = next(row for row in document["rows"] if row["unit_code"] == "loket-dinas")
    assert dinas["elements"][0] == {"code": "U1", "counts": None, "sum": 5, "answers": 3}
    pooled = pool(document["rows"], Questionnaire.objects.get(is_default=True).code, by_counts=False)
    assert f": {shown(pooled.ikm_converted)} · " in region_figures(client)[0]
    line = next(line for line in csv_rows(client) if line["unit_code"] == "loket-dinas")
    assert [line[f"U1_{part}"] for part in ("1", "2", "3", "4", "sum", "answers")] == ["", "", "", "", "5", "3"]
    # revising that old version: only the unit that really changed is named, not every unit for its new counts
    frozen(datetime(2026, 12, 6, 3, tzinfo=UTC))
    submit(results.sub_unit, results.sub_unit.services.get(), [1] * 9, answered_at=AUGUST)
    publish(client, results, action="revise")
    page = re.sub(r"\s+", " ", client.get(reverse("public:region-period", args=["kota-uji", "2026-Q3"]))
                  .content.decode())
    changes = page.split("Yang berubah:")[1].split("</ul>")[0]
    assert "Loket Kelurahan: responden 1 → 2" in changes
    assert "Loket Dinas" not in changes and "Loket Kecamatan" not in changes
    assert data(client, "json").json()["rows"][0]["elements"][0]["counts"] is not None


def test_third_party_results_and_elements_known_by_sums_only(client, results):
    publish(client, results)
    publication = Publication.objects.get()
    snapshot = copy.deepcopy(publication.snapshot)
    row = next(row for row in snapshot["units"] if row["code"] == "loket-dinas")
    row["groups"][0]["third_party"] = True
    row["groups"][0]["elements"][0]["counts"] = None
    Publication.objects.filter(pk=publication.pk).update(snapshot=snapshot, checksum=snapshot_checksum(snapshot))
    dinas = next(row for row in json_rows(client) if row["unit_code"] == "loket-dinas")
    assert dinas["third_party"] is True and dinas["elements"][0]["counts"] is None
    assert dinas["elements"][0]["sum"] == 5 and dinas["elements"][1]["counts"] == [0, 3, 0, 0]
    line = next(line for line in csv_rows(client) if line["unit_code"] == "loket-dinas")
    assert line["third_party"] == "true" and line["U1_1"] == "" and line["U1_sum"] == "5" and line["U2_2"] == "3"
    # the snapshot keeps no counts for an element whose result is known only by its sum and answers
    questionnaire = Questionnaire.objects.get(is_default=True)
    elements = list(questionnaire.elements.order_by("position"))
    scores = Scores(questionnaire=questionnaire, elements=elements, respondents=2,
                    value_counts={element.id: [0, 0, 1, 1] for element in elements})
    scores.extra_totals = {elements[0].id: (7, 2)}
    group = _group(scores)
    assert group["elements"][0]["counts"] is None and group["elements"][1]["counts"] == [0, 0, 1, 1]


def test_a_tampered_publication_serves_no_data(client, results):
    publish(client, results)
    publication = Publication.objects.get()
    snapshot = copy.deepcopy(publication.snapshot)
    snapshot["units"][0]["groups"][0]["converted"] = "99.99"
    Publication.objects.filter(pk=publication.pk).update(snapshot=snapshot)
    for kind in ("csv", "json"):
        answer = data(client, kind)
        assert answer.status_code == 409 and b"99.99" not in answer.content
