"""WeChat platform obligations (W4-W7).

Revision ID: 0012_platform
Revises: 0011_operations
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0012_platform"
down_revision = "0011_operations"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
