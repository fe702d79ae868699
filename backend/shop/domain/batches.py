"""Batch work (A7): what a batch is, its idempotency key, and reading a shipment file's rows.

A batch runs the SAME service function as the single action on each item; nothing here decides an
item. The rules are only what makes a batch a batch: which kinds exist and who may submit them, when
two submissions are the same batch, and what a shipment file row must hold.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import Enum

from .errors import DomainError, ErrorCode

CHUNK_SIZE = 50  # items per job: big batches are worked by several workers at once
MAX_ITEMS = 20000


class BatchKind(str, Enum):
    # value, Chinese label, permission (domain.permissions), audit action of the single action
    APPROVE_REQUESTS = ("request.approve", "批量同意申请", "request.review", "request.approve")
    REJECT_REQUESTS = ("request.reject", "批量拒绝申请", "request.review", "request.reject")
    APPROVE_AFTER_SALES = ("after_sale.approve", "批量同意售后", "request.review", "request.approve")
    REJECT_AFTER_SALES = ("after_sale.reject", "批量拒绝售后", "request.review", "request.reject")
    ACCEPT_ORDERS = ("order.accept", "批量受理订单", "order.accept", "order.accept")
    SHIP_ORDERS = ("order.ship", "批量发货", "order.ship", "order.ship")
    RECALL_SKU = ("order.recall", "缺货/召回：取消该规格全部未发货订单", "order.recall", "order.cancel")

    def __new__(cls, value, label, permission, audit_action):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label, member.permission, member.audit_action = label, permission, audit_action
        return member


BATCH_STATUS_LABELS = {"queued": "排队中", "running": "执行中", "finished": "已完成"}
ITEM_STATUS_LABELS = {"pending": "等待中", "running": "执行中", "succeeded": "成功", "failed": "失败"}


def idempotency_key(kind: BatchKind, items: list[tuple[int, dict | None]], params: dict) -> str:
    """The same kind over the same items (in any order) with the same parameters is the same batch."""
    body = {"kind": kind.value, "items": sorted([ref, data or {}] for ref, data in items),
            "params": {k: v for k, v in sorted(params.items()) if k != "password"}}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def check_items(refs: list[int]) -> None:
    if not refs:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请至少选择一项")
    if len(refs) > MAX_ITEMS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"一次最多处理 {MAX_ITEMS} 项")
    if len(set(refs)) != len(refs):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "同一项不能重复提交")


# ---- the shipment file (订单号, 快递公司, 快递单号) ------------------------------------------------

SHIP_FILE_HEADERS = {"order_no": ("订单号", "订单编号", "order_no"), "carrier": ("快递公司", "物流公司", "carrier"),
                     "tracking_no": ("快递单号", "运单号", "物流单号", "tracking_no")}
MAX_FILE_ROWS = 5000


@dataclass(frozen=True)
class ShipRow:
    row: int  # the line number staff see in their spreadsheet (the header is line 1)
    order_no: str
    carrier: str
    tracking_no: str


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a spreadsheet's number column (1.23e+17 style)
        value = int(value)
    return str(value).strip()


def parse_ship_rows(rows: list[list]) -> tuple[list[ShipRow], list[dict]]:
    """Rows of a CSV or spreadsheet → the shipments and, for every bad row, its line and what is wrong."""
    rows = [[_cell(c) for c in row] for row in rows]
    rows_with_numbers = [(n, row) for n, row in enumerate(rows, start=1) if any(row)]
    if not rows_with_numbers:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "文件是空的：请按模板填写 订单号、快递公司、快递单号")
    header_line, header = rows_with_numbers[0]
    columns = {}
    for name, titles in SHIP_FILE_HEADERS.items():
        found = [i for i, title in enumerate(header) if title.lower() in titles]
        if not found:
            raise DomainError(ErrorCode.VALIDATION_ERROR,
                              f"第 {header_line} 行表头缺少「{titles[0]}」列：表头应为 订单号、快递公司、快递单号")
        columns[name] = found[0]
    if len(rows_with_numbers) - 1 > MAX_FILE_ROWS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"一个文件最多 {MAX_FILE_ROWS} 行")
    shipments, errors, seen = [], [], {}
    for line, row in rows_with_numbers[1:]:
        values = {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
        problems = []
        if not values["order_no"]:
            problems.append("缺少订单号")
        if not values["carrier"]:
            problems.append("缺少快递公司")
        tracking = values["tracking_no"]
        if not tracking:
            problems.append("缺少快递单号")
        elif len(tracking) < 6 or len(tracking) > 40 or not tracking.isalnum():
            problems.append(f"快递单号「{tracking}」格式不正确（6–40 位字母或数字）")
        if values["order_no"] and values["order_no"] in seen:
            problems.append(f"订单号与第 {seen[values['order_no']]} 行重复")
        if problems:
            errors.append({"row": line, "order_no": values["order_no"], "message": "；".join(problems)})
            continue
        seen[values["order_no"]] = line
        shipments.append(ShipRow(line, values["order_no"], values["carrier"], tracking))
    return shipments, errors
