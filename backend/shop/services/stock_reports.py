"""Inventory reports (I1, I3): stock vs. ledger, purchase advice, a SKU's ledger."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select

from ..db import Product, Sku, StockLedger
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db


def reconcile_stock() -> list[dict]:
    """SKUs whose stock differs from the sum of their ledger rows (should be none)."""
    ledger_sum = (select(StockLedger.sku_id, func.sum(StockLedger.change).label("total"))
                  .group_by(StockLedger.sku_id).subquery())
    rows = db.session.execute(
        select(Sku.id, Sku.code, Sku.name, Product.name, Sku.stock, func.coalesce(ledger_sum.c.total, 0))
        .join(Product, Product.id == Sku.product_id)
        .outerjoin(ledger_sum, ledger_sum.c.sku_id == Sku.id)
        .where(Sku.stock != func.coalesce(ledger_sum.c.total, 0)).order_by(Sku.id)).all()
    return [{"sku_id": sku_id, "sku_code": code, "sku_name": name, "product_name": product, "stock": stock,
             "ledger_sum": int(total), "difference": stock - int(total)}
            for sku_id, code, name, product, stock, total in rows]


def purchase_advice(start: datetime, end: datetime) -> list[dict]:
    """Per SKU, units that came back in [start, end): released by cancellations and returned by
    after-sales. They are back on the shelf, so the next purchase can be that much smaller."""
    if end <= start:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "结束时间须晚于开始时间")
    released = func.sum(case((StockLedger.kind == "release", StockLedger.change), else_=0))
    returned = func.sum(case((StockLedger.kind == "return", StockLedger.change), else_=0))
    rows = db.session.execute(
        select(Sku.id, Sku.code, Sku.name, Product.name, Sku.stock, released, returned)
        .join(StockLedger, StockLedger.sku_id == Sku.id).join(Product, Product.id == Sku.product_id)
        .where(StockLedger.kind.in_(["release", "return"]), StockLedger.created_at >= start,
               StockLedger.created_at < end)
        .group_by(Sku.id, Sku.code, Sku.name, Product.name, Sku.stock)).all()
    advice = [{"sku_id": sku_id, "sku_code": code, "sku_name": name, "product_name": product, "stock": stock,
               "released_by_cancel": int(rel), "returned_by_after_sale": int(ret), "back_in_stock": int(rel + ret)}
              for sku_id, code, name, product, stock, rel, ret in rows]
    return sorted(advice, key=lambda a: (-a["back_in_stock"], a["sku_id"]))


LEDGER_KIND_LABELS = {"initial": "初始库存", "reserve": "下单占用", "release": "取消释放", "return": "退货入库",
                      "adjust": "人工调整"}


def ledger(sku_id: int, page: int = 1, per_page: int = 20) -> tuple[list[dict], int]:
    if db.session.get(Sku, sku_id) is None:
        raise DomainError(ErrorCode.SKU_NOT_FOUND)
    total = db.session.scalar(select(func.count()).where(StockLedger.sku_id == sku_id))
    rows = db.session.scalars(select(StockLedger).where(StockLedger.sku_id == sku_id)
                              .order_by(StockLedger.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return [{"id": r.id, "change": r.change, "kind": r.kind, "kind_label": LEDGER_KIND_LABELS.get(r.kind, r.kind),
             "order_id": r.order_id, "note": r.note, "operator_id": r.operator_id, "created_at": r.created_at}
            for r in rows], total
