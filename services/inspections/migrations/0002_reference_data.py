"""The inspections' reference data: the completion limit as a policy row, two checklists, the legal bases.

Completion (design, issue 13): an inspection is completed within 5 working days of its planned day (its clock
starts on that day). The legal bases quote the national rules by article; administrators edit them in the admin.
"""

import datetime

from django.db import migrations

SOURCE = "Design (issue 13): an inspection is completed within 5 working days of its planned day"
FROM = datetime.date(2024, 1, 1)

CHECKLISTS = {
    "high_voltage": (
        "高压客户用电检查",
        "High-voltage customer inspection",
        [
            ("safety", "受电设施安全状况（接地、防护、标识）", "Safety of the receiving installation (earthing, guards, signs)"),
            ("safety", "电气试验报告在有效期内", "Electrical test reports within their validity"),
            ("metering", "计量装置封印完好、接线正确", "Meter seals intact and wiring correct"),
            ("capacity", "实际用电容量不超过合同约定容量", "Actual load within the contracted capacity"),
            ("tariff", "电价类别与实际用电性质一致", "Tariff class matches the actual use"),
            ("theft", "无窃电或违约用电迹象", "No signs of theft or contract violation"),
            ("quality", "功率因数与电能质量达标", "Power factor and power quality within limits"),
        ],
    ),
    "low_voltage": (
        "低压客户用电检查",
        "Low-voltage customer inspection",
        [
            ("safety", "表箱及进户线安全", "Meter box and service line safe"),
            ("metering", "电能表封印完好、接线正确", "Meter seals intact and wiring correct"),
            ("tariff", "电价类别与实际用电性质一致", "Tariff class matches the actual use"),
            ("theft", "无窃电或违约用电迹象", "No signs of theft or contract violation"),
        ],
    ),
}

LEGAL_BASES = [
    (
        "rules_safety",
        "《供电营业规则》：用户受电设施存在安全隐患的，应按供电企业通知限期整改。",
        "Rules of Power Supply Business: a customer's installation with a safety hazard is rectified by the date the supplier sets.",
    ),
    (
        "rules_violation",
        "《供电营业规则》违约用电条款：擅自超过合同约定容量用电、擅自改变用电类别等属违约用电，应停止违约行为并承担违约使用电费。",
        "Rules of Power Supply Business, contract violations: using more than the contracted capacity or changing the class of use without approval is a violation; stop it and pay the charges it incurs.",
    ),
    (
        "regulation_theft",
        "《电力供应与使用条例》：禁止窃电行为；窃电者应补交电费并承担违约使用电费。",
        "Regulations on Electricity Supply and Use: theft of electricity is prohibited; the offender pays the unbilled energy and the penalty charges.",
    ),
]


def load(apps, schema_editor):
    SlaPolicy = apps.get_model("services", "SlaPolicy")
    Checklist = apps.get_model("inspections", "Checklist")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    LegalBasis = apps.get_model("inspections", "LegalBasis")
    SlaPolicy.objects.get_or_create(
        name="Inspection: complete",
        order_kind="inspection",
        clock="complete",
        effective_from=FROM,
        defaults={"target": 5, "unit": "working_days", "warning_levels": [50, 75, 90], "source": SOURCE},
    )
    for code, (name_zh, name_en, items) in CHECKLISTS.items():
        checklist, _created = Checklist.objects.get_or_create(code=code, defaults={"name_zh": name_zh, "name_en": name_en})
        for position, (topic, text_zh, text_en) in enumerate(items, start=1):
            ChecklistItem.objects.get_or_create(
                checklist=checklist,
                position=position,
                defaults={"topic": topic, "text_zh": text_zh, "text_en": text_en},
            )
    for code, text_zh, text_en in LEGAL_BASES:
        LegalBasis.objects.get_or_create(code=code, defaults={"text_zh": text_zh, "text_en": text_en})


def remove(apps, schema_editor):
    apps.get_model("services", "SlaPolicy").objects.filter(order_kind="inspection", clocks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_inspections"), ("services", "0008_running_clock_deadlines")]

    operations = [migrations.RunPython(load, remove)]
