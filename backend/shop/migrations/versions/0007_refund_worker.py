"""refund worker rate rules (W3) and WeChat's refund outcomes kept apart (W2).

W3 needs no schema: the rate rules live in Redis. W2: a refund WeChat closed or could not pay out
can be replaced by a new one (`replaced_by_id`), and a WeChat-abnormal one re-routed to a bank card
(`abnormal_route`). The new states (`wechat_abnormal`, `closed`) fit the existing status column.

Revision ID: 0007_refund_worker
Revises: 0005_order_change_sync
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_refund_worker"
down_revision = "0005_order_change_sync"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("refunds") as batch:
        batch.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("abnormal_route", sa.String(length=24), nullable=True))
        batch.create_foreign_key("fk_refunds_replaced_by", "refunds", ["replaced_by_id"], ["id"])


def downgrade():
    with op.batch_alter_table("refunds") as batch:
        batch.drop_constraint("fk_refunds_replaced_by", type_="foreignkey")
        batch.drop_column("abnormal_route")
        batch.drop_column("replaced_by_id")
