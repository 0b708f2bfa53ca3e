"""The region dashboard's query count does not grow with the number of agencies and units it lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Population
from reports.forms import CUSTOM
from tests.dashboard_helpers import client_for
from tests.factories import local, make_agency, make_service, make_unit, submit

pytestmark = pytest.mark.django_db


def grow(world, count: int):
    """`count` more agencies, each with a sub-agency, two units with respondents and a population."""
    for n in range(count):
        agency = make_agency(world.region)
        child = make_agency(world.region, parent=agency, kind="kelurahan")
        for owner in (agency, child):
            unit = make_unit(owner)
            service = make_service(unit)
            submit(unit, service, [n % 4 + 1] * 9, answered_at=local(2026, 5, 4), gender="L", age=30)
            submit(unit, service, [4] * 9, answered_at=local(2026, 4, 30, 23), channel="qr", suggestion="Cepat")
            Population.objects.create(unit=unit, year=2026, quarter=2, service_users=40)


def queries_of_region_dashboard(world, period: dict) -> int:
    client = client_for(world.region_admin)
    url = reverse("reports:region_dashboard", args=[world.region.code])
    assert client.get(url, period).status_code == 200  # sessions and caches warm
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, period).status_code == 200
    return len(context)


@pytest.mark.parametrize("period", [{"period": "2026-Q2"},  # whole months, and edge days of a custom range:
                                    {"period": CUSTOM, "dari": "2026-04-15", "sampai": "2026-06-10"}])
def test_the_region_dashboard_costs_the_same_queries_for_three_units_or_forty(world, period):
    grow(world, 1)
    few = queries_of_region_dashboard(world, period)
    grow(world, 19)
    many = queries_of_region_dashboard(world, period)
    assert many == few
    assert many <= 51  # 50, and one for the third-party results of the period, the previous one and the trend


def queries_of_region_table(world, params: dict) -> int:
    client = client_for(world.region_admin)
    url = reverse("reports:region_table", args=[world.region.code])
    assert client.get(url, params).status_code == 200
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context)


@pytest.mark.parametrize("params", [{"period": "2026-Q2", "sort": "ikm", "page": "2"},
                                    {"period": "2026-Q2", "jenis": "opd", "q": "dinas"},
                                    {"period": CUSTOM, "dari": "2026-04-15", "sampai": "2026-06-10"}])
def test_the_region_tables_cost_the_same_queries_for_three_units_or_forty(world, params):
    grow(world, 1)
    few = queries_of_region_table(world, params)
    grow(world, 19)
    many = queries_of_region_table(world, params)
    assert many == few
    assert many <= 25
