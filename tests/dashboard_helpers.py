"""Reading dashboard pages in tests, and the SKM-SPEC worked examples as response rows."""

import html
import re
from html.parser import HTMLParser

from django.test import Client
from tests.factories import sign_in

PASSWORD = "rahasia-uji-123"

# SKM-SPEC E2: 29 respondents; per element (count, score) pairs.
E2 = [
    [(18, 4), (11, 3)], [(14, 4), (15, 3)], [(15, 4), (12, 3), (2, 2)], [(29, 4)], [(15, 4), (14, 3)],
    [(18, 4), (11, 3)], [(19, 4), (10, 3)], [(18, 4), (11, 3)], [(28, 4), (1, 3)],
]
# SKM-SPEC E3: 4 respondents; U1 answered by two of them (4 and 3), every other element 3 by all four.
E3 = [[4, 3, None, None]] + [[3, 3, 3, 3] for _ in range(8)]


def rows_of(columns) -> list[list]:
    """Respondent rows from per-element columns given as (count, score) pairs or as lists of values."""
    expanded = []
    for column in columns:
        if column and isinstance(column[0], tuple):
            column = [score for count, score in column for _ in range(count)]
        expanded.append(column)
    return [list(row) for row in zip(*expanded, strict=True)]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user.username, PASSWORD)
    return client


def text(page: str) -> str:
    """The visible text of a page, tags stripped and whitespace collapsed."""
    page = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


class _TestIdText(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, name: str):
        super().__init__()
        self.name, self.depth, self.parts, self.found = name, 0, [], []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in self.VOID
            self.parts.append(" ")  # cells and items read as separate words
        elif dict(attrs).get("data-testid") == self.name:
            self.depth = 1
            self.parts = []

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            self.parts.append(" ")
            if not self.depth:
                self.found.append(" ".join("".join(self.parts).split()))

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def by_testid(page: str, name: str, *, all: bool = False):
    """The text of the (first, or every) element marked data-testid=name."""
    parser = _TestIdText(name)
    parser.feed(page)
    assert parser.found, f"no element with data-testid={name!r}"
    return parser.found if all else parser.found[0]
