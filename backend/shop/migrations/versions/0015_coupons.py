"""Coupon templates (O7): amount off or percentage with a cap, validity in days after receipt, per-shopper
limit, total count with its issued counter, categories/products scope, stopped, published to claim.

Revision ID: 0015_coupons
Revises: 0014_batches
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_coupons"
down_revision = "0014_batches"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("coupons") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=10), nullable=False, server_default="amount"))
        batch.add_column(sa.Column("percent_off", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("max_discount_fen", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("valid_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("per_shopper_limit", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("total_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("issued_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("scope", sa.String(length=12), nullable=False, server_default="all"))
        batch.add_column(sa.Column("scope_ids", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=12), nullable=False, server_default="active"))
        batch.add_column(sa.Column("claimable", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("description", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("shopper_coupons") as batch:
        batch.create_index("ix_shopper_coupons_coupon_shopper", ["coupon_id", "shopper_id"])


def downgrade():
    with op.batch_alter_table("shopper_coupons") as batch:
        batch.drop_index("ix_shopper_coupons_coupon_shopper")
    with op.batch_alter_table("coupons") as batch:
        for name in ("created_at", "description", "claimable", "status", "scope_ids", "scope", "issued_count",
                     "total_count", "per_shopper_limit", "valid_days", "max_discount_fen", "percent_off", "kind"):
            batch.drop_column(name)
