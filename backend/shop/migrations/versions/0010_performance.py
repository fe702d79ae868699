"""indexes and rollups for speed.

Revision ID: 0010_performance
Revises: 0009_money_paths
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0010_performance"
down_revision = "0009_money_paths"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
