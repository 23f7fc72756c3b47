"""Space infrared lines of sight: the ``sight_reports`` table, and the satellite and epoch of a
space sensor's registration (``sensors.satellite``, ``sensors.epoch_s``; NULL for ground sensors).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ID = 128


def upgrade() -> None:
    with op.batch_alter_table("sensors") as batch:
        batch.add_column(sa.Column("satellite", sa.Integer))
        batch.add_column(sa.Column("epoch_s", sa.Float))
    op.create_table(
        "sight_reports",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("party", sa.String(32), nullable=False),
        sa.Column("id", sa.String(_ID), nullable=False),
        sa.Column("sensor", sa.String(_ID), nullable=False),
        sa.Column("t_s", sa.Float, nullable=False),
        sa.Column("los_lon_deg", sa.Float, nullable=False),
        sa.Column("los_lat_deg", sa.Float, nullable=False),
        sa.Column("sigma_deg", sa.Float, nullable=False),
        sa.Column("received_s", sa.Float, nullable=False),
        sa.UniqueConstraint("party", "id", name="uq_sight_reports_party_id"))


def downgrade() -> None:
    op.drop_table("sight_reports")
    with op.batch_alter_table("sensors") as batch:
        batch.drop_column("epoch_s")
        batch.drop_column("satellite")
