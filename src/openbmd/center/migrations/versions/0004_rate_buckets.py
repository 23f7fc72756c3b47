"""Per-party rate limits shared by every server process: the ``rate_buckets`` table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("level", sa.Float, nullable=False),
        sa.Column("last_s", sa.Float, nullable=False))


def downgrade() -> None:
    op.drop_table("rate_buckets")
