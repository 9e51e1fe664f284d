"""The time limits of new connections and changes of use as policy rows, in working days.

Published (State Grid's ten commitments, 2023; provincial assessment rules for high voltage): whole process,
company's time only, residential 5, low-voltage non-residential 6, high voltage single source 22, dual 32;
supply plan reply 15 (single) / 30 (dual); design review 10; mid-construction inspection 5; completion
inspection 5; meter installation and energisation 5. Design (issue 12): acceptance 1 (low voltage, with the
site survey) or 2 (high voltage); the low-voltage stages split the whole-process limit; a change of use 5.
"""

import datetime

from django.db import migrations

FROM = datetime.date(2024, 1, 1)
PUBLISHED = "State Grid 供电服务十项承诺 (2023) and provincial high-voltage stage rules"
DESIGN = "Design (issue 12), within the published whole-process limit"
KIND = "business_application"
TYPES = ("lv_residential", "lv_non_residential", "hv_single", "hv_dual")
# clock → targets by type (None: the stage does not apply to the type), and the source.
LIMITS = {
    "whole_process": ((5, 6, 22, 32), PUBLISHED),
    "stage:acceptance": ((1, 1, 2, 2), DESIGN),
    "stage:supply_plan": ((2, 2, 15, 30), PUBLISHED),
    "stage:design_review": ((None, None, 10, 10), PUBLISHED),
    "stage:mid_inspection": ((None, None, 5, 5), PUBLISHED),
    "stage:final_inspection": ((1, 2, 5, 5), PUBLISHED),
    "stage:energisation": ((1, 1, 5, 5), PUBLISHED),
}


def rows():
    for clock, (targets, source) in LIMITS.items():
        for sub_type, target in zip(TYPES, targets, strict=True):
            if target is not None:
                yield f"New connection ({sub_type}): {clock}", KIND, sub_type, clock, target, source
    yield "Change of use: resolution", "change_of_use", "", "resolution", 5, "Design (issue 12)"


def load(apps, schema_editor):
    SlaPolicy = apps.get_model("services", "SlaPolicy")
    for name, kind, sub_type, clock, target, source in rows():
        SlaPolicy.objects.get_or_create(
            name=name,
            order_kind=kind,
            sub_type=sub_type,
            clock=clock,
            effective_from=FROM,
            defaults={"target": target, "unit": "working_days", "warning_levels": [50, 75, 90], "source": source},
        )


def remove(apps, schema_editor):
    SlaPolicy = apps.get_model("services", "SlaPolicy")
    for name, kind, sub_type, clock, _target, _source in rows():
        SlaPolicy.objects.filter(name=name, order_kind=kind, clock=clock, clocks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("connections", "0001_business_applications_and_changes_of_use"), ("services", "0008_running_clock_deadlines")]

    operations = [migrations.RunPython(load, remove)]
