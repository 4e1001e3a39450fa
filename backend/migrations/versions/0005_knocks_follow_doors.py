"""turf_doors: knocks follow a door through splits, merges and re-cuts

A turf's progress counts the knocks on its doors; a door moved by an edit keeps the time from
which its knocks count (``knocks_since``), so a split or merged turf shows the doors already
knocked and a re-cut does not send volunteers back to them. Existing rows count from when
they were added, as before.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("turf_doors", sa.Column("knocks_since", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.execute("ALTER TABLE turf_doors DROP COLUMN knocks_since")
