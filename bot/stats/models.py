"""The anonymised statistics schema (SQLAlchemy). One table of counters: how many times
something happened, per UTC hour and per site, locale, audience and channel. There is no
column that could hold message text, a sender or session id, an IP, a user agent or an exact
time; rows are aggregated counters, so not even the order of events in a conversation is kept."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, UniqueConstraint

metadata = MetaData()

DIMENSIONS = ("site", "locale", "audience", "channel", "topic", "content_id", "kind", "detail")

usage_counts = Table(
    "usage_counts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hour", DateTime, nullable=False, index=True),  # UTC, rounded down to the hour
    Column("event", String(40), nullable=False),  # session_started, content_served, urgent_reply...
    Column("site", String(64), nullable=False, default=""),
    Column("locale", String(8), nullable=False, default=""),
    Column("audience", String(16), nullable=False, default=""),
    Column("channel", String(32), nullable=False, default=""),
    Column("topic", String(40), nullable=False, default=""),
    Column("content_id", String(120), nullable=False, default=""),
    Column("kind", String(40), nullable=False, default=""),
    Column("detail", String(40), nullable=False, default=""),  # a fixed vocabulary: sub-type, yes/no, right/wrong
    Column("count", Integer, nullable=False, default=0),
    UniqueConstraint("hour", "event", *DIMENSIONS, name="uq_usage_counts_cell"),
)
