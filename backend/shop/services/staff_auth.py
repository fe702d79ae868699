"""Staff login, tokens and account management (P1, P3).

Tokens carry the account's token_version: logout, a password change, disabling or enabling an
account bump it, which ends every session it had; the role is read from the database on each
request, so a role change applies at once.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import Staff
from ..domain.actors import STAFF_ROLES, Actor
from ..domain.errors import DomainError, ErrorCode
from ..domain.passwords import password_problem
from ..extensions import db
from . import audit
from .auth import issue_token, read_token, revoke_tokens
from .context import deps
from .staff_accounts import create_staff, verify_password
from .uow import transaction

logger = logging.getLogger("shop.staff_auth")

# 二次验证: this many wrong passwords per staff member within the window, then a pause.
RECHECK_FAILURES_ALLOWED = 5
RECHECK_WINDOW_SECONDS = 15 * 60
STAFF_MANAGEMENT_PROMPT = "管理员工账号需要二次验证，请输入您的登录密码"
# A batch (A7) whose submitter typed the password once, checked at submission, runs its items inside this.
_password_confirmed: ContextVar[bool] = ContextVar("shop_password_confirmed", default=False)


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("no-such-user-dummy-password")


def login(username: str, password: str, ip: str = "") -> tuple[str, Staff]:
    staff = db.session.scalar(select(Staff).where(Staff.username == (username or "").strip()))
    if staff is None:
        # Hash as much as for a real account, so the answer's timing does not tell who exists.
        check_password_hash(_dummy_hash(), password or "")
        raise DomainError(ErrorCode.LOGIN_FAILED)
    if not verify_password(staff, password) or not staff.active:
        raise DomainError(ErrorCode.LOGIN_FAILED)
    audit.record(Actor.staff(staff.id, staff.name, staff.role, ip), "auth.login", "staff", staff.id)
    return issue_token("staff", staff.id, v=staff.token_version), staff


def staff_from_token(token: str) -> Staff:
    claims = read_token("staff", token, current_app.config["STAFF_TOKEN_MAX_AGE_SECONDS"])
    staff = db.session.get(Staff, claims.get("sub"))
    if staff is None or not staff.active or claims.get("v") != staff.token_version:
        raise DomainError(ErrorCode.UNAUTHORIZED, "登录已失效，请重新登录")
    return staff


def logout(actor: Actor) -> None:
    """Server-side logout: the token in hand, and every other one of this account, stop working."""
    with transaction():
        revoke_tokens(get_staff(actor.id))
        audit.record(actor, "auth.logout", "staff", actor.id, commit=False)


def verify_own_password(staff_id: int, password: str) -> bool:
    """二次验证: the operator re-enters their own password before a sensitive action."""
    staff = db.session.get(Staff, staff_id)
    return staff is not None and verify_password(staff, password)


@contextmanager
def password_confirmed() -> Iterator[None]:
    """The password was typed again once for a whole batch (services.batches checked it at submission):
    each item's recheck inside passes without asking again."""
    token = _password_confirmed.set(True)
    try:
        yield
    finally:
        _password_confirmed.reset(token)


def recheck_password(actor: Actor, password: str | None, purpose: str = "", prompt: str | None = None) -> None:
    """二次验证 where a rule asks for it (R12, C3, staff management): missing or wrong, the action is
    refused. Wrong passwords are counted per staff member (a pause after RECHECK_FAILURES_ALLOWED)
    and audited after the refused action rolled back; a successful one is audited with the action."""
    if _password_confirmed.get():
        return
    if not password:
        raise DomainError(ErrorCode.PASSWORD_REQUIRED, prompt)
    key = f"shop:password-recheck-failures:{actor.id}"
    wait = _recheck_pause(key)
    if wait:
        raise DomainError(ErrorCode.TOO_MANY_REQUESTS, f"密码错误次数过多，请 {(wait + 59) // 60} 分钟后再试",
                          {"retry_after_seconds": wait})
    if not verify_own_password(actor.id, password):
        _count_recheck_failure(key)
        raise DomainError(ErrorCode.PASSWORD_INCORRECT).audited_as(
            actor, "auth.password_recheck_failed", "staff", actor.id, None, {"purpose": purpose})
    audit.record(actor, "auth.password_recheck", "staff", actor.id, None, {"purpose": purpose}, commit=False)


def _recheck_pause(key: str) -> int:
    try:
        redis = deps().jobs.connection
        failures = int(redis.get(key) or 0)
        return max(redis.ttl(key), 1) if failures >= RECHECK_FAILURES_ALLOWED else 0
    except RedisError:  # counting is best effort; the password is still checked
        logger.warning("password re-entry counter unavailable")
        return 0


def _count_recheck_failure(key: str) -> None:
    try:
        redis = deps().jobs.connection
        with redis.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, RECHECK_WINDOW_SECONDS, nx=True)
            pipe.execute()
    except RedisError:
        logger.warning("password re-entry counter unavailable")


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


def _check_new_password(password: str | None, username: str) -> None:
    problem = password_problem(password, username)
    if problem:
        raise DomainError(ErrorCode.VALIDATION_ERROR, problem, {"password": problem})


def add_staff(actor: Actor, *, username: str, name: str, role: str, password: str,
              current_password: str | None = None) -> Staff:
    """An administrator adds a colleague, after typing their own password again."""
    with transaction():
        recheck_password(actor, current_password, "staff.create", STAFF_MANAGEMENT_PROMPT)
    _check_new_password(password, username or "")
    # The audit row is written in the account's own transaction: a crash cannot keep one without the other.
    # The audit row is written in the account's own transaction: a crash cannot keep one without the other.
    return create_staff(username=(username or "").strip(), name=(name or "").strip() or username, role=role,
                        password=password, on_created=lambda staff: audit.record(
                            actor, "staff.create", "staff", staff.id, None, snapshot(staff), commit=False))


def _lock_active_admins() -> int:
    """Count the enabled administrators with their rows locked (PostgreSQL), so two demotions at
    once cannot both see a colleague left and leave the shop with none. FOR NO KEY UPDATE: the audit
    rows already written hold key-share locks on their staff rows, which this must not wait for."""
    return len(db.session.scalars(select(Staff.id).where(Staff.role == "admin", Staff.active)
                                  .order_by(Staff.id).with_for_update(key_share=True)).all())


def update_staff(actor: Actor, staff_id: int, *, role: str | None = None, active: bool | None = None,
                 name: str | None = None, password: str | None = None,
                 current_password: str | None = None) -> Staff:
    with transaction():
        recheck_password(actor, current_password, "staff.update", STAFF_MANAGEMENT_PROMPT)
        staff = get_staff(staff_id)
        before = snapshot(staff)
        if role is not None and role not in STAFF_ROLES:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "角色不存在", {"role": "角色不存在"})
        if password is not None:
            _check_new_password(password, staff.username)
        losing_admin = staff.role == "admin" and staff.active and (
            (role is not None and role != "admin") or active is False)
        if losing_admin and _lock_active_admins() <= 1:
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
        if password is not None or (active is not None and active != before["active"]):
            revoke_tokens(staff)  # a reset password or a disable/enable ends every session
        after = snapshot(staff)
        if password is not None:
            after["password_reset"] = True
        if after != before:
            audit.record(actor, "staff.update", "staff", staff.id, before, after, commit=False)
    return staff
