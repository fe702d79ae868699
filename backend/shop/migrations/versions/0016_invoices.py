"""Invoices (发票, R10): the shopper's request, the number and PDF finance recorded, and the 冲红/重开 history.

Revision ID: 0016_invoices
Revises: 0015_coupons, 0014_storage (joins the two heads)
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_invoices"
down_revision = ("0015_coupons", "0014_storage")
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("shopper_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("tax_no", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("invoice_no", sa.String(length=40), nullable=True),
        sa.Column("pdf_name", sa.String(length=80), nullable=True),
        sa.Column("reject_reason", sa.String(length=200), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("red_requested_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_invoices_order_id_orders")),
        sa.ForeignKeyConstraint(["shopper_id"], ["shoppers.id"], name=op.f("fk_invoices_shopper_id_shoppers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
    )
    with op.batch_alter_table("invoices") as batch:
        batch.create_index("ix_invoices_status_requested", ["status", "requested_at"])
        batch.create_index(batch.f("ix_invoices_order_id"), ["order_id"])


def downgrade():
    op.drop_table("invoices")
