"""refund worker rate rules (W3).

Revision ID: 0007_refund_worker
Revises: 0006_payments_v3
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007_refund_worker"
down_revision = "0006_payments_v3"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
