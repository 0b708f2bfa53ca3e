"""English is SKM's second language: the catalog translates every Indonesian message, the language switch in
base.html turns the staff screens English, and the kiosk API answers a citizen in the kiosk's language."""

import ast
import html
import json
import re
import shutil
import subprocess
import uuid
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.signals import setting_changed
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.kiosk import kiosk_create
from tests.factories import local, sign_in, submit

CATALOG = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="session")
def english_compiled():
    """The compiled catalog, built here when it is missing or older than the .po (`make test` builds it too)."""
    compiled = CATALOG.with_suffix(".mo")
    if not compiled.exists() or compiled.stat().st_mtime < CATALOG.stat().st_mtime:
        if shutil.which("msgfmt") is None:
            pytest.skip("msgfmt (Debian package gettext) is missing, so the English catalog cannot be compiled")
        call_command("compilemessages", locale=["en"], ignore_patterns=[".venv", "var", "bench"], verbosity=0)
        # Catalogs read before the .mo existed stay cached for the whole process; drop them.
        setting_changed.send(sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False)


def catalog_entries(path) -> list[dict]:
    """The .po file's entries: msgid, msgid_plural, msgstr (list) and flags; the header is left out."""
    entries, entry, field = [], None, None

    def close():
        if entry and "msgid" in entry and entry["msgid"]:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            close()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": []}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
        else:
            keyword, _space, quoted = line.partition(" ")
            field = "msgstr" if keyword.startswith("msgstr") else keyword
            if field == "msgstr":
                entry["msgstr"].append(ast.literal_eval(quoted))
            else:
                entry[field] = ast.literal_eval(quoted)
    close()
    return entries


def test_it_has_an_english_translation_for_every_message():
    entries = catalog_entries(CATALOG)
    assert len(entries) > 500  # the whole interface, not a sample
    untranslated = [entry["msgid"] for entry in entries if not all(entry["msgstr"])]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert not untranslated, f"{len(untranslated)} messages without English: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy translations to review: {fuzzy[:10]}"
    # Placeholders survive translation: a lost %(name)s would raise when the message is formatted.
    for entry in entries:
        wanted = sorted(re.findall(r"%(?:\(\w+\))?[sd]", entry["msgid"]))
        for translated in entry["msgstr"]:
            assert sorted(re.findall(r"%(?:\(\w+\))?[sd]", translated)) == wanted, entry["msgid"]


def test_it_agrees_with_gettexts_own_reading_of_the_catalog():
    if shutil.which("msgattrib") is None:
        pytest.skip("msgattrib (Debian package gettext) is missing")
    for option in ("--untranslated", "--only-fuzzy"):
        found = subprocess.run(["msgattrib", option, "--no-obsolete", str(CATALOG)],
                               capture_output=True, text=True, check=True).stdout
        assert "msgid" not in found, f"msgattrib {option}:\n{found[:2000]}"


class LanguageForm(HTMLParser):
    """The set_language form of base.html: its action, hidden fields and the button that switches."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields, self.buttons = action, False, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        elif self.inside and tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif self.inside and tag == "button" and attrs.get("name") == "language":
            self.buttons.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def switch_language(client, page: str, language: str):
    """Press the language button of a rendered page the way a browser submits its form."""
    form = LanguageForm(reverse("set_language"))
    form.feed(page)
    assert form.buttons == [language], f"the page offers {form.buttons}, not {language}"
    response = client.post(form.action, {**form.fields, "language": language})
    assert response.status_code == 302
    return response


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("browser_languages", [None, "en-US,en;q=0.9"])
def test_it_shows_the_login_page_in_indonesian_without_a_choice(english_compiled, browser_languages):
    headers = {"HTTP_ACCEPT_LANGUAGE": browser_languages} if browser_languages else {}
    page = Client().get("/accounts/login/", **headers).content.decode()
    assert html_lang(page) == "id"  # a browser set to English does not choose for the user
    assert "Masuk ke SKM" in page and "Survei Kepuasan Masyarakat" in page
    assert "Sign in to SKM" not in page


@pytest.mark.django_db
def test_it_switches_the_login_page_to_english_and_back(english_compiled):
    client = Client()
    page = client.get("/accounts/login/?next=/").content.decode()
    response = switch_language(client, page, "en")
    assert response["Location"] == "/accounts/login/?next=/"  # back to the page the switch was pressed on

    page = client.get(response["Location"]).content.decode()
    assert html_lang(page) == "en"
    assert "Sign in to SKM" in page and "Public Satisfaction Survey" in page
    assert "Masuk ke SKM" not in page and "Survei Kepuasan Masyarakat" not in page

    switch_language(client, page, "id")
    page = client.get("/accounts/login/").content.decode()
    assert html_lang(page) == "id" and "Masuk ke SKM" in page


INDONESIAN_ON_THE_DASHBOARD = [
    "Indeks Kepuasan Masyarakat", "Responden dan sampel minimal", "Nilai per unsur", "Saring data",
    "Profil responden", "Saran terbaru", "Rencana tindak lanjut", "Beranda", "Dasbor", "Keluar", "Peringkat",
    "Tren IKM delapan triwulan", "Hari ini", "Triwulan", "Sangat Baik", "U1 Persyaratan",
]
ENGLISH_ON_THE_DASHBOARD = [
    "Public Satisfaction Index", "Respondents and minimum sample", "Score per element", "Filter data",
    "Respondent profile", "Latest suggestions", "Follow-up plan", "Home", "Dashboard", "Sign out", "Rank",
    "IKM trend over eight quarters", "Today", "Quarter", "Very good", "U1 Requirements",
]


@pytest.mark.django_db
def test_it_shows_a_staff_dashboard_in_the_language_chosen(world, english_compiled):
    submit(world.unit, world.service, [4] * 9, gender="P", age=34, suggestion="Antrean lebih tertib.")
    dashboard = reverse("reports:unit_dashboard", args=[world.unit.code])

    indonesian = Client()
    sign_in(indonesian, world.operator.username)
    page = html.unescape(indonesian.get(dashboard).content.decode())  # attributes (aria-label) count too
    assert [phrase for phrase in INDONESIAN_ON_THE_DASHBOARD if phrase not in page] == [], page
    assert [phrase for phrase in ENGLISH_ON_THE_DASHBOARD if phrase in page] == [], page

    english = Client()
    switch_language(english, english.get("/accounts/login/").content.decode(), "en")
    sign_in(english, world.operator.username)  # the choice outlives signing in
    response = english.get(dashboard)
    assert response.status_code == 200 and html_lang(response.content.decode()) == "en"
    page = html.unescape(response.content.decode())
    assert [phrase for phrase in ENGLISH_ON_THE_DASHBOARD if phrase not in page] == [], page
    assert [phrase for phrase in INDONESIAN_ON_THE_DASHBOARD if phrase in page] == [], page


@pytest.fixture
def kiosk_token(world):
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet loket 1", by=world.operator)
    return token


def kiosk_post(token, data, **headers):
    return Client().post("/api/v1/responses", json.dumps(data), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Kiosk {token}", **headers)


def bad_survey(world, **changes):
    """A kiosk submission with a score out of range for U9."""
    return {
        "key": str(uuid.uuid4()), "service": world.service.id,
        "answered_at": (timezone.now() - timedelta(minutes=2)).isoformat(),
        "answers": {**{f"U{i}": 3 for i in range(1, 9)}, "U9": 5}, **changes,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("headers, changes", [
    ({"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}, {}),
    ({}, {"lang": "en"}),
    ({"HTTP_ACCEPT_LANGUAGE": "id"}, {"lang": "en"}),  # the language the kiosk shows wins
])
def test_it_answers_a_kiosk_in_english_when_asked(world, kiosk_token, english_compiled, headers, changes):
    response = kiosk_post(kiosk_token, bad_survey(world, **changes), **headers)
    assert response.status_code == 400
    assert response.json() == {"detail": "Please check your answers.",
                               "errors": {"answers.U9": "the score must be 1, 2, 3 or 4"}}


@pytest.mark.django_db
def test_it_answers_a_kiosk_in_indonesian_by_default(world, kiosk_token, english_compiled):
    response = kiosk_post(kiosk_token, bad_survey(world))
    assert response.json() == {"detail": "Periksa kembali isian Anda.",
                               "errors": {"answers.U9": "nilai harus 1, 2, 3 atau 4"}}
    response = kiosk_post(kiosk_token, bad_survey(world, lang="id"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Periksa kembali isian Anda."


@pytest.mark.django_db
def test_it_refuses_an_unknown_kiosk_in_english(english_compiled):
    response = Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION="Kiosk tidak-dikenal", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown kiosk code. Ask the staff for a new kiosk link."


@pytest.mark.django_db
def test_it_gives_the_kiosk_page_its_texts_in_both_languages(english_compiled):
    page = Client().get("/kiosk/").content.decode()
    texts = json.loads(re.search(r'<script id="survey-texts" type="application/json">(.*?)</script>', page,
                                 re.S).group(1))
    assert texts["id"].keys() == texts["en"].keys()
    assert texts["id"]["submit"] == "Kirim penilaian" and texts["en"]["submit"] == "Submit"
    # Every text the page switches to is English, not the Indonesian source shown again.
    same = [key for key in texts["id"] if texts["id"][key] == texts["en"][key]]
    assert same == [], same


@pytest.mark.django_db
def test_documents_downloaded_from_an_english_session_stay_indonesian(world, english_compiled):
    from tests.documents_helpers import pdf_text

    for number in range(3):
        submit(world.unit, world.service, [3] * 9, gender="L", age=40, education="SMA", occupation="Swasta",
               answered_at=local(2026, 7, 6 + number))
    english = Client()
    switch_language(english, english.get("/accounts/login/").content.decode(), "en")
    sign_in(english, world.operator.username)
    response = english.get(reverse("documents:unit-laporan", args=[world.unit.code]), {"period": "2026-Q3"})
    assert response.status_code == 200
    text, _pages = pdf_text(b"".join(response.streaming_content) if response.streaming else response.content)
    assert "Laki-laki" in text and "Male" not in text
