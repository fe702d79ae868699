"""Who is calling: bearer token -> shopper (mini-program)."""
from __future__ import annotations

import functools

from flask import g, request

from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise DomainError(ErrorCode.UNAUTHORIZED)
    return header[7:].strip()


def client_ip() -> str:
    """The peer's address; behind PROXY_COUNT trusted proxies, ProxyFix has already put the client's here."""
    return request.remote_addr or ""


def shopper_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        from ..services.auth import shopper_from_token
        g.shopper = shopper_from_token(bearer_token())
        g.actor = Actor.shopper(g.shopper.id, g.shopper.nickname, client_ip())
        return view(*args, **kwargs)
    return wrapper


def shopper_reading(view):
    """shopper_required for a view that only reads: the same checks, g.shopper a light identity (id,
    nickname, openid) read in Core instead of a Shopper in the session (issue 13: the order list and page),
    and the whole view outside a transaction (services/uow.reading: no BEGIN/COMMIT round trips)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        from ..services.auth import shopper_identity_from_token
        from ..services.uow import reading
        with reading():
            g.shopper = shopper_identity_from_token(bearer_token())
            g.actor = Actor.shopper(g.shopper.id, g.shopper.nickname, client_ip())
            return view(*args, **kwargs)
    return wrapper
