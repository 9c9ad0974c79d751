"""Alembic environment for the statistics database (URL from LUMI_STATS_URL)."""

from alembic import context
from sqlalchemy import create_engine

from bot.settings import get_settings
from bot.stats.models import metadata

url = context.config.attributes.get("url") or get_settings().stats_url
connection = context.config.attributes.get("connection")


def run() -> None:
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()


run()
