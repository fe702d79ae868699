"""WeChat Pay v3 gateway (W1-W2).

Revision ID: 0006_payments_v3
Revises: 0005_order_change_sync
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006_payments_v3"
down_revision = "0005_order_change_sync"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
