"""Shipping address rules (收货地址)."""
from __future__ import annotations

import re

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_receiver(name: str | None) -> str | None:
    name = (name or "").strip()
    if not name:
        return "请填写收货人"
    if len(name) > 20:
        return "收货人姓名不能超过 20 个字"
    return None


def validate_mobile(phone: str | None) -> str | None:
    if not MAINLAND_MOBILE.match((phone or "").strip()):
        return "请填写正确的 11 位手机号"
    return None


def validate_address(data: dict) -> dict[str, str]:
    """Field -> Chinese message for every problem; empty when the address is fine."""
    errors: dict[str, str] = {}
    for field, check in (("receiver", validate_receiver), ("phone", validate_mobile)):
        problem = check(data.get(field))
        if problem:
            errors[field] = problem
    for field, label in (("province", "省份"), ("city", "城市"), ("district", "区县")):
        if not (data.get(field) or "").strip():
            errors[field] = f"请选择{label}"
    detail = (data.get("detail") or "").strip()
    if len(detail) < 4:
        errors["detail"] = "详细地址至少 4 个字"
    elif len(detail) > 120:
        errors["detail"] = "详细地址不能超过 120 个字"
    return errors
