"""indexes and rollups for speed.

Revision ID: 0010_performance
Revises: 0009_money_paths
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_performance"
down_revision = "0009_money_paths"
branch_labels = None
depends_on = None


def upgrade():
    # Admin filters sorted within a status (Q2): status=paid by amount or by payment time reads the
    # first page straight off one index instead of sorting every order of that status (the id is the
    # tie-break of the sort: amounts repeat).
    with op.batch_alter_table("orders") as batch_op:
        batch_op.create_index("ix_orders_status_total", ["status", "total_fen", "id"], unique=False)
        batch_op.create_index("ix_orders_status_paid_at", ["status", "paid_at", "id"], unique=False)
    # Statistics (S1) rolled up per closed day: a report over a year reads 365 days, not the orders.
    op.create_table(
        "stats_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("report", sa.String(length=16), nullable=False),
        sa.Column("group_by", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("day", "report", "group_by", "key", name=op.f("pk_stats_daily")),
    )
    op.create_table(
        "stats_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_stats_days")),
    )


def downgrade():
    op.drop_table("stats_days")
    op.drop_table("stats_daily")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_index("ix_orders_status_paid_at")
        batch_op.drop_index("ix_orders_status_total")
