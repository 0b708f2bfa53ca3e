"""A region admin, in a real browser, goes from the region dashboard to the campaigns, draws one kelurahan per
kecamatan with a seed, and follows the campaign's progress as responses arrive."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from agencies.models import Service
from campaigns.models import Campaign
from tests.factories import make_agency, make_service, make_unit, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def test_a_region_admin_draws_a_campaign_and_sees_its_progress(page, live_server, world):
    second = make_agency(world.region, "kecamatan-dua", name="Kecamatan Dua", kind="kecamatan")
    for name in ("Dahlia", "Edelweis"):
        agency = make_agency(world.region, f"kel-{name.lower()}", name=f"Kelurahan {name}", kind="kelurahan",
                             parent=second)
        make_service(make_unit(agency, f"kel-{name.lower()}-loket", name=f"Loket Kelurahan {name}"))
    today = timezone.localdate()
    login(page, live_server, world.region_admin)

    page.goto(f"{live_server.url}/dasbor/daerah/{world.region.code}/")
    page.get_by_role("link", name="Kampanye survei").click()
    page.get_by_role("link", name="Buat kampanye di Kota Uji").click()
    page.fill("#id_name", "Survei Posyandu")
    page.fill("#id_start", today.isoformat())
    page.fill("#id_end", today.isoformat())
    page.fill("#id_services", "Posyandu\nPKK")
    assert page.locator("#div_id_units").is_visible() and not page.locator("#div_id_seed").is_visible()
    page.check("input[name=selection][value=sampled]")
    assert page.locator("#div_id_seed").is_visible() and not page.locator("#div_id_units").is_visible()
    page.select_option("#id_sample_agency_kind", "kelurahan")
    page.fill("#id_sample_per_group", "1")
    page.fill("#id_seed", "5")
    page.check("input[name=target_kind][value=fixed]")
    page.fill("#id_target_fixed", "10")
    page.get_by_role("button", name="Simpan kampanye").click()

    page.wait_for_selector("[data-testid=progress]")
    assert "diundi 1 unit Kelurahan per kelompok induk, seed 5." in page.locator("[data-testid=rule]").inner_text()
    campaign = Campaign.objects.get()
    drawn = list(campaign.units.order_by("code"))
    assert len(drawn) == 2
    assert sorted(unit.agency.parent.code for unit in drawn) == ["kecamatan-dua", "kecamatan-uji"]
    assert page.locator("[data-testid=progress] tbody tr").count() == 2
    assert page.locator("[data-total]").inner_text() == "0"

    posyandu = Service.objects.get(unit=drawn[0], name="Posyandu")
    for _ in range(3):
        submit(drawn[0], posyandu, [4] * 9)
    page.reload()

    row = page.locator(f'tr[data-unit="{drawn[0].code}"]')
    assert row.locator("[data-respondents]").inner_text() == "3"
    assert row.locator("[data-service-count]").all_inner_texts() == ["3", "0"]
    assert page.locator("[data-total]").inner_text() == "3"
