"""A daily figure's grain (day, week or month) replaces `is_month`: the month rows keep their place, and the week
rows are summed here from the day rows already stored, so the figures read the same before and after without a
rebuild."""

from django.conf import settings
from django.db import migrations, models

TABLE = "dashboards_dailyfigure"
COLUMNS = "measure, key, level, department_id, grid_id, person_id"


def week_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        monday = "CAST(date_trunc('week', day) AS date)"
    else:
        monday = "date(day, 'weekday 0', '-6 days')"
    schema_editor.execute(
        f"INSERT INTO {TABLE} ({COLUMNS}, day, grain, is_month, numerator, denominator) "
        f"SELECT {COLUMNS}, {monday}, 'w', FALSE, SUM(numerator), SUM(denominator) FROM {TABLE} WHERE grain = 'd' "
        f"GROUP BY {COLUMNS}, {monday}"
    )
    if schema_editor.connection.vendor == "postgresql":
        # The new rows' deferred foreign-key checks now, or the ALTER TABLEs below refuse a table with pending ones.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def month_flags(apps, schema_editor):
    schema_editor.execute(f"UPDATE {TABLE} SET is_month = (grain = 'm')")
    schema_editor.execute(f"DELETE FROM {TABLE} WHERE grain = 'w'")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_account_suspension_arrears_prepaid"),
        ("dashboards", "0003_late_orders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="dailyfigure",
            name="grain",
            field=models.CharField(
                choices=[("d", "Day"), ("w", "Week"), ("m", "Month")], default="d", max_length=1, verbose_name="grain"
            ),
        ),
        migrations.RunSQL(
            f"UPDATE {TABLE} SET grain = 'm' WHERE is_month", reverse_sql=migrations.RunSQL.noop, elidable=False
        ),
        migrations.RunPython(week_rows, month_flags),
        migrations.RemoveIndex(model_name="dailyfigure", name="figure_level_day_idx"),
        migrations.RemoveIndex(model_name="dailyfigure", name="figure_department_idx"),
        migrations.RemoveField(model_name="dailyfigure", name="is_month"),
        migrations.AddIndex(
            model_name="dailyfigure",
            index=models.Index(
                fields=["level", "grain", "measure", "day"],
                include=["key", "department", "grid", "person", "numerator", "denominator"],
                name="figure_measure_cover_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="dailyfigure",
            index=models.Index(
                fields=["department", "level", "grain", "day"],
                include=["measure", "key", "grid", "person", "numerator", "denominator"],
                name="figure_unit_cover_idx",
            ),
        ),
    ]
