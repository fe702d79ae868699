"""Inventory for the warehouse (I1, I3): stock list, ledger, adjustments, reconciliation, purchase advice."""
from __future__ import annotations

from flask import g

from ...extensions import db
from ...services import admin_queries, audit, inventory, stock_reports
from ...services.stats import period, utc_bounds
from ...services.uow import transaction
from ..blueprint import Blueprint
from .access import staff_required
from .common import page_of, plain
from .schemas import (AdjustInSchema, AdminPageArgsSchema, DateRangeArgsSchema, InventoryArgsSchema, ItemListSchema,
                      LoosePageSchema, PurchaseAdviceSchema, SkuStockSchema)

blp = Blueprint("admin_inventory", __name__, url_prefix="/api/admin", description="后台：库存")


@blp.get("/inventory")
@staff_required("inventory.view")
@blp.arguments(InventoryArgsSchema, location="query")
@blp.response(200, LoosePageSchema)
def list_skus(args):
    """SKU 库存列表（商品名称/编码、类目、低库存筛选）"""
    rows, total = admin_queries.search_skus(q=args["q"], category_id=args["category_id"], low_stock=args["low_stock"],
                                            page=args["page"], per_page=args["per_page"])
    return {"items": rows, "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.get("/inventory/<int:sku_id>/ledger")
@staff_required("inventory.view")
@blp.arguments(AdminPageArgsSchema, location="query")
@blp.response(200, LoosePageSchema)
def ledger(args, sku_id):
    """库存流水（预占、释放、销售、退货、手工调整）"""
    admin_queries.get_sku(sku_id)
    result = stock_reports.ledger(sku_id, page=args["page"], per_page=args["per_page"])
    return page_of(result, args["page"], args["per_page"])


@blp.post("/inventory/<int:sku_id>/adjust")
@staff_required("inventory.adjust")
@blp.arguments(AdjustInSchema)
@blp.response(200, SkuStockSchema)
def adjust(body, sku_id):
    """手工调整库存（写入流水，记录操作人和原因）"""
    sku = admin_queries.get_sku(sku_id)
    before = {"stock": sku.stock}
    with transaction():
        inventory.adjust(sku_id, body["change"], body["note"], g.actor.id)
        db.session.refresh(sku)
        audit.record(g.actor, "inventory.adjust", "sku", sku_id, before,
                     {"stock": sku.stock, "change": body["change"], "note": body["note"]}, commit=False)
    return {"id": sku.id, "code": sku.code, "name": sku.name, "stock": sku.stock}


@blp.get("/inventory/reconciliation")
@staff_required("inventory.view")
@blp.response(200, ItemListSchema)
def reconciliation():
    """库存对账：SKU 库存与流水合计不一致的列表"""
    return {"items": plain(stock_reports.reconcile_stock())}


@blp.get("/inventory/purchase-advice")
@staff_required("inventory.view")
@blp.arguments(DateRangeArgsSchema, location="query")
@blp.response(200, PurchaseAdviceSchema)
def purchase_advice(args):
    """采购建议：期间内因取消、退货回到库存的数量"""
    start, end = period(args["date_from"], args["date_to"])
    return {"from": start.isoformat(), "to": end.isoformat(),
            "items": plain(stock_reports.purchase_advice(*utc_bounds(start, end)))}
