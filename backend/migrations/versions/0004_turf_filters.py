"""turfs: keep the filters each turf was cut with

A turf's door list, voter count and the re-import's watched elections read the filters the
turf was cut with, not its universe's current ones: an organizer who edits a universe after
cutting must not empty the door lists already on volunteers' phones. Existing turfs get their
universe's filters as they are now (the best record there is of what they were cut with).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # A constant server default lets SQLite add a NOT NULL column in place (no batch copy of
    # turfs, which turf_doors' foreign keys refuse; see 0003).
    op.add_column("turfs", sa.Column("filters", sa.JSON(), nullable=False, server_default="{}"))
    op.execute(
        "UPDATE turfs SET filters = (SELECT universes.filters FROM universes "
        "WHERE universes.id = turfs.universe_id) WHERE universe_id IS NOT NULL"
    )


def downgrade():
    op.execute("ALTER TABLE turfs DROP COLUMN filters")
