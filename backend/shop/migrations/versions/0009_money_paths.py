"""refund policy and money paths (R8-R12): the shopper's answer to a staff alternative (C4).

Revision ID: 0009_money_paths
Revises: 0008_security
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_money_paths"
down_revision = "0008_security"
branch_labels = None
depends_on = None


def upgrade():
    # Set when the shopper accepts 加急发货 instead of cancelling: the warehouse ships the order first.
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expedited_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("expedited_at")
