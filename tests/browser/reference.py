"""The rows migrations load, put back after a transactional test's flush has emptied them.

A browser test runs against a live server, so it is transactional: the flush at its end removes every row,
the ones migrations loaded (time-limit policies, complaint categories, tariffs, checklists, arrears rules…)
included, and the next test's demo city would be built without them. Every loader below is idempotent
(get_or_create, or guarded), so calling this before each seeding is safe whatever ran before. A new data
migration belongs in this list.
"""

from importlib import import_module

from django.apps import apps

from services.models import SlaPolicy

LOADERS = (
    "complaints.migrations.0002_reference_data",
    "services.tariffs.migrations.0002_default_tariffs",
    "services.enquiries.migrations.0002_answer_policy_and_search_index",
    "services.connections.migrations.0002_stage_and_whole_process_policies",
    "services.inspections.migrations.0002_reference_data",
    "billing.migrations.0002_rules_and_business_tariffs",
)


def reload_reference_data() -> None:
    """Load every data migration's rows that are missing, the backbone's policies first."""
    if not SlaPolicy.objects.filter(order_kind="fault_repair").exists():
        import_module("services.migrations.0002_default_policies").load_defaults(apps, None)
    for name in LOADERS:
        import_module(name).load(apps, None)
