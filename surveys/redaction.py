"""Personal data removed from a suggestion before it is stored: the survey is anonymous, so a NIK, phone number,
e-mail address or vehicle plate a citizen types is replaced by a marker and the original is never kept."""

import re

EMAIL = "[email]"
NIK = "[NIK]"
PHONE = "[nomor telepon]"
PLATE = "[nomor polisi]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Sixteen digits, possibly grouped by spaces, dots or dashes ("3201 0123 4567 0001").
_NIK = re.compile(r"(?<![\w.,])\d(?:[ .-]?\d){15}(?![\w]|[.,]\d)")
# Mobile numbers (08.., 628.., +62 8..) and landlines with an area code (021-..., (0274) ...).
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+62|62)[ .-]?\(?0?\)?[ .-]?|0)8\d(?:[ .-]?\d){7,10}(?!\w|[.,]\d)"
    r"|(?<![\w+])(?:\+62[ .-]?\(?0?\)?[ .-]?[2-7]\d{1,2}|\(0[2-7]\d{1,2}\)|0[2-7]\d{1,2}-)[ .-]?\d{3,4}[ .-]?\d{3,4}"
    r"(?!\w|[.,]\d)"
)
# Region codes of Indonesian plates (Korlantas), longest first so "AB" wins over "A".
_PLATE_CODES = (
    "AA AB AD AE AG BA BB BD BE BG BH BK BL BM BN BP DA DB DC DD DE DG DH DK DL DM DN DR DS DT DW EA EB ED "
    "KB KH KT KU PA PB PG PY "
    "A B D E F G H K L M N P R S T W Z"
).split()
_PLATE = re.compile(
    r"(?<![\w])(" + "|".join(_PLATE_CODES) + r")[ -]?(\d{1,4})[ -]?([A-Z]{1,3})(?!\w)", re.IGNORECASE)


def _plate(match: re.Match) -> str:
    code, digits, suffix = match.groups()
    # Short numbers with words around them ("K3 nya", "S1 dan", "e 2 kali") are ordinary text: a plate with
    # fewer than three digits counts only when written in capitals throughout ("D 12 AB").
    if len(digits) >= 3 or (code.isupper() and suffix.isupper()):
        return PLATE
    return match.group(0)


def personal_data_redact(text: str) -> str:
    """The suggestion with every NIK, phone number, e-mail address and vehicle plate replaced by its marker."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _NIK.sub(NIK, text)
    text = _PHONE.sub(PHONE, text)
    return _PLATE.sub(_plate, text)
