"""Statistics for the admin (S1): cancellations and refunds, grouped the ways a merchant asks.

Each report is one SQL aggregation over a "facts" subquery (one row per cancelled order or per
refund, with its reason, stage, operator, customer group...), so it runs in the database on SQLite
and PostgreSQL alike. Days are Asia/Shanghai days; weeks (ISO, from Monday) and months are rolled
up from days in Python, which keeps the SQL portable.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Date, and_, case, cast, func, literal_column, select
from sqlalchemy.orm import aliased

from ..db import AfterSale, Category, Order, OrderEvent, OrderLine, Product, Refund, Shopper, StockLedger
from ..domain import clock
from ..domain.errors import DomainError, ErrorCode
from ..domain.policy import MERCHANT_CANCEL_REASONS, SHOPPER_CANCEL_REASONS
from ..extensions import db

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
                   _returning_shopper(Order).label("customer_group"), Shopper.member_level.label("member_level"),
                   stock.label("stock_returned"))
            .join(Shopper, Shopper.id == Order.shopper_id)
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
                   _returning_shopper(Order).label("customer_group"), Shopper.member_level.label("member_level"))
            .join(Order, Order.id == Refund.order_id).join(Shopper, Shopper.id == Order.shopper_id)
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


def _grouped(facts, measures: dict, group_by: str) -> dict[str, dict]:
    if group_by == "category":
        # A fact touching several categories counts once in each of them.
        pairs = (select(*facts.c, Category.name.label("category"))
                 .join(OrderLine, OrderLine.order_id == facts.c.order_id)
                 .join(Product, Product.id == OrderLine.product_id).join(Category, Category.id == Product.category_id)
                 .distinct().subquery())
        facts, key = pairs, pairs.c.category
    elif group_by in TIME_GROUPS:
        key = _local_day(facts.c.at)
    else:
        key = facts.c[group_by]
    query = select(key.label("key"), *[agg(facts).label(name) for name, agg in measures.items()]).group_by(key)
    result: dict[str, dict] = {}
    for row in db.session.execute(query).mappings():
        raw = row["key"]
        name = _bucket(_day_key(raw), group_by) if group_by in TIME_GROUPS else ("" if raw is None else str(raw))
        into = result.setdefault(name, {m: 0 for m in measures})
        for m in measures:
            into[m] += int(row[m] or 0)
    return result


def _orders_placed(first: datetime, after: datetime, group_by: str | None) -> dict[str, int] | int:
    where = (Order.created_at >= first, Order.created_at < after)
    if group_by not in TIME_GROUPS:
        return db.session.scalar(select(func.count(Order.id)).where(*where)) or 0
    day = _local_day(Order.created_at)
    placed: dict[str, int] = {}
    for raw, n in db.session.execute(select(day, func.count(Order.id)).where(*where).group_by(day)):
        key = _bucket(_day_key(raw), group_by)
        placed[key] = placed.get(key, 0) + n
    return placed


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
    first, after = utc_bounds(start, end)
    build, measures = REPORTS[name]
    grouped = _grouped(build(first, after), measures, group_by)
    keys = _buckets(start, end, group_by) if group_by in TIME_GROUPS else sorted(
        grouped, key=lambda k: (-grouped[k]["count"], k))
    rows = [{"key": key, "label": _label(group_by, key, name), **grouped.get(key, {m: 0 for m in measures})}
            for key in keys]
    totals = {m: sum(row[m] for row in rows) for m in measures}
    if group_by == "category":  # a fact can sit in several categories; count each fact once
        totals = _grouped(build(first, after), measures, "stage")
        totals = {m: sum(v[m] for v in totals.values()) for m in measures}
    if name == "cancellations":
        placed = _orders_placed(first, after, group_by)
        total_placed = sum(placed.values()) if isinstance(placed, dict) else placed
        for row in rows:
            base = placed.get(row["key"], 0) if isinstance(placed, dict) else total_placed
            row["orders"] = base
            row["cancel_rate"] = round(row["count"] / base, 4) if base else None
        totals["orders"] = total_placed
        totals["cancel_rate"] = round(totals["count"] / total_placed, 4) if total_placed else None
    return {"report": name, "group_by": group_by, "from": start.isoformat(), "to": end.isoformat(),
            "rows": rows, "totals": totals}


def summary(start: date | None = None, end: date | None = None) -> dict:
    """The dashboard figures for a period: orders, cancellations, cancel rate, refunds, stock returned."""
    start, end = period(start, end)
    first, after = utc_bounds(start, end)
    placed = _orders_placed(first, after, None)
    paid_orders, paid_fen = db.session.execute(
        select(func.count(Order.id), func.coalesce(func.sum(Order.paid_fen), 0))
        .where(Order.paid_at >= first, Order.paid_at < after)).one()
    cancellations = db.session.scalar(select(func.count(Order.id)).where(
        Order.status == "cancelled", Order.cancelled_at >= first, Order.cancelled_at < after)) or 0
    refunds, refund_fen, refunded_fen = db.session.execute(
        select(func.count(Refund.id), func.coalesce(func.sum(Refund.amount_fen), 0),
               func.coalesce(func.sum(case((Refund.status == "succeeded", Refund.amount_fen), else_=0)), 0))
        .where(Refund.created_at >= first, Refund.created_at < after)).one()
    stock_returned = db.session.scalar(select(func.coalesce(func.sum(StockLedger.change), 0)).where(
        StockLedger.kind.in_(STOCK_RETURN_KINDS), StockLedger.created_at >= first,
        StockLedger.created_at < after)) or 0
    abnormal = db.session.scalar(select(func.count(Refund.id)).where(Refund.status == "abnormal")) or 0
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "orders": placed, "paid_orders": paid_orders, "paid_fen": int(paid_fen),
        "cancellations": cancellations, "cancel_rate": round(cancellations / placed, 4) if placed else None,
        "refunds": refunds, "refund_fen": int(refund_fen), "refunded_fen": int(refunded_fen),
        "stock_returned": int(stock_returned), "abnormal_refunds": abnormal,
    }


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
