"""Uploaded files in the database (UPLOAD_STORAGE=postgres): every API host serves what any stored.

Revision ID: 0014_storage
Revises: 0012_platform

Its own branch from 0012 (0013_* are being written in parallel); `flask db upgrade heads` applies all.
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_storage"
down_revision = "0012_platform"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "upload_blobs",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_upload_blobs")),
    )


def downgrade():
    op.drop_table("upload_blobs")
