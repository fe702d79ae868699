"""WeChat platform obligations (W4-W7): the shipping-upload outbox and the delivered (已签收) time;
WeChat Pay consumer complaints and their deadline alerts (W6).

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
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("out_trade_no", sa.String(length=64), nullable=True),
        sa.Column("transaction_id", sa.String(length=64), nullable=True),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("complaint_time", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("problem_description", sa.String(length=255), nullable=False),
        sa.Column("media_urls", sa.JSON(), nullable=False),
        sa.Column("user_complaint_times", sa.Integer(), nullable=False),
        sa.Column("first_replied_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_complaints_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("complaint_id", name=op.f("uq_complaints_complaint_id")),
    )
    with op.batch_alter_table("complaints") as batch:
        batch.create_index("ix_complaints_state_time", ["state", "complaint_time"])
        batch.create_index(batch.f("ix_complaints_order_id"), ["order_id"])
    op.create_table(
        "complaint_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"],
                                name=op.f("fk_complaint_alerts_complaint_id_complaints")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_alerts")),
        sa.UniqueConstraint("complaint_id", "deadline", name="uq_complaint_alerts_complaint_deadline"),
    )


def downgrade():
    op.drop_table("complaint_alerts")
    op.drop_table("complaints")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("delivered_at")
    op.drop_table("shipping_uploads")
