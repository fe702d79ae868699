"""Who may do what in the admin (P1): one table, permission -> roles.

The server checks it on every admin endpoint; the admin front end receives a staff member's
permissions at login only to decide which menus and buttons to draw. Finer limits that depend on
the order itself (customer service may cancel only unpaid orders, password re-entry over a
threshold) live in the services that perform the action.
"""
from __future__ import annotations

from .actors import STAFF_ROLES

CS, SUPERVISOR, FINANCE, WAREHOUSE, ADMIN = "customer_service", "supervisor", "finance", "warehouse", "admin"
ALL_ROLES = frozenset(STAFF_ROLES)

# permission -> (roles allowed, what it lets you do, in Chinese for the staff admin page)
PERMISSIONS: dict[str, tuple[frozenset[str], str]] = {
    "order.view": (ALL_ROLES, "查看订单"),
    "order.export": (frozenset({CS, SUPERVISOR, FINANCE, ADMIN}), "导出订单"),
    "order.accept": (frozenset({CS, SUPERVISOR, WAREHOUSE, ADMIN}), "受理订单"),
    "order.ship": (frozenset({WAREHOUSE, SUPERVISOR, ADMIN}), "订单发货"),
    "order.cancel": (frozenset({CS, SUPERVISOR, ADMIN}), "取消订单"),
    "order.modify": (frozenset({CS, SUPERVISOR, ADMIN}), "修改订单（收货信息、备注、数量）"),
    "order.recall": (frozenset({SUPERVISOR, ADMIN}), "缺货/召回：取消某规格全部未发货订单"),
    "request.review": (frozenset({CS, SUPERVISOR, ADMIN}), "审核取消/修改/售后申请"),
    "after_sale.view": (frozenset({CS, SUPERVISOR, WAREHOUSE, ADMIN}), "查看售后单"),
    "after_sale.receive": (frozenset({WAREHOUSE, ADMIN}), "售后收货、换货发货、维修件寄回"),
    "refund.view": (frozenset({FINANCE, SUPERVISOR, ADMIN}), "查看退款台账与对账"),
    "refund.retry": (frozenset({FINANCE, ADMIN}), "重试异常退款、发起对账"),
    "refund.resolve": (frozenset({FINANCE, ADMIN}), "处理微信退款异常（改退银行卡或余额）、重新发起已关闭的退款"),
    "refund.create": (frozenset({FINANCE, SUPERVISOR, ADMIN}), "发起退款（退商品、补偿/差价金额、运费，可附补偿券）"),
    "coupon.view": (frozenset({CS, SUPERVISOR, FINANCE, ADMIN}), "查看优惠券"),
    "coupon.manage": (frozenset({SUPERVISOR, ADMIN}), "管理优惠券（新建、编辑、发放、开放领取、停用）"),
    "inventory.view": (frozenset({WAREHOUSE, SUPERVISOR, FINANCE, ADMIN}), "查看库存"),
    "inventory.adjust": (frozenset({WAREHOUSE, ADMIN}), "调整库存"),
    "stats.view": (frozenset({SUPERVISOR, FINANCE, ADMIN}), "查看统计报表"),
    "risk.view": (frozenset({CS, SUPERVISOR, ADMIN}), "查看风控名单"),
    "risk.manage": (frozenset({SUPERVISOR, ADMIN}), "标记/解除重点监控、加入白名单"),
    "complaint.view": (frozenset({CS, SUPERVISOR, ADMIN}), "查看微信支付消费者投诉"),
    "complaint.respond": (frozenset({CS, SUPERVISOR, ADMIN}), "回复投诉、更新投诉退款进度"),
    "complaint.complete": (frozenset({SUPERVISOR, ADMIN}), "投诉反馈处理完成"),
    "invoice.manage": (frozenset({FINANCE, ADMIN}), "处理发票申请（开具、驳回、冲红/重开）"),
    "feedback.view": (frozenset({CS, SUPERVISOR, ADMIN}), "查看取消反馈"),
    "audit.view": (frozenset({SUPERVISOR, ADMIN}), "查看操作日志"),
    "staff.manage": (frozenset({ADMIN}), "管理员工账号"),
    "settings.view": (ALL_ROLES, "查看店铺设置"),
    "settings.manage": (frozenset({ADMIN}), "修改店铺设置"),
}


def role_label(role: str) -> str:
    return STAFF_ROLES.get(role, role)


def is_allowed(role: str, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return role in PERMISSIONS[permission][0]


def permissions_of(role: str) -> list[str]:
    """The permissions a role holds, in table order (the front end builds its menus from this)."""
    return [name for name, (roles, _) in PERMISSIONS.items() if role in roles]
