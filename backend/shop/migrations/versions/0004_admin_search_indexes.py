"""admin search and statistics indexes

Staff search orders by receiver or shopper name, product, amount and payment time (Q2), and the
statistics read cancellations and refunds by date (S1); on a million orders these need indexes.

Revision ID: 0004_admin
Revises: 0002
Create Date: 2026-11-21 23:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_admin'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_receiver_name', ['receiver_name'], unique=False)
        batch_op.create_index('ix_orders_total', ['total_fen'], unique=False)
        batch_op.create_index('ix_orders_cancelled_at', ['cancelled_at'], unique=False)
    # Sorting by payment time puts unpaid orders last in both directions; PostgreSQL reads
    # "paid_at DESC NULLS LAST" only from an index built that way (SQLite needs just the one).
    op.create_index('ix_orders_paid_at', 'orders', ['paid_at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_orders_paid_at_desc', 'orders', [sa.text('paid_at DESC NULLS LAST')], unique=False)
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index('ix_order_lines_product_order', ['product_id', 'order_id'], unique=False)
    with op.batch_alter_table('shoppers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shoppers_nickname'), ['nickname'], unique=False)
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('ix_refunds_created', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_created')
    with op.batch_alter_table('shoppers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shoppers_nickname'))
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_order_lines_product_order')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_orders_paid_at_desc', table_name='orders')
    op.drop_index('ix_orders_paid_at', table_name='orders')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_cancelled_at')
        batch_op.drop_index('ix_orders_total')
        batch_op.drop_index('ix_orders_receiver_name')
