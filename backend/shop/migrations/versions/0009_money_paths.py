"""refund policy and money paths (R8-R12): the shopper's answer to a staff alternative (C4); after-sales
negotiation (A4: after_sale_messages, after_sales.proposal) and a deadline at every stage (A5: after_sales.deadline_at).

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
    with op.batch_alter_table("after_sales", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("deadline_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_after_sales_deadline", ["deadline_at"], unique=False)
    op.create_table(
        "after_sale_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("after_sale_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("author_name", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("text", sa.String(length=600), nullable=False),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("proposal", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["after_sale_id"], ["after_sales.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("after_sale_messages", schema=None) as batch_op:
        batch_op.create_index("ix_after_sale_messages_after_sale_id", ["after_sale_id"], unique=False)


def downgrade():
    with op.batch_alter_table("after_sale_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_after_sale_messages_after_sale_id")
    op.drop_table("after_sale_messages")
    with op.batch_alter_table("after_sales", schema=None) as batch_op:
        batch_op.drop_index("ix_after_sales_deadline")
        batch_op.drop_column("deadline_at")
        batch_op.drop_column("proposal")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("expedited_at")
