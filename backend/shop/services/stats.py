"""Statistics for the admin (S1): cancellations and refunds, grouped the ways a merchant asks.

Each report is one SQL aggregation over a "facts" subquery (one row per cancelled order or per
refund, with its reason, stage, operator, customer group...), so it runs in the database on SQLite
and PostgreSQL alike. Days are Asia/Shanghai days; weeks (ISO, from Monday) and months are rolled
up from days in Python, which keeps the SQL portable.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import BigInteger, Date, and_, case, cast, delete, func, insert, literal_column, select
from sqlalchemy.orm import aliased

from ..db import (AfterSale, Category, Order, OrderEvent, OrderLine, Product, Refund, Shopper, StatsDaily, StatsDay,
                  StockLedger)
from ..domain import clock
from ..domain.errors import DomainError, ErrorCode
from ..domain.policy import MERCHANT_CANCEL_REASONS, SHOPPER_CANCEL_REASONS
from ..extensions import db
from .uow import transaction

TIME_GROUPS = ("day", "week", "month")
GROUPS = TIME_GROUPS + ("reason", "stage", "category", "customer_group", "member_level", "operator")

STAGE_LABELS = {"before_payment": "付款前", "after_payment": "付款后（未受理）", "after_acceptance": "受理后",
                "after_sales": "售后"}
CUSTOMER_GROUP_LABELS = {"new": "新客", "returning": "老客"}
REFUND_SOURCE_LABELS = {"cancel": "取消订单", "after_sale": "售后", "modify": "改单退差价",
                        "late_payment": "关单后到账自动退款", "manual": "手工退款"}
NO_REASON = "未注明（含超时关闭）"
STOCK_RETURN_KINDS = ("release", "return")
MAX_DAYS = 731


# ---- periods ------------------------------------------------------------------------------------


def period(start: date | None, end: date | None, default_days: int = 30) -> tuple[date, date]:
    """Inclusive Shanghai dates; default: the last `default_days` days up to today."""
    today = clock.to_shanghai(clock.now()).date()
    end = end or today
    start = start or end - timedelta(days=default_days - 1)
    if start > end:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "开始日期不能晚于结束日期", {"from": "开始日期不能晚于结束日期"})
    if (end - start).days >= MAX_DAYS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "统计区间最长两年", {"from": "统计区间最长两年"})
    return start, end


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in Shanghai, as UTC datetimes."""
    first = datetime.combine(start, time.min, tzinfo=clock.SHANGHAI).astimezone(timezone.utc)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=clock.SHANGHAI).astimezone(timezone.utc)
    return first, after


def _local_day(column):
    """The Shanghai calendar day of a stored (naive UTC) timestamp. China has no daylight saving."""
    if db.engine.dialect.name == "sqlite":
        return func.date(column, "+8 hours")
    return cast(column + literal_column("INTERVAL '8 hours'"), Date)


def _day_key(value) -> str:
    return str(value)[:10]


def _bucket(day_key: str, group_by: str) -> str:
    day = date.fromisoformat(day_key)
    if group_by == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    if group_by == "month":
        return day.strftime("%Y-%m")
    return day_key


def _buckets(start: date, end: date, group_by: str) -> list[str]:
    keys: list[str] = []
    day = start
    while day <= end:
        key = _bucket(day.isoformat(), group_by)
        if not keys or keys[-1] != key:
            keys.append(key)
        day += timedelta(days=1)
    return keys


def _time_label(key: str, group_by: str) -> str:
    if group_by == "week":
        return f"{key} 起一周"
    if group_by == "month":
        year, month = key.split("-")
        return f"{year}年{int(month)}月"
    return key


# ---- facts --------------------------------------------------------------------------------------


def _returning_shopper(order_table):
    """A returning customer had a paid order placed before this one."""
    earlier = aliased(Order)
    return case((select(earlier.id).where(earlier.shopper_id == order_table.shopper_id, earlier.paid_at.is_not(None),
                                          earlier.created_at < order_table.created_at).exists(), "returning"),
                else_="new")


def _member_level(order_table):
    """The shopper's member level, as a column of its own: a report not grouped by it does not read the
    shoppers at all (PostgreSQL drops an unused subquery column; a join would be read for every fact)."""
    return select(Shopper.member_level).where(Shopper.id == order_table.shopper_id).scalar_subquery()


def _cancellation_facts(first: datetime, after: datetime):
    operator = (select(case((OrderEvent.actor_type == "staff", OrderEvent.actor_name),
                            (OrderEvent.actor_type == "shopper", "顾客"), else_="系统"))
                .where(OrderEvent.order_id == Order.id, OrderEvent.to_status == "cancelled")
                .order_by(OrderEvent.id).limit(1).scalar_subquery())
    stock = (select(func.coalesce(func.sum(StockLedger.change), 0))
             .where(StockLedger.order_id == Order.id, StockLedger.kind.in_(STOCK_RETURN_KINDS)).scalar_subquery())
    stage = case((Order.paid_at.is_(None), "before_payment"), (Order.accepted_at.is_(None), "after_payment"),
                 else_="after_acceptance")
    return (select(Order.id.label("fact_id"), Order.id.label("order_id"), Order.cancelled_at.label("at"),
                   Order.total_fen.label("amount_fen"), Order.paid_fen.label("paid_fen"),
                   func.coalesce(Order.cancel_reason_code, "").label("reason"), stage.label("stage"),
                   func.coalesce(operator, "系统").label("operator"),
                   _returning_shopper(Order).label("customer_group"), _member_level(Order).label("member_level"),
                   stock.label("stock_returned"))
            .where(Order.status == "cancelled", Order.cancelled_at >= first, Order.cancelled_at < after)
            .subquery())


def _refund_facts(first: datetime, after: datetime):
    stage = case((AfterSale.id.is_not(None) | (Refund.source == "after_sale"), "after_sales"),
                 (and_(Order.accepted_at.is_not(None), Order.accepted_at <= Refund.created_at), "after_acceptance"),
                 else_="after_payment")
    reason = func.coalesce(AfterSale.reason_code, Order.cancel_reason_code, Refund.source)
    return (select(Refund.id.label("fact_id"), Refund.order_id.label("order_id"), Refund.created_at.label("at"),
                   Refund.amount_fen.label("amount_fen"),
                   case((Refund.status == "succeeded", Refund.amount_fen), else_=0).label("succeeded_fen"),
                   case((Refund.status == "abnormal", 1), else_=0).label("abnormal"),
                   reason.label("reason"), stage.label("stage"), Refund.created_by.label("operator"),
                   _returning_shopper(Order).label("customer_group"), _member_level(Order).label("member_level"))
            .join(Order, Order.id == Refund.order_id)
            .outerjoin(AfterSale, AfterSale.refund_id == Refund.id)
            .where(Refund.created_at >= first, Refund.created_at < after)
            .subquery())


REPORTS = {
    # report -> (facts builder, measures: name -> aggregate over the facts subquery)
    "cancellations": (_cancellation_facts, {
        "count": lambda f: func.count(f.c.fact_id),
        "amount_fen": lambda f: func.coalesce(func.sum(f.c.amount_fen), 0),
        "paid_fen": lambda f: func.coalesce(func.sum(f.c.paid_fen), 0),
        "stock_returned": lambda f: func.coalesce(func.sum(f.c.stock_returned), 0),
    }),
    "refunds": (_refund_facts, {
        "count": lambda f: func.count(f.c.fact_id),
        "amount_fen": lambda f: func.coalesce(func.sum(f.c.amount_fen), 0),
        "succeeded_fen": lambda f: func.coalesce(func.sum(f.c.succeeded_fen), 0),
        "abnormal": lambda f: func.coalesce(func.sum(f.c.abnormal), 0),
    }),
}


GROUPING_ONLY = ("reason", "stage", "operator", "customer_group", "member_level")


def _grouped(facts, measures: dict, group_by: str, *, by_day: bool = False) -> dict:
    """Aggregate facts by the grouping: {name: {measure: n}}, or {(day, name): ...} with by_day."""
    if group_by == "category":
        facts = _category_pairs(facts, by_day=by_day)
        key = facts.c.category_id
    elif group_by in TIME_GROUPS:
        key = _local_day(facts.c.at)
    else:
        key = facts.c[group_by]
    keys = [_local_day(facts.c.at), key] if by_day else [key]
    last = f"k{len(keys) - 1}"
    query = select(*[k.label(f"k{i}") for i, k in enumerate(keys)],
                   *[agg(facts).label(name) for name, agg in measures.items()]).group_by(*keys)
    if group_by == "category":
        query = _category_names(query, last)
    result: dict = {}
    for row in db.session.execute(query).mappings():
        raw = row[last]
        name = _bucket(_day_key(raw), group_by) if group_by in TIME_GROUPS else ("" if raw is None else str(raw))
        _add(result, (_day_key(row["k0"]), name) if by_day else name, row, measures)
    return result


def _category_pairs(facts, *, by_day: bool = False):
    """One row per fact and category it touches: a fact touching several categories counts once in each.
    Only the columns the measures need go through the DISTINCT (the moment too with by_day), so the
    grouping-only ones (operator, customer group...) are not computed at all; categories by id, their
    names joined once per category after grouping (_category_names), not once per fact."""
    unneeded = GROUPING_ONLY + ("order_id",) + (() if by_day else ("at",))
    return (select(*[c for c in facts.c if c.name not in unneeded], Product.category_id.label("category_id"))
            .join(OrderLine, OrderLine.order_id == facts.c.order_id).join(Product, Product.id == OrderLine.product_id)
            .distinct().subquery())


def _category_names(query, column: str):
    """`query` grouped by category id in `column`, with the category's name in that column instead."""
    grouped = query.subquery()
    return (select(*[Category.name.label(column) if c.name == column else c for c in grouped.c])
            .select_from(grouped).join(Category, Category.id == grouped.c[column]))


def _by_category_with_totals(facts, measures: dict) -> tuple[dict, dict]:
    """({category: {measure: n}}, totals) in one pass over the facts: the totals count each fact once, from
    its first category's row (row_number over the fact's rows), so they need no second reading of the facts."""
    pairs = _category_pairs(facts)
    ranked = select(pairs, func.row_number().over(partition_by=pairs.c.fact_id, order_by=pairs.c.category_id)
                    .label("rank")).subquery()
    # The measures over the first row of each fact only (NULL elsewhere: count and sum skip it).
    first = SimpleNamespace(c=SimpleNamespace(**{c.name: case((ranked.c.rank == 1, c)) for c in ranked.c}))
    query = _category_names(select(ranked.c.category_id.label("k"),
                                   *[agg(ranked).label(name) for name, agg in measures.items()],
                                   *[agg(first).label(f"once_{name}") for name, agg in measures.items()])
                            .group_by(ranked.c.category_id), "k")
    grouped: dict = {}
    totals = {m: 0 for m in measures}
    for row in db.session.execute(query).mappings():
        _add(grouped, "" if row["k"] is None else str(row["k"]), row, measures)
        _accumulate(totals, {m: row[f"once_{m}"] for m in measures}, measures)
    return grouped, totals


def _add(into: dict, key, values, measures) -> None:
    _accumulate(into.setdefault(key, {m: 0 for m in measures}), values, measures)


def _accumulate(target: dict, values, measures) -> None:
    for m in measures:
        target[m] += int(values.get(m) or 0)


def _per_day(first: datetime, after: datetime, column, measures: dict, *where) -> dict[str, dict]:
    """{day: {measure: n}} of one aggregation over [first, after), days taken from `column`."""
    day = _local_day(column)
    rows = db.session.execute(select(day.label("day"), *[agg.label(name) for name, agg in measures.items()])
                              .where(column >= first, column < after, *where).group_by(day)).mappings()
    return {_day_key(row["day"]): {name: int(row[name] or 0) for name in measures} for row in rows}


def _summary_by_day(first: datetime, after: datetime, wanted=None) -> dict[str, dict]:
    """The dashboard figures (S1) of each day in [first, after), each on its own moment (placed, paid,
    cancelled, refunded, stock returned); `wanted`: only the parts with these measures."""
    parts = [
        (Order.created_at, {"orders": func.count(Order.id)}, ()),
        (Order.paid_at, {"paid_orders": func.count(Order.id), "paid_fen": func.coalesce(func.sum(Order.paid_fen), 0)},
         ()),
        (Order.cancelled_at, {"cancellations": func.count(Order.id)}, (Order.status == "cancelled",)),
        (Refund.created_at, {"refunds": func.count(Refund.id), "refund_fen": func.coalesce(func.sum(Refund.amount_fen), 0),
                             "refunded_fen": func.coalesce(func.sum(
                                 case((Refund.status == "succeeded", Refund.amount_fen), else_=0)), 0)}, ()),
        (StockLedger.created_at, {"stock_returned": func.coalesce(func.sum(StockLedger.change), 0)},
         (StockLedger.kind.in_(STOCK_RETURN_KINDS),)),
    ]
    days: dict[str, dict] = {}
    for column, measures, where in parts:
        if wanted is not None and wanted.isdisjoint(measures):
            continue
        for day, values in _per_day(first, after, column, measures, *where).items():
            days.setdefault(day, {name: 0 for name in SUMMARY_MEASURES}).update(values)
    return days


SUMMARY_MEASURES = ("orders", "paid_orders", "paid_fen", "cancellations", "refunds", "refund_fen", "refunded_fen",
                    "stock_returned")


# ---- daily rollups ------------------------------------------------------------------------------
#
# A day's figures are stored per report and grouping (db/stats.py) up to a moment, its `built_at`: a
# closed day up to its end, today up to a minute or so ago. A report over a period sums the stored rows
# in SQL (a few rows per grouping key, however many orders the days hold) and computes from the orders
# only what lies after each day's `built_at`: the last minute or two of today, and days not built yet.
# Two jobs keep them up to date as orders change: `refresh_stats_today` (every minute: today, and
# yesterday until it is stored to its end) and `rebuild_stats_rollups` (hourly: the last RECENT_DAYS
# closed days, so what changes after the day, a refund settling or failing, is in the figures within the
# hour, and any day not stored yet).

RECENT_DAYS = 35
ROLLUP_GROUPS = ("day", "reason", "stage", "category", "customer_group", "member_level", "operator")
# Today is stored up to this long ago: a transaction still open then (its facts stamped a moment before
# its commit) is read from the orders rather than missed.
SETTLE_SECONDS = 30


class _Period:
    """A report period split into stored figures (summed in SQL) and live [first, after) ranges."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        built = dict(db.session.execute(select(StatsDay.day, StatsDay.built_at).where(
            StatsDay.day >= start, StatsDay.day <= end)).all())
        self.any_built = bool(built)
        self.live: list[tuple[datetime, datetime]] = []
        day = start
        while day <= end:
            first, after = utc_bounds(day, day)
            through = built.get(day)
            if through is None or through < after:
                first = first if through is None else max(first, through)
                if self.live and self.live[-1][1] == first:
                    first = self.live.pop()[0]
                self.live.append((first, after))
            day += timedelta(days=1)

    def stored(self, report: str, group_by: str, measures, *, by_day: bool = False) -> list[tuple[str, dict]]:
        """[(key, {measure: n})] of the stored rows: one per day with by_day (a day has one row per report
        there), else summed per key in SQL (a few rows, however many days: by category a year is 2,000
        stored rows)."""
        if not self.any_built:
            return []
        where = (StatsDaily.report == report, StatsDaily.group_by == group_by, StatsDaily.day >= self.start,
                 StatsDaily.day <= self.end)
        if by_day:
            return [(day.isoformat(), {m: int(values.get(m) or 0) for m in measures}) for day, values in
                    db.session.execute(select(StatsDaily.day, StatsDaily.measures).where(*where))]
        sums = [func.coalesce(func.sum(cast(StatsDaily.measures[m].as_string(), BigInteger)), 0).label(m)
                for m in measures]
        rows = db.session.execute(select(StatsDaily.key.label("k"), *sums).where(*where).group_by(StatsDaily.key))
        return [(row.k, {m: int(row._mapping[m] or 0) for m in measures}) for row in rows]


def _period_grouped(period_: _Period, name: str, group_by: str) -> dict[str, dict]:
    build, measures = REPORTS[name]
    result: dict[str, dict] = {}
    if group_by in TIME_GROUPS:
        for day, values in period_.stored(name, "day", measures, by_day=True):
            _add(result, _bucket(day, group_by), values, measures)
    else:
        for key, values in period_.stored(name, group_by, measures):
            _add(result, key, values, measures)
    for first, after in period_.live:
        for key, values in _grouped(build(first, after), measures, group_by).items():
            _add(result, key, values, measures)
    return result


def _period_by_category(period_: _Period, name: str) -> tuple[dict[str, dict], dict]:
    """By category, and the totals counting each fact once (a fact can sit in several categories): the
    stored totals from the stage rows (one stage per fact), the live ones from the categories' own pass."""
    build, measures = REPORTS[name]
    result: dict[str, dict] = {}
    totals = {m: 0 for m in measures}
    for key, values in period_.stored(name, "category", measures):
        _add(result, key, values, measures)
    for _, values in period_.stored(name, "stage", measures):
        _accumulate(totals, values, measures)
    for first, after in period_.live:
        grouped, live_totals = _by_category_with_totals(build(first, after), measures)
        for key, values in grouped.items():
            _add(result, key, values, measures)
        _accumulate(totals, live_totals, measures)
    return result, totals


def _period_days(period_: _Period, wanted=None) -> dict[str, dict]:
    """The summary figures of each day of the period (`wanted`: at least these measures)."""
    measures = SUMMARY_MEASURES if wanted is None else tuple(m for m in SUMMARY_MEASURES if m in wanted)
    days = {day: {m: 0 for m in SUMMARY_MEASURES} | values
            for day, values in period_.stored("summary", "day", measures, by_day=True)}
    for first, after in period_.live:
        for day, values in _summary_by_day(first, after, wanted).items():
            target = days.setdefault(day, {m: 0 for m in SUMMARY_MEASURES})
            for m in SUMMARY_MEASURES:
                target[m] += int(values.get(m) or 0)
    return days


def _first_missing_day(end: date) -> date | None:
    """The first day from the first order up to `end` that has no stored figures."""
    first_order = db.session.scalar(select(func.min(Order.created_at)))
    if first_order is None:
        return None
    day = clock.to_shanghai(first_order).date()
    built = set(db.session.scalars(select(StatsDay.day).where(StatsDay.day >= day, StatsDay.day <= end)))
    while day <= end:
        if day not in built:
            return day
        day += timedelta(days=1)
    return None


def rebuild_rollups(start: date | None = None, end: date | None = None) -> int:
    """Store the figures of the days [start, end], today up to SETTLE_SECONDS ago. Default: the last
    RECENT_DAYS closed days, today, and any earlier day not stored yet (all of them the first time).
    Returns the number of days stored."""
    now = clock.now()
    through = now - timedelta(seconds=SETTLE_SECONDS)
    today = clock.to_shanghai(now).date()
    end = min(end or today, today)
    if start is None:
        start = today - timedelta(days=RECENT_DAYS)
        missing = _first_missing_day(end)
        if missing is not None:
            start = min(start, missing)
    if start > end:
        return 0
    first, after = utc_bounds(start, end)
    after = max(first, min(after, through))
    rows = []
    for name, (build, measures) in REPORTS.items():
        for group_by in ROLLUP_GROUPS:
            for (day, key), values in _grouped(build(first, after), measures, group_by, by_day=True).items():
                rows.append({"day": date.fromisoformat(day), "report": name, "group_by": group_by, "key": key[:64],
                             "measures": values})
    for day, values in _summary_by_day(first, after).items():
        rows.append({"day": date.fromisoformat(day), "report": "summary", "group_by": "day", "key": day,
                     "measures": values})
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    with transaction():
        db.session.execute(delete(StatsDaily).where(StatsDaily.day >= start, StatsDaily.day <= end))
        db.session.execute(delete(StatsDay).where(StatsDay.day >= start, StatsDay.day <= end))
        if rows:
            db.session.execute(insert(StatsDaily), rows)
        # built_at: the moment the stored figures reach (facts before it are in them, later ones are live).
        db.session.execute(insert(StatsDay), [{"day": day, "built_at": min(utc_bounds(day, day)[1], after)}
                                              for day in days])
    return len(days)


def rebuild_closed_days() -> int:
    """The hourly job: the last RECENT_DAYS closed days and any earlier day not stored yet."""
    return rebuild_rollups(end=clock.to_shanghai(clock.now()).date() - timedelta(days=1))


def refresh_today() -> int:
    """Today's figures up to a moment ago, and yesterday's while they do not reach its end (the minute job)."""
    today = clock.to_shanghai(clock.now()).date()
    yesterday = today - timedelta(days=1)
    built = db.session.scalar(select(StatsDay.built_at).where(StatsDay.day == yesterday))
    complete = built is not None and built >= utc_bounds(yesterday, yesterday)[1]
    return rebuild_rollups(today if complete else yesterday, today)


def _label(group_by: str, key: str, report: str) -> str:
    if group_by in TIME_GROUPS:
        return _time_label(key, group_by)
    if group_by == "stage":
        return STAGE_LABELS.get(key, key)
    if group_by == "customer_group":
        return CUSTOMER_GROUP_LABELS.get(key, key)
    if group_by == "member_level":
        return "普通会员" if key in ("0", "") else f"会员 V{key}"
    if group_by == "reason":
        labels = {**REFUND_SOURCE_LABELS, **MERCHANT_CANCEL_REASONS, **SHOPPER_CANCEL_REASONS, **_policy_reasons()}
        return labels.get(key) or NO_REASON
    return key or "未知"


def _policy_reasons() -> dict:
    from .settings import current_policy
    policy = current_policy()
    return {**policy.merchant_cancel_reasons, **policy.shopper_cancel_reasons}


def report(name: str, group_by: str, start: date | None = None, end: date | None = None) -> dict:
    """One S1 report: rows with key, label and measures, plus totals; cancellations add a cancel rate."""
    if name not in REPORTS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "不支持的报表", {"report": "不支持的报表"})
    if group_by not in GROUPS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "不支持的分组方式", {"group_by": "不支持的分组方式"})
    start, end = period(start, end)
    span = _Period(start, end)
    _, measures = REPORTS[name]
    if group_by == "category":  # a fact can sit in several categories; the totals count each fact once
        grouped, category_totals = _period_by_category(span, name)
    else:
        grouped = _period_grouped(span, name, group_by)
    keys = _buckets(start, end, group_by) if group_by in TIME_GROUPS else sorted(
        grouped, key=lambda k: (-grouped[k]["count"], k))
    rows = [{"key": key, "label": _label(group_by, key, name), **grouped.get(key, {m: 0 for m in measures})}
            for key in keys]
    totals = category_totals if group_by == "category" else {m: sum(row[m] for row in rows) for m in measures}
    if name == "cancellations":
        placed: dict[str, int] = {}
        for day, values in _period_days(span, {"orders"}).items():
            key = _bucket(day, group_by) if group_by in TIME_GROUPS else ""
            placed[key] = placed.get(key, 0) + values.get("orders", 0)
        total_placed = sum(placed.values())
        for row in rows:
            base = placed.get(row["key"], 0) if group_by in TIME_GROUPS else total_placed
            row["orders"] = base
            row["cancel_rate"] = round(row["count"] / base, 4) if base else None
        totals["orders"] = total_placed
        totals["cancel_rate"] = round(totals["count"] / total_placed, 4) if total_placed else None
    return {"report": name, "group_by": group_by, "from": start.isoformat(), "to": end.isoformat(),
            "rows": rows, "totals": totals}


def summary(start: date | None = None, end: date | None = None) -> dict:
    """The dashboard figures for a period: orders, cancellations, cancel rate, refunds, stock returned."""
    start, end = period(start, end)
    figures = {name: 0 for name in SUMMARY_MEASURES}
    for values in _period_days(_Period(start, end)).values():
        for name in SUMMARY_MEASURES:
            figures[name] += int(values.get(name) or 0)
    abnormal = db.session.scalar(select(func.count(Refund.id)).where(Refund.status == "abnormal")) or 0
    placed, cancellations = figures["orders"], figures["cancellations"]
    return {"from": start.isoformat(), "to": end.isoformat(), **figures,
            "cancel_rate": round(cancellations / placed, 4) if placed else None, "abnormal_refunds": abnormal}


def today() -> dict:
    """Today's counts for the workbench (工作台)."""
    day = clock.to_shanghai(clock.now()).date()
    figures = summary(day, day)
    return {"orders": figures["orders"], "cancellations": figures["cancellations"], "refunds": figures["refunds"],
            "refund_fen": figures["refund_fen"]}


CSV_COLUMNS = {
    # measure -> Chinese header; amounts are exported in yuan
    "count": "数量", "orders": "下单数", "cancel_rate": "取消率", "amount_fen": "订单金额（元）",
    "paid_fen": "已付金额（元）", "stock_returned": "退回库存（件）", "succeeded_fen": "已退款金额（元）",
    "abnormal": "异常退款数",
}
