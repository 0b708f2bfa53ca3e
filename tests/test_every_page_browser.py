"""Every staff page, as each demo role, in a real browser at a phone's 390 px and a desktop's 1280 px: no page
scrolls sideways, none logs a console error, and an English page shows no Indonesian text of the catalog
(a msgid of locale/en whose msgstr differs, shown as such)."""

import gettext
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROLES = ("admin", "bagor", "disdukcapil", "dinkes", "camat-utara", "operator-ktp")
WIDTHS = (390, 1280)
# Not staff pages of SKM: Django's own admin, logging out, files (PDF, workbooks, JSON) and the kiosk.
SKIPPED = re.compile(r"^/(admin/|accounts/logout|kiosk/|api/)|\.(pdf|xlsx|json|js|css|ico|png)$|/unduh$")
SAME_KIND_PER_ROLE = 1  # pages that differ only by a code or a number: one of each kind per role
CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.mo"

VISIBLE_TEXT = """() => {
  const skip = new Set(["SCRIPT", "STYLE", "CODE", "KBD", "TEXTAREA", "NOSCRIPT", "TITLE"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!text || !parent || skip.has(parent.tagName) || parent.closest("[translate=no], [lang=id]")) continue;
    if (parent.checkVisibility && !parent.checkVisibility()) continue;
    texts.push(text);
  }
  return texts;
}"""
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.body.querySelectorAll("*")].filter((element) => {
    const box = element.getBoundingClientRect();
    return box.right > width + 1 && !element.closest(".table-responsive");
  }).slice(0, 3).map((element) => `${element.tagName.toLowerCase()}.${element.getAttribute("class") || ""}`);
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


def indonesian_msgids() -> tuple[set[str], list[str]]:
    """Catalog entries whose English differs: whole texts (a text node that is exactly one of them is
    untranslated) and long literal pieces of them (found anywhere in a page's text)."""
    with CATALOG.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    whole, pieces = set(), set()
    for key, english in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04")[-1]  # without its context
        if not msgid or english == msgid or (isinstance(key, tuple) and key[1] != 0):
            continue
        literal = re.split(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}", msgid)
        if len(literal) == 1:
            whole.add(msgid.strip())
        pieces.update(part.strip() for part in literal if len(part.strip()) >= 24)
        if len(msgid) >= 24 and len(literal) == 1:
            pieces.add(msgid.strip())
    return whole, sorted(pieces)


def stored_names() -> set[str]:
    """Names staff typed in (a kiosk called "Tablet loket 1"): data, shown as given in either language."""
    from agencies.models import Agency, Region, Service, ServiceUnit
    from surveys.models import Kiosk
    return {name for model in (Region, Agency, ServiceUnit, Service, Kiosk)
            for name in model.objects.values_list("name", flat=True)}


def kind_of(path: str, query: str) -> str:
    """A page's kind: its path with codes and numbers replaced, and its query's keys."""
    parts = [re.sub(r"^\d+$", "<n>", part) for part in path.strip("/").split("/")]
    # The segment after a scope word is a code (unit, agency, region) and says nothing about the page.
    for index, part in enumerate(parts[:-1]):
        if part in {"unit", "opd", "daerah"}:
            parts[index + 1] = "<code>"
    keys = sorted(pair.split("=")[0] for pair in query.split("&") if pair)
    return "/".join(parts) + ("?" + "&".join(keys) if keys else "")


def staff_pages(client: Client) -> list[str]:
    """Every HTML page reached by following links from the home page (GET only), a few of each kind."""
    seen, queue, pages = {"/"}, ["/"], []
    per_kind: dict[str, int] = defaultdict(int)
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code == 302 and response["Location"].startswith("/"):
            target = response["Location"]  # the home page sends a role to its own dashboard
            if target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        pages.append(url)
        for href in re.findall(r'<a [^>]*href="([^"#]+)', response.content.decode()):
            href = href.replace("&amp;", "&")
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or SKIPPED.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            kind = kind_of(parts.path, parts.query)
            if target in seen or per_kind[kind] >= SAME_KIND_PER_ROLE:
                continue
            seen.add(target)
            per_kind[kind] += 1
            queue.append(target)
    return pages


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", responses=400, seed=2026, verbosity=0)


def test_every_staff_page_fits_a_phone_logs_no_error_and_speaks_the_chosen_language(demo, live_server, browser):
    whole, pieces = indonesian_msgids()
    whole -= stored_names()
    problems: list[str] = []
    visits = 0
    for username in ROLES:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        pages = staff_pages(client)
        assert len(pages) > 3, (username, pages)
        print(f"\n{username}: {len(pages)} pages")
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        for width in WIDTHS:
            for language in ("id", "en"):
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
                context.add_cookies([
                    {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
                    {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
                page = context.new_page()
                errors: list[str] = []
                page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
                page.on("pageerror", lambda error: errors.append(str(error)))
                for url in pages:
                    where = f"{username} {width}px {language} {url}"
                    errors.clear()
                    page.goto(live_server.url + url, wait_until="load")
                    visits += 1
                    if errors:
                        problems.append(f"{where}: console error {errors[:2]}")
                    overflow = page.evaluate(OVERFLOW)
                    if overflow:
                        problems.append(f"{where}: scrolls sideways ({overflow})")
                    if language == "en":
                        texts = page.evaluate(VISIBLE_TEXT)
                        joined = " ".join(texts)
                        found = sorted({text for text in texts if text in whole}
                                       | {piece for piece in pieces if piece in joined})
                        if found:
                            problems.append(f"{where}: Indonesian on an English page {found[:5]}")
                context.close()
    print(f"\n{visits} page visits")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])
