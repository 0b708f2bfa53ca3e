"""Staff correct a suggestion's themes on the suggestions page; every correction is kept (issue 17, item 8)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Response, SuggestionTagCorrection
from tests.dashboard_helpers import by_testid, client_for, text
from tests.suggestion_helpers import add_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestion(world):
    add_responses(world.unit, [(timezone.localdate() - timedelta(days=1), "Parkirnya sempit sekali", 2)])
    return Response.objects.get(unit=world.unit)


def correct(client, response, **data):
    return client.post(reverse("reports:suggestion_tags_edit", args=[response.id]), data)


def test_the_suggestions_page_shows_the_themes_and_a_correction_form(world, suggestion):
    assert (suggestion.suggestion_elements, suggestion.suggestion_tone) == ("U8", "keluhan")
    page = client_for(world.operator).get(reverse("reports:unit_suggestions", args=[world.unit.code])).content.decode()
    assert "U8 Sarana dan Prasarana" in text(by_testid(page, "suggestion-tags")) and "keluhan" in text(page)
    assert reverse("reports:suggestion_tags_edit", args=[suggestion.id]) in page


def test_a_correction_replaces_the_tags_and_is_kept_with_who_and_when(world, suggestion):
    client = client_for(world.operator)
    back = reverse("reports:unit_suggestions", args=[world.unit.code]) + "?tema=U8"
    response = correct(client, suggestion, elements=["U8", "U4"], tone="usul", next=back)
    assert response.status_code == 302 and response["Location"] == back
    suggestion.refresh_from_db()
    assert (suggestion.suggestion_elements, suggestion.suggestion_tone) == ("U4 U8", "usul")
    kept = SuggestionTagCorrection.objects.get()
    assert (kept.corrected_by, kept.elements_before, kept.tone_before, kept.elements_after, kept.tone_after) == (
        world.operator, "U8", "keluhan", "U4 U8", "usul")
    assert abs(kept.corrected_at - timezone.now()) < timedelta(minutes=1)
    page = client.get(back).content.decode()
    assert "Dikoreksi oleh operator" in text(by_testid(page, "tag-correction"))

    correct(client, suggestion, elements=["lainnya"], tone="netral")
    assert SuggestionTagCorrection.objects.count() == 2
    assert list(SuggestionTagCorrection.objects.values_list("elements_before", flat=True)) == ["U4 U8", "U8"]


@pytest.mark.parametrize("data, message", [
    ({"elements": [], "tone": "usul"}, "pilih satu atau beberapa unsur"),
    ({"elements": ["U10"], "tone": "usul"}, "pilih satu atau beberapa unsur"),
    ({"elements": ["U3", "lainnya"], "tone": "usul"}, "tidak dapat dipilih bersama"),
    ({"elements": ["U3"], "tone": "marah"}, "pilih nada"),
])
def test_a_wrong_correction_says_what_is_wrong_and_changes_nothing(world, suggestion, data, message):
    client = client_for(world.operator)
    response = correct(client, suggestion, **data, next="https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:unit_suggestions", args=[world.unit.code])
    assert message in client.get(response["Location"]).content.decode()
    suggestion.refresh_from_db()
    assert (suggestion.suggestion_elements, suggestion.suggestion_tone) == ("U8", "keluhan")
    assert not SuggestionTagCorrection.objects.exists()


def test_only_staff_who_see_the_unit_may_correct(world, suggestion):
    assert correct(client_for(world.stranger), suggestion, elements=["U3"], tone="usul").status_code == 404
    url = reverse("reports:suggestion_tags_edit", args=[suggestion.id])
    assert client_for(world.operator).get(url).status_code == 405
    assert not SuggestionTagCorrection.objects.exists()


def test_the_page_lists_one_theme_in_one_tone(world, suggestion):
    add_responses(world.unit, [(timezone.localdate() - timedelta(days=1), "Petugas ramah sekali", 4)])
    url = reverse("reports:unit_suggestions", args=[world.unit.code])
    page = client_for(world.operator).get(url, {"tema": "U8", "nada": "keluhan"}).content.decode()
    assert "Parkirnya sempit" in page and "Petugas ramah" not in page
