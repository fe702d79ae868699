"""Staff login, tokens and account management (P1, P3).

Tokens carry a fingerprint of the password hash, so resetting a password or deactivating an
account ends every session it had; the role is read from the database on each request, so a role
change applies at once.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from ..db import Staff
from ..domain.actors import STAFF_ROLES, Actor
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db
from . import audit
from .auth import issue_token, read_token
from .staff_accounts import create_staff, verify_password
from .uow import transaction

MIN_PASSWORD_LENGTH = 8


def _fingerprint(staff: Staff) -> str:
    return hashlib.sha256(staff.password_hash.encode()).hexdigest()[:12]


def login(username: str, password: str, ip: str = "") -> tuple[str, Staff]:
    staff = db.session.scalar(select(Staff).where(Staff.username == (username or "").strip()))
    if staff is None or not staff.active or not verify_password(staff, password):
        raise DomainError(ErrorCode.LOGIN_FAILED)
    audit.record(Actor.staff(staff.id, staff.name, staff.role, ip), "auth.login", "staff", staff.id)
    return issue_token("staff", staff.id, fp=_fingerprint(staff)), staff


def staff_from_token(token: str) -> Staff:
    claims = read_token("staff", token, current_app.config["STAFF_TOKEN_MAX_AGE_SECONDS"])
    staff = db.session.get(Staff, claims.get("sub"))
    if staff is None or not staff.active or claims.get("fp") != _fingerprint(staff):
        raise DomainError(ErrorCode.UNAUTHORIZED, "登录已失效，请重新登录")
    return staff


def verify_own_password(staff_id: int, password: str) -> bool:
    """二次验证: the operator re-enters their own password before a sensitive action."""
    staff = db.session.get(Staff, staff_id)
    return staff is not None and verify_password(staff, password)


def recheck_password(actor: Actor, password: str | None) -> None:
    """二次验证 where a rule asks for it (R12, C3): missing or wrong, the action is refused."""
    if not password:
        raise DomainError(ErrorCode.PASSWORD_REQUIRED)
    if not verify_own_password(actor.id, password):
        raise DomainError(ErrorCode.PASSWORD_INCORRECT)


# ---- account management (admins) ------------------------------------------------------------


def snapshot(staff: Staff) -> dict:
    return {"username": staff.username, "name": staff.name, "role": staff.role, "active": staff.active}


def list_staff() -> list[Staff]:
    return list(db.session.scalars(select(Staff).order_by(Staff.id)))


def get_staff(staff_id: int) -> Staff:
    staff = db.session.get(Staff, staff_id)
    if staff is None:
        raise DomainError(ErrorCode.STAFF_NOT_FOUND)
    return staff


def add_staff(actor: Actor, *, username: str, name: str, role: str, password: str) -> Staff:
    staff = create_staff(username=(username or "").strip(), name=(name or "").strip() or username, role=role,
                         password=password)
    audit.record(actor, "staff.create", "staff", staff.id, None, snapshot(staff))
    return staff


def _active_admins() -> int:
    return db.session.scalar(select(func.count()).select_from(Staff).where(Staff.role == "admin", Staff.active))


def update_staff(actor: Actor, staff_id: int, *, role: str | None = None, active: bool | None = None,
                 name: str | None = None, password: str | None = None) -> Staff:
    with transaction():
        staff = get_staff(staff_id)
        before = snapshot(staff)
        if role is not None and role not in STAFF_ROLES:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "角色不存在", {"role": "角色不存在"})
        if password is not None and len(password) < MIN_PASSWORD_LENGTH:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "密码至少 8 位", {"password": "密码至少 8 位"})
        losing_admin = staff.role == "admin" and staff.active and (
            (role is not None and role != "admin") or active is False)
        if losing_admin and _active_admins() <= 1:
            raise DomainError(ErrorCode.CONFLICT, "至少需要保留一名启用的管理员")
        if staff.id == actor.id and active is False:
            raise DomainError(ErrorCode.CONFLICT, "不能停用自己的账号")
        if role is not None:
            staff.role = role
        if active is not None:
            staff.active = active
        if name:
            staff.name = name.strip()
        if password is not None:
            staff.password_hash = generate_password_hash(password)
        after = snapshot(staff)
        if password is not None:
            after["password_reset"] = True
        if after != before:
            audit.record(actor, "staff.update", "staff", staff.id, before, after, commit=False)
    return staff
