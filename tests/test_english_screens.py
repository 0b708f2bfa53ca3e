"""English screens speak English: grade names and decimal points on the public results, plural model names in
the admin ("tallies"). Documents stay Indonesian."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.documents_helpers import submit_example
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def published(world):
    submit_example(world.unit, world.service, "E2-29-respondents")
    client = Client()
    client.force_login(world.region_admin)
    assert client.post(reverse("documents:region-publication", kwargs={"region_code": world.region.code}),
                       {"period": "2026-Q3", "action": "publish", "confirmed": "yes"}).status_code == 302
    return world


def test_the_public_results_show_english_grades_and_decimal_points(published):
    url = reverse("public:region", kwargs={"region_code": "kota-uji"})
    page = english(Client()).get(url).content.decode()
    assert "91.48" in page and "91,48" not in page
    assert "A</span> · Very good" in page and "Sangat Baik" not in page
    indonesian = Client().get(url).content.decode()
    assert "91,48" in indonesian and "A</span> · Sangat Baik" in indonesian


def test_the_english_admin_names_tallies_in_the_plural(world):
    admin = make_user("root")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client = english(sign_in(Client(), "root"))
    page = client.get("/admin/").content.decode()
    assert "tallys" not in page.lower()
    assert "Daily response tallies" in page and "Monthly respondent profile tallies" in page
    indonesian = Client()
    indonesian.force_login(admin)
    page = indonesian.get("/admin/").content.decode()
    assert "tallys" not in page.lower() and "Rekap harian respons" in page
