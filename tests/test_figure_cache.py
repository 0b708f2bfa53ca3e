"""A cache that is never stale (reports.figure_cache): cached figures are keyed on the data versions of their
units, which every kind of write changes in its own transaction; a read after a write shows the new figure,
a second read without a write comes from the cache."""

import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.aggregates import unit_figures
from reports.documents.publication import publication_publish, publication_revise, publication_withdraw
from reports.periods import Period
from surveys.data_versions import units_data_changed
from surveys.models import Channel, FlagGroup, Response, UnitDataVersion
from surveys.services import (
    NewResponse, flag_group_decide, response_delete, response_exclude, responses_purge, responses_submit_many,
    suggestion_tags_correct,
)
from tests.factories import local, submit

pytestmark = pytest.mark.django_db

Q3 = Period.quarter(2026, 3)


@pytest.fixture
def results(world):
    for day in (4, 5, 6):
        submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 8, day), suggestion="Antrean lama.")
    submit(world.other_unit, world.other_unit.services.get(), [2] * 9, answered_at=local(2026, 8, 4))
    return world


def read(world):
    """The units' figures of the quarter and the number of queries the read took."""
    with CaptureQueriesContext(connection) as queries:
        figures = unit_figures(unit_ids=[world.unit.id, world.other_unit.id], period=Q3)
    return figures, len(queries)


def respondents(figures, unit):
    return figures[unit.id].respondents


def imported(world, unit):
    responses_submit_many([NewResponse(
        key=uuid.uuid4(), unit_id=unit.id, service_id=unit.services.first().id, questionnaire_id=unit.questionnaire_id,
        channel=Channel.IMPORT, answered_at=local(2026, 9, 1), answers={
            element.id: 4 for element in unit.questionnaire.elements.all()})])


def flagged_and_excluded(world, unit):
    group = FlagGroup.objects.create(unit=unit, reason="identical_run", pattern="3333")
    Response.objects.filter(unit=unit).update(flag="identical_run", flag_group=group)
    flag_group_decide(group, by=world.region_admin, exclude=True)


# (what is written, how many respondents of world.unit it leaves in the quarter)
WRITES = {
    "submission": (lambda world, unit: submit(unit, world.service, [4] * 9, answered_at=local(2026, 9, 2)), 4),
    "import": (imported, 4),
    "exclusion": (lambda world, unit: response_exclude(Response.objects.filter(unit=unit).first(),
                                                       by=world.region_admin), 2),
    "integrity review": (flagged_and_excluded, 0),
    "deletion": (lambda world, unit: response_delete(Response.objects.filter(unit=unit).first(),
                                                     by=world.region_admin), 2),
    # the purged days keep their tallies: the same figure, computed again
    "purge": (lambda world, unit: responses_purge(before=date(2026, 8, 6)), 3),
    "suggestion themes": (lambda world, unit: suggestion_tags_correct(
        Response.objects.filter(unit=unit).first(), elements=["U3"], tone="keluhan", by=world.region_admin), 3),
    "publication": (lambda world, unit: publication_publish(region=world.region, period=Q3, user=world.region_admin),
                    3),
    "another write (units_data_changed)": (lambda world, unit: units_data_changed(unit_ids=[unit.id]), 3),
}


def test_a_second_read_without_writes_comes_from_the_cache(results):
    first, cold = read(results)
    second, warm = read(results)
    assert respondents(first, results.unit) == respondents(second, results.unit) == 3
    assert respondents(second, results.other_unit) == 1
    assert second[results.unit.id].result.ikm_converted == first[results.unit.id].result.ikm_converted
    assert warm == 1 < cold  # the versions only


@pytest.mark.parametrize("kind", WRITES)
def test_after_every_kind_of_write_the_next_read_shows_the_new_figure(results, kind):
    write, expected = WRITES[kind]
    before, _ = read(results)
    read(results)
    write(results, results.unit)
    after, queries = read(results)
    assert queries > 1  # computed again, not served from the cache
    assert respondents(after, results.unit) == expected
    assert respondents(after, results.other_unit) == 1
    again, warm = read(results)
    assert warm == 1 and respondents(again, results.unit) == expected


def test_a_write_to_one_unit_leaves_the_other_units_entries_cached(results):
    other_only = lambda: unit_figures(unit_ids=[results.other_unit.id], period=Q3)  # noqa: E731
    other_only()
    submit(results.unit, results.service, [4] * 9, answered_at=local(2026, 9, 2))
    with CaptureQueriesContext(connection) as queries:
        assert other_only()[results.other_unit.id].respondents == 1
    assert len(queries) == 1


def test_a_rolled_back_write_never_lends_its_version_to_a_later_one(results):
    read(results)
    version = UnitDataVersion.objects.get(unit=results.unit).version
    units_data_changed(unit_ids=[results.unit.id])
    changed = UnitDataVersion.objects.get(unit=results.unit).version
    units_data_changed(unit_ids=[results.unit.id])
    assert len({version, changed, UnitDataVersion.objects.get(unit=results.unit).version}) == 3


def test_the_region_dashboard_is_current_after_a_submission_and_cached_before(client, results):
    client.force_login(results.region_admin)
    url = reverse("reports:region_dashboard", args=[results.region.code]) + "?period=2026-Q3"
    first = client.get(url)
    with CaptureQueriesContext(connection) as cached:
        second = client.get(url)
    assert first.context["respondents"] == second.context["respondents"] == 4
    submit(results.unit, results.service, [4] * 9, answered_at=local(2026, 9, 2))
    with CaptureQueriesContext(connection) as fresh:
        third = client.get(url)
    assert third.context["respondents"] == 5
    assert len(cached) < len(fresh)


def shown(page):
    """Each unit's respondents and converted IKM as the public page shows them."""
    return [(row["code"], row["respondents"], [group["converted_text"] for group in row["groups"]])
            for row in page.context["rows"]]


def test_the_public_page_is_current_after_each_publication_and_cached_between(client, results):
    url = reverse("public:region-period", args=[results.region.code, "2026-Q3"])
    assert client.get(url).status_code == 404
    publication_publish(region=results.region, period=Q3, user=results.region_admin)
    first = client.get(url)
    with CaptureQueriesContext(connection) as cached:
        second = client.get(url)
    assert shown(first) == shown(second) and "Loket Kecamatan" in second.content.decode()
    submit(results.unit, results.service, [1] * 9, answered_at=local(2026, 9, 2))
    assert shown(client.get(url)) == shown(first)  # published figures are frozen
    publication_revise(region=results.region, period=Q3, user=results.region_admin)
    with CaptureQueriesContext(connection) as fresh:
        revised = client.get(url)
    assert revised.context["publication"].revision == 2 and revised.context["changes"]
    assert shown(revised) != shown(first)
    assert len(cached) < len(fresh)
    publication_withdraw(region=results.region, period=Q3, user=results.region_admin)
    assert client.get(url).status_code == 404
