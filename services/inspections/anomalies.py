"""Anomaly detection on the monthly readings: one SQL statement over the whole city (beat: `scan_readings`).

For the month scanned, each active account's reading is compared with its own history (the twelve months
before it) through robust statistics (median and MAD: window functions on SQLite, sorted arrays per account on
PostgreSQL, the same rules on both), and with its 台区's peers (the median of the accounts' ratios of this month
to their own median: a 台区 that dropped as a whole, a holiday month, is not one account's anomaly). The rules, their
thresholds in settings.INSPECTIONS_ANOMALY:

- near_zero: at most `near_zero_kwh` on an account whose median was at least `min_prior_kwh`;
- drop: below `drop_ratio` of its median and of the same month last year (if read), while the 台区's median
  ratio stayed at or above `grid_floor`;
- spike: above the median by more than `spike_z` robust deviations (1.4826 × MAD, at least `spike_floor` of the
  median) and more than `spike_ratio` times the 台区's median ratio;
- tou_shift: the peak share of peak + valley moved by more than `tou_delta` from its median;
- over_capacity: more than `capacity_factor` × contracted kVA × `capacity_hours` in the month.

Each flag is a row (account, month, rule) with the figures behind it; the unique constraint makes a rescan of
a month add nothing it already flagged.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.inspections.models import AnomalyFlag, Rule

FIGURE_LABELS = {
    "kwh": _("this month (kWh)"),
    "median": _("own median (kWh)"),
    "mad": _("median absolute deviation (kWh)"),
    "last_year": _("same month last year (kWh)"),
    "grid_ratio": _("service grid's median ratio to its own"),
    "share": _("peak share now"),
    "share_median": _("peak share, median"),
    "limit": _("capacity allows (kWh)"),
}


def _month(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


SHARE = (
    "CASE WHEN r.peak_kwh IS NOT NULL AND r.valley_kwh IS NOT NULL AND r.peak_kwh + r.valley_kwh > 0 "
    "THEN CAST(r.peak_kwh AS DOUBLE PRECISION) / CAST(r.peak_kwh + r.valley_kwh AS DOUBLE PRECISION) END"
)
MIDDLE = "rn IN ((n + 1) / 2, (n + 2) / 2)"

STATS = f"""
WITH hist AS (
  SELECT r.account_id, CAST(r.total_kwh AS DOUBLE PRECISION) AS kwh, {SHARE} AS share,
         ROW_NUMBER() OVER (PARTITION BY r.account_id ORDER BY r.total_kwh) AS rn,
         COUNT(*) OVER (PARTITION BY r.account_id) AS n
  FROM accounts_meterreading r WHERE r.period >= %(hist_from)s AND r.period < %(period)s
),
med AS (SELECT account_id, AVG(kwh) AS med, MAX(n) AS n FROM hist WHERE {MIDDLE} GROUP BY account_id),
dev AS (
  SELECT h.account_id, ABS(h.kwh - m.med) AS d, h.n,
         ROW_NUMBER() OVER (PARTITION BY h.account_id ORDER BY ABS(h.kwh - m.med)) AS rn
  FROM hist h JOIN med m ON m.account_id = h.account_id
),
mad AS (SELECT account_id, AVG(d) AS mad FROM dev WHERE {MIDDLE} GROUP BY account_id),
shares AS (
  SELECT account_id, share, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY share) AS rn,
         COUNT(*) OVER (PARTITION BY account_id) AS n
  FROM hist WHERE share IS NOT NULL
),
share_med AS (SELECT account_id, AVG(share) AS share_med FROM shares WHERE {MIDDLE} GROUP BY account_id),
cur AS (
  SELECT r.account_id, CAST(r.total_kwh AS DOUBLE PRECISION) AS kwh, {SHARE} AS share, a.grid_id,
         CAST(a.contracted_capacity_kva AS DOUBLE PRECISION) AS cap
  FROM accounts_meterreading r JOIN accounts_electricityaccount a ON a.id = r.account_id
  WHERE r.period = %(period)s AND a.status = 'active'
),
stats AS (
  SELECT c.account_id, c.kwh, c.share, c.grid_id, c.cap, m.med, mad.mad, sm.share_med,
         CAST(ly.total_kwh AS DOUBLE PRECISION) AS ly,
         CASE WHEN m.med > 0 THEN c.kwh / m.med END AS ratio
  FROM cur c JOIN med m ON m.account_id = c.account_id
  LEFT JOIN mad ON mad.account_id = c.account_id
  LEFT JOIN share_med sm ON sm.account_id = c.account_id
  LEFT JOIN accounts_meterreading ly ON ly.account_id = c.account_id AND ly.period = %(last_year)s
  WHERE m.n >= %(min_history_months)s
),
grid_rank AS (
  SELECT grid_id, ratio, ROW_NUMBER() OVER (PARTITION BY grid_id ORDER BY ratio) AS rn,
         COUNT(*) OVER (PARTITION BY grid_id) AS n
  FROM stats WHERE ratio IS NOT NULL
),
grid AS (SELECT grid_id, AVG(ratio) AS grid_ratio FROM grid_rank WHERE {MIDDLE} GROUP BY grid_id),
s AS (SELECT stats.*, grid.grid_ratio FROM stats LEFT JOIN grid ON grid.grid_id = stats.grid_id)
"""


# PostgreSQL: one pass groups each account's months into sorted arrays (no window sort over every reading);
# the median is the arrays' middle, the MAD is computed only where a spike is possible at all (the spread is at
# least `spike_floor` of the median, so below median × (1 + spike_z × spike_floor) no spike can fire).
STATS_POSTGRESQL = f"""
WITH hist AS (
  SELECT r.account_id, COUNT(*) AS n,
         array_agg(CAST(r.total_kwh AS DOUBLE PRECISION) ORDER BY r.total_kwh) AS kwhs,
         array_agg({SHARE} ORDER BY {SHARE}) FILTER (WHERE {SHARE} IS NOT NULL) AS shares
  FROM accounts_meterreading r WHERE r.period >= %(hist_from)s AND r.period < %(period)s
  GROUP BY r.account_id
),
med AS (
  SELECT account_id, kwhs, (kwhs[(n + 1) / 2] + kwhs[(n + 2) / 2]) / 2 AS med,
         (shares[(cardinality(shares) + 1) / 2] + shares[(cardinality(shares) + 2) / 2]) / 2 AS share_med
  FROM hist WHERE n >= %(min_history_months)s
),
cur AS (
  SELECT r.account_id, CAST(r.total_kwh AS DOUBLE PRECISION) AS kwh, {SHARE} AS share, a.grid_id,
         CAST(a.contracted_capacity_kva AS DOUBLE PRECISION) AS cap
  FROM accounts_meterreading r JOIN accounts_electricityaccount a ON a.id = r.account_id
  WHERE r.period = %(period)s AND a.status = 'active'
),
stats AS (
  SELECT c.account_id, c.kwh, c.share, c.grid_id, c.cap, m.med, m.share_med,
         CASE WHEN c.kwh > m.med * (1 + %(spike_z)s * %(spike_floor)s) THEN
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(x - m.med)) FROM unnest(m.kwhs) x) END AS mad,
         CAST(ly.total_kwh AS DOUBLE PRECISION) AS ly,
         CASE WHEN m.med > 0 THEN c.kwh / m.med END AS ratio
  FROM cur c JOIN med m ON m.account_id = c.account_id
  LEFT JOIN accounts_meterreading ly ON ly.account_id = c.account_id AND ly.period = %(last_year)s
),
grid AS (
  SELECT grid_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY ratio) AS grid_ratio
  FROM stats WHERE ratio IS NOT NULL GROUP BY grid_id
),
s AS (SELECT stats.*, grid.grid_ratio FROM stats LEFT JOIN grid ON grid.grid_id = stats.grid_id)
"""


def _rules(obj: str) -> str:
    """The rules as one UNION ALL of (account, rule, figures); `obj` is the JSON object function's name."""

    def fig(*pairs: tuple[str, str]) -> str:
        return f"{obj}(" + ", ".join(f"'{key}', ROUND(CAST({expr} AS NUMERIC), 3)" for key, expr in pairs) + ")"

    base = (("kwh", "s.kwh"), ("median", "s.med"))
    spread = "CASE WHEN 1.4826 * s.mad > %(spike_floor)s * s.med THEN 1.4826 * s.mad ELSE %(spike_floor)s * s.med END"
    return f"""
SELECT s.account_id, 'near_zero' AS rule, {fig(*base)} AS figures FROM s
  WHERE s.kwh <= %(near_zero_kwh)s AND s.med >= %(min_prior_kwh)s
UNION ALL
SELECT s.account_id, 'drop', {fig(*base, ("last_year", "s.ly"), ("grid_ratio", "s.grid_ratio"))} FROM s
  WHERE s.kwh > %(near_zero_kwh)s AND s.med >= %(min_prior_kwh)s AND s.kwh < %(drop_ratio)s * s.med
    AND (s.ly IS NULL OR s.kwh < %(drop_ratio)s * s.ly) AND s.grid_ratio >= %(grid_floor)s
UNION ALL
SELECT s.account_id, 'spike', {fig(*base, ("mad", "s.mad"), ("grid_ratio", "s.grid_ratio"))} FROM s
  WHERE s.med >= %(min_prior_kwh)s AND s.kwh - s.med > %(spike_z)s * ({spread})
    AND s.ratio > %(spike_ratio)s * s.grid_ratio
UNION ALL
SELECT s.account_id, 'tou_shift', {fig(*base, ("share", "s.share"), ("share_median", "s.share_med"))} FROM s
  WHERE s.share IS NOT NULL AND s.share_med IS NOT NULL AND s.med >= %(min_prior_kwh)s
    AND ABS(s.share - s.share_med) > %(tou_delta)s
UNION ALL
SELECT s.account_id, 'over_capacity', {fig(*base, ("limit", "s.cap * %(capacity_hours)s * %(capacity_factor)s"))}
  FROM s WHERE s.cap > 0 AND s.kwh > s.cap * %(capacity_hours)s * %(capacity_factor)s
"""


def scan_sql(vendor: str) -> str:
    """The whole scan as one INSERT … SELECT of the flags not already there."""
    columns = "(account_id, period, rule, figures, status, flagged_at, reason)"
    select = f"SELECT f.account_id, %(period)s, f.rule, f.figures, 'open', %(now)s, '' FROM ({_rules('{obj}')}) f"
    if vendor == "postgresql":
        select = select.replace("{obj}", "json_build_object")
        return f"{STATS_POSTGRESQL} INSERT INTO inspections_anomalyflag {columns} {select} ON CONFLICT DO NOTHING"
    select = select.replace("{obj}", "json_object")
    return f"{STATS} INSERT OR IGNORE INTO inspections_anomalyflag {columns} {select}"


def scan(period: date) -> int:
    """Flag the anomalies of the month starting `period`; return how many new flags were written."""
    params = dict(settings.INSPECTIONS_ANOMALY) | {
        "period": period,
        "hist_from": _month(period, 12),
        "last_year": _month(period, 12),
        "now": timezone.now(),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A task, not a request: the web's 30 s statement limit (settings.DATABASE_STATEMENT_TIMEOUT) would
            # cancel the city's scan; memory enough to sort an account's months without spilling to disk.
            cursor.execute("SET LOCAL statement_timeout = '15min'")
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(scan_sql(connection.vendor), params)
        if cursor.rowcount >= 0:
            return cursor.rowcount
        cursor.execute("SELECT changes()")  # SQLite reports no row count for an INSERT led by WITH
        return cursor.fetchone()[0]


def month_before(month: date) -> date:
    return _month(month, 1)


def last_read_month(today: date | None = None) -> date:
    """The month the beat scans: the last complete month (readings of a month are in a few days after it)."""
    return _month(today or timezone.localdate(), 1)


def precision() -> list[dict[str, object]]:
    """Per rule: flags, flags inspected (completed), and of those how many had a finding; one query."""
    rows = (
        AnomalyFlag.objects.values("rule")
        .annotate(
            flagged=Count("pk"),
            inspected=Count("pk", filter=Q(inspection__completed_at__isnull=False)),
            found=Count("pk", filter=Q(inspection__completed_at__isnull=False, inspection__has_findings=True)),
        )
        .order_by("rule")
    )
    labels = dict(Rule.choices)
    return [
        row | {"label": labels.get(row["rule"], row["rule"]), "precision": _share(row["found"], row["inspected"])}
        for row in rows
    ]


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
