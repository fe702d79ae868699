"""Order exports (Q2) as .xlsx that open right in Excel: order numbers as text (a 20-digit number is
not rounded to 2.0261E+19), the shopper's nickname and phone instead of an internal id, Chinese
headers and status labels, amounts as numbers in 元 with two decimals.

Up to DIRECT_MAX_ROWS rows are written in the request; a larger export runs as a job on the queue,
reports its progress in Redis and leaves its file in var/exports for the staff member who started it.
"""
from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import xlsxwriter
from flask import current_app

from ..config import VAR_DIR
from ..db import Order
from ..domain import clock
from ..domain.clock import to_shanghai
from ..domain.errors import DomainError, ErrorCode
from ..domain.orders import OrderStatus, RefundStatus
from . import admin_queries
from .context import deps

DIRECT_MAX_ROWS = admin_queries.COUNT_CAP  # beyond this, a job
FILE_LIFETIME = timedelta(days=1)
PROGRESS_EVERY = admin_queries.EXPORT_CHUNK

TEXT, MONEY, COUNT = "text", "money", "count"
# (header, kind, column width)
COLUMNS = [
    ("订单号", TEXT, 24), ("下单时间", TEXT, 20), ("订单状态", TEXT, 10), ("退款状态", TEXT, 10),
    ("顾客昵称", TEXT, 14), ("顾客手机号", TEXT, 14), ("收货人", TEXT, 10), ("收货人手机号", TEXT, 14),
    ("收货地址", TEXT, 36), ("商品", TEXT, 40), ("件数", COUNT, 6), ("商品金额（元）", MONEY, 12),
    ("优惠（元）", MONEY, 10), ("运费（元）", MONEY, 10), ("应付（元）", MONEY, 12), ("实付（元）", MONEY, 12),
    ("已退款（元）", MONEY, 12), ("支付时间", TEXT, 20), ("快递公司", TEXT, 12), ("快递单号", TEXT, 20),
    ("取消原因", TEXT, 20),
]


def _time(value) -> str:
    return f"{to_shanghai(value):%Y-%m-%d %H:%M:%S}" if value else ""


def order_row(order: Order, shopper) -> list:
    """One order as the export's cells, in COLUMNS order (money in fen; written as 元)."""
    return [
        order.order_no, _time(order.created_at), OrderStatus(order.status).label,
        RefundStatus(order.refund_status).label, shopper.nickname if shopper else "",
        (shopper.phone or "") if shopper else "", order.receiver_name, order.receiver_phone,
        f"{order.province}{order.city}{order.district}{order.address_detail}",
        "；".join(f"{line.product_name}（{line.sku_name}）×{line.quantity}" for line in order.lines),
        sum(line.quantity for line in order.lines), order.goods_fen, order.discount_fen, order.shipping_fen,
        order.total_fen, order.paid_fen, order.refunded_fen, _time(order.paid_at), order.carrier or "",
        order.tracking_no or "", order.cancel_reason_text or order.cancel_reason_code or "",
    ]


def export_rows(filters: admin_queries.OrderFilters) -> Iterator[list]:
    for chunk in admin_queries.iter_order_chunks_for_export(filters):
        shoppers = admin_queries.shopper_names({order.shopper_id for order in chunk})
        for order in chunk:
            yield order_row(order, shoppers.get(order.shopper_id))


def write_xlsx(target, rows: Iterator[list], on_progress: Callable[[int], None] | None = None) -> int:
    """Write the sheet to `target` (a path, or a BytesIO); returns the number of data rows."""
    in_memory = isinstance(target, io.BytesIO)
    book = xlsxwriter.Workbook(target, {"in_memory": in_memory, "constant_memory": not in_memory,
                                        "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    sheet = book.add_worksheet("订单")
    header = book.add_format({"bold": True, "bg_color": "#F2F3F5", "border": 1})
    text = book.add_format({"num_format": "@"})
    money = book.add_format({"num_format": "0.00"})
    for col, (title, kind, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width, text if kind == TEXT else None)
        sheet.write_string(0, col, title, header)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            kind = COLUMNS[col][1]
            if kind == MONEY:
                sheet.write_number(count, col, value / 100, money)
            elif kind == COUNT:
                sheet.write_number(count, col, value)
            else:
                sheet.write_string(count, col, str(value), text)
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    book.close()
    return count


def xlsx_bytes(filters: admin_queries.OrderFilters) -> bytes:
    """A small export written in the request; refuses past DIRECT_MAX_ROWS (those run as a job)."""
    _, capped = admin_queries.count_orders(filters)
    if capped:
        raise DomainError(ErrorCode.EXPORT_TOO_LARGE)
    buffer = io.BytesIO()
    write_xlsx(buffer, export_rows(filters))
    return buffer.getvalue()


# ---- exports as jobs ------------------------------------------------------------------------------

def _key(export_id: str) -> str:
    return f"shop:order-export:{export_id}"


def _exports_dir() -> Path:
    path = Path(current_app.config.get("EXPORT_DIR") or VAR_DIR / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _save(export_id: str, **fields) -> None:
    redis = deps().jobs.connection
    redis.hset(_key(export_id), mapping={k: str(v) for k, v in fields.items()})
    redis.expire(_key(export_id), int(FILE_LIFETIME.total_seconds()))


def start_export(filters: admin_queries.OrderFilters, staff_id: int) -> dict:
    """Queue an export of every matching order; the caller polls export_status."""
    total, capped = admin_queries.count_orders(filters)
    export_id = uuid.uuid4().hex
    _save(export_id, staff_id=staff_id, status="queued", done=0, total=total, total_capped=int(capped))
    if deps().jobs.enqueue("shop.jobs.export_tasks.export_orders", export_id, filters, job_id=f"order-export-{export_id}",
                           timeout=1800) is None:
        raise DomainError(ErrorCode.SERVICE_UNAVAILABLE)
    return export_status(export_id, staff_id)


def run_export(export_id: str, filters: admin_queries.OrderFilters) -> int:
    """The job: write the file, saving progress every chunk."""
    _save(export_id, status="running")
    path = _exports_dir() / f"{export_id}.xlsx"
    try:
        count = write_xlsx(str(path), export_rows(filters), lambda done: _save(export_id, done=done))
    except Exception:
        _save(export_id, status="failed")
        raise
    _save(export_id, status="ready", done=count, total=count, total_capped=0)
    return count


def export_status(export_id: str, staff_id: int) -> dict:
    """{id, status (queued/running/ready/failed), done, total, …} for the staff member who started it."""
    raw = deps().jobs.connection.hgetall(_key(export_id)) if len(export_id) == 32 else {}
    state = {k.decode(): v.decode() for k, v in raw.items()}
    if not state or state.get("staff_id") != str(staff_id):
        raise DomainError(ErrorCode.EXPORT_NOT_FOUND)
    total, done = int(state["total"]), int(state["done"])
    return {"id": export_id, "status": state["status"], "done": done, "total": total,
            "total_capped": state.get("total_capped") == "1",
            "progress": 100 if state["status"] == "ready" else min(99, done * 100 // total) if total else 0}


def remove_old_exports() -> int:
    """Deletes the export files (and a failed export's leftovers) older than FILE_LIFETIME: their status in Redis
    expired with them, so nobody can download them any more. Run every hour by cron (jobs/worker.py SCHEDULE).
    Returns how many files went."""
    oldest = (clock.now() - FILE_LIFETIME).timestamp()
    removed = 0
    for path in _exports_dir().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another cron host removed it first
            pass
    return removed


def export_file(export_id: str, staff_id: int) -> Path:
    if export_status(export_id, staff_id)["status"] != "ready":
        raise DomainError(ErrorCode.EXPORT_NOT_FOUND)
    path = _exports_dir() / f"{export_id}.xlsx"
    if not path.exists():
        raise DomainError(ErrorCode.EXPORT_NOT_FOUND)
    return path
