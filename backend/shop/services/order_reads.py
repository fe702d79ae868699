"""The shopper's order list and order page in Core rows (issue 13: the requests a mini-program sends most).

What the ORM list it replaced read in two statements (the tab counts, which give the total; the page
with its lines and the facts behind `actions`), three with a search, in one statement (two with a search):

- the statement also reads who is asking (services/auth.IDENTITY_COLUMNS, checked by
  auth.checked_identity before anything else is used): the request's identity costs no statement of
  its own, so the list is one statement and the order page one; the list's rows carry the tab counts
  beside it, as one text;
- each statement is built once per tab (bound parameters, SQLAlchemy's compiled cache hits at once)
  instead of once per request;
- rows come back as tuples from the driver's cursor (db/driver.DriverSelect: SQLAlchemy renders each
  statement once; no ORM identity map, no instrumented objects, no per-execution Core work). OrderRow/LineRow carry the columns as attributes with the few methods the presenters
  and the rules use, which are Order's and OrderLine's own (`facts`, `payable_fen`), so the JSON and
  the actions come from the same code as for ORM orders.
"""
from __future__ import annotations

from sqlalchemy import String, and_, bindparam, cast, exists, func, or_, select, true

from ..db import AfterSale, CancelFeedback, Order, OrderEvent, OrderLine, OrderRequest, Refund, Shopper
from ..db.driver import DriverSelect
from ..domain.errors import DomainError, ErrorCode
from ..domain.orders import OrderFacts, OrderStatus
from .auth import IDENTITY_COLUMNS, ShopperIdentity, checked_identity
from .queries import SHOPPER_TABS, _fact_columns, _facts
from .uow import read_connection

_orders = Order.__table__
_lines = OrderLine.__table__
_shoppers = Shopper.__table__
_WHO = len(IDENTITY_COLUMNS)  # a statement's first columns: the shopper asking
_ORDER_KEYS = tuple(c.key for c in _orders.c)
# The list reads only the order columns its JSON (presenters.order_summary) and the rules behind `actions`
# (Order.facts) use: 14 of 38, so each row (one per line) decodes less; the order page reads them all.
_LIST_KEYS = ("id", "order_no", "status", "refund_status", "total_fen", "paid_fen", "refunded_fen", "created_at",
              "paid_at", "accepted_at", "shipped_at", "completed_at", "delivered_at", "deleted_by_shopper_at")
_LINE_KEYS = tuple(c.key for c in _lines.c)
_FACTS = 4  # has_refunds, pending_kind, has_feedback, has_active_case (queries._fact_columns)
_STATEMENTS: dict[tuple, tuple] = {}


class OrderRow:
    """An order of the list as the presenters read it (attributes of the orders columns, `lines`)."""

    facts = Order.facts
    status_enum = Order.status_enum

    def __init__(self, values: dict):
        self.__dict__.update(values)
        self.lines: list[LineRow] = []


class LineRow:
    payable_fen = OrderLine.payable_fen

    def __init__(self, values: dict):
        self.__dict__.update(values)


class Row:
    """An event, refund, request, feedback or case of the order page: its columns as attributes."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


# A shopper's orders counted per (status, refund status), as one text the page's rows carry
# ("paid none 3,cancelled refunded 1"; NULL without orders): the tab counts cost no statement of their own.
_COUNTED = (select(_orders.c.status, _orders.c.refund_status, func.count().label("n"))
            .where(_orders.c.shopper_id == bindparam("shopper_id"), _orders.c.deleted_by_shopper_at.is_(None))
            .group_by(_orders.c.status, _orders.c.refund_status).subquery())
_COUNTS = select(func.aggregate_strings(
    _COUNTED.c.status + " " + _COUNTED.c.refund_status + " " + cast(_COUNTED.c.n, String), ",")).scalar_subquery()


def _statements(tab: str | None, searching: bool) -> tuple:
    """(the shopper asking with their counts and the page with its lines and facts, count of matches or None)
    for this tab, built once."""
    key = (tab if tab in SHOPPER_TABS else None, searching)
    if key not in _STATEMENTS:
        query = select(*[_orders.c[name] for name in _LIST_KEYS]).where(
            _orders.c.shopper_id == bindparam("shopper_id"), _orders.c.deleted_by_shopper_at.is_(None))
        if key[0]:
            query = query.where(SHOPPER_TABS[key[0]]())
        if searching:
            query = query.where(or_(
                _orders.c.order_no == bindparam("term"),
                exists().where(_lines.c.order_id == _orders.c.id, _lines.c.product_name.contains(bindparam("term"))),
            ))
        page = (query.add_columns(*_fact_columns())
                .order_by(_orders.c.created_at.desc(), _orders.c.id.desc())
                .limit(bindparam("limit")).offset(bindparam("offset")).subquery())
        # The shopper first (one row even without orders on the page), then each order of the page with its lines.
        with_lines = (select(*IDENTITY_COLUMNS, _COUNTS.label("counts"), page,
                             *[c.label(f"line_{c.key}") for c in _lines.c])
                      .select_from(_shoppers.outerjoin(page, true())
                                   .outerjoin(_lines, _lines.c.order_id == page.c.id))
                      .where(_shoppers.c.id == bindparam("shopper_id"))
                      .order_by(page.c.created_at.desc(), page.c.id.desc(), _lines.c.id))
        matches = select(func.count()).select_from(query.subquery()) if searching else None
        sample = {"shopper_id": 0, "limit": 10, "offset": 0, **({"term": ""} if searching else {})}
        _STATEMENTS[key] = (DriverSelect(with_lines, sample), DriverSelect(matches, sample) if searching else None)
    return _STATEMENTS[key]


def _tally(counted: str | None) -> dict[str, int]:
    """The counts per tab of the shopper's counts per (status, refund status) (_COUNTS' text)."""
    counts = {tab: 0 for tab in SHOPPER_TABS}
    counts["all"] = 0
    for group in counted.split(",") if counted else ():
        status, refund_status, n = group.split(" ")
        n = int(n)
        counts["all"] += n
        tab = "paid" if status == OrderStatus.ACCEPTED.value else status
        counts[tab] += n
        if refund_status != "none":
            counts["refund"] += n
    return counts


def list_shopper_orders(claims: dict, tab: str | None, q: str | None, page: int, per_page: int
                        ) -> tuple[ShopperIdentity, list[tuple[OrderRow, OrderFacts]], int, dict[str, int]]:
    """(the shopper the token's claims name, checked; page of (order, facts); total matches; counts per tab):
    one statement, two with a search."""
    connection = read_connection()
    term = q.strip() if q else ""
    with_lines, matches = _statements(tab, bool(term))
    params = {"shopper_id": claims["sub"], "limit": per_page, "offset": (page - 1) * per_page}
    if term:
        params["term"] = term
    found = with_lines.rows(connection, params)
    shopper = checked_identity(claims, found[0][:_WHO] if found else None)
    counts = _tally(found[0][_WHO])
    if term:
        total = matches.rows(connection, params)[0][0]
    else:
        total = counts[tab if tab in SHOPPER_TABS else "all"]
    first = _WHO + 1  # the page's columns: the order's, its facts, its line's
    n = first + len(_LIST_KEYS)
    lines_from = n + _FACTS
    rows: list[tuple[OrderRow, OrderFacts]] = []
    last = None
    for row in found:
        if row[first] is None:  # no order on this page
            break
        if last is None or last.id != row[first]:
            last = OrderRow(dict(zip(_LIST_KEYS, row[first:n])))
            refunds, pending_kind, feedback, active = row[n:lines_from]
            rows.append((last, _facts(last, has_refunds=bool(refunds), pending_kind=pending_kind,
                                      has_feedback=bool(feedback), has_active_case=bool(active))))
        if row[lines_from] is not None:
            last.lines.append(LineRow(dict(zip(_LINE_KEYS, row[lines_from:]))))
    return shopper, rows, total, counts


# The order page: (attribute, table, row class, many), joined in this order, sorted by the collections' ids.
_PARTS = (("lines", OrderLine.__table__, LineRow, True), ("events", OrderEvent.__table__, Row, True),
          ("refunds", Refund.__table__, Row, True), ("pending_request", OrderRequest.__table__, Row, False),
          ("feedback", CancelFeedback.__table__, Row, False), ("after_sales", AfterSale.__table__, Row, True))
_PAGE = None


def _page_statement():
    global _PAGE
    if _PAGE is None:
        joined = _orders
        columns = []
        for name, table, _, _ in _PARTS:
            on = table.c.order_id == _orders.c.id
            if name == "pending_request":  # Order.pending_request's join
                on = and_(on, table.c.status == "pending")
            joined = joined.outerjoin(table, on)
            columns += [c.label(f"{name}_{c.key}") for c in table.c]
        # The shopper asking first (one row whoever's the order is), the order joined to it by its id.
        _PAGE = DriverSelect(select(*IDENTITY_COLUMNS, _orders, *columns)
                             .select_from(_shoppers.outerjoin(joined, _orders.c.id == bindparam("order_id")))
                             .where(_shoppers.c.id == bindparam("shopper_id"))
                             .order_by(*[table.c.id for _, table, _, many in _PARTS if many]),
                             {"order_id": 0, "shopper_id": 0})
    return _PAGE


def shopper_order(order_id: int, claims: dict) -> tuple[ShopperIdentity, OrderRow]:
    """The shopper the token's claims name (checked) and their order with everything its page shows
    (ordering.get_order(for_view=True)'s answer and refusal: 404 for an order not theirs or deleted by
    them), in one statement."""
    shopper = order = None
    n = _WHO + len(_ORDER_KEYS)
    seen: dict[str, set] = {name: set() for name, *_ in _PARTS}
    for row in _page_statement().rows(read_connection(), {"order_id": order_id, "shopper_id": claims["sub"]}):
        if shopper is None:
            shopper = checked_identity(claims, row[:_WHO])
            if row[_WHO] is None:
                break
            order = OrderRow(dict(zip(_ORDER_KEYS, row[_WHO:n])))
            for name, _, _, many in _PARTS:
                setattr(order, name, [] if many else None)
        start = n
        for name, table, kind, many in _PARTS:
            width = len(table.c)
            part_id = row[start]
            if part_id is not None and part_id not in seen[name]:
                seen[name].add(part_id)
                item = kind(dict(zip((c.key for c in table.c), row[start:start + width])))
                if many:
                    getattr(order, name).append(item)
                else:
                    setattr(order, name, item)
            start += width
    if shopper is None:
        shopper = checked_identity(claims, None)  # no such shopper: refused as before
    if order is None or order.shopper_id != shopper.id or order.deleted_by_shopper_at:
        raise DomainError(ErrorCode.ORDER_NOT_FOUND)
    return shopper, order
