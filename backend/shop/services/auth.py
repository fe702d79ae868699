"""Logins and API tokens (O1 for shoppers; staff tokens share the same signer)."""
from __future__ import annotations

import time
import zlib
from typing import NamedTuple

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import Shopper
from ..domain import clock
from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db
from .context import deps
from .uow import transaction


def _signer(kind: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"shop-{kind}-token")


def issue_token(kind: str, subject_id: int, **claims) -> str:
    return _signer(kind).dumps({"sub": subject_id, **claims})


# Tokens whose signature this process checked: (kind, secret, token) -> (claims, signed at, in whole seconds).
# A shopper sends the same token with every request; checking its HMAC again each time cost about 0.06 ms of CPU
# (issue 13). Only the signature is remembered: the age is checked on every use, as itsdangerous checks it, and
# what can change (ban, token version) is checked against the database by the caller as before.
_VERIFIED: dict[tuple[str, str, str], tuple[dict, int]] = {}
_VERIFIED_LIMIT = 20_000


def read_token(kind: str, token: str, max_age: int) -> dict:
    key = (kind, current_app.config["SECRET_KEY"], token)
    known = _VERIFIED.get(key)
    try:
        if known is None:
            claims, signed_at = _signer(kind).loads(token, max_age=max_age, return_timestamp=True)
            if len(_VERIFIED) >= _VERIFIED_LIMIT:
                _VERIFIED.clear()
            _VERIFIED[key] = (claims, int(signed_at.timestamp()))
            return dict(claims)
    except SignatureExpired as exc:
        raise DomainError(ErrorCode.TOKEN_EXPIRED) from exc
    except BadSignature as exc:
        raise DomainError(ErrorCode.UNAUTHORIZED) from exc
    claims, signed_at = known
    age = int(time.time()) - signed_at  # itsdangerous's own reckoning (TimestampSigner.unsign)
    if age < 0 or age > max_age:
        raise DomainError(ErrorCode.TOKEN_EXPIRED)
    return dict(claims)


def login_shopper(code: str) -> tuple[str, Shopper]:
    """wx.login code -> code2session -> shopper keyed by openid -> API token."""
    if not code or not code.strip():
        raise DomainError(ErrorCode.VALIDATION_ERROR, "缺少登录凭证 code", {"code": "必填"})
    session = deps().miniprogram.code_to_session(code.strip())
    openid = session["openid"]
    shopper = db.session.scalar(select(Shopper).where(Shopper.openid == openid))
    if shopper is None:
        shopper = Shopper(openid=openid, nickname=default_nickname(openid), created_at=clock.now())
        db.session.add(shopper)
        try:
            db.session.commit()
        except IntegrityError:  # two first logins at once
            db.session.rollback()
            shopper = db.session.scalar(select(Shopper).where(Shopper.openid == openid))
    if shopper.banned:
        raise DomainError(ErrorCode.SHOPPER_BANNED)
    return issue_token("shopper", shopper.id, v=shopper.token_version), shopper


def default_nickname(openid: str) -> str:
    """WeChat no longer hands out nicknames: 微信用户 plus four stable digits, until the shopper sets one."""
    return f"微信用户{zlib.crc32(openid.encode()) % 10000:04d}"


def shopper_from_token(token: str) -> Shopper:
    claims = read_token("shopper", token, current_app.config["TOKEN_MAX_AGE_SECONDS"])
    return _checked(claims, db.session.get(Shopper, claims["sub"]))


class ShopperIdentity(NamedTuple):
    """Who a request serves when its service reads the shopper with its own first statement (the order list and
    page, placing an order): what views and Actor use of the shopper, without the ORM object."""
    id: int
    nickname: str
    openid: str
    banned: bool
    token_version: int


IDENTITY_COLUMNS = tuple(select(Shopper.id, Shopper.nickname, Shopper.openid, Shopper.banned,
                                Shopper.token_version).selected_columns)  # ShopperIdentity's, in its order


def shopper_claims(token: str) -> dict:
    """The token's claims (signature and age checked, no database read)."""
    return read_token("shopper", token, current_app.config["TOKEN_MAX_AGE_SECONDS"])


def checked_identity(claims: dict, row) -> ShopperIdentity:
    """shopper_from_token's remaining checks (ban, token version) on IDENTITY_COLUMNS read by a statement of the
    caller's (issue 13: the order list and page, and placing an order, read them with their first statement); None:
    no such shopper."""
    return _checked(claims, ShopperIdentity(*row) if row is not None else None)


class ShopperCaller(NamedTuple):
    """Who a shopper's write request says it is, for a service that reads the shopper with its first statement
    (issue 13: placing an order, cancelling one): the token's claims, signature and age checked
    (api/auth.shopper_writing), and where the request came from. The service checks the rest (ban, token
    version) with `checked` before it uses anything it read."""
    claims: dict
    ip: str = ""

    @classmethod
    def of(cls, shopper: Shopper) -> ShopperCaller:
        """A command acting as the shopper as they stand now (demo history)."""
        return cls({"sub": shopper.id, "v": shopper.token_version})

    @property
    def shopper_id(self) -> int:
        return self.claims["sub"]

    def checked(self, shopper):
        """The shopper read for this caller (a Shopper or a ShopperIdentity; None: no such shopper), if they
        still stand: 403 banned, 401 an old token or no such shopper."""
        return _checked(self.claims, shopper)

    def actor(self, shopper) -> Actor:
        return Actor.shopper(shopper.id, shopper.nickname, self.ip)


def _checked(claims: dict, shopper):
    if shopper is not None and shopper.banned:
        raise DomainError(ErrorCode.SHOPPER_BANNED)
    if shopper is None or claims.get("v", 0) != shopper.token_version:
        raise DomainError(ErrorCode.UNAUTHORIZED, "登录已失效，请重新登录")
    return shopper


def logout_shopper(shopper_id: int) -> None:
    """Server-side logout: every token issued to the shopper so far stops working."""
    with transaction():
        revoke_tokens(db.session.get(Shopper, shopper_id))


def revoke_tokens(account) -> None:
    """Bump the account's token_version (staff or shopper) inside the caller's transaction."""
    account.token_version = (account.token_version or 0) + 1
