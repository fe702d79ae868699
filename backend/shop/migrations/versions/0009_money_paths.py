"""refund policy and money paths (R8-R12).

Revision ID: 0009_money_paths
Revises: 0008_security
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0009_money_paths"
down_revision = "0008_security"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
