from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class StatsDaily(db.Model):
    """Statistics (S1) of one closed Shanghai day, per report and grouping: a report over a period reads
    these rows instead of the orders (services/stats.py). `measures` holds the report's integer measures."""

    __tablename__ = "stats_daily"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    report: Mapped[str] = mapped_column(String(16), primary_key=True)  # cancellations | refunds | placed | summary
    group_by: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    measures: Mapped[dict] = mapped_column(JSON, default=dict)


class StatsDay(db.Model):
    """A day whose rollup rows are stored, up to `built_at` (its end for a closed day, a moment ago for
    today); what lies after `built_at`, and days without a row here, are computed from the orders."""

    __tablename__ = "stats_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
