"""Drawing participating units by a rule such as "two kelurahan per kecamatan": the plain draw, and the same
draw through the region admin's campaign form on real units."""

import random

import pytest
from django.test import Client

from agencies.models import Service
from campaigns.models import Campaign
from campaigns.sampling import Candidate, GroupTooSmall, draw_per_group
from tests.factories import make_agency, make_service, make_unit

CANDIDATES = [Candidate(code=f"kel-{group}-{n}", group=group) for group in ("utara", "selatan", "barat")
              for n in range(5)]


def test_the_same_seed_draws_the_same_units_whatever_the_order_of_the_candidates():
    shuffled = CANDIDATES[:]
    random.Random(3).shuffle(shuffled)

    assert draw_per_group(CANDIDATES, per_group=2, seed=4242) == draw_per_group(shuffled, per_group=2, seed=4242)


def test_it_draws_exactly_k_units_from_every_group():
    drawn = draw_per_group(CANDIDATES, per_group=2, seed=99)

    assert len(drawn) == len(set(drawn)) == 6
    assert set(drawn) <= {candidate.code for candidate in CANDIDATES}
    for group in ("utara", "selatan", "barat"):
        assert sum(code.startswith(f"kel-{group}-") for code in drawn) == 2


def test_another_seed_draws_other_units():
    outcomes = {tuple(draw_per_group(CANDIDATES, per_group=2, seed=seed)) for seed in range(20)}
    # 10 pairs per group, 1000 possible draws: twenty seeds cannot all land on a handful of them by chance
    assert len(outcomes) > 10


def test_it_follows_random_random_over_the_sorted_candidates():
    """The documented rule, written out: so a reader can repeat a draw with nothing but Python."""
    rng = random.Random(7)
    expected = []
    for group in sorted({candidate.group for candidate in CANDIDATES}):
        expected += rng.sample(sorted(c.code for c in CANDIDATES if c.group == group), 2)

    assert draw_per_group(CANDIDATES, per_group=2, seed=7) == sorted(expected)


def test_it_refuses_more_units_than_a_group_has():
    small = CANDIDATES[:5] + [Candidate(code="kel-timur-1", group="timur")]

    with pytest.raises(GroupTooSmall) as refused:
        draw_per_group(small, per_group=2, seed=1)

    assert (refused.value.group, refused.value.available, refused.value.wanted) == ("timur", 1, 2)


# Through the form, on real units ------------------------------------------------------------------------------

@pytest.fixture
def city(world):
    """Kecamatan Uji has Kelurahan Uji and three more kelurahan; Kecamatan Dua has three; each kelurahan one unit.
    A puskesmas unit and an inactive kelurahan unit are never candidates."""
    second = make_agency(world.region, "kecamatan-dua", name="Kecamatan Dua", kind="kecamatan")
    for parent, names in ((world.agency, ("Anggrek", "Bougenvil", "Cendana")),
                          (second, ("Dahlia", "Edelweis", "Flamboyan"))):
        for name in names:
            agency = make_agency(world.region, f"kel-{name.lower()}", name=f"Kelurahan {name}", kind="kelurahan",
                                 parent=parent)
            make_service(make_unit(agency, f"kel-{name.lower()}-loket", name=f"Loket Kelurahan {name}"))
    sleepy = make_unit(world.sub_agency, "kel-uji-tutup", name="Loket Tutup", is_active=False)
    make_service(sleepy)
    make_unit(make_agency(world.region, "puskesmas-uji", kind="puskesmas", parent=world.agency), "pkm-loket")
    return world


def admin_client(world) -> Client:
    client = Client()
    client.force_login(world.region_admin)
    return client


def post_campaign(client, region, **changes):
    data = {"name": "Survei PKK dan Posyandu", "start": "2026-08-03", "end": "2026-08-28",
            "services": "PKK\nPosyandu", "selection": "sampled", "sample_agency_kind": "kelurahan",
            "sample_per_group": "2", "seed": "4242", "target_kind": "fixed", "target_fixed": "100"}
    data.update(changes)
    return client.post(f"/kampanye/daerah/{region.code}/baru/", {k: v for k, v in data.items() if v is not None})


def drawn_units(response) -> set[str]:
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    return set(campaign.units.values_list("code", flat=True))


def test_the_form_draws_two_kelurahan_per_kecamatan_the_same_for_the_same_seed(city):
    client = admin_client(city)

    first = drawn_units(post_campaign(client, city.region, seed="4242"))
    again = drawn_units(post_campaign(client, city.region, seed="4242", name="Ulang"))

    assert first == again
    assert len(first) == 4
    assert sum(code in first for code in ("loket-kelurahan", "kel-anggrek-loket", "kel-bougenvil-loket",
                                          "kel-cendana-loket")) == 2
    assert "kel-uji-tutup" not in first and "pkm-loket" not in first


def test_the_form_draws_other_kelurahan_for_other_seeds(city):
    client = admin_client(city)
    first = drawn_units(post_campaign(client, city.region, seed="4242"))

    others = {frozenset(drawn_units(post_campaign(client, city.region, seed=str(seed), name=f"Seed {seed}")))
              for seed in range(1, 9)}

    assert others - {frozenset(first)}, "eight other seeds all drew the same units"


def test_a_generated_seed_is_stored_shown_and_repeats_the_draw(city):
    client = admin_client(city)
    response = post_campaign(client, city.region, seed="")
    campaign = Campaign.objects.get()

    assert campaign.seed is not None
    page = client.get(response["Location"]).content.decode()
    assert f"seed {campaign.seed}" in page
    again = drawn_units(post_campaign(client, city.region, seed=str(campaign.seed), name="Ulang"))
    assert again == set(campaign.units.values_list("code", flat=True))


def test_the_draw_gives_each_unit_the_campaign_services(city):
    client = admin_client(city)
    codes = drawn_units(post_campaign(client, city.region))

    campaign = Campaign.objects.get()
    for code in codes:
        assert set(Service.objects.filter(unit__code=code, name__in=["PKK", "Posyandu"])
                   .values_list("name", flat=True)) == {"PKK", "Posyandu"}
    assert not Service.objects.filter(name="PKK").exclude(unit__code__in=codes).exists()
    assert campaign.campaign_services.get(name="PKK").unit_services.count() == 4


def test_it_explains_a_group_too_small_and_stores_nothing(city):
    client = admin_client(city)

    response = post_campaign(client, city.region, sample_per_group="4")

    page = response.content.decode()
    assert response.status_code == 400
    assert "Kecamatan Dua hanya memiliki 3 unit Kelurahan; tidak dapat mengundi 4 unit per kelompok" in page
    assert not Campaign.objects.exists() and not Service.objects.filter(name="PKK").exists()
