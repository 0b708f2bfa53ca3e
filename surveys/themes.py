"""Themes of a suggestion: the questionnaire elements it speaks of (U1..U9, or "lainnya") and its tone.

Done on the server with the Sastrawi stemmer and the lexicon in surveys/lexicon (one file per element and tone,
extended by staff; see docs/suggestions.md). No outside service sees a citizen's words."""

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from surveys.official import PERMENPAN_14_2017

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
ELEMENTS = ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")
OTHER = "lainnya"
THEMES = (*ELEMENTS, OTHER)
# Words after "tapi" weigh more: "ramah tapi lama sekali" is a complaint.
BUT = {"tapi", "tetapi", "namun", "tp", "but", "cuma", "hanya", "sayang", "sayangnya", "nanging"}
# Words of an answer that says nothing ("tidak ada saran", "no comment").
NOTHING = {"ada", "saran", "komentar", "masukan", "comment", "apa", "apa-apa", "none", "nothing", "sudah", "cukup"}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_REPEATS = re.compile(r"(.)\1{2,}")


class Tone(models.TextChoices):
    COMPLAINT = "keluhan", _("keluhan")
    PRAISE = "pujian", _("pujian")
    PROPOSAL = "usul", _("usul")
    NEUTRAL = "netral", _("netral")


def theme_label(code: str) -> str:
    """"U3 Waktu Penyelesaian" in the screen's language; "Lainnya" for a suggestion about none of the elements."""
    if code == OTHER:
        return str(_("Lainnya"))
    element = PERMENPAN_14_2017["elements"][ELEMENTS.index(code)]
    return f"{code} {element[2] if get_language() == 'en' else element[1]}"


@dataclass(frozen=True)
class Themes:
    elements: tuple[str, ...]
    tone: str

    @property
    def stored(self) -> str:
        """The elements as kept on the response ("U3 U7"); a code is found in SQL with a plain LIKE."""
        return " ".join(self.elements)


@dataclass(frozen=True)
class _Lexicon:
    exact: frozenset[str]
    entries: dict[str, tuple[tuple[str, ...], ...]]  # element code or tone -> stemmed phrases
    negations: frozenset[str]


@cache
def _stemmer():  # loaded on first use: building its dictionary takes a moment
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


def _read(name: str) -> list[str]:
    lines = (LEXICON_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip().lower() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@cache
def lexicon() -> _Lexicon:
    names = (*ELEMENTS, *Tone.values[:3])
    raw = {name: _read(name) for name in names}
    # "=sebaiknya" keeps the word as written: stemmed it would be "baik", which is praise.
    exact = frozenset(word for lines in raw.values() for line in lines if line.startswith("=")
                      for word in _words(line[1:]))
    entries = {}
    for name, lines in raw.items():
        phrases = {tuple(_stem(word, exact) for word in _words(line.lstrip("="))) for line in lines}
        entries[name] = tuple(phrase for phrase in phrases if phrase)
    return _Lexicon(exact, entries, frozenset(_words(" ".join(_read("negasi")))))


def _words(text: str) -> list[str]:
    return [_REPEATS.sub(r"\1", word) for word in _WORD.findall(text.lower())]


@lru_cache(maxsize=20000)
def _stem(word: str, exact: frozenset[str]) -> str:
    if word in exact or len(word) <= 3:
        return word
    return _stemmer().stem(word) or word


def _matches(tokens: list[str], phrases) -> list[int]:
    """Start positions of every phrase found in the stemmed tokens."""
    found = []
    for phrase in phrases:
        size = len(phrase)
        found.extend(i for i in range(len(tokens) - size + 1) if tuple(tokens[i:i + size]) == phrase)
    return found


@lru_cache(maxsize=4096)
def suggestion_classify(text: str) -> Themes | None:
    """The elements and tone of one (already redacted) suggestion; None when it is empty."""
    if not text or not text.strip():
        return None
    lex = lexicon()
    words = _words(text)
    tokens = [_stem(word, lex.exact) for word in words]
    elements = tuple(code for code in ELEMENTS if _matches(tokens, lex.entries[code])) or (OTHER,)

    if all(word in lex.negations or word in NOTHING for word in words):
        return Themes((OTHER,), str(Tone.NEUTRAL))  # "tidak ada saran", "-", "belum ada"

    but_at = next((i for i, word in enumerate(words) if word in BUT), len(words))

    def weight(i):
        return 2 if i > but_at else 1

    proposals = sorted(_matches(tokens, lex.entries[Tone.PROPOSAL]))
    first_proposal = proposals[0] if proposals else len(words)
    complaints = _matches(tokens, lex.entries[Tone.COMPLAINT])
    cues = sorted([(i, Tone.COMPLAINT) for i in complaints]
                  + [(i, Tone.PRAISE) for i in _matches(tokens, lex.entries[Tone.PRAISE])])
    used = set()  # a negation turns the first cue after it only: "tidak ada pungli, mantap"
    turned = set()  # the words of "tidak ada" in "tidak ada pungli" make no complaint of their own
    complaint = praise = 0
    for i, kind in cues:
        j = next((j for j in range(i - 1, max(-1, i - 4), -1) if words[j] in lex.negations and j not in used), None)
        if words[i] in lex.negations or i in turned:
            j = None
        if j is not None:
            used.add(j)
            turned.update(range(j, i))
        if i >= first_proposal:  # named after a proposal it explains the proposal ("mohon lebih cepat")
            continue
        if (kind == Tone.COMPLAINT) == (j is None):
            complaint += weight(i)  # "lama", "tidak ramah", "kurang cepat"
        else:
            praise += weight(i)  # "ramah", "tidak lama", "gak ribet"
    # "tidak ada" of "tidak ada pungli" was counted as a complaint before the cue it negates came
    complaint -= sum(weight(i) for i in complaints if i in turned and i < first_proposal and words[i] in lex.negations)
    if complaint and complaint >= praise:
        tone = Tone.COMPLAINT
    elif praise and praise >= len(proposals):
        tone = Tone.PRAISE
    elif proposals or complaints:
        tone = Tone.PROPOSAL
    else:
        tone = Tone.NEUTRAL
    return Themes(elements, str(tone))


def suggestion_tags(text: str) -> dict[str, str]:
    """The response fields that keep a suggestion's themes (blank when there is no suggestion)."""
    themes = suggestion_classify(text)
    return {"suggestion_elements": themes.stored if themes else "", "suggestion_tone": themes.tone if themes else ""}
