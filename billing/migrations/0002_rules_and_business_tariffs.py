"""The arrears rules in force (供电营业规则: late fees, disconnection notice), and flat tariffs for the accounts
the demo and real cities have that the pre-sale tariff guide does not price (general and large industry)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

# customer class, late fee per day, notice days, disconnect after (days overdue), low-balance alert (yuan)
RULES = [
    ("lv_residential", "0.001", 7, 30, "50"),
    ("lv_non_residential", "0.002", 7, 30, "200"),
    ("high_voltage", "0.002", 7, 30, "2000"),
]
# code, name, price (design: Zhejiang's 2023 figures rounded, one price all day; a real installation loads its own)
BUSINESS_TARIFFS = [
    ("ZJ-GEN-IND", "浙江一般工商业电价", "0.6644"),
    ("ZJ-LARGE-IND", "浙江大工业电价", "0.6133"),
]


def load(apps, schema_editor) -> None:
    rule = apps.get_model("billing", "ArrearsRule")
    for customer_class, fee, notice, after, low in RULES:
        rule.objects.get_or_create(
            customer_class=customer_class,
            effective_from=date(2024, 6, 1),
            defaults={"late_fee_per_day": Decimal(fee), "notice_days": notice, "disconnect_after_days": after,
                      "low_balance": Decimal(low)},
        )  # fmt: skip
    tariff, tier = apps.get_model("tariffs", "Tariff"), apps.get_model("tariffs", "TariffTier")
    for code, name, price in BUSINESS_TARIFFS:
        row, created = tariff.objects.get_or_create(
            code=code,
            effective_from=date(2023, 1, 1),
            defaults={"province": "ZJ", "province_name": "浙江", "name": name, "structure": "flat",
                      "period": "monthly", "is_selectable": False, "source": "design"},
        )  # fmt: skip
        if created:
            tier.objects.create(tariff=row, number=1, up_to_kwh=None, price=Decimal(price))


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial"), ("tariffs", "0003_tariff_switch_requests")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
