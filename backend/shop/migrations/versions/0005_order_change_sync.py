"""WMS outbox also carries order changes (M3): kind column, sku_id optional.

Revision ID: 0005_order_change_sync
Revises: 0004_admin
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_order_change_sync"
down_revision = "0004_admin"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stock_sync_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="stock", nullable=False))
        batch_op.alter_column("sku_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    with op.batch_alter_table("stock_sync_events", schema=None) as batch_op:
        batch_op.alter_column("sku_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("kind")
