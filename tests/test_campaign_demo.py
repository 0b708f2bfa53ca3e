"""The demo Pemda is ready for a campaign: an example one is seeded, and its region admin can draw two kelurahan
per kecamatan and follow the progress per location."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from agencies import demo
from campaigns.demo import NAME, SERVICES
from campaigns.models import Campaign
from surveys.models import ResponseTally
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", responses=600, seed=7, stdout=io.StringIO())


def test_seed_demo_adds_an_example_campaign_over_drawn_kelurahan(seeded):
    campaign = Campaign.objects.get(name=NAME)
    units = campaign.units.select_related("agency__parent")

    assert (campaign.selection, campaign.seed, campaign.sample_per_group) == ("sampled", 7, 2)
    assert campaign.start <= timezone.localdate() <= campaign.end
    assert sorted(unit.agency.parent.code for unit in units) == [
        "kec-sukamaju-selatan", "kec-sukamaju-selatan", "kec-sukamaju-utara", "kec-sukamaju-utara"]
    assert list(campaign.campaign_services.values_list("name", flat=True)) == SERVICES


def test_the_demo_region_admin_draws_two_kelurahan_per_kecamatan_and_sees_progress(seeded):
    client = sign_in(Client(), "bagor", demo.PASSWORD)
    today = timezone.localdate()
    response = client.post(f"/kampanye/daerah/{demo.REGION_CODE}/baru/", {
        "name": "Dua kelurahan per kecamatan", "start": (today.replace(day=1)).isoformat(), "end": today.isoformat(),
        "services": "\n".join(SERVICES), "selection": "sampled", "sample_agency_kind": "kelurahan",
        "sample_per_group": "2", "seed": "31", "target_kind": "krejcie_morgan"})
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Dua kelurahan per kecamatan")
    page = client.get(response["Location"]).content.decode()

    unit_ids = list(campaign.units.values_list("id", flat=True))
    expected = ResponseTally.objects.filter(
        unit_id__in=unit_ids, service__name__in=SERVICES, day__gte=campaign.start, day__lte=campaign.end,
    ).aggregate(n=Sum("count"))["n"] or 0
    assert f'<td class="text-end" data-total>{expected}</td>' in page
    for unit in campaign.units.all():
        assert f'data-unit="{unit.code}"' in page
    assert "populasi belum diisi" not in page  # the demo records every unit's population each quarter
