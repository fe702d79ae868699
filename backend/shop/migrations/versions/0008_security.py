"""Security hardening (issue 14): token versions for logout/revocation, banned shoppers, upload ownership.

Revision ID: 0008_security
Revises: 0007_refund_worker
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_security"
down_revision = "0007_refund_worker"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("shoppers") as batch:
        batch.add_column(sa.Column("banned", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("ban_reason", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("shopper_id", sa.Integer(), sa.ForeignKey("shoppers.id"), nullable=False),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_uploads_shopper_created", "uploads", ["shopper_id", "created_at"])


def downgrade():
    op.drop_index("ix_uploads_shopper_created", table_name="uploads")
    op.drop_table("uploads")
    with op.batch_alter_table("shoppers") as batch:
        batch.drop_column("token_version")
        batch.drop_column("ban_reason")
        batch.drop_column("banned")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("token_version")
