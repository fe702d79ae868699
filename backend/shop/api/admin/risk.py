"""Risk control (K1): watchlist, flag, unflag, allow-list."""
from __future__ import annotations

from flask import g

from ...db import Shopper
from ...domain.errors import DomainError, ErrorCode
from ...extensions import db
from ...services import audit, risk
from ..blueprint import Blueprint
from .access import staff_required
from .common import page_of
from .schemas import FlagInSchema, LoosePageSchema, RiskArgsSchema, RiskShopperSchema

blp = Blueprint("admin_risk", __name__, url_prefix="/api/admin", description="后台：风控（重点监控名单）")


def _snapshot(shopper_id: int) -> dict | None:
    shopper = db.session.get(Shopper, shopper_id)
    return None if shopper is None else {"risk_flagged": shopper.risk_flagged, "risk_reasons": shopper.risk_reasons,
                                         "risk_allow_listed": shopper.risk_allow_listed, "banned": shopper.banned,
                                         "ban_reason": shopper.ban_reason}


def _act(action: str, shopper_id: int, run, **extra) -> dict:
    if db.session.get(Shopper, shopper_id) is None:
        raise DomainError(ErrorCode.SHOPPER_NOT_FOUND)
    with audit.action(g.actor, action, "shopper", shopper_id, lambda: _snapshot(shopper_id), **extra):
        run()
    return risk.shopper_json(db.session.get(Shopper, shopper_id), with_metrics=False, staff_role=g.staff.role)


@blp.get("/risk/shoppers")
@staff_required("risk.view")
@blp.arguments(RiskArgsSchema, location="query")
@blp.response(200, LoosePageSchema)
def list_shoppers(args):
    """重点监控名单（含已封禁的顾客；flagged=false 看全部顾客的风险指标）。每行的 actions 是当前员工可用的按钮"""
    result = risk.list_shoppers(flagged_only=args["flagged"], page=args["page"], per_page=args["per_page"],
                                staff_role=g.staff.role)
    return page_of(result, args["page"], args["per_page"])


@blp.post("/risk/shoppers/<int:shopper_id>/flag")
@staff_required("risk.manage")
@blp.arguments(FlagInSchema)
@blp.response(200, RiskShopperSchema)
def flag(body, shopper_id):
    return _act("risk.flag", shopper_id, lambda: risk.flag(shopper_id, g.actor, body["reason"]), reason=body["reason"])


@blp.post("/risk/shoppers/<int:shopper_id>/unflag")
@staff_required("risk.manage")
@blp.response(200, RiskShopperSchema)
def unflag(shopper_id):
    return _act("risk.unflag", shopper_id, lambda: risk.unflag(shopper_id, g.actor))


@blp.post("/risk/shoppers/<int:shopper_id>/allow-list")
@staff_required("risk.manage")
@blp.response(200, RiskShopperSchema)
def allow_list(shopper_id):
    """加入白名单（不再自动标记）"""
    return _act("risk.allow_list", shopper_id, lambda: risk.allow_list(shopper_id, g.actor))


@blp.post("/risk/shoppers/<int:shopper_id>/ban")
@staff_required("risk.manage")
@blp.arguments(FlagInSchema)
@blp.response(200, RiskShopperSchema)
def ban(body, shopper_id):
    """封禁顾客：不能登录、不能下单，已登录的会话立即失效"""
    return _act("risk.ban", shopper_id, lambda: risk.ban(shopper_id, g.actor, body["reason"]), reason=body["reason"])


@blp.post("/risk/shoppers/<int:shopper_id>/unban")
@staff_required("risk.manage")
@blp.response(200, RiskShopperSchema)
def unban(shopper_id):
    """解除封禁"""
    return _act("risk.unban", shopper_id, lambda: risk.unban(shopper_id, g.actor))
