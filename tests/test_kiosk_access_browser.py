"""The inclusive kiosk and QR form in a real chromium: read aloud (with a recorded speech API), large text,
high contrast, faces beside the answers and the "dibantu petugas" switch.

With SKM_SCREENSHOTS=1 it writes docs/screenshots/kiosk-large-text-faces.png and kiosk-read-aloud.png.
"""

import os

import pytest
from playwright.sync_api import expect

from agencies.models import ServiceUnit
from surveys.kiosk import kiosk_read_aloud_set
from surveys.models import Element, Response
from tests.test_kiosk_browser import (FAST, SCREENSHOTS, TABLET_LANDSCAPE, TABLET_PORTRAIT, counter,  # noqa: F401
                                      open_context, open_kiosk, tap_survey)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The browser's speech API replaced by one that records what it is asked to say. `voices` are the
# device's installed voices.
SPEECH = """
(() => {
  const voices = %s;
  window.__spoken = [];
  class Utterance { constructor(text) { this.text = text; this.lang = ""; this.voice = null; } }
  const synth = new EventTarget();
  synth.getVoices = () => voices.map(lang => ({lang, name: "voice " + lang, localService: true}));
  synth.speak = u => window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.lang});
  synth.cancel = () => window.__spoken.push({cancel: true});
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  Object.defineProperty(window, "SpeechSynthesisUtterance", {value: Utterance, configurable: true});
})();
"""


def with_speech(context, voices):
    context.add_init_script(SPEECH % voices)
    return context


def spoken(page):
    return [item for item in page.evaluate("window.__spoken") if "text" in item]


def to_first_question(page):
    page.locator(".choices-service label", has_text="Kartu Keluarga").tap()
    page.locator(".choices-gender label", has_text="Perempuan").tap()
    page.locator("input[name=age]").fill("70")
    page.locator(".choices-education label", has_text="SD").tap()
    page.locator(".choices-occupation label", has_text="Lainnya").tap()
    page.locator(".step-profile [data-go=next]").tap()
    expect(page.locator('.step-element[data-element="U1"]')).to_be_visible()


def expected_speech(code, english=False):
    element = Element.objects.get(questionnaire__is_default=True, code=code)
    labels = element.labels_en if english else element.labels
    return [element.question_en if english else element.question] + [f"{n}. {label}" for n, label in
                                                                       enumerate(labels, start=1)]


def test_the_speaker_reads_the_question_and_four_answers_in_the_screens_language(live_server, counter,
                                                                                 open_context):
    _unit, _services, _kiosk, token = counter
    context = with_speech(open_context(TABLET_PORTRAIT), '["en-US", "id-ID"]')
    page, errors = open_kiosk(context, live_server.url, token)
    to_first_question(page)
    step = page.locator('.step-element[data-element="U1"]')
    assert spoken(page) == []  # not read unless asked: the kiosk's option is off
    step.locator(".speak").tap()
    page.wait_for_function("window.__spoken.filter(s => s.text).length === 5")
    said = spoken(page)
    assert [item["text"] for item in said] == expected_speech("U1")
    assert {(item["lang"], item["voice"]) for item in said} == {("id-ID", "id-ID")}

    page.locator("#lang-toggle").tap()
    expect(step.locator(".speak")).to_have_text("Read aloud")
    step.locator(".speak").tap()
    page.wait_for_function("window.__spoken.filter(s => s.text).length === 10")
    said = spoken(page)[5:]
    assert [item["text"] for item in said] == expected_speech("U1", english=True)
    assert {(item["lang"], item["voice"]) for item in said} == {("en-US", "en-US")}
    expect(step.locator(".speak-status")).to_be_hidden()
    assert errors == []


def test_without_a_voice_the_button_says_so(live_server, counter, open_context):
    _unit, _services, _kiosk, token = counter
    context = with_speech(open_context(TABLET_PORTRAIT), '["en-US"]')
    page, errors = open_kiosk(context, live_server.url, token)
    to_first_question(page)
    step = page.locator('.step-element[data-element="U1"]')
    step.locator(".speak").tap()
    expect(step.locator(".speak-status")).to_have_text(
        "Perangkat ini belum punya suara untuk membacakan dalam bahasa ini. Minta petugas memasang suara, "
        "atau minta bantuan petugas.")
    assert spoken(page) == []
    # English has a voice on this tablet: reading works there.
    page.locator("#lang-toggle").tap()
    step.locator(".speak").tap()
    page.wait_for_function("window.__spoken.filter(s => s.text).length === 5")
    if os.environ.get("SKM_SCREENSHOTS") == "1":
        page.locator("#lang-toggle").tap()
        step.locator(".speak").tap()
        expect(step.locator(".speak-status")).to_be_visible()
    assert errors == []


def test_a_kiosk_set_to_read_aloud_reads_each_question_on_arrival(live_server, counter, open_context):
    _unit, _services, kiosk, token = counter
    kiosk_read_aloud_set(kiosk=kiosk, read_aloud=True)
    context = with_speech(open_context(TABLET_LANDSCAPE), '["id-ID"]')
    page, errors = open_kiosk(context, live_server.url, token)
    to_first_question(page)
    page.wait_for_function("window.__spoken.filter(s => s.text).length === 5")
    page.locator('.step-element[data-element="U1"] label.answer-3').tap()
    expect(page.locator('.step-element[data-element="U2"]')).to_be_visible()
    page.wait_for_function("window.__spoken.filter(s => s.text).length === 10")
    assert [item["text"] for item in spoken(page)] == expected_speech("U1") + expected_speech("U2")
    if os.environ.get("SKM_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator('.step-element[data-element="U2"] .speak').focus()
        page.screenshot(path=SCREENSHOTS / "kiosk-read-aloud.png")
    assert errors == []


def font_px(page, selector):
    return float(page.locator(selector).first.evaluate("n => getComputedStyle(n).fontSize").rstrip("px"))


def colours(page, selector):
    return page.locator(selector).first.evaluate(
        "n => [getComputedStyle(n).color, getComputedStyle(n).backgroundColor]")


def test_large_text_high_contrast_and_faces_on_the_kiosk(live_server, counter, open_context):
    unit, _services, _kiosk, token = counter
    ServiceUnit.objects.filter(pk=unit.pk).update(show_faces=True)
    context = open_context(TABLET_PORTRAIT)
    page, errors = open_kiosk(context, live_server.url, token)
    to_first_question(page)
    step = page.locator('.step-element[data-element="U1"]')
    # Four faces, drawn inline (no emoji, no image file), beside the official labels.
    assert step.locator("label.answer svg.face").count() == 4
    for n in range(1, 5):
        expect(step.locator(f"label.answer-{n} .answer-face")).to_have_class(f"answer-face pulse-face-{n}")
    question_before = font_px(page, '.step-element[data-element="U1"] .question')
    colours_before = colours(page, '.step-element[data-element="U1"] .choice-text')

    page.locator('[data-display="large-text"]').tap()
    expect(page.locator('[data-display="large-text"]')).to_have_attribute("aria-pressed", "true")
    assert font_px(page, '.step-element[data-element="U1"] .question') >= question_before * 1.3
    page.locator('[data-display="high-contrast"]').tap()
    assert colours(page, '.step-element[data-element="U1"] .choice-text') == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    assert colours_before != ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    if os.environ.get("SKM_SCREENSHOTS") == "1":
        page.locator('[data-display="high-contrast"]').tap()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "kiosk-large-text-faces.png")
        page.locator('[data-display="high-contrast"]').tap()

    # Remembered for the session: a reload keeps both ...
    page.reload()
    expect(page.locator(".step-profile")).to_be_visible()
    expect(page.locator("body")).to_have_class("survey mode-kiosk large-text high-contrast")
    # ... but the next citizen at the kiosk starts with the ordinary screen.
    tap_survey(page)
    expect(page.locator("#screen-thanks")).to_be_visible()
    page.locator("#new-survey").tap()
    expect(page.locator("body")).to_have_class("survey mode-kiosk")
    assert page.evaluate("sessionStorage.getItem('skm.survey.display')") is None
    assert errors == []


def test_large_text_and_high_contrast_on_the_qr_form_last_for_the_session_only(live_server, counter, open_context):
    unit, _services, _kiosk, _token = counter
    context = open_context({"width": 390, "height": 844}, mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{unit.code}/")
    expect(page.locator(".step-profile")).to_be_visible()
    assert page.locator("svg.face").locator("visible=true").count() == 0  # the unit has not asked for faces
    before = font_px(page, ".step-profile h1")
    page.locator('[data-display="large-text"]').tap()
    page.locator('[data-display="high-contrast"]').tap()
    assert font_px(page, ".step-profile h1") > before * 1.3
    assert colours(page, ".screen") == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    page.reload()
    expect(page.locator(".step-profile")).to_be_visible()
    assert font_px(page, ".step-profile h1") > before * 1.3
    # A new browser session (another citizen's phone, or the tab closed) starts ordinary.
    other = open_context({"width": 390, "height": 844}, mobile=True).new_page()
    other.goto(f"{live_server.url}/s/{unit.code}/")
    expect(other.locator(".step-profile")).to_be_visible()
    assert font_px(other, ".step-profile h1") == before


def test_staff_tick_dibantu_petugas_and_it_is_stored(live_server, counter, open_context):
    _unit, _services, kiosk, token = counter
    page, errors = open_kiosk(open_context(TABLET_PORTRAIT), live_server.url, token)
    tap_survey(page, submit=False)
    page.locator("label.switch", has_text="Dibantu petugas").tap()
    page.locator("#submit").tap()
    expect(page.locator("#screen-thanks")).to_be_visible()
    page.locator("#new-survey").tap()
    expect(page.locator("#assisted")).not_to_be_checked()
    tap_survey(page, age="40")
    expect(page.locator("#screen-thanks")).to_be_visible()
    assert sorted(Response.objects.values_list("age", "assisted")) == [(34, True), (40, False)]
    assert errors == []
