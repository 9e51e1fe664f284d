"""On PostgreSQL, a trigram index so that staff can search a million customers by any part of a name.

ElectricityAccountQuerySet.search() filters with `customer__name__icontains`, which PostgreSQL runs as
UPPER(name::text) LIKE UPPER('%…%'); this index serves exactly that expression. SQLite has no such index
and does not need one at a laptop's size.
"""

from django.db import migrations

CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS accounts_customer_name_trgm "
    "ON accounts_customer USING gin (UPPER(name::text) gin_trgm_ops)",
)
DROP = ("DROP INDEX IF EXISTS accounts_customer_name_trgm",)


def run(statements: tuple[str, ...]):
    def apply(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
