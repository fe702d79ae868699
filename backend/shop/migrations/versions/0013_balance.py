"""Store balance (R9): the balance ledger, the order's split between balance and WeChat Pay, and the
shopper's balance never below zero.

Revision ID: 0013_balance
Revises: 0012_platform
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_balance"
down_revision = "0012_platform"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "balance_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shopper_id", sa.Integer(), nullable=False),
        sa.Column("delta_fen", sa.Integer(), nullable=False),
        sa.Column("balance_after_fen", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("delta_fen <> 0", name=op.f("ck_balance_ledger_delta_not_zero")),
        sa.ForeignKeyConstraint(["shopper_id"], ["shoppers.id"], name=op.f("fk_balance_ledger_shopper_id_shoppers")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_balance_ledger_order_id_orders")),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.id"], name=op.f("fk_balance_ledger_refund_id_refunds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_balance_ledger")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_balance_ledger_idempotency_key")),
    )
    op.create_index("ix_balance_ledger_shopper", "balance_ledger", ["shopper_id", "id"])
    op.create_index("ix_balance_ledger_order", "balance_ledger", ["order_id"])
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("balance_paid_fen", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("wechat_paid_fen", sa.Integer(), nullable=False, server_default="0"))
    # Orders paid before this revision were paid by WeChat alone.
    op.execute("UPDATE orders SET wechat_paid_fen = paid_fen")
    # Balances credited before the ledger existed become one opening row each, so ledger sums equal balances.
    op.execute("INSERT INTO balance_ledger (shopper_id, delta_fen, balance_after_fen, kind, idempotency_key, note, "
               "created_by, created_at) SELECT id, balance_fen, balance_fen, 'adjust', 'opening-' || id, "
               "'余额账本启用前的余额', 'system', CURRENT_TIMESTAMP FROM shoppers WHERE balance_fen <> 0")
    if op.get_bind().dialect.name == "postgresql":
        # SQLite would rebuild the shoppers table for this; there the guarded UPDATE alone keeps it >= 0.
        op.create_check_constraint(op.f("ck_shoppers_balance_not_negative"), "shoppers", "balance_fen >= 0")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_shoppers_balance_not_negative"), "shoppers", type_="check")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("wechat_paid_fen")
        batch.drop_column("balance_paid_fen")
    op.drop_index("ix_balance_ledger_order", table_name="balance_ledger")
    op.drop_index("ix_balance_ledger_shopper", table_name="balance_ledger")
    op.drop_table("balance_ledger")
