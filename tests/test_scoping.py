import pytest
from django.http import Http404

from agencies.selectors import (
    administered_regions, agencies_for_user, get_unit_for_user, is_staff_member, units_for_user,
)

pytestmark = pytest.mark.django_db


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_a_region_admin_sees_the_whole_region_only(world):
    assert codes(units_for_user(world.region_admin)) == {"loket-kecamatan", "loket-kelurahan", "loket-dinas"}
    assert codes(administered_regions(world.region_admin)) == {"kota-uji"}


def test_an_agency_admin_sees_the_agency_and_its_sub_agencies(world):
    assert codes(units_for_user(world.agency_admin)) == {"loket-kecamatan", "loket-kelurahan"}
    assert codes(agencies_for_user(world.agency_admin)) == {"kecamatan-uji", "kelurahan-uji"}
    assert not administered_regions(world.agency_admin).exists()


def test_an_operator_sees_only_the_unit(world):
    assert codes(units_for_user(world.operator)) == {"loket-kecamatan"}
    assert not agencies_for_user(world.operator).exists()


def test_outside_the_scope_a_unit_does_not_exist(world):
    assert get_unit_for_user(world.agency_admin, "loket-kelurahan") == world.sub_unit
    for user, code in ((world.other_agency_admin, "loket-kecamatan"), (world.stranger, "loket-dinas"),
                       (world.nobody, "loket-kecamatan"), (world.operator, "loket-kelurahan")):
        with pytest.raises(Http404):
            get_unit_for_user(user, code)
    assert not is_staff_member(world.nobody)
