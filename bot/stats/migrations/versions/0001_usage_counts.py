"""usage counters

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DIMENSIONS = ("site", "locale", "audience", "channel", "topic", "content_id", "kind", "detail")
SIZES = {"site": 64, "locale": 8, "audience": 16, "channel": 32, "topic": 40, "content_id": 120, "kind": 40, "detail": 40}


def upgrade() -> None:
    op.create_table(
        "usage_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("hour", sa.DateTime, nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        *[sa.Column(name, sa.String(SIZES[name]), nullable=False, server_default="") for name in DIMENSIONS],
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("hour", "event", *DIMENSIONS, name="uq_usage_counts_cell"),
    )
    op.create_index("ix_usage_counts_hour", "usage_counts", ["hour"])


def downgrade() -> None:
    op.drop_index("ix_usage_counts_hour", table_name="usage_counts")
    op.drop_table("usage_counts")
