from django.db import migrations, models


def fill_counts(apps, schema_editor):
    """Count the assisted respondents and those with a suggestion of every existing tally row from the raw
    responses (days before a retention purge have none left and keep 0), then sum the months from the days."""
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db.models import Count, Q, Sum
    from django.db.models.functions import TruncDate, TruncMonth

    Region = apps.get_model("agencies", "Region")
    Response = apps.get_model("surveys", "Response")
    ResponseTally = apps.get_model("surveys", "ResponseTally")
    ResponseMonthTally = apps.get_model("surveys", "ResponseMonthTally")
    key = ("unit_id", "service_id", "questionnaire_id", "day", "channel")
    counted = {}
    for name in Region.objects.order_by().values_list("time_zone", flat=True).distinct():
        rows = (Response.objects.filter(excluded_at__isnull=True, unit__agency__region__time_zone=name)
                .annotate(day=TruncDate("answered_at", tzinfo=ZoneInfo(name or settings.TIME_ZONE)))
                .values(*key).annotate(a=Count("id", filter=Q(assisted=True)), s=Count("id", filter=~Q(suggestion="")))
                .order_by())
        for row in rows:
            if row["a"] or row["s"]:
                counted[tuple(row[column] for column in key)] = (row["a"], row["s"])
    changed = []
    for tally in ResponseTally.objects.iterator():
        found = counted.get(tuple(getattr(tally, column) for column in key))
        if found:
            tally.assisted, tally.with_suggestion = found
            changed.append(tally)
    ResponseTally.objects.bulk_update(changed, ["assisted", "with_suggestion"], batch_size=1000)
    months = {}
    rows = (ResponseTally.objects.annotate(month=TruncMonth("day"))
            .values("unit_id", "service_id", "questionnaire_id", "month", "channel")
            .annotate(a=Sum("assisted"), s=Sum("with_suggestion")).order_by())
    for row in rows:
        months[(row["unit_id"], row["service_id"], row["questionnaire_id"], row["month"], row["channel"])] = [
            row["a"], row["s"]]
    changed = []
    for tally in ResponseMonthTally.objects.iterator():
        found = months.get((tally.unit_id, tally.service_id, tally.questionnaire_id, tally.month, tally.channel))
        if found and any(found):
            tally.assisted, tally.with_suggestion = found
            changed.append(tally)
    ResponseMonthTally.objects.bulk_update(changed, ["assisted", "with_suggestion"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0014_unit_data_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='responsemonthtally',
            name='assisted',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='responsemonthtally',
            name='with_suggestion',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='responsetally',
            name='assisted',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='responsetally',
            name='with_suggestion',
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
    ]
