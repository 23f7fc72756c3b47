"""The center's first schema: agreement, parties, tokens, sensors, reports, party tracks, notifications, alerts,
proposals and approvals, the append-only audit chain (triggers refuse UPDATE and DELETE), and
the center's own keys.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ID = 128


def upgrade() -> None:
    op.create_table(
        "agreement",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("proposal_id", sa.String(_ID)),
        sa.Column("created_s", sa.Float, nullable=False))
    op.create_table(
        "parties",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("founding", sa.Boolean, nullable=False),
        sa.Column("joined_s", sa.Float, nullable=False),
        sa.Column("withdrawn_s", sa.Float),
        sa.Column("purge_after_s", sa.Float),
        sa.Column("purged_s", sa.Float))
    op.create_table(
        "tokens",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("party", sa.String(32), sa.ForeignKey("parties.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_s", sa.Float, nullable=False),
        sa.Column("revoked_s", sa.Float))
    op.create_table(
        "sensors",
        sa.Column("party", sa.String(32), sa.ForeignKey("parties.id"), primary_key=True),
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("sensor", sa.String(_ID), nullable=False),
        sa.Column("lat_deg", sa.Float, nullable=False),
        sa.Column("lon_deg", sa.Float, nullable=False),
        sa.Column("alt_m", sa.Float, nullable=False),
        sa.Column("sharing", sa.String(16), nullable=False),
        sa.Column("created_s", sa.Float, nullable=False))
    op.create_table(
        "reports",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("party", sa.String(32), nullable=False),
        sa.Column("id", sa.String(_ID), nullable=False),
        sa.Column("sensor", sa.String(_ID), nullable=False),
        sa.Column("t_s", sa.Float, nullable=False),
        sa.Column("range_m", sa.Float, nullable=False),
        sa.Column("azimuth_deg", sa.Float, nullable=False),
        sa.Column("elevation_deg", sa.Float, nullable=False),
        sa.Column("sigma_range_m", sa.Float, nullable=False),
        sa.Column("sigma_angle_deg", sa.Float, nullable=False),
        sa.Column("received_s", sa.Float, nullable=False),
        sa.UniqueConstraint("party", "id", name="uq_reports_party_id"))
    op.create_table(
        "party_tracks",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("party", sa.String(32), nullable=False),
        sa.Column("id", sa.String(_ID), nullable=False),
        sa.Column("t_s", sa.Float, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("received_s", sa.Float, nullable=False),
        sa.UniqueConstraint("party", "id", name="uq_party_tracks_party_id"))
    op.create_table(
        "notifications",
        sa.Column("party", sa.String(32), sa.ForeignKey("parties.id"), primary_key=True),
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("window_end_s", sa.Float, nullable=False),
        sa.Column("created_s", sa.Float, nullable=False))
    op.create_table(
        "alerts",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("track_id", sa.String(_ID), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_s", sa.Float, nullable=False))
    op.create_table(
        "proposals",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("party", sa.String(32), nullable=False),
        sa.Column("base_version", sa.Integer, nullable=False),
        sa.Column("change", sa.Text, nullable=False),
        sa.Column("change_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_s", sa.Float, nullable=False),
        sa.Column("decided_s", sa.Float))
    op.create_table(
        "approvals",
        sa.Column("proposal_id", sa.String(_ID), sa.ForeignKey("proposals.id"), primary_key=True),
        sa.Column("party", sa.String(32), primary_key=True),
        sa.Column("token_id", sa.String(16), nullable=False),
        sa.Column("at_s", sa.Float, nullable=False))
    op.create_table(
        "audit",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("event", sa.Text, nullable=False))
    _append_only("audit")
    op.create_table(
        "keys",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False))


def _append_only(table: str) -> None:
    """Triggers that refuse UPDATE and DELETE on ``table`` (an operator with the database's own
    rights can drop them; the hash chain is what shows that happened)."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, 'the {table} table is append-only'); END")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN RAISE EXCEPTION 'the {table} table is append-only'; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")


def downgrade() -> None:
    for table in ("keys", "audit", "approvals", "proposals", "alerts", "notifications", "party_tracks", "reports",
                  "sensors", "tokens", "parties", "agreement"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
