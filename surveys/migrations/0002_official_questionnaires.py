from django.db import migrations

from surveys.official import DEFAULT_CODE, QUESTIONNAIRES


def install(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Element = apps.get_model("surveys", "Element")
    for spec in QUESTIONNAIRES:
        questionnaire = Questionnaire.objects.create(
            code=spec["code"], version=1, regulation=spec["regulation"], title=spec["title"],
            legal_basis=spec["legal_basis"], is_default=spec["code"] == DEFAULT_CODE,
        )
        for position, (slug, name, name_en, question, question_en, labels, labels_en) in enumerate(
            spec["elements"], start=1
        ):
            Element.objects.create(
                questionnaire=questionnaire, position=position, code=f"U{position}", slug=slug,
                name=name, name_en=name_en, question=question, question_en=question_en,
                **{f"label_{i}": label for i, label in enumerate(labels, start=1)},
                **{f"label_en_{i}": label for i, label in enumerate(labels_en, start=1)},
            )


def uninstall(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Questionnaire.objects.filter(code__in=[spec["code"] for spec in QUESTIONNAIRES]).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
