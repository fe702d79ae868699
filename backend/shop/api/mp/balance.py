"""Mini-program: 我的余额 (R9) — the balance and its history, every row worded by the server."""
from flask import g
from marshmallow import Schema, fields

from ...domain.balance import KIND_LABELS
from ...services import balance
from ..auth import shopper_required
from ..blueprint import Blueprint
from ..schemas import PageArgsSchema, ShanghaiDateTime

blp = Blueprint("mp_balance", __name__, url_prefix="/api/mp", description="小程序：我的余额（R9）")


class BalanceEntrySchema(Schema):
    id = fields.Integer()
    delta_fen = fields.Integer(metadata={"description": "credit > 0, debit < 0"})
    balance_after_fen = fields.Integer()
    kind = fields.String(metadata={"description": "refund_in | pay_out | pay_refund | adjust"})
    kind_label = fields.Function(lambda e: KIND_LABELS.get(e.kind, e.kind))
    order_id = fields.Integer(allow_none=True)
    refund_id = fields.Integer(allow_none=True)
    note = fields.String()
    created_at = ShanghaiDateTime()


class BalancePageSchema(Schema):
    balance_fen = fields.Integer()
    items = fields.List(fields.Nested(BalanceEntrySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    empty_text = fields.String()


@blp.get("/balance")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, BalancePageSchema)
@shopper_required
def my_balance(args):
    """我的余额：当前余额与收支明细（最新在前）"""
    amount, rows, total = balance.history(g.shopper.id, args["page"], args["per_page"])
    return {"balance_fen": amount, "items": rows, "total": total, "page": args["page"],
            "per_page": args["per_page"], "empty_text": "暂无余额明细"}
