"""Who is calling the admin API: bearer token -> staff member -> permission check (P1, P3)."""
from __future__ import annotations

import functools

from flask import g, request

from ...domain.actors import Actor
from ...domain.errors import DomainError, ErrorCode
from ...domain.permissions import PERMISSIONS, is_allowed
from ..auth import bearer_token, client_ip
from ..blueprint import Blueprint
from ..limits import limiter

LOGIN_LIMIT = "5 per minute"  # failed logins per IP and username
# X-Forwarded-For can be forged, so one username also has a ceiling whatever the IP.
LOGIN_LIMIT_PER_USERNAME = "20 per minute"


def _login_username() -> str:
    body = request.get_json(silent=True) or {}
    username = body.get("username") if isinstance(body, dict) else ""
    return str(username or "").strip().lower()[:40]


def _login_key() -> str:
    return f"staff-login:{client_ip()}:{_login_username()}"


def _login_username_key() -> str:
    return f"staff-login-user:{_login_username()}"


def login_rate_limit(view):
    """Failed logins a minute: 5 per IP and username, 20 per username; a successful login costs nothing."""
    failed = lambda response: response.status_code >= 400  # noqa: E731
    view = limiter.limit(LOGIN_LIMIT_PER_USERNAME, key_func=_login_username_key, deduct_when=failed)(view)
    return limiter.limit(LOGIN_LIMIT, key_func=_login_key, deduct_when=failed)(view)


def staff_required(permission: str):
    """Authenticate the staff member, check `permission`, and set g.staff and g.actor."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            from ...services.staff_auth import staff_from_token
            staff = staff_from_token(bearer_token())
            g.staff = staff
            g.actor = Actor.staff(staff.id, staff.name, staff.role, client_ip())
            if not is_allowed(staff.role, permission):
                raise DomainError(ErrorCode.FORBIDDEN, f"您的角色没有「{PERMISSIONS[permission][1]}」权限")
            return view(*args, **kwargs)
        wrapper.required_permission = permission
        # OpenAPI: bearer token, and which permission the endpoint needs.
        return Blueprint.doc(security=[{"bearer": []}], **{"x-permission": permission})(wrapper)
    return decorate
