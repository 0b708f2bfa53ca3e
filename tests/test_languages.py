"""Questionnaire translations kept as data (docs/languages.md): complete before a region can enable them, then
listed by the kiosk's language switch and shown on the kiosk. The wording here is a test marker, not a real
translation: real ones come from a Pemda's own translators."""

import json

import pytest
from django.core.exceptions import ValidationError
from playwright.sync_api import expect

from surveys import official
from surveys.admin import QuestionnaireTranslationForm
from surveys.kiosk import PAGE_TEXTS, kiosk_create
from surveys.models import QuestionnaireTranslation
from surveys.translations import translation_enable, translation_missing
from tests.test_kiosk_access import kiosk_config


def complete_content(questionnaire) -> dict:
    return {
        "elements": {e.code: {"question": f"[jv] {e.question}", "labels": [f"[jv] {label}" for label in e.labels]}
                     for e in questionnaire.elements.all()},
        "profile": {question: {code: f"[jv] {label}" for code, label in choices} for question, choices in
                    (("gender", official.GENDERS), ("education", official.EDUCATIONS),
                     ("occupation", official.OCCUPATIONS))},
        "texts": {key: f"[jv] {key}" for key in PAGE_TEXTS},
    }


@pytest.fixture
def javanese(world):
    return QuestionnaireTranslation.objects.create(
        questionnaire=world.unit.questionnaire, language="jv", name="Basa Jawa",
        content=complete_content(world.unit.questionnaire))


@pytest.mark.django_db
def test_an_incomplete_translation_cannot_be_enabled_and_the_message_names_what_is_missing(world, javanese):
    del javanese.content["elements"]["U3"]["labels"][2:]
    del javanese.content["profile"]["education"]["SMA"]
    del javanese.content["texts"]["next"]
    javanese.save()
    assert translation_missing(javanese) == ["U3.labels[2]", "U3.labels[3]", "profile.education.SMA", "texts.next"]
    with pytest.raises(ValidationError) as refused:
        translation_enable(translation=javanese, region=world.region)
    assert refused.value.messages == [
        "Terjemahan Basa Jawa belum lengkap: 4 teks belum diisi (U3.labels[2], U3.labels[3], "
        "profile.education.SMA, texts.next). Lengkapi dulu sebelum diaktifkan."]
    assert not javanese.regions.exists()
    form = QuestionnaireTranslationForm(instance=javanese, data={
        "questionnaire": javanese.questionnaire_id, "language": "jv", "name": "Basa Jawa",
        "content": json.dumps(javanese.content), "regions": [world.region.id]})
    assert not form.is_valid()
    assert form.errors["regions"] == ["Belum dapat diaktifkan: 4 teks belum diisi (U3.labels[2], U3.labels[3], "
                                      "profile.education.SMA, texts.next)."]


@pytest.mark.django_db
def test_built_in_languages_are_not_records(world):
    form = QuestionnaireTranslationForm(data={"questionnaire": world.unit.questionnaire_id, "language": "en",
                                              "name": "English", "content": "{}"})
    assert not form.is_valid() and "language" in form.errors


@pytest.mark.django_db
def test_the_kiosk_receives_only_languages_enabled_for_its_region(world, javanese):
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet")
    _far, far_token = kiosk_create(unit=world.far_unit, name="Tablet jauh")
    assert kiosk_config(token)["languages"] == []
    translation_enable(translation=javanese, region=world.region)
    languages = kiosk_config(token)["languages"]
    assert [(item["code"], item["name"]) for item in languages] == [("jv", "Basa Jawa")]
    assert languages[0]["elements"]["U1"]["labels"][3] == "[jv] Sangat sesuai"
    assert kiosk_config(far_token)["languages"] == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_kiosk_language_switch_lists_the_enabled_languages(live_server, world, browser):
    javanese = QuestionnaireTranslation.objects.create(
        questionnaire=world.unit.questionnaire, language="jv", name="Basa Jawa",
        content=complete_content(world.unit.questionnaire))
    translation_enable(translation=javanese, region=world.region)
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet")
    context = browser.new_context(viewport={"width": 800, "height": 1280}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/kiosk/#{token}")
    expect(page.locator(".step-profile")).to_be_visible()
    select = page.locator("#lang-select")
    expect(page.locator("#lang-toggle")).to_be_hidden()
    assert select.locator("option").all_inner_texts() == ["Bahasa Indonesia", "English", "Basa Jawa"]
    select.select_option("jv")
    expect(page.locator("html")).to_have_attribute("lang", "jv")
    expect(page.locator(".step-profile [data-go=next]")).to_have_text("[jv] next")
    expect(page.locator(".choices-gender label").first).to_have_text("[jv] Laki-laki")
    page.locator(".choices-service label").first.click()
    page.locator(".choices-gender label").first.click()
    page.locator("input[name=age]").fill("50")
    page.locator(".choices-education label").first.click()
    page.locator(".choices-occupation label").first.click()
    page.locator(".step-profile [data-go=next]").click()
    step = page.locator('.step-element[data-element="U1"]')
    expect(step.locator(".question")).to_have_text("[jv] " + world.unit.questionnaire.elements.get(code="U1").question)
    expect(step.locator("label.answer-4")).to_contain_text("[jv] Sangat sesuai")
    select.select_option("en")
    expect(step.locator("label.answer-4")).to_contain_text("Very suitable")
    context.close()
