"""security hardening.

Revision ID: 0008_security
Revises: 0007_refund_worker
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0008_security"
down_revision = "0007_refund_worker"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
