"""Anonymised statistics: what is counted, what never is, never in the way, <5 suppression."""

import json
import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text

from bot.stats.broker import ConversationMemory, StatsEventBroker, cells_for
from bot.stats.models import usage_counts
from bot.stats.report import as_csv, as_html, as_json, as_text, build_report
from bot.stats.store import Cell, StatsWriter, current_hour, make_engine, migrate, purge
from tests.conftest import require_service

NOW = datetime(2026, 11, 25, 14, 37, 12, tzinfo=timezone.utc)


def user_event(sender, text, intent, entities=(), metadata=None):
    return {
        "event": "user",
        "sender_id": sender,
        "timestamp": NOW.timestamp(),
        "text": text,
        "input_channel": "lumi",
        "metadata": metadata or {"site": "school-42", "locale": "en"},
        "parse_data": {"text": text, "intent": {"name": intent}, "entities": list(entities)},
    }


def bot_event(sender, custom):
    return {"event": "bot", "sender_id": sender, "timestamp": NOW.timestamp(), "text": "…", "data": {"custom": custom}}


def test_events_become_counts_with_the_hour_rounded_and_no_text():
    memory = ConversationMemory()
    cells = cells_for(memory, {"event": "session_started", "sender_id": "s1", "timestamp": NOW.timestamp()})
    cells += cells_for(memory, user_event("s1", "what is grooming", "topic_grooming"))
    cells += cells_for(
        memory,
        bot_event(
            "s1",
            {
                "content_id": "grooming.definition.teen",
                "topic": "grooming",
                "kind": "definition",
                "audience": "teen",
                "urgent": False,
            },
        ),
    )
    cells += cells_for(memory, user_event("s1", "/feedback", "feedback", [{"entity": "helpful", "value": "yes"}]))
    events = [c.event for c in cells]
    assert events == ["session_started", "message", "content_served", "message", "feedback"]
    assert all(c.hour == datetime(2026, 11, 25, 14) and c.site == "school-42" for c in cells)
    assert cells[-1].content_id == "grooming.definition.teen" and cells[-1].detail == "helpful"
    assert not any("grooming" in c.detail for c in cells)


def test_urgent_replies_and_fallbacks_are_counted():
    memory = ConversationMemory()
    cells = cells_for(memory, user_event("s2", "asdf", "nlu_fallback"))
    cells += cells_for(
        memory,
        bot_event(
            "s2",
            {
                "content_id": "crisis.self_harm.teen",
                "topic": "crisis",
                "kind": "self_harm",
                "audience": "teen",
                "urgent": True,
            },
        ),
    )
    cells += cells_for(memory, bot_event("s2", {"helplines": [{}], "urgent": True, "fixed": True}))
    assert [c.event for c in cells] == [
        "session_started",
        "message",
        "fallback",
        "content_served",
        "urgent_reply",
        "urgent_reply",
    ]
    assert [c.detail for c in cells if c.event == "urgent_reply"] == ["self_harm", "fixed_fallback"]


def test_free_text_metadata_is_never_taken_as_a_site_key():
    memory = ConversationMemory()
    cells = cells_for(memory, user_event("s3", "hi", "greet", metadata={"site": "Jane Doe <jane@x.org>"}))
    assert all(c.site == "" for c in cells)


def test_memory_of_live_conversations_is_bounded():
    memory = ConversationMemory(limit=10)
    for i in range(100):
        memory.get(f"sender-{i}")
    assert len(memory._items) == 10


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'stats.db'}"
    else:
        require_service("PostgreSQL", "127.0.0.1", 5432)
        url = "postgresql://postgres@127.0.0.1:5432/test"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS usage_counts"))
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate(engine)
    yield engine
    engine.dispose()


def test_migrations_create_only_counter_columns(engine):
    columns = {c["name"] for c in inspect(engine).get_columns("usage_counts")}
    assert columns == {
        "id",
        "hour",
        "event",
        "site",
        "locale",
        "audience",
        "channel",
        "topic",
        "content_id",
        "kind",
        "detail",
        "count",
    }


def test_writer_batches_and_upserts_counts(engine):
    writer = StatsWriter(engine, flush_seconds=60)
    hour = current_hour(NOW)
    writer.add([Cell("message", hour, site="a")] * 7 + [Cell("message", hour, site="b")])
    writer.flush()
    writer.add([Cell("message", hour, site="a")] * 2)
    writer.flush()
    writer.close()
    with engine.connect() as connection:
        rows = dict(connection.execute(select(usage_counts.c.site, usage_counts.c.count)).all())
    assert rows == {"a": 9, "b": 1}


def report_with_cell_of_three(engine):
    writer = StatsWriter(engine, flush_seconds=60)
    hour = current_hour(NOW)
    writer.add(
        [
            Cell(
                "content_served",
                hour,
                topic="grooming",
                content_id="grooming.definition.teen",
                kind="definition",
                audience="teen",
            )
        ]
        * 3
    )
    writer.add(
        [
            Cell(
                "content_served",
                hour,
                topic="sextortion",
                content_id="sextortion.definition.teen",
                kind="definition",
                audience="teen",
            )
        ]
        * 12
    )
    writer.close()
    return build_report(engine, hour - timedelta(days=1), hour + timedelta(days=1))


def test_a_cell_of_three_is_shown_as_less_than_five_in_every_format(engine):
    tables = report_with_cell_of_three(engine)
    outputs = {"table": as_text(tables), "json": as_json(tables), "csv": as_csv(tables), "html": as_html(tables, "t")}
    for name, output in outputs.items():
        assert ("<5" in output) or ("&lt;5" in output), name
        assert "12" in output, name
    topics = json.loads(outputs["json"])["Topics"]
    assert {"topic": "grooming", "answers": "<5"} in topics and {"topic": "sextortion", "answers": 12} in topics
    assert "data:image/png;base64," in outputs["html"]


def test_purge_removes_counts_older_than_the_retention(engine):
    writer = StatsWriter(engine, flush_seconds=60)
    writer.add([Cell("message", current_hour(NOW) - timedelta(days=400)), Cell("message", current_hour(NOW))])
    writer.close()
    assert purge(engine, timedelta(days=365), now=NOW) == 1


def test_an_unreachable_database_drops_counts_without_raising():
    writer = StatsWriter(make_engine("postgresql://nobody@127.0.0.1:1/none"), flush_seconds=60)
    writer.add([Cell("message", current_hour(NOW))] * 4)
    writer.flush()
    writer.close()
    assert writer.dropped == 4 and writer.written == 0


def test_a_locked_sqlite_database_drops_the_batch_and_recovers(tmp_path):
    path = tmp_path / "locked.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    writer = StatsWriter(engine, flush_seconds=60)
    lock = sqlite3.connect(path)
    lock.execute("BEGIN EXCLUSIVE")
    writer.add([Cell("message", current_hour(NOW))] * 3)
    started = time.monotonic()
    writer.flush()
    assert writer.dropped == 3 and time.monotonic() - started < 5
    lock.rollback()
    lock.close()
    writer.add([Cell("message", current_hour(NOW))])
    writer.flush()
    writer.close()
    assert writer.written == 1


def test_publishing_never_blocks_the_caller_even_when_the_database_hangs(tmp_path):
    broker = StatsEventBroker(url=f"sqlite:///{tmp_path / 's.db'}")
    blocker = threading.Event()
    broker.writer.flush = lambda: blocker.wait(5)  # a database that hangs
    started = time.monotonic()
    for i in range(1000):
        broker.publish(user_event(f"s{i}", "hi", "greet"))
    assert time.monotonic() - started < 1.0
    blocker.set()
