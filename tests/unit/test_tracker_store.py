"""bot/serving/tracker_store.py: conversations in memory, each event passed to the statistics broker
exactly once, and forgotten after the idle time."""

import asyncio
from typing import Any, Dict, List

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot.launch import ENDPOINTS
from bot.serving.tracker_store import ForgetfulInMemoryTrackerStore


class Collecting(EventBroker):
    def __init__(self) -> None:
        self.published: List[Dict[str, Any]] = []

    def publish(self, event: Dict[str, Any]) -> None:
        self.published.append(event)


def session(text: str) -> List[Any]:
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered(text),
    ]


def test_make_run_uses_this_store_with_the_statistics_broker():
    import yaml

    config = yaml.safe_load(ENDPOINTS.read_text())["tracker_store"]
    broker = Collecting()
    store = TrackerStore.create(EndpointConfig(**config), Domain.empty(), broker)
    inner = getattr(store, "_tracker_store", store)
    inner = getattr(inner, "_tracker_store", inner)
    assert isinstance(inner, ForgetfulInMemoryTrackerStore)  # Rasa would fall back silently
    assert inner.event_broker is broker and inner.ttl_s == 3600


def test_each_event_reaches_the_broker_once_even_across_sessions():
    broker = Collecting()
    store = ForgetfulInMemoryTrackerStore(Domain.empty(), broker)

    async def conversation():
        tracker = await store.get_or_create_tracker("someone")
        tracker.update_with_events(session("what is grooming"), Domain.empty())
        await store.save(tracker)
        tracker = await store.get_or_create_tracker("someone")
        tracker.update_with_events(session("hello again"), Domain.empty())  # a second session
        await store.save(tracker)
        return tracker

    tracker = asyncio.run(conversation())
    assert len(broker.published) == len(tracker.events)
    assert [e["text"] for e in broker.published if e["event"] == "user"] == ["what is grooming", "hello again"]
    assert {e["sender_id"] for e in broker.published} == {"someone"}


def test_idle_conversations_are_forgotten_and_active_ones_kept():
    store = ForgetfulInMemoryTrackerStore(Domain.empty(), None, ttl_minutes=1)

    async def save(sender):
        tracker = await store.get_or_create_tracker(sender)
        tracker.update_with_events(session("hi"), Domain.empty())
        await store.save(tracker)

    asyncio.run(save("idle"))
    asyncio.run(save("active"))
    store.last_write["idle"] -= 61
    assert store.forget_idle() == 1
    assert asyncio.run(store.retrieve("idle")) is None
    assert asyncio.run(store.retrieve("active")) is not None
    assert set(store.streamed) == {"active"}
