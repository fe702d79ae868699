"""Requests staff decide (cancel, modification, after-sales: C2–C4, M3, A2) and after-sales cases."""
from __future__ import annotations

from flask import g

from ...db import AfterSale, OrderRequest
from ...domain.errors import DomainError, ErrorCode
from ...extensions import db
from ...services import admin_queries, after_sales, audit, reviews
from ..blueprint import Blueprint
from .access import staff_required
from .common import page_of, plain
from .schemas import (AfterSaleArgsSchema, AfterSaleDetailSchema, AlternativeInSchema, ApproveInSchema, LoosePageSchema,
                      ProposeInSchema, ReceiveInSchema, RejectInSchema, RequestArgsSchema, RequestDetailSchema,
                      RequestPageSchema, ShipInSchema)

blp = Blueprint("admin_requests", __name__, url_prefix="/api/admin", description="后台：待审核申请与售后单")


def _request_snapshot(request_id: int) -> dict | None:
    row = db.session.get(OrderRequest, request_id)
    return None if row is None else {"kind": row.kind, "status": row.status, "order_id": row.order_id,
                                     "decision_reason": row.decision_reason, "alternative": row.alternative}


def _case_snapshot(case_id: int) -> dict | None:
    row = db.session.get(AfterSale, case_id)
    return None if row is None else {"status": row.status, "resellable": row.resellable, "refund_id": row.refund_id,
                                     "replacement_tracking_no": row.replacement_tracking_no,
                                     "type": row.type, "amount_fen": row.amount_fen, "proposal": row.proposal}


def _decide(action: str, request_id: int, run, **extra) -> dict:
    if db.session.get(OrderRequest, request_id) is None:
        raise DomainError(ErrorCode.REQUEST_NOT_FOUND)
    with audit.action(g.actor, action, "request", request_id, lambda: _request_snapshot(request_id), **extra):
        run()
    return plain(reviews.request_json(reviews.get_request(request_id), staff_role=g.actor.role))


def _case_json(case_id: int) -> dict:
    return plain(after_sales.get_case(case_id, staff_role=g.actor.role))


@blp.get("/requests")
@staff_required("request.review")
@blp.arguments(RequestArgsSchema, location="query")
@blp.response(200, RequestPageSchema)
def list_requests(args):
    """待审核的取消、修改、售后申请（kind 过滤；status 默认 pending；escalated=true 只看超时升级的售后）；
    每行带顾客（风控标记、原因、近 30 天指标）与订单商品、物流，以及当前员工此刻可做的 actions
    （approve / reject / offer_alternative；退款超出角色权限时没有 approve，approve_refusal 说明原因），
    同意会退的金额与去向（refund_fen、refund_routes）和同意前的确认文字（confirm_text）"""
    status = None if args["status"] == "all" else args["status"]
    rows, total = reviews.list_requests(kind=args["kind"], status=status, page=args["page"],
                                        per_page=args["per_page"], escalated=args["escalated"],
                                        staff_role=g.actor.role)
    return page_of((admin_queries.add_reviewer_context(rows), total), args["page"], args["per_page"])


@blp.post("/requests/<int:request_id>/approve")
@staff_required("request.review")
@blp.arguments(ApproveInSchema)
@blp.response(200, RequestDetailSchema)
def approve_request(body, request_id):
    """同意申请（取消 = 取消并退款；修改 = 应用修改；售后 = 进入售后流程）。涉及退款时按退款规则：
    超出角色退款权限则拒绝（REFUND_OVER_ROLE_LIMIT），本单累计退款达到阈值需再次输入密码（password）"""
    return _decide("request.approve", request_id,
                   lambda: reviews.approve(request_id, g.actor, note=body["note"], password=body["password"]),
                   note=body["note"])


@blp.post("/requests/<int:request_id>/reject")
@staff_required("request.review")
@blp.arguments(RejectInSchema)
@blp.response(200, RequestDetailSchema)
def reject_request(body, request_id):
    """拒绝申请（须填写原因，会告知顾客）"""
    return _decide("request.reject", request_id, lambda: reviews.reject(request_id, g.actor, body["reason"]),
                   reason=body["reason"])


@blp.post("/requests/<int:request_id>/alternative")
@staff_required("request.review")
@blp.arguments(AlternativeInSchema)
@blp.response(200, RequestDetailSchema)
def offer_alternative(body, request_id):
    """提供替代方案（替换商品、加急发货等），记录在申请上并通知顾客"""
    return _decide("request.alternative", request_id,
                   lambda: reviews.offer_alternative(request_id, g.actor, body), alternative=body)


@blp.get("/after-sales")
@staff_required("after_sale.view")
@blp.arguments(AfterSaleArgsSchema, location="query")
@blp.response(200, LoosePageSchema)
def list_after_sales(args):
    """售后单列表；每单带 actions（当前员工此刻可做的操作：approve/reject/receive/ship_replacement/return_repaired）"""
    result = after_sales.list_cases(status=args["status"], page=args["page"], per_page=args["per_page"],
                                    staff_role=g.actor.role)
    return page_of(result, args["page"], args["per_page"])


@blp.get("/after-sales/<int:case_id>")
@staff_required("after_sale.view")
@blp.response(200, AfterSaleDetailSchema)
def get_after_sale(case_id):
    """售后单详情（含审核参考信息 summary 与当前员工的 actions）"""
    return _case_json(case_id)


@blp.post("/after-sales/<int:case_id>/propose")
@staff_required("request.review")
@blp.arguments(ProposeInSchema)
@blp.response(200, AfterSaleDetailSchema)
def propose(body, case_id):
    """协商（A4）：改为仅退款、部分退款、请顾客补充凭证或建议撤销；顾客在小程序接受或拒绝，
    超过 after_sale_proposal_answer_hours 未回应视为拒绝。涉及退款时按退款规则（R12）检查权限与二次验证"""
    with audit.action(g.actor, "after_sale.propose", "after_sale", case_id, lambda: _case_snapshot(case_id),
                      proposal={k: v for k, v in body.items() if k != "password"}):
        after_sales.propose(case_id, g.actor, body["kind"], body["amount_fen"], body["message"], body["password"])
    return _case_json(case_id)


@blp.post("/after-sales/<int:case_id>/receive")
@staff_required("after_sale.receive")
@blp.arguments(ReceiveInSchema)
@blp.response(200, AfterSaleDetailSchema)
def receive_return(body, case_id):
    """仓库确认收到退货（并标记能否二次销售），随后自动退款或进入换货/维修"""
    with audit.action(g.actor, "after_sale.receive", "after_sale", case_id, lambda: _case_snapshot(case_id)):
        after_sales.confirm_receipt(case_id, g.actor, body["resellable"])
    return _case_json(case_id)


@blp.post("/after-sales/<int:case_id>/ship-replacement")
@staff_required("after_sale.receive")
@blp.arguments(ShipInSchema)
@blp.response(200, AfterSaleDetailSchema)
def ship_replacement(body, case_id):
    """换货商品寄出（快递公司 + 单号）"""
    with audit.action(g.actor, "after_sale.ship_replacement", "after_sale", case_id, lambda: _case_snapshot(case_id)):
        after_sales.ship_replacement(case_id, g.actor, body["carrier"], body["tracking_no"])
    return _case_json(case_id)



@blp.post("/after-sales/<int:case_id>/return-repaired")
@staff_required("after_sale.receive")
@blp.arguments(ShipInSchema)
@blp.response(200, AfterSaleDetailSchema)
def return_repaired(body, case_id):
    """维修完成，寄回顾客（快递公司 + 单号），维修单完成"""
    with audit.action(g.actor, "after_sale.return_repaired", "after_sale", case_id, lambda: _case_snapshot(case_id)):
        after_sales.return_repaired(case_id, g.actor, body["carrier"], body["tracking_no"])
    return _case_json(case_id)
