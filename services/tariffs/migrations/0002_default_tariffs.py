"""The default residential tariffs of Zhejiang, Shanghai and Beijing (DOMAIN.md section 7), yuan per kWh.

Zhejiang: annual tiers 2760 / 4800 kWh; flat 0.538 / 0.588 / 0.838; time-of-use peak 08:00–22:00 (design)
0.568 / 0.618 / 0.868, valley 0.288 / 0.338 / 0.588. Shanghai: annual tiers 3120 / 4800 kWh, peak
06:00–22:00; flat 0.617 / 0.667 / 0.917, time-of-use peak 0.617 / 0.677 / 0.977, valley 0.307 / 0.337 / 0.487
(the city's published residential tariff; check before relying on it). Beijing: monthly tiers 240 / 400 kWh,
0.4883 / 0.5383 / 0.7883, no time-of-use option here. Administrators add later rows in the admin, effective-dated.
"""

import datetime
from decimal import Decimal as D

from django.db import migrations

FROM = datetime.date(2024, 1, 1)
DOMAIN = "DOMAIN.md section 7"

# code, province, province name, name, structure, period, peak hours, tiers (up to, flat, peak, valley), source
TARIFFS = [
    (
        "ZJ-RES-TIER", "ZJ", "浙江", "浙江居民阶梯电价", "tiered", "annual", None,
        [(2760, "0.538", None, None), (4800, "0.588", None, None), (None, "0.838", None, None)], DOMAIN,
    ),
    (
        "ZJ-RES-TOU", "ZJ", "浙江", "浙江居民阶梯峰谷电价", "tiered_tou", "annual", (8, 22),
        [(2760, "0.538", "0.568", "0.288"), (4800, "0.588", "0.618", "0.338"), (None, "0.838", "0.868", "0.588")],
        DOMAIN + "; peak 08:00-22:00 by design",
    ),
    (
        "SH-RES-TIER", "SH", "上海", "上海居民阶梯电价", "tiered", "annual", None,
        [(3120, "0.617", None, None), (4800, "0.667", None, None), (None, "0.917", None, None)],
        DOMAIN + "; prices from Shanghai's published residential tariff",
    ),
    (
        "SH-RES-TOU", "SH", "上海", "上海居民阶梯峰谷电价", "tiered_tou", "annual", (6, 22),
        [(3120, "0.617", "0.617", "0.307"), (4800, "0.667", "0.677", "0.337"), (None, "0.917", "0.977", "0.487")],
        DOMAIN + "; prices from Shanghai's published residential tariff",
    ),
    (
        "BJ-RES-TIER", "BJ", "北京", "北京居民阶梯电价", "tiered", "monthly", None,
        [(240, "0.4883", None, None), (400, "0.5383", None, None), (None, "0.7883", None, None)], DOMAIN,
    ),
]  # fmt: skip


def load(apps, schema_editor):
    Tariff = apps.get_model("tariffs", "Tariff")
    TariffTier = apps.get_model("tariffs", "TariffTier")
    for code, province, province_name, name, structure, period, peak, tiers, source in TARIFFS:
        tariff, created = Tariff.objects.get_or_create(
            code=code,
            effective_from=FROM,
            defaults={
                "province": province,
                "province_name": province_name,
                "name": name,
                "structure": structure,
                "period": period,
                "peak_starts": datetime.time(peak[0]) if peak else None,
                "peak_ends": datetime.time(peak[1]) if peak else None,
                "source": source,
            },
        )
        if created:
            TariffTier.objects.bulk_create(
                TariffTier(
                    tariff=tariff, number=number, up_to_kwh=up_to, price=D(price),
                    peak_price=D(peak_price) if peak_price else None,
                    valley_price=D(valley_price) if valley_price else None,
                )  # fmt: skip
                for number, (up_to, price, peak_price, valley_price) in enumerate(tiers, start=1)
            )


def remove(apps, schema_editor):
    apps.get_model("tariffs", "Tariff").objects.filter(code__in=[row[0] for row in TARIFFS], effective_from=FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0001_tariff_tables")]

    operations = [migrations.RunPython(load, remove)]
