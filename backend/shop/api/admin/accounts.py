"""Staff login, staff accounts, the audit log and shop settings (P1–P3)."""
from __future__ import annotations

from flask import current_app, g

from ...domain.permissions import permissions_of, role_label
from ...services import audit, settings, shipping, staff_auth
from ...services.stats import utc_bounds
from ..auth import client_ip
from ..blueprint import Blueprint
from .access import login_rate_limit, staff_required
from .schemas import (AuditArgsSchema, AuditPageSchema, SettingsInSchema, SettingsSchema, StaffCreateSchema,
                      StaffLoginInSchema, StaffLoginOutSchema, StaffPatchSchema, StaffSchema)

blp = Blueprint("admin_accounts", __name__, url_prefix="/api/admin", description="后台：登录、员工、操作日志、设置")


def staff_json(staff) -> dict:
    return {"id": staff.id, "username": staff.username, "name": staff.name, "role": staff.role,
            "role_label": role_label(staff.role), "active": staff.active, "permissions": permissions_of(staff.role),
            "created_at": staff.created_at}


@blp.post("/auth/login")
@login_rate_limit
@blp.arguments(StaffLoginInSchema)
@blp.response(200, StaffLoginOutSchema)
def login(body):
    """员工登录：返回 token 与权限列表（每个 IP + 用户名每分钟最多 5 次失败）"""
    token, staff = staff_auth.login(body["username"], body["password"], client_ip())
    return {"token": token, "expires_in": current_app.config["STAFF_TOKEN_MAX_AGE_SECONDS"],
            "staff": staff_json(staff)}


@blp.post("/auth/logout")
@staff_required("order.view")
@blp.response(204)
def logout():
    """退出登录：该员工已签发的所有 token 立即失效"""
    staff_auth.logout(g.actor)


@blp.get("/auth/me")
@staff_required("order.view")
@blp.response(200, StaffSchema)
def me():
    return staff_json(g.staff)


@blp.get("/staff")
@staff_required("staff.manage")
@blp.response(200, StaffSchema(many=True))
def list_staff():
    return [staff_json(s) for s in staff_auth.list_staff()]


@blp.post("/staff")
@staff_required("staff.manage")
@blp.arguments(StaffCreateSchema)
@blp.response(201, StaffSchema)
def create_staff(body):
    """新增员工（需 current_password 二次验证；密码至少 10 位且不能是常见密码）"""
    return staff_json(staff_auth.add_staff(g.actor, **body))


@blp.patch("/staff/<int:staff_id>")
@staff_required("staff.manage")
@blp.arguments(StaffPatchSchema)
@blp.response(200, StaffSchema)
def update_staff(body, staff_id):
    """修改角色、启用/停用、重置密码（需 current_password 二次验证；重置密码、停用或启用后该员工需重新登录）"""
    return staff_json(staff_auth.update_staff(g.actor, staff_id, **body))


@blp.get("/audit-logs")
@staff_required("audit.view")
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, AuditPageSchema)
def audit_logs(args):
    """操作日志（只读，不可修改或删除）"""
    start = end = None
    if args["date_from"] or args["date_to"]:
        start, end = utc_bounds(args["date_from"] or args["date_to"], args["date_to"] or args["date_from"])
        start = start if args["date_from"] else None
        end = end if args["date_to"] else None
    rows, total = audit.list_logs(staff_id=args["staff_id"], staff_name=args["staff_name"], action=args["action"],
                                  target_type=args["target_type"], target_id=args["target_id"], start=start, end=end,
                                  page=args["page"], per_page=args["per_page"])
    return {"items": rows, "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.get("/settings")
@staff_required("settings.view")
@blp.response(200, SettingsSchema)
def get_settings():
    """店铺设置：取消原因、免审核取消窗口、各类阈值（value 为当前生效值）"""
    return {"items": settings.describe(), "wechat_platform": shipping.platform_status()}


@blp.put("/settings")
@staff_required("settings.manage")
@blp.arguments(SettingsInSchema)
@blp.response(200, SettingsSchema)
def put_settings(body):
    return {"items": settings.update(g.actor, body), "wechat_platform": shipping.platform_status()}
