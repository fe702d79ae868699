from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class Shopper(db.Model):
    __tablename__ = "shoppers"
    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    nickname: Mapped[str] = mapped_column(String(40), default="", index=True)
    phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    member_level: Mapped[int] = mapped_column(default=0)
    balance_fen: Mapped[int] = mapped_column(default=0)
    # Risk control (K1): flagged shoppers never get automatic approvals.
    risk_flagged: Mapped[bool] = mapped_column(default=False)
    risk_reasons: Mapped[list] = mapped_column(JSON, default=list)
    risk_allow_listed: Mapped[bool] = mapped_column(default=False)
    # Which subscribe-message templates the shopper granted (N1), template key -> count.
    subscriptions: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Address(db.Model):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("shoppers.id"), index=True)
    receiver: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
