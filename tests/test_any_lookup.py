"""`field__any=[...]` selects what `field__in` selects; on PostgreSQL it binds the list as one array."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import ServiceUnit

pytestmark = pytest.mark.django_db


def test_any_selects_what_in_selects_with_one_parameter_on_postgresql(world):
    ids = [world.unit.id, world.far_unit.id, 10**9]
    assert set(ServiceUnit.objects.filter(id__any=ids)) == set(ServiceUnit.objects.filter(id__in=ids)) == {
        world.unit, world.far_unit}
    assert list(ServiceUnit.objects.filter(id__any=[])) == []
    assert set(ServiceUnit.objects.filter(agency_id__any=[world.agency.id])) == set(
        ServiceUnit.objects.filter(agency=world.agency))
    with CaptureQueriesContext(connection) as queries:
        list(ServiceUnit.objects.filter(id__any=ids))
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"] and " IN (" not in queries[0]["sql"]
    # A subquery stays a subquery.
    inner = ServiceUnit.objects.filter(agency=world.agency).values("id")
    assert set(ServiceUnit.objects.filter(id__any=inner)) == set(ServiceUnit.objects.filter(agency=world.agency))
