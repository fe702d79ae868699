"""WeChat platform obligations (W4-W7): the shipping-upload outbox and the delivered (已签收) time.

Revision ID: 0012_platform
Revises: 0011_operations
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_platform"
down_revision = "0011_operations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shipping_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("after_sale_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("carrier", sa.String(length=40), nullable=False),
        sa.Column("tracking_no", sa.String(length=40), nullable=False),
        sa.Column("express_company", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["after_sale_id"], ["after_sales.id"], name=op.f("fk_shipping_uploads_after_sale_id_after_sales")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_shipping_uploads_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_uploads")),
    )
    with op.batch_alter_table("shipping_uploads") as batch:
        batch.create_index("ix_shipping_uploads_status_created", ["status", "created_at"])
        batch.create_index(batch.f("ix_shipping_uploads_order_id"), ["order_id"])
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("delivered_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("delivered_at")
    op.drop_table("shipping_uploads")
