"""ElementMonthTally: one row per unit, questionnaire, month and element with the counts of the four values
(count_1..count_4) instead of one row per value. Existing rows are folded into the new ones."""

from django.db import migrations, models
from django.db.models import Case, IntegerField, Sum, Value, When

KEY = ("unit_id", "questionnaire_id", "month", "element_id")


def _checked_now(schema_editor):
    # Foreign keys are checked at commit by default; the table is altered after these writes, which PostgreSQL
    # refuses while checks are pending.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def fold_values(apps, schema_editor):
    _checked_now(schema_editor)
    tally = apps.get_model("surveys", "ElementMonthTally")
    rows = tally.objects.using(schema_editor.connection.alias)
    sums = {f"c{value}": Sum(Case(When(value=value, then="count"), default=Value(0), output_field=IntegerField()))
            for value in (1, 2, 3, 4)}
    folded = [tally(**dict(zip(KEY, key)), value=0, count=0, count_1=c1, count_2=c2, count_3=c3, count_4=c4)
              for *key, c1, c2, c3, c4 in rows.order_by().values(*KEY).annotate(**sums).values_list(*KEY, *sums)]
    rows.all().delete()
    rows.bulk_create(folded, batch_size=2000)


def spread_values(apps, schema_editor):
    _checked_now(schema_editor)
    tally = apps.get_model("surveys", "ElementMonthTally")
    rows = tally.objects.using(schema_editor.connection.alias)
    spread = [tally(unit_id=row.unit_id, questionnaire_id=row.questionnaire_id, month=row.month,
                    element_id=row.element_id, value=value, count=getattr(row, f"count_{value}"))
              for row in rows.all() for value in (1, 2, 3, 4) if getattr(row, f"count_{value}")]
    rows.all().delete()
    rows.bulk_create(spread, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0012_integrity_flags_and_qr_rate_counts"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="elementmonthtally", name="element_month_tally_key"),
        migrations.AddField(model_name="elementmonthtally", name="count_1", field=models.IntegerField(default=0)),
        migrations.AddField(model_name="elementmonthtally", name="count_2", field=models.IntegerField(default=0)),
        migrations.AddField(model_name="elementmonthtally", name="count_3", field=models.IntegerField(default=0)),
        migrations.AddField(model_name="elementmonthtally", name="count_4", field=models.IntegerField(default=0)),
        migrations.RunPython(fold_values, spread_values),
        # A default, so that going back can add the column again to the folded rows before spreading them.
        migrations.AlterField(model_name="elementmonthtally", name="value",
                              field=models.PositiveSmallIntegerField(default=0)),
        migrations.RemoveField(model_name="elementmonthtally", name="value"),
        migrations.RemoveField(model_name="elementmonthtally", name="count"),
        migrations.AddConstraint(
            model_name="elementmonthtally",
            constraint=models.UniqueConstraint(fields=("unit", "questionnaire", "month", "element"),
                                               name="element_month_tally_key"),
        ),
    ]
