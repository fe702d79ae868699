"""operations: the database's instance id (job ids stay unique across database resets).

Revision ID: 0011_operations
Revises: 0010_performance
"""
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0011_operations"
down_revision = "0010_performance"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "shop_instance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "instance_id": uuid.uuid4().hex[:12],
                            "created_at": datetime.now(timezone.utc).replace(tzinfo=None)}])


def downgrade():
    op.drop_table("shop_instance")
