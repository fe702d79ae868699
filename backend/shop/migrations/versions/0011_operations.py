"""operations (audit, jobs, storage).

Revision ID: 0011_operations
Revises: 0010_performance
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0011_operations"
down_revision = "0010_performance"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
