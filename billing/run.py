"""The bill run: every account's bill for one reading period, in set-based SQL, chunk by chunk.

For each chunk of account ids, one transaction inserts the bills (INSERT … SELECT), their lines and their ledger
debits, settles what is free (zero bills, prepaid accounts still in credit), and records the chunk's last id on
the BillRun row: a run that dies resumes after the last chunk committed, and a run repeated bills nobody twice
(the NOT EXISTS, backed by the unique (account, period)).

The arithmetic is integers, exact on PostgreSQL and SQLite alike: kWh in hundredths (readings have two
decimals), prices in ten-thousandths of a yuan (tariff rows have four), line amounts in millionths of a yuan. A
tier's slice of the month counts from where the year stands (annual thresholds: the kWh read since January of
the period's year, whatever the tariff was then) or from zero (monthly). A time-of-use tier splits its slice into
peak and valley in the month's metered proportion, or `pricing.DEFAULT_VALLEY_SHARE` without a metered split,
exactly as services.tariffs.pricing prices a month; the bill is rounded to the fen once (half up), so it equals
`pricing.bills(...)` for the same month (tests/billing/test_run.py checks both against hand-computed bills).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import ElectricityAccount
from billing.models import BillRun
from services.tariffs.models import Structure, Tariff, ThresholdPeriod
from services.tariffs.pricing import DEFAULT_VALLEY_SHARE

CHUNK = 50_000
SCRATCH = "billing_run_chunk"  # the temporary table of one chunk's lines


@dataclass(frozen=True)
class BandRow:
    """One priced band of one tariff: tier, bounds in 0.01 kWh (upper None: no limit), band, price in 1e-4 yuan."""

    code: str
    tariff_id: int
    annual: int
    tier: int
    lower_c: int
    upper_c: int | None
    band: str
    price_u: int


def due_on(period: date) -> date:
    """The bill of `period` is due on settings.BILLING_DUE_DAY of the month after it."""
    year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
    return date(year, month, min(settings.BILLING_DUE_DAY, calendar.monthrange(year, month)[1]))


def _units(value: Decimal | None, scale: int) -> int:
    return int(value * scale) if value is not None else 0


def band_rows(period: date) -> list[BandRow]:
    """Every tariff in force on the period's first day, as priced bands."""
    rows = []
    for tariff in Tariff.objects.in_effect(period).prefetch_related("tiers"):
        tiers = sorted(tariff.tiers.all(), key=lambda tier: tier.number)
        if tariff.structure == Structure.FLAT:
            tiers = tiers[:1]
        annual = int(tariff.period == ThresholdPeriod.ANNUAL)
        lower = 0
        for index, tier in enumerate(tiers):
            upper = _units(tier.up_to_kwh, 100) if tier.up_to_kwh is not None and index < len(tiers) - 1 else None
            if tariff.structure == Structure.TIERED_TOU:
                bands = [("peak", tier.peak_price), ("valley", tier.valley_price)]
            else:
                bands = [("flat", tier.price)]
            for band, price in bands:
                rows.append(
                    BandRow(tariff.code, tariff.pk, annual, tier.number, lower, upper, band, _units(price, 10000))
                )
            lower = upper or 0
    return rows


def _sql(name: str, *args: str) -> str:
    """The few expressions whose spelling differs between PostgreSQL and SQLite."""
    postgres = connection.vendor == "postgresql"
    if name == "max":
        return f"GREATEST({args[0]}, {args[1]})" if postgres else f"MAX({args[0]}, {args[1]})"
    if name == "min":
        return f"LEAST({args[0]}, {args[1]})" if postgres else f"MIN({args[0]}, {args[1]})"
    if name == "div":  # integer division, truncating (every operand is positive)
        return f"div(CAST({args[0]} AS NUMERIC), {args[1]})" if postgres else f"(({args[0]}) / ({args[1]}))"
    if name == "money":  # an integer of fen (or of millionths) as a decimal of yuan
        return f"CAST({args[0]} AS NUMERIC) / {args[1]}" if postgres else f"(({args[0]}) * 1.0 / {args[1]})"
    raise ValueError(name)


def _priced_cte(bands: list[BandRow], source: str) -> tuple[str, list]:
    """The CTEs `usage` (one row per account to bill, from `source`) and `priced` (its lines, in integers)."""
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(bands))
    params: list = [value for row in bands for value in (
        row.code, row.tariff_id, row.annual, row.tier, row.lower_c, row.upper_c, row.band, row.price_u
    )]  # fmt: skip
    share_num = int(DEFAULT_VALLEY_SHARE * 100)
    end = "u.start_c + u.total_c"
    upper = f"COALESCE(b.upper_c, {end})"
    slice_c = _sql("max", f"{_sql('min', end, upper)} - {_sql('max', 'u.start_c', 'b.lower_c')}", "0")
    sql = f"""
    bands(code, tariff_id, annual, tier, lower_c, upper_c, band, price_u) AS (VALUES {values}),
    tariffs(code, tariff_id, annual) AS (SELECT DISTINCT code, tariff_id, annual FROM bands),
    raw AS ({source}),
    usage AS (
        SELECT account_id, tariff_id, total_c, start_c,
               CASE WHEN valley_c IS NOT NULL AND total_c > 0 THEN {_sql("min", "valley_c", "total_c")}
                    ELSE {share_num} END AS wv,
               CASE WHEN valley_c IS NOT NULL AND total_c > 0 THEN total_c ELSE 100 END AS wt
        FROM raw
    ),
    sliced AS (
        SELECT u.account_id, b.tier, b.band, b.price_u, u.wv, u.wt, {slice_c} AS slice_c
        FROM usage u JOIN bands b ON b.tariff_id = u.tariff_id
    ),
    priced AS (
        SELECT account_id, tier, band, price_u,
               CASE band WHEN 'flat' THEN slice_c * 100
                         WHEN 'peak' THEN {_sql("div", "slice_c * (wt - wv) * 100", "wt")}
                         ELSE slice_c * 100 - {_sql("div", "slice_c * (wt - wv) * 100", "wt")} END AS kwh4,
               CASE band WHEN 'flat' THEN slice_c * price_u
                         WHEN 'peak' THEN {_sql("div", "slice_c * price_u * (wt - wv)", "wt")}
                         ELSE {_sql("div", "slice_c * price_u * wv", "wt")} END AS micro
        FROM sliced WHERE slice_c > 0
    )"""
    return sql, params


def _source() -> str:
    """Each account of the chunk with its reading, its tariff and where its year's count stands.

    The annual count is the sum of the year's earlier readings of the chunk's accounts, grouped once (a range of
    the (account, period) index) rather than looked up account by account.
    """
    hundredths = "CAST(ROUND({} * 100) AS BIGINT)"
    billed = "SELECT 1 FROM billing_bill x WHERE x.account_id = a.id AND x.period = %(period)s"
    year = (
        "SELECT p.account_id, SUM(p.total_kwh) AS kwh FROM accounts_meterreading p "
        "WHERE p.account_id > %(after)s AND p.account_id <= %(upto)s "
        "AND p.period >= %(year_start)s AND p.period < %(period)s GROUP BY p.account_id"
    )
    return f"""
        SELECT a.id AS account_id, t.tariff_id, {hundredths.format("r.total_kwh")} AS total_c,
               {hundredths.format("r.valley_kwh")} AS valley_c,
               CASE WHEN t.annual = 1 THEN COALESCE({hundredths.format("y.kwh")}, 0) ELSE 0 END AS start_c
        FROM accounts_electricityaccount a
        JOIN tariffs t ON t.code = a.tariff_code
        JOIN accounts_meterreading r ON r.account_id = a.id AND r.period = %(period)s
        LEFT JOIN ({year}) y ON y.account_id = a.id
        WHERE a.id > %(after)s AND a.id <= %(upto)s AND a.status <> 'closed' AND NOT EXISTS ({billed})"""


def _chunk_end(after: int, chunk: int, last: int) -> int:
    """The id of the `chunk`-th account after `after` (at most `last`): a chunk holds `chunk` accounts whatever
    gaps the ids have. Id ranges of `chunk` width would run a transaction per gap where ids are sparse (deleted
    accounts, a sequence that moved on), each one empty."""
    ids = ElectricityAccount.objects.filter(id__gt=after).order_by("id").values_list("id", flat=True)
    return min(next(iter(ids[chunk - 1 : chunk]), last), last)


def _named(sql: str, positional: list, named: dict) -> tuple[str, list]:
    """Turn %(name)s placeholders into positional ones after the VALUES' own."""
    params = list(positional)
    while "%(" in sql:
        start = sql.index("%(")
        stop = sql.index(")s", start)
        params.append(named[sql[start + 2 : stop]])
        sql = sql[:start] + "%s" + sql[stop + 2 :]
    return sql, params


def _bill_chunk(run: BillRun, bands: list[BandRow], *, after: int, upto: int, today: date) -> int:
    """Bill the accounts with ids in (after, upto]: bills, lines, debits, free settlements. One transaction."""
    period = run.period
    named = {"period": period, "year_start": date(period.year, 1, 1), "after": after, "upto": upto, "run": run.pk}
    due = due_on(period)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A chunk is one set-based statement over many accounts: the web's 30 s limit is not its limit.
            cursor.execute("SET LOCAL statement_timeout = '10min'")
        # The chunk's lines are computed once, into a temporary table the bills and their lines are read from.
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        ctes, positional = _priced_cte(bands, _source())
        sql = f"""CREATE TEMPORARY TABLE {SCRATCH} AS WITH {ctes}
        SELECT u.account_id, u.tariff_id, u.total_c, p.tier, p.band, p.price_u, p.kwh4, p.micro
        FROM usage u LEFT JOIN priced p ON p.account_id = u.account_id"""
        cursor.execute(*_named(sql, positional, named))
        sql = f"""INSERT INTO billing_bill
            (account_id, period, tariff_id, kwh, amount, issued_on, due_on, late_fee, run_id)
        SELECT account_id, %(period)s, tariff_id, {_sql("money", "total_c", "100")},
               {_sql("money", _sql("div", "COALESCE(SUM(micro), 0) + 5000", "10000"), "100")},
               %(today)s, %(due)s, 0, %(run)s
        FROM {SCRATCH} GROUP BY account_id, tariff_id, total_c"""
        cursor.execute(*_named(sql, [], named | {"today": today, "due": due}))
        issued = cursor.rowcount
        if issued:
            sql = f"""INSERT INTO billing_billline (bill_id, tier, band, kwh, price, amount)
            SELECT x.id, p.tier, p.band, {_sql("money", "p.kwh4", "10000")}, {_sql("money", "p.price_u", "10000")},
                   {_sql("money", "p.micro", "1000000")}
            FROM {SCRATCH} p JOIN billing_bill x ON x.account_id = p.account_id AND x.period = %(period)s
            WHERE p.kwh4 > 0"""
            cursor.execute(*_named(sql, [], named))
        cursor.execute(f"DROP TABLE {SCRATCH}")
        if not issued:
            return 0
        issued_at = timezone.make_aware(datetime.combine(today, time(8)))
        _debit_and_settle(cursor, named | {"today": today, "now": min(issued_at, timezone.now())})
    return issued


def _debit_and_settle(cursor: CursorWrapper, named: dict) -> None:
    """The chunk's ledger debits; zero bills and prepaid accounts still in credit are settled at once."""
    chunk = "run_id = %(run)s AND account_id > %(after)s AND account_id <= %(upto)s"
    cursor.execute(
        *_named(
            f"""
        INSERT INTO billing_ledgerentry (account_id, kind, amount, bill_id, note, created_at)
        SELECT account_id, 'bill', -amount, id, '', %(now)s FROM billing_bill WHERE {chunk}""",
            [],
            named,
        )
    )
    cursor.execute(
        *_named(
            f"""
        UPDATE billing_bill SET paid_on = %(today)s WHERE {chunk} AND paid_on IS NULL AND (amount = 0 OR account_id IN (
            SELECT a.id FROM accounts_electricityaccount a WHERE a.is_prepaid AND a.id > %(after)s AND a.id <= %(upto)s
            AND (SELECT SUM(e.amount) FROM billing_ledgerentry e WHERE e.account_id = a.id) >= 0))""",
            [],
            named,
        )
    )


def run_bills(
    period: date, *, chunk: int = CHUNK, progress: Callable[[int], None] | None = None, issued_on: date | None = None
) -> BillRun:
    """Bill every account read in `period` that has no bill for it yet, resuming where a previous run stopped.

    `issued_on` (default today) is for the demo, which bills a past year."""
    period = period.replace(day=1)
    run, _created = BillRun.objects.get_or_create(period=period, defaults={"started_at": timezone.now()})
    bands = band_rows(period)
    if not bands:
        return run
    last = ElectricityAccount.objects.aggregate(last=Max("id"))["last"] or 0
    after, today = run.last_account_id, issued_on or timezone.localdate()
    while after < last:
        upto = _chunk_end(after, chunk, last)
        with transaction.atomic():
            issued = _bill_chunk(run, bands, after=after, upto=upto, today=today)
            BillRun.objects.filter(pk=run.pk).update(last_account_id=upto, bills=F("bills") + issued)
        after = upto
        if progress:
            progress(issued)
    BillRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), last_account_id=0)
    run.refresh_from_db()
    return run
