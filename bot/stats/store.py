"""Writing and reading the anonymised counters. Writes are queued and flushed in batches by a
background thread, off the request path; if the database is slow, locked or down, the batch is
dropped and the number of dropped counts is logged, and replies carry on."""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from bot.stats.models import DIMENSIONS, usage_counts

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Cell:
    """One counter: an event in an hour, with its (non-identifying) dimensions."""

    event: str
    hour: datetime
    site: str = ""
    locale: str = ""
    audience: str = ""
    channel: str = ""
    topic: str = ""
    content_id: str = ""
    kind: str = ""
    detail: str = ""

    def key(self) -> Dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def current_hour(now: Optional[datetime] = None) -> datetime:
    now = now or datetime.now(timezone.utc)
    return now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"timeout": 1.0}, future=True)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 2}, future=True)


def migrate(engine: Engine) -> None:
    """Brings the schema to the latest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _upsert(engine: Engine, counts: Counter) -> None:
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    with engine.begin() as connection:
        for cell, n in counts.items():
            statement = insert(usage_counts).values(**cell.key(), count=n)
            statement = statement.on_conflict_do_update(
                index_elements=["hour", "event", *DIMENSIONS],
                set_={"count": usage_counts.c.count + statement.excluded.count},
            )
            connection.execute(statement)


class StatsWriter:
    """Queues cells and flushes them in batches from one background thread."""

    def __init__(self, engine: Engine, flush_seconds: float = 2.0, max_queue: int = 50_000) -> None:
        self.engine = engine
        self.flush_seconds = flush_seconds
        self.queue: "queue.Queue[Cell]" = queue.Queue(maxsize=max_queue)
        self.dropped = 0
        self.written = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lumi-stats", daemon=True)
        self._thread.start()

    def add(self, cells: Iterable[Cell]) -> None:
        for cell in cells:
            try:
                self.queue.put_nowait(cell)
            except queue.Full:
                self.dropped += 1

    def _drain(self) -> Counter:
        batch: Counter = Counter()
        while True:
            try:
                batch[self.queue.get_nowait()] += 1
            except queue.Empty:
                return batch

    def flush(self) -> None:
        batch = self._drain()
        if not batch:
            return
        try:
            _upsert(self.engine, batch)
            self.written += sum(batch.values())
        except Exception as error:  # a locked, slow or unreachable database must never break replies
            lost = sum(batch.values())
            self.dropped += lost
            logger.warning("statistics: dropped %d counts (%d in all): %s", lost, self.dropped, type(error).__name__)

    def _loop(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            self.flush()
        self.flush()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def purge(engine: Engine, older_than: timedelta, now: Optional[datetime] = None) -> int:
    cutoff = current_hour(now) - older_than
    with engine.begin() as connection:
        return connection.execute(delete(usage_counts).where(usage_counts.c.hour < cutoff)).rowcount


def totals(
    engine: Engine,
    group_by: Tuple[str, ...],
    start: datetime,
    end: datetime,
    event: Optional[str] = None,
    site: Optional[str] = None,
) -> Dict[Tuple, int]:
    """Summed counts grouped by the given columns, for hours in [start, end)."""
    columns = [usage_counts.c[name] for name in group_by]
    query = select(*columns, func.sum(usage_counts.c.count)).where(
        usage_counts.c.hour >= start, usage_counts.c.hour < end
    )
    if event:
        query = query.where(usage_counts.c.event == event)
    if site:
        query = query.where(usage_counts.c.site == site)
    query = query.group_by(*columns)
    with engine.connect() as connection:
        return {tuple(row[:-1]): int(row[-1]) for row in connection.execute(query) if row[-1] is not None}
