"""Citizens' free text is shown as text everywhere: a suggestion holding a script tag, a spreadsheet formula or
one 3000-character word is escaped in the staff pages, printed as written (and wrapped) in the Laporan PDF,
stored as text in the raw export workbook, and never shown on the public pages."""

import html
import io
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reports.documents.common import DocumentScope
from reports.documents.laporan import laporan_pdf
from reports.documents.workbooks import responses_export_write
from reports.periods import Period
from tests.documents_helpers import pdf_text
from tests.factories import local, make_service, submit

pytestmark = pytest.mark.django_db

Q3 = Period.quarter(2026, 3)
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","klik")'
LONG_WORD = "antreanpanjang" * 214 + "ya"  # 3000 characters, no space to break at
SUGGESTIONS = [SCRIPT, FORMULA, LONG_WORD]
SERVICE_NAME = "<img src=x onerror=alert(2)>"


@pytest.fixture
def hostile(world):
    service = make_service(world.unit, SERVICE_NAME)
    for day, suggestion in enumerate(SUGGESTIONS, start=1):
        submit(world.unit, service, [3] * 9, answered_at=local(2026, 8, day), suggestion=suggestion,
               gender="P", age=30, suspected_repeat=True)
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 8, 10))
    return world


class Markup(HTMLParser):
    """What a browser would run or load from a page: scripts and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self.inline_script, self._in_script = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [name for name in attrs if name.startswith("on")]
        if tag == "script":
            self.scripts.append(attrs)
            self._in_script = attrs.get("type") != "application/json"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_script.append(data)


def assert_no_markup_runs(page: str):
    markup = Markup()
    markup.feed(page)
    assert not markup.handlers and not markup.inline_script
    assert all("src" in attrs or attrs.get("type") == "application/json" for attrs in markup.scripts)
    assert SCRIPT not in page and "<img src=x" not in page


def assert_shown_as_text(page: str, texts):
    assert_no_markup_runs(page)
    for text in texts:
        assert html.escape(text) in page  # escaped in the markup...
    visible = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert all(text in visible for text in texts)  # ...and shown exactly as written


@pytest.mark.parametrize("view, scope", [
    ("reports:unit_dashboard", "unit"), ("reports:unit_suggestions", "unit"),
    ("reports:agency_dashboard", "agency"), ("reports:agency_suggestions", "agency"),
    ("reports:region_dashboard", "region"), ("reports:region_suggestions", "region"),
])
def test_the_staff_pages_show_suggestions_escaped(client, hostile, view, scope):
    client.force_login(hostile.region_admin)
    code = {"unit": hostile.unit.code, "agency": hostile.agency.code, "region": hostile.region.code}[scope]
    response = client.get(reverse(view, args=[code]) + f"?period={Q3.slug}")
    assert response.status_code == 200
    assert_shown_as_text(response.content.decode(), [*SUGGESTIONS, SERVICE_NAME])


def test_the_region_table_page_shows_service_and_unit_names_escaped(client, hostile):
    client.force_login(hostile.region_admin)
    response = client.get(reverse("reports:region_table", args=[hostile.region.code]),
                          {"period": Q3.slug, "q": SCRIPT})
    assert response.status_code == 200
    page = response.content.decode()
    assert_shown_as_text(page, [SERVICE_NAME])  # the service menu
    assert_no_markup_runs(page)
    assert f'value="{html.escape(SCRIPT)}"' in page  # the search box keeps the query, as text


def test_the_suspected_repeats_page_shows_suggestions_escaped(client, hostile):
    client.force_login(hostile.region_admin)
    response = client.get(reverse("agencies:region_repeats", args=[hostile.region.code]), {"period": Q3.slug})
    assert response.status_code == 200
    assert_shown_as_text(response.content.decode(), [SCRIPT, FORMULA])


def test_a_suggestion_search_for_markup_is_escaped_too(client, hostile):
    client.force_login(hostile.operator)
    url = reverse("reports:unit_suggestions", args=[hostile.unit.code])
    page = client.get(url, {"period": Q3.slug, "q": "<script>"}).content.decode()
    assert_shown_as_text(page, [SCRIPT])
    page = client.get(url, {"period": Q3.slug, "q": "<b>tidak ada</b>"}).content.decode()
    assert "<b>tidak ada</b>" not in page and html.escape("<b>tidak ada</b>") in page


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.one_of(st.sampled_from(["\x00", "a\x00b", "<script>", "%", "_", "' OR 1=1 --", "\u202e"]),
                       st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=150)))
def test_any_search_text_is_echoed_escaped_and_never_fails(client, hostile, query):
    """The search box's text goes into the query and back onto the page (a NUL gave a 500 on PostgreSQL)."""
    client.force_login(hostile.operator)
    response = client.get(reverse("reports:unit_suggestions", args=[hostile.unit.code]),
                          {"period": Q3.slug, "q": query})
    assert response.status_code == 200
    page = response.content.decode()
    shown = query.replace("\x00", "").strip()[:100]
    assert_no_markup_runs(page)
    if shown and not any(shown.lower() in text.lower() for text in SUGGESTIONS):
        assert html.escape(shown) in page


def test_the_laporan_prints_suggestions_as_written_and_wraps_the_long_word(hostile):
    import pdfplumber

    data = laporan_pdf(scope=DocumentScope.for_unit(hostile.unit), period=Q3)
    text, pages = pdf_text(data)
    assert pages <= 12, pages  # a 3000-character word fills a few lines, not dozens of pages
    assert SCRIPT in text and FORMULA in text
    # All of it, wrapped over lines (a reader's tool may put a chart's labels between them).
    pieces = [line.strip() for line in text.splitlines() if len(line.strip()) >= 10 and line.strip() in LONG_WORD]
    assert "".join(pieces) == LONG_WORD and len(pieces) > 10
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            assert all(0 <= char["x0"] and char["x1"] <= page.width for char in page.chars)


def test_the_laporan_download_works_with_hostile_text(client, hostile):
    client.force_login(hostile.operator)
    response = client.get(reverse("documents:unit-laporan", kwargs={"unit_code": hostile.unit.code}),
                          {"period": Q3.slug})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert FORMULA in pdf_text(response.content)[0]


def test_the_raw_export_stores_every_suggestion_as_text(client, hostile):
    client.force_login(hostile.operator)
    response = client.get(reverse("documents:unit-responses-export", kwargs={"unit_code": hostile.unit.code}),
                          {"period": Q3.slug})
    assert response.status_code == 200
    downloaded = b"".join(response.streaming_content)
    written = io.BytesIO()
    responses_export_write(scope=DocumentScope.for_unit(hostile.unit), period=Q3, out=written)
    for data in (downloaded, written.getvalue()):
        sheet = load_workbook(io.BytesIO(data))["Data Responden"]
        headers = [cell.value for cell in sheet[2]]
        column, service_column = headers.index("Saran") + 1, headers.index("Jenis Layanan") + 1
        cells = [sheet.cell(row=row, column=column) for row in range(3, 3 + len(SUGGESTIONS))]
        assert [cell.value for cell in cells] == SUGGESTIONS
        assert all(cell.data_type == "s" for cell in cells)
        assert cells[1].quotePrefix  # Excel shows the formula's words and never runs it
        assert sheet.cell(row=3, column=service_column).value == SERVICE_NAME
        assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_the_public_pages_never_show_suggestions(client, hostile):
    client.force_login(hostile.region_admin)
    assert client.post(reverse("documents:region-publication", kwargs={"region_code": hostile.region.code}),
                       {"period": Q3.slug, "action": "publish", "confirmed": "yes"}).status_code == 302
    public = Client()
    pages = [
        public.get(reverse("public:index")),
        public.get(reverse("public:region", args=[hostile.region.code])),
        public.get(reverse("public:region-period", args=[hostile.region.code, Q3.slug])),
        public.get(reverse("public:notice", args=[hostile.region.code, Q3.slug, hostile.unit.code])),
    ]
    assert [page.status_code for page in pages] == [200] * 4
    assert "Loket Kecamatan" in pages[2].content.decode()  # the unit's results are there...
    pdf = public.get(reverse("public:notice-pdf", args=[hostile.region.code, Q3.slug, hostile.unit.code]))
    assert pdf.status_code == 200
    shown = [page.content.decode() for page in pages] + [pdf_text(pdf.content)[0]]
    for content in shown:  # ...but no citizen's words
        assert "alert(" not in content and "HYPERLINK" not in content and "antreanpanjang" not in content


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_word_does_not_widen_the_page(page, live_server, hostile, width):
    client = Client()
    client.force_login(hostile.operator)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 900})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for view in ("reports:unit_dashboard", "reports:unit_suggestions"):
        page.goto(f"{live_server.url}{reverse(view, args=[hostile.unit.code])}?period={Q3.slug}")
        word = page.locator(".suggestion-text", has_text="antreanpanjang")
        assert word.count() == 1 and word.inner_text() == LONG_WORD
        box = word.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert dialogs == []  # no alert(1) ran
