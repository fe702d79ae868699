"""Who is acting: a shopper, a staff member with a role, the system, or WeChat."""
from __future__ import annotations

from dataclasses import dataclass

STAFF_ROLES = {
    "customer_service": "客服",
    "supervisor": "主管",
    "finance": "财务",
    "warehouse": "仓库",
    "admin": "管理员",
}


@dataclass(frozen=True)
class Actor:
    kind: str  # shopper | staff | system | wechat
    id: int | None = None
    name: str = ""
    role: str = ""
    ip: str = ""

    @classmethod
    def shopper(cls, shopper_id: int, name: str = "", ip: str = "") -> "Actor":
        return cls("shopper", shopper_id, name or "顾客", "shopper", ip)

    @classmethod
    def staff(cls, staff_id: int, name: str, role: str, ip: str = "") -> "Actor":
        return cls("staff", staff_id, name, role, ip)

    @classmethod
    def system(cls, name: str = "系统") -> "Actor":
        return cls("system", None, name, "system")

    @classmethod
    def wechat(cls) -> "Actor":
        return cls("wechat", None, "微信支付", "wechat")

    @property
    def is_shopper(self) -> bool:
        return self.kind == "shopper"

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"
