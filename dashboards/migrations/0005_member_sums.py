"""MemberSums: each 台区's and each person's scorecard sums in one row per day, week and month, written here from
the daily figures already stored, so a range ranks the same before and after without a rebuild."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    # The rollups' own writer, as the rollups call it after every rebuild: the slots are the scorecards' measures.
    from dashboards.rollups import member_sums

    with schema_editor.connection.cursor() as cursor:
        member_sums(cursor)


def empty(apps, schema_editor):
    apps.get_model("dashboards", "MemberSums").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_account_suspension_arrears_prepaid'),
        ('dashboards', '0004_figure_grain'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MemberSums',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('d', 'Department'), ('g', 'Service grid'), ('p', 'Person')], max_length=1, verbose_name='level')),
                ('grain', models.CharField(choices=[('d', 'Day'), ('w', 'Week'), ('m', 'Month')], max_length=1, verbose_name='grain')),
                ('day', models.DateField(verbose_name='day')),
                ('n0', models.FloatField(default=0)),
                ('d0', models.FloatField(default=0)),
                ('n1', models.FloatField(default=0)),
                ('d1', models.FloatField(default=0)),
                ('n2', models.FloatField(default=0)),
                ('d2', models.FloatField(default=0)),
                ('n3', models.FloatField(default=0)),
                ('d3', models.FloatField(default=0)),
                ('n4', models.FloatField(default=0)),
                ('d4', models.FloatField(default=0)),
                ('n5', models.FloatField(default=0)),
                ('d5', models.FloatField(default=0)),
                ('department', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.department', verbose_name='department')),
                ('grid', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.servicegrid', verbose_name='service grid')),
                ('person', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'member sums',
                'verbose_name_plural': 'member sums',
                'indexes': [models.Index(fields=['level', 'grain', 'day'], include=('department', 'grid', 'person', 'n0', 'd0', 'n1', 'd1', 'n2', 'd2', 'n3', 'd3', 'n4', 'd4', 'n5', 'd5'), name='member_sums_cover_idx')],
            },
        ),
        migrations.RunPython(fill, empty),
    ]
