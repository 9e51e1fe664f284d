"""Linking now asks for the whole identity number: drop the digest of its last six, and show less of it.

The old mask showed the first six and the last four characters; the new one shows only the first and the
last (accounts.identity.mask). Both are still in every old masked value, so one UPDATE re-masks them.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Left, Length, Repeat, Right


def show_first_and_last_only(apps, schema_editor) -> None:
    Customer = apps.get_model("accounts", "Customer")
    old_masks = Customer.objects.annotate(length=Length("id_number_masked")).filter(length__gt=10)
    old_masks.update(
        id_number_masked=Concat(
            Left("id_number_masked", 1), Repeat(Value("*"), Length("id_number_masked") - 2), Right("id_number_masked", 1)
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_is_available"),
    ]

    operations = [
        migrations.RunPython(show_first_and_last_only, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="customer", name="id_tail_digest"),
    ]
