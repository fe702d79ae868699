from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, JSON, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class Shopper(db.Model):
    __tablename__ = "shoppers"
    # R9: written only through services.balance (the ledger); migration 0013 adds it on PostgreSQL.
    __table_args__ = (CheckConstraint("balance_fen >= 0", name="balance_not_negative").ddl_if(dialect="postgresql"),)
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
    # Staff may ban a shopper (no login, no new orders); bumping token_version ends every token issued.
    banned: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    ban_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
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


class Upload(db.Model):
    """An evidence photo a shopper uploaded: who owns it (only they may cite it) and its size (the quota)."""
    __tablename__ = "uploads"
    __table_args__ = (Index("ix_uploads_shopper_created", "shopper_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("shoppers.id"))
    name: Mapped[str] = mapped_column(String(80), unique=True)
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
