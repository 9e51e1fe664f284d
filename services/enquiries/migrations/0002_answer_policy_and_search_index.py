"""The enquiries' answer time limit as policy rows (design: 1 working day), and the knowledge base's search index.

The GIN index serves services.textsearch.search on PostgreSQL (nothing on SQLite).
"""

import datetime

from django.db import migrations

from services.textsearch import gin_index_operation

SOURCE = "Design (issue 11): an enquiry needing a person is answered within 1 working day"
FROM = datetime.date(2024, 1, 1)
POLICIES = [
    ("Enquiry: answer", "enquiry"),
    ("Information query: answer", "information_query"),
]


def load(apps, schema_editor):
    SlaPolicy = apps.get_model("services", "SlaPolicy")
    for name, kind in POLICIES:
        SlaPolicy.objects.get_or_create(
            name=name,
            order_kind=kind,
            clock="answer",
            effective_from=FROM,
            defaults={"target": 1, "unit": "working_days", "warning_levels": [50, 75, 90], "source": SOURCE},
        )


def remove(apps, schema_editor):
    SlaPolicy = apps.get_model("services", "SlaPolicy")
    for name, kind in POLICIES:
        SlaPolicy.objects.filter(name=name, order_kind=kind, clock="answer", clocks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0001_knowledge_base"), ("services", "0006_lists_flat_in_the_size_of_the_data")]

    operations = [
        migrations.RunPython(load, remove),
        gin_index_operation("enquiries_article"),
    ]
