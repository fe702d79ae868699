"""Staff accounts: creation and password checks (P3)."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import Staff
from ..domain import clock
from ..domain.actors import STAFF_ROLES
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db
from .uow import transaction


def create_staff(*, username: str, name: str, role: str, password: str,
                 on_created: Callable[[Staff], None] | None = None) -> Staff:
    """`on_created` runs inside the same transaction once the row has its id (the audit row of the
    administrator who added the account): the account and its audit row commit together or not at all."""
    problems = {}
    if not username or len(username) > 40:
        problems["username"] = "用户名须为 1 到 40 个字符"
    if role not in STAFF_ROLES:
        problems["role"] = "角色不存在"
    if not password or len(password) < 8:
        problems["password"] = "密码至少 8 位"
    if problems:
        raise DomainError(ErrorCode.VALIDATION_ERROR, next(iter(problems.values())), problems)
    with transaction():
        if db.session.scalar(select(Staff.id).where(Staff.username == username)):
            raise DomainError(ErrorCode.VALIDATION_ERROR, "用户名已存在", {"username": "用户名已存在"})
        staff = Staff(username=username, name=name, role=role, password_hash=generate_password_hash(password),
                      created_at=clock.now())
        db.session.add(staff)
        if on_created is not None:
            db.session.flush()
            on_created(staff)
    return staff


def verify_password(staff: Staff, password: str) -> bool:
    return bool(password) and check_password_hash(staff.password_hash, password)
