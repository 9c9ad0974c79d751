"""The scale-out configuration in the README: Rasa's Redis tracker store with an expiry keeps
conversations only as long as configured, and the Redis lock store works, with Lumi's domain."""

import asyncio

import pytest

from tests.conftest import require_service

pytestmark = pytest.mark.slow  # a real Redis


def test_redis_tracker_store_expires_conversations():
    require_service("Redis", "127.0.0.1", 6379)
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load("bot/project/domain")
    store = RedisTrackerStore(domain, host="127.0.0.1", port=6379, record_exp=120, key_prefix="lumitest")
    tracker = DialogueStateTracker.from_events(
        "scale-test", [UserUttered("hi"), SlotSet("country", "ES")], domain.slots
    )
    asyncio.run(store.save(tracker))
    loaded = asyncio.run(store.retrieve("scale-test"))
    assert loaded.get_slot("country") == "ES"
    ttl = store.red.ttl(store.key_prefix + "scale-test")
    assert 0 < ttl <= 120


def test_redis_lock_store_locks_a_conversation():
    require_service("Redis", "127.0.0.1", 6379)
    from rasa.core.lock_store import RedisLockStore

    store = RedisLockStore(host="127.0.0.1", port=6379)
    lock = store.issue_ticket("scale-test-lock") if hasattr(store, "issue_ticket") else None
    assert lock is not None
    assert store.get_lock("scale-test-lock") is not None
    store.delete_lock("scale-test-lock")
