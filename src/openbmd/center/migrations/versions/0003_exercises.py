"""Joint exercises: one row per exercise flown through the center, its scenario, pace and score.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exercises",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("party", sa.String(32), sa.ForeignKey("parties.id"), nullable=False),
        sa.Column("scenario", sa.Text, nullable=False),
        sa.Column("speed", sa.Float, nullable=False),
        sa.Column("started_s", sa.Float, nullable=False),
        sa.Column("finished_s", sa.Float),
        sa.Column("score", sa.Text, nullable=False),
        sa.Column("updated_s", sa.Float, nullable=False))


def downgrade() -> None:
    op.drop_table("exercises")
