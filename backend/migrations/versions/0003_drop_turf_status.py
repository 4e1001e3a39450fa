"""turfs: drop the stored status column

A turf's status (not_started, in_progress, done) is derived from its canvass reports each time
it is read (``services.progress.turf_status``); the stored column was never written, so anyone
reading the table saw every turf "not_started".

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # Not Alembic's batch mode: on SQLite it copies the table and drops the old one, which
    # fails (or would cascade) with foreign keys on, and every turf_doors row points here.
    # SQLite has dropped columns in place since 3.35 (2021).
    op.execute("ALTER TABLE turfs DROP COLUMN status")


def downgrade():
    op.add_column(
        "turfs",
        sa.Column("status", sa.String(length=20), nullable=False, server_default="not_started"),
    )
