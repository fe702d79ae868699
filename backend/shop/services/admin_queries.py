"""Read side of the admin: order search (Q2), refund ledger, SKU stock list.

Built to stay fast on a million orders in PostgreSQL: every filter is an equality or range on an
indexed column (or a semi-join through one), product names are matched on the small products
table first, and counts stop at COUNT_CAP.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import exists, false, func, literal, or_, select, union_all
from sqlalchemy.orm import selectinload

from ..db import Category, Order, OrderLine, Product, Refund, Shopper, Sku
from ..domain import clock
from ..domain.errors import DomainError, ErrorCode
from ..domain.modification import TEXT_FIELDS
from ..domain.orders import OrderFacts, OrderStatus
from ..extensions import db
from . import queries

# Counting every match of a broad filter over a million rows is the slow part of a list page;
# past this many the page says "10000+" instead.
COUNT_CAP = 10_000
EXPORT_MAX_ROWS = 100_000
EXPORT_CHUNK = 1000

ORDER_SORTS = {"created_at": Order.created_at, "total_fen": Order.total_fen, "paid_at": Order.paid_at}


@dataclass(frozen=True)
class OrderFilters:
    order_no: str | None = None
    shopper: str | None = None  # receiver or shopper name, or phone
    product: str | None = None
    status: str | None = None
    refund_status: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    amount_min_fen: int | None = None
    amount_max_fen: int | None = None
    shopper_id: int | None = None
    sort: str = "created_at"
    direction: str = "desc"


def _capped_count(query) -> tuple[int, bool]:
    limited = query.order_by(None).with_only_columns(Order.id).limit(COUNT_CAP + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(limited))
    return min(total, COUNT_CAP), total > COUNT_CAP


def _order_query(f: OrderFilters):
    query = select(Order)
    if f.order_no:
        query = query.where(Order.order_no == f.order_no.strip())
    if f.shopper:
        term = f.shopper.strip()
        # Look the shoppers up first so the database can OR three index lookups together.
        shopper_ids = list(db.session.scalars(select(Shopper.id).where(
            or_(Shopper.nickname == term, Shopper.phone == term)).limit(100)))
        matches = [Order.receiver_name == term, Order.receiver_phone == term]
        if shopper_ids:
            matches.append(Order.shopper_id.in_(shopper_ids))
        query = query.where(or_(*matches))
    if f.shopper_id:
        query = query.where(Order.shopper_id == f.shopper_id)
    if f.product:
        # The catalogue is small: find the products by name there (a product-id pre-filter: no text is
        # matched against the order lines), then the orders through the (product_id, order_id) index.
        product_ids = list(db.session.scalars(select(Product.id).where(
            Product.name.contains(f.product.strip(), autoescape=True)).limit(500)))
        query = query.where(_has_product(product_ids, _narrow(f)) if product_ids else false())
    if f.status:
        query = query.where(Order.status == f.status)
    if f.refund_status:
        query = query.where(Order.refund_status == f.refund_status)
    if f.created_from:
        query = query.where(Order.created_at >= f.created_from)
    if f.created_to:
        query = query.where(Order.created_at < f.created_to)
    if f.amount_min_fen is not None:
        query = query.where(Order.total_fen >= f.amount_min_fen)
    if f.amount_max_fen is not None:
        query = query.where(Order.total_fen <= f.amount_max_fen)
    return query


# A product filter beside a filter that leaves few orders (a shopper, an order number, at most this many
# days) probes each of those orders for the product; otherwise the product's lines lead.
NARROW_DAYS = 31


def _narrow(f: OrderFilters) -> bool:
    if f.order_no or f.shopper or f.shopper_id:
        return True
    if f.created_from is None:
        return False
    return (f.created_to or clock.now()) - f.created_from <= timedelta(days=NARROW_DAYS)


def _has_product(product_ids: list[int], narrow: bool):
    if narrow:
        # LIMIT 1 keeps this a probe per candidate order into the (product_id, order_id) index; as a plain
        # EXISTS PostgreSQL hashes every line of the product first (11,000 pages for a product in one
        # order of 36 at a million orders, against 20,000 index probes for a week of orders).
        return select(literal(1)).where(OrderLine.order_id == Order.id, OrderLine.product_id.in_(product_ids)) \
            .limit(1).scalar_subquery().is_not(None)
    return exists().where(OrderLine.order_id == Order.id, OrderLine.product_id.in_(product_ids))


def _ordered(query, f: OrderFilters):
    column = ORDER_SORTS.get(f.sort, Order.created_at)
    # Plain ASC/DESC on the NOT NULL columns so PostgreSQL walks their index either way; unpaid
    # orders (paid_at NULL) go last in both directions (ix_orders_paid_at and ix_orders_paid_at_desc).
    if f.direction == "asc":
        first = column.asc().nulls_last() if column is Order.paid_at else column.asc()
        return query.order_by(first, Order.id.asc())
    first = column.desc().nulls_last() if column is Order.paid_at else column.desc()
    return query.order_by(first, Order.id.desc())


def _status_counts(query) -> dict[str, tuple[int, bool]]:
    """Matches of `query` (every filter but the status) per status: {status: (count capped at COUNT_CAP, capped)}."""
    # One statement: a UNION ALL of one capped count per status, each a walk of its status index.
    base = query.with_only_columns(Order.id)
    parts = [select(literal(status.value).label("status"), select(func.count()).select_from(
        base.where(Order.status == status.value).limit(COUNT_CAP + 1).subquery()).scalar_subquery().label("n"))
             for status in OrderStatus]
    found = dict(db.session.execute(union_all(*parts)).all())
    return {status.value: (min(found.get(status.value, 0), COUNT_CAP), found.get(status.value, 0) > COUNT_CAP)
            for status in OrderStatus}


def _sampled_status_counts(query) -> dict[str, tuple[int, bool]]:
    """Matches of `query` per status among its first COUNT_CAP + 1 matches, in one statement: exact when
    fewer match (a rare product costs what it has), else each status's figure is a floor and capped (10000+
    in all). Eight capped counts would join the product's lines once per status."""
    sample = query.with_only_columns(Order.status).order_by(None).limit(COUNT_CAP + 1).subquery()
    found = dict(db.session.execute(select(sample.c.status, func.count()).group_by(sample.c.status)).all())
    full = sum(found.values()) > COUNT_CAP
    return {status.value: (min(found.get(status.value, 0), COUNT_CAP), full) for status in OrderStatus}


def count_orders(f: OrderFilters) -> tuple[int, bool]:
    """Matches, capped at COUNT_CAP, and whether the cap was hit."""
    return _capped_count(_order_query(f))


def search_orders(f: OrderFilters, page: int, per_page: int) -> tuple[list[tuple[Order, OrderFacts]], int, bool, dict]:
    """((order, facts) on the page, total matches capped at COUNT_CAP, whether the cap was hit, the counts per
    status as _status_counts gives them). The counts give the total, so the page costs no count of its own."""
    query = _order_query(replace(f, status=None))  # the shopper and product look-ups run once
    counts = _sampled_status_counts(query) if f.product else _status_counts(query)
    if f.status:
        query = query.where(Order.status == f.status)
        total, capped = counts[f.status]
        if capped and f.product:  # the page's own total, capped like any other
            total, capped = _capped_count(query)
    else:
        every = sum(n for n, _ in counts.values())
        total, capped = min(every, COUNT_CAP), every > COUNT_CAP or any(c for _, c in counts.values())
    rows = queries.with_facts(_ordered(query, f).limit(per_page).offset((page - 1) * per_page))
    return rows, total, capped, counts


def iter_order_chunks_for_export(f: OrderFilters) -> Iterator[list[Order]]:
    """Every matching order (up to EXPORT_MAX_ROWS) with its lines, a chunk at a time."""
    query = _ordered(_order_query(f), f).options(selectinload(Order.lines))
    for offset in range(0, EXPORT_MAX_ROWS, EXPORT_CHUNK):
        chunk = db.session.scalars(query.limit(min(EXPORT_CHUNK, EXPORT_MAX_ROWS - offset)).offset(offset)).all()
        yield chunk
        db.session.expunge_all()
        if len(chunk) < EXPORT_CHUNK:
            return


def shopper_names(shopper_ids: set[int]) -> dict[int, Shopper]:
    if not shopper_ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(Shopper).where(Shopper.id.in_(shopper_ids)))}


def add_reviewer_context(rows: list[dict]) -> list[dict]:
    """Beside each request row, what a reviewer weighs (R5, K1): the shopper with their risk flag and
    30-day metrics, the order's lines and logistics. One metrics computation per distinct shopper."""
    from . import risk  # risk reads settings through the service context; imported where used

    shoppers = shopper_names({row["shopper_id"] for row in rows})
    metrics = {shopper_id: risk.metrics(shopper_id) for shopper_id in shoppers}
    order_ids = {row["order_id"] for row in rows}
    lines: dict[int, list[dict]] = {}
    for line in db.session.scalars(select(OrderLine).where(OrderLine.order_id.in_(order_ids)).order_by(OrderLine.id)):
        lines.setdefault(line.order_id, []).append({"line_id": line.id, "product_name": line.product_name,
                                                    "sku_name": line.sku_name, "quantity": line.quantity})
    logistics = {order_id: (carrier, tracking_no) for order_id, carrier, tracking_no in db.session.execute(
        select(Order.id, Order.carrier, Order.tracking_no).where(Order.id.in_(order_ids)))}
    for row in rows:
        shopper = shoppers.get(row["shopper_id"])
        row["shopper"] = None if shopper is None else {
            "id": shopper.id, "nickname": shopper.nickname, "phone": shopper.phone,
            "risk_flagged": shopper.risk_flagged, "risk_reasons": shopper.risk_reasons or [],
            "allow_listed": shopper.risk_allow_listed, "metrics": metrics[shopper.id]}
        row["order_items"] = lines.get(row["order_id"], [])
        row["carrier"], row["tracking_no"] = logistics.get(row["order_id"], (None, None))
    return rows


def get_order(order_id: int, *, for_view: bool = False) -> Order:
    """`for_view`: with everything its JSON shows, fresh (queries.order_view)."""
    order = queries.order_view(order_id) if for_view else db.session.get(Order, order_id)
    if order is None:
        raise DomainError(ErrorCode.ORDER_NOT_FOUND)
    return order


def order_refunds(order_id: int) -> list[Refund]:
    return list(db.session.scalars(select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)))


def order_snapshot(order_id: int) -> dict | None:
    """What an audit row keeps of an order before and after a staff action."""
    order = db.session.get(Order, order_id)
    if order is None:
        return None
    return {"status": order.status, "refund_status": order.refund_status, "paid_fen": order.paid_fen,
            "refunded_fen": order.refunded_fen, "carrier": order.carrier, "tracking_no": order.tracking_no,
            "cancel_reason_code": order.cancel_reason_code}


def modification_snapshot(order_id: int) -> dict | None:
    """An order's audit snapshot plus what staff may modify (M1): receiver, address, remark, quantities."""
    snapshot = order_snapshot(order_id)
    if snapshot is None:
        return None
    order = db.session.get(Order, order_id)
    snapshot.update({name: getattr(order, name) for name in TEXT_FIELDS})
    snapshot["total_fen"] = order.total_fen
    snapshot["lines"] = [{"line_id": line.id, "quantity": line.quantity, "refunded_quantity": line.refunded_quantity}
                         for line in order.lines]
    return snapshot


# ---- refund ledger (R1) -----------------------------------------------------------------------


def search_refunds(*, status: str | None = None, order_no: str | None = None, start: datetime | None = None,
                   end: datetime | None = None, page: int = 1, per_page: int = 20):
    query = select(Refund, Order.order_no).join(Order, Order.id == Refund.order_id)
    if status:
        query = query.where(Refund.status == status)
    if order_no:
        query = query.where(Order.order_no == order_no.strip())
    if start:
        query = query.where(Refund.created_at >= start)
    if end:
        query = query.where(Refund.created_at < end)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.options(selectinload(Refund.attempt_log)).order_by(Refund.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return [(refund, no) for refund, no in rows], total


def get_refund(refund_id: int) -> tuple[Refund, str]:
    row = db.session.execute(select(Refund, Order.order_no).join(Order, Order.id == Refund.order_id)
                             .where(Refund.id == refund_id)).first()
    if row is None:
        raise DomainError(ErrorCode.REFUND_NOT_FOUND)
    return row[0], row[1]


def refund_snapshot(refund_id: int) -> dict | None:
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        return None
    return {"status": refund.status, "attempts": refund.attempts, "last_error_code": refund.last_error_code,
            "replaced_by_id": refund.replaced_by_id, "abnormal_route": refund.abnormal_route}


# ---- SKUs and stock (I1) ----------------------------------------------------------------------


def search_skus(*, q: str | None = None, category_id: int | None = None, low_stock: int | None = None,
                page: int = 1, per_page: int = 20):
    query = (select(Sku, Product.name, Category.name).join(Product, Product.id == Sku.product_id)
             .join(Category, Category.id == Product.category_id))
    if q and q.strip():
        term = q.strip()
        query = query.where(or_(Product.name.contains(term, autoescape=True), Sku.code == term))
    if category_id:
        query = query.where(Product.category_id == category_id)
    if low_stock is not None:
        query = query.where(Sku.stock <= low_stock)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.order_by(Sku.id).limit(per_page).offset((page - 1) * per_page)).all()
    return [{"id": sku.id, "code": sku.code, "name": sku.name, "product_id": sku.product_id,
             "product_name": product, "category": category, "price_fen": sku.price_fen, "stock": sku.stock}
            for sku, product, category in rows], total


def get_sku(sku_id: int) -> Sku:
    sku = db.session.get(Sku, sku_id)
    if sku is None:
        raise DomainError(ErrorCode.SKU_NOT_FOUND)
    return sku


def orders_to_ship_count() -> int:
    """The warehouse's to-do (待发货): paid orders, accepted or not, not yet shipped."""
    return db.session.scalar(select(func.count()).select_from(Order).where(
        Order.status.in_([OrderStatus.PAID.value, OrderStatus.ACCEPTED.value])))
