"""Questionnaire translations kept as data (docs/languages.md): what a complete one holds, enabling one for a
region, and what a kiosk receives. Indonesian and English are built in; any other language is a record."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from surveys import official
from surveys.models import QuestionnaireTranslation

BUILT_IN = ("id", "en")
PROFILE = {"gender": official.GENDERS, "education": official.EDUCATIONS, "occupation": official.OCCUPATIONS}


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def translation_missing(translation: QuestionnaireTranslation) -> list[str]:
    """Every place the translation still lacks a text, as a path (e.g. "U3.labels[2]", "texts.next")."""
    from surveys.kiosk import PAGE_TEXTS  # noqa: PLC0415 (kiosk imports this module's users)

    content = translation.content if isinstance(translation.content, dict) else {}
    missing = []
    elements = content.get("elements") if isinstance(content.get("elements"), dict) else {}
    for element in translation.questionnaire.elements.order_by("position"):
        given = elements.get(element.code) if isinstance(elements.get(element.code), dict) else {}
        if not _text(given.get("question")):
            missing.append(f"{element.code}.question")
        labels = given.get("labels") if isinstance(given.get("labels"), list) else []
        for n in range(4):
            if n >= len(labels) or not _text(labels[n]):
                missing.append(f"{element.code}.labels[{n}]")
    profile = content.get("profile") if isinstance(content.get("profile"), dict) else {}
    for question, choices in PROFILE.items():
        given = profile.get(question) if isinstance(profile.get(question), dict) else {}
        missing += [f"profile.{question}.{code}" for code, _label in choices if not _text(given.get(code))]
    texts = content.get("texts") if isinstance(content.get("texts"), dict) else {}
    missing += [f"texts.{key}" for key in PAGE_TEXTS if not _text(texts.get(key))]
    return missing


def translation_enable(*, translation: QuestionnaireTranslation, region) -> None:
    """Offer the translation on the kiosks and QR forms of a region's units; refused while anything is missing."""
    if translation.language in BUILT_IN:
        raise ValidationError(_("Bahasa Indonesia dan Inggris sudah tersedia; terjemahan ini tidak diperlukan."))
    missing = translation_missing(translation)
    if missing:
        shown = ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
        raise ValidationError(
            _("Terjemahan %(name)s belum lengkap: %(n)s teks belum diisi (%(missing)s). Lengkapi dulu sebelum "
              "diaktifkan.") % {"name": translation.name, "n": len(missing), "missing": shown})
    with transaction.atomic():
        translation.regions.add(region)


def translations_for_unit(unit) -> list[dict]:
    """The complete translations of the unit's questionnaire enabled in its region, as the kiosk shows them."""
    found = QuestionnaireTranslation.objects.filter(questionnaire_id=unit.questionnaire_id,
                                                    regions=unit.agency.region_id).order_by("language")
    return [{"code": t.language, "name": t.name, **{key: t.content[key] for key in ("elements", "profile", "texts")}}
            for t in found if not translation_missing(t)]
