"""Load the published time limits (../shared/DOMAIN.md section 3) as the default SLA policies.

Administrators change them in the admin, effective-dated; a change never moves a clock already running.
"""

import datetime

from django.db import migrations

COMMITMENTS = "国家电网供电服务“十项承诺” (2023 version, published 2023-12-08)"
RULES_95598 = "95598 service-application rules (服务申请 sub-type limits)"
COMPLAINTS_95598 = "95598 complaint handling (State Grid Jiangsu rule, 2021)"
COMMITMENTS_FROM = datetime.date(2023, 12, 8)
RULES_FROM = datetime.date(2024, 1, 1)

FAULT, APPLICATION, COMPLAINT = "fault_repair", "service_application", "complaint"

# (name, kind, clock, sub_type, area_type, target, unit, effective_from, source)
DEFAULTS = [
    ("Fault repair: crew on site, urban", FAULT, "arrival", "", "urban", 45, "minutes", COMMITMENTS_FROM, COMMITMENTS),
    ("Fault repair: crew on site, rural", FAULT, "arrival", "", "rural", 90, "minutes", COMMITMENTS_FROM, COMMITMENTS),
    (
        "Fault repair: crew on site, special remote area",
        FAULT, "arrival", "", "remote", 120, "minutes", COMMITMENTS_FROM, COMMITMENTS,
    ),
    # A report with no 台区 (a passer-by's fallen line) gets the strictest, urban, limit.
    (
        "Fault repair: crew on site, area unknown",
        FAULT, "arrival", "", "", 45, "minutes", COMMITMENTS_FROM, COMMITMENTS + "; urban limit when no 台区",
    ),
    # Restoration counts from the crew's arrival: the restoration clock starts when the crew arrives.
    (
        "Fault repair: power restored after arrival, urban",
        FAULT, "restoration", "", "urban", 3, "hours", COMMITMENTS_FROM, COMMITMENTS + "; counted from arrival",
    ),
    (
        "Fault repair: power restored after arrival, rural",
        FAULT, "restoration", "", "rural", 4, "hours", COMMITMENTS_FROM, COMMITMENTS + "; counted from arrival",
    ),
    (
        "Fault repair: power restored after arrival, special remote area",
        FAULT, "restoration", "", "remote", 4, "hours", COMMITMENTS_FROM, COMMITMENTS + "; counted from arrival",
    ),
    (
        "Fault repair: power restored after arrival, area unknown",
        FAULT, "restoration", "", "", 3, "hours", COMMITMENTS_FROM,
        COMMITMENTS + "; counted from arrival; urban limit when no 台区",
    ),
    (
        "Reconnection after arrears are paid",
        APPLICATION, "resolution", "reconnection", "", 24, "hours", COMMITMENTS_FROM, COMMITMENTS,
    ),
    (
        "Household appliance damage: on site",
        APPLICATION, "resolution", "appliance_damage", "", 24, "hours", RULES_FROM,
        RULES_95598 + "; paused while the customer's evidence is awaited",
    ),
    (
        "Meter abnormality",
        APPLICATION, "resolution", "meter_abnormality", "", 4, "working_days", RULES_FROM, RULES_95598,
    ),
    (
        "Meter calibration result",
        APPLICATION, "resolution", "meter_calibration", "", 5, "working_days", COMMITMENTS_FROM, COMMITMENTS,
    ),
    (
        "Meter-reading data abnormality",
        APPLICATION, "resolution", "reading_abnormality", "", 6, "working_days", RULES_FROM, RULES_95598,
    ),
    ("Other service application", APPLICATION, "resolution", "other", "", 5, "working_days", RULES_FROM, RULES_95598),
    ("Complaint: contact the customer", COMPLAINT, "contact", "", "", 24, "hours", RULES_FROM, COMPLAINTS_95598),
    ("Complaint: answer", COMPLAINT, "answer", "", "", 4, "working_days", RULES_FROM, COMPLAINTS_95598),
]


def load_defaults(apps, schema_editor):
    SlaPolicy = apps.get_model("services", "SlaPolicy")
    for name, kind, clock, sub_type, area_type, target, unit, effective_from, source in DEFAULTS:
        SlaPolicy.objects.get_or_create(
            name=name,
            order_kind=kind,
            clock=clock,
            effective_from=effective_from,
            defaults={
                "sub_type": sub_type,
                "area_type": area_type,
                "target": target,
                "unit": unit,
                "warning_levels": [50, 75, 90],
                "source": source,
            },
        )


def remove_defaults(apps, schema_editor):
    SlaPolicy = apps.get_model("services", "SlaPolicy")
    for name, kind, clock, *_rest in DEFAULTS:
        # A policy some clock started from stays (the clock protects it).
        SlaPolicy.objects.filter(name=name, order_kind=kind, clock=clock, clocks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]
