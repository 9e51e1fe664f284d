"""Load the complaint categories (DOMAIN.md section 6), the root-cause classes and the limits by channel.

All three are data that administrators edit in the admin. The limits: contact the customer within 24 h; answer
within 4 working days (95598), 10 working days (12398), 7 days (12345) or 10 days (other channels); a report of
misconduct within 9 working days; opinions and suggestions within 10 days like other channels' complaints.
The backbone's 0002 loaded a channel-blind "Complaint: answer" of 4 working days: that is the 95598 rule, and
this migration gives it its channel.
"""

import datetime

from django.db import migrations

RULES_FROM = datetime.date(2024, 1, 1)
SOURCE = "95598 complaint handling (State Grid Jiangsu rule, 2021); 12398/12345 hotline rules"

# (code, Chinese, English, [(code, Chinese, English), ...])
CATEGORIES = [
    ("service", "服务", "Service", [
        ("service_attitude", "服务态度", "Staff attitude"),
        ("service_conduct", "服务行为规范", "Staff conduct"),
        ("service_hall", "营业厅服务与营业时间", "Business hall and its hours"),
        ("service_facilities", "服务设施", "Service facilities"),
        ("service_online", "网站与线上渠道", "Website and online channels"),
    ]),
    ("business", "营业", "Business", [
        ("business_time_limit", "业务办理超时限", "Time limit overrun"),
        ("business_connection", "新装增容差错", "Errors in new connections and capacity increases"),
        ("business_change", "变更用电", "Changes of supply"),
        ("business_reading", "抄表催费", "Meter reading and dunning"),
        ("business_tariff", "电价电费", "Tariffs and bills"),
        ("business_metering", "电能计量", "Metering"),
        ("business_fees", "业务收费", "Fees"),
    ]),
    ("outage", "停送电", "Outages", [
        ("outage_notice", "停电信息公告", "Outage notices"),
        ("outage_plan", "计划停电执行", "Planned outage execution"),
        ("outage_repair", "故障抢修", "Fault repair"),
    ]),
    ("supply_quality", "供电质量", "Supply quality", [
        ("quality_voltage", "电压质量", "Voltage"),
        ("quality_frequent_outage", "频繁停电", "Frequent outages"),
    ]),
    ("grid_construction", "电网建设", "Grid construction", [
        ("construction_conduct", "施工行为", "Construction work and its conduct"),
        ("construction_progress", "工程进度", "Project progress"),
        ("construction_facilities", "电力设施影响", "Impact of power facilities"),
    ]),
]

# (code, Chinese, English, usually the company's fault)
ROOT_CAUSES = [
    ("staff_conduct", "人员责任心与服务意识", "Staff diligence and attitude", True),
    ("staff_skill", "业务技能不足", "Insufficient skills", True),
    ("process_gap", "流程制度缺陷", "Gap in a process or rule", True),
    ("equipment", "设备设施缺陷", "Equipment or facility defect", True),
    ("grid_capacity", "电网结构与容量不足", "Grid structure or capacity", True),
    ("communication", "信息告知与沟通不到位", "Information and communication", True),
    ("external", "外力破坏与不可抗力", "Third-party damage or force majeure", False),
    ("customer_side", "客户自身原因", "On the customer's side", False),
    ("policy", "政策规定所致", "Required by policy or regulation", False),
]

# (name, kind, clock, channel, target, unit)
POLICIES = [
    ("Complaint: answer, 12398", "complaint", "answer", "12398", 10, "working_days"),
    ("Complaint: answer, 12345", "complaint", "answer", "12345", 168, "hours"),
    ("Complaint: answer, other channels", "complaint", "answer", "", 240, "hours"),
    ("Report of misconduct: answer", "misconduct_report", "answer", "", 9, "working_days"),
    ("Opinion: answer", "opinion", "answer", "", 240, "hours"),
    ("Suggestion: answer", "suggestion", "answer", "", 240, "hours"),
]


def load(apps, schema_editor):
    Category = apps.get_model("complaints", "ComplaintCategory")
    RootCause = apps.get_model("complaints", "RootCause")
    SlaPolicy = apps.get_model("services", "SlaPolicy")
    for position, (code, name, name_en, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position * 10}
        )
        for offset, (child, child_name, child_en) in enumerate(children, start=1):
            Category.objects.get_or_create(
                code=child,
                defaults={"name": child_name, "name_en": child_en, "parent": parent, "position": position * 10 + offset},
            )
    for position, (code, name, name_en, fault) in enumerate(ROOT_CAUSES):
        RootCause.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "is_company_fault": fault, "position": position}
        )
    # The backbone's channel-blind 4-working-day answer is the 95598 rule.
    SlaPolicy.objects.filter(order_kind="complaint", clock="answer", name="Complaint: answer").update(
        channel="95598", name="Complaint: answer, 95598"
    )
    SlaPolicy.objects.get_or_create(
        name="Complaint: answer, 95598",
        order_kind="complaint",
        clock="answer",
        effective_from=RULES_FROM,
        defaults={"channel": "95598", "target": 4, "unit": "working_days", "warning_levels": [50, 75, 90],
                  "source": SOURCE},
    )
    for name, kind, clock, channel, target, unit in POLICIES:
        SlaPolicy.objects.get_or_create(
            name=name,
            order_kind=kind,
            clock=clock,
            effective_from=RULES_FROM,
            defaults={"channel": channel, "target": target, "unit": unit, "warning_levels": [50, 75, 90],
                      "source": SOURCE},
        )


def unload(apps, schema_editor):
    SlaPolicy = apps.get_model("services", "SlaPolicy")
    for name, kind, clock, *_rest in POLICIES:
        SlaPolicy.objects.filter(name=name, order_kind=kind, clock=clock, clocks__isnull=True).delete()
    SlaPolicy.objects.filter(order_kind="complaint", clock="answer", name="Complaint: answer, 95598").update(
        channel="", name="Complaint: answer"
    )
    apps.get_model("complaints", "ComplaintCategory").objects.filter(parent__isnull=False).delete()
    apps.get_model("complaints", "ComplaintCategory").objects.all().delete()
    apps.get_model("complaints", "RootCause").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("services", "0002_default_policies")]

    operations = [migrations.RunPython(load, unload)]
