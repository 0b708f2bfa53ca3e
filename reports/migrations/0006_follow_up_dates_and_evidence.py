import calendar
from datetime import date
from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def dates_from_existing_plans(apps, schema_editor):
    """A due date at the last day of the due quarter; a history that starts with "planned" on the day the plan
    was made and, for plans already under way or completed, their status on the day they were last changed."""
    FollowUpPlan = apps.get_model("reports", "FollowUpPlan")
    FollowUpStatusChange = apps.get_model("reports", "FollowUpStatusChange")
    changes = []
    for plan in FollowUpPlan.objects.select_related("unit__agency__region").order_by("id").iterator():
        zone = ZoneInfo(plan.unit.agency.region.time_zone or settings.TIME_ZONE)
        month = plan.due_quarter * 3
        plan.due_date = date(plan.due_year, month, calendar.monthrange(plan.due_year, month)[1])
        plan.save(update_fields=["due_date"])
        changes.append(FollowUpStatusChange(plan=plan, status="planned", date=plan.created_at.astimezone(zone).date(),
                                            recorded_by_id=plan.created_by_id))
        if plan.status != "planned":
            changes.append(FollowUpStatusChange(plan=plan, status=plan.status,
                                                date=plan.updated_at.astimezone(zone).date()))
    FollowUpStatusChange.objects.bulk_create(changes, batch_size=500)
    if schema_editor.connection.vendor == "postgresql":
        # The new rows' deferred key checks run now, so the table can be altered below in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0008_region_time_zone'),
        ('reports', '0005_alert_subscriptions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='followupplan',
            name='due_date',
            field=models.DateField(null=True, verbose_name='target selesai'),
        ),
        migrations.AddField(
            model_name='followupplan',
            name='evidence_note',
            field=models.TextField(blank=True, max_length=2000, verbose_name='keterangan bukti'),
        ),
        migrations.AddField(
            model_name='followupplan',
            name='evidence_file',
            field=models.FileField(blank=True, max_length=200, upload_to='', verbose_name='berkas atau foto bukti'),
        ),
        migrations.AddField(
            model_name='followupplan',
            name='evidence_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='nama berkas bukti asli'),
        ),
        migrations.AddField(
            model_name='followupplan',
            name='evidence_type',
            field=models.CharField(blank=True, max_length=40, verbose_name='jenis isi berkas bukti'),
        ),
        migrations.AddField(
            model_name='followupplan',
            name='evidence_link',
            field=models.URLField(blank=True, max_length=500, verbose_name='tautan bukti'),
        ),
        migrations.CreateModel(
            name='FollowUpStatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('planned', 'Direncanakan'), ('in_progress', 'Sedang berjalan'), ('done', 'Selesai')], max_length=12, verbose_name='status')),
                ('date', models.DateField(verbose_name='tanggal')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='catatan')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='dicatat')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='reports.followupplan', verbose_name='rencana tindak lanjut')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
            ],
            options={
                'verbose_name': 'perubahan status RTL',
                'verbose_name_plural': 'perubahan status RTL',
                'ordering': ['plan', 'date', 'recorded_at', 'id'],
            },
        ),
        migrations.RunPython(dates_from_existing_plans, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='followupplan',
            name='rtl_due_quarter_1_to_4',
        ),
        migrations.RemoveField(
            model_name='followupplan',
            name='due_year',
        ),
        migrations.RemoveField(
            model_name='followupplan',
            name='due_quarter',
        ),
        migrations.AlterField(
            model_name='followupplan',
            name='due_date',
            field=models.DateField(verbose_name='target selesai'),
        ),
    ]
