"""Lumi's default tracker store: conversations in memory only, forgotten after an idle hour.

Rasa's InMemoryTrackerStore keeps every conversation until the server stops, and on every
save it rebuilds the stored conversation once more only to find which events are new for
the event broker (about 3 % of the server's time under load). When a conversation has more
than one session, it compares the last session with the whole conversation and passes old
events to the broker again (they would be counted twice in the statistics).

This store remembers how many events of each conversation the broker has seen and passes
on exactly the rest, and it forgets a conversation (its events and that count) once nobody
has written in it for `LUMI_CONVERSATION_TTL_MINUTES` (60 by default, as the Redis
`record_exp` in the README's scale-out configuration), so that nothing of a conversation is
kept longer than that, on disk or in memory."""

from __future__ import annotations

import itertools
import time
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import get_settings

SWEEP_EVERY_S = 60.0


class ForgetfulInMemoryTrackerStore(InMemoryTrackerStore):
    def __init__(
        self,
        domain: Domain,
        event_broker: Optional[EventBroker] = None,
        host: Any = None,
        ttl_minutes: Optional[float] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        minutes = get_settings().conversation_ttl_minutes if ttl_minutes is None else float(ttl_minutes)
        self.ttl_s = minutes * 60
        self.streamed: Dict[Text, int] = {}
        self.last_write: Dict[Text, float] = {}
        self._next_sweep = time.monotonic() + SWEEP_EVERY_S

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Passes the events the broker has not seen yet, without rebuilding the old tracker."""
        seen = self.streamed.get(tracker.sender_id, 0)
        self.streamed[tracker.sender_id] = len(tracker.events)
        if self.event_broker is not None:
            new_events = list(itertools.islice(tracker.events, seen, None))
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        now = time.monotonic()
        self.last_write[tracker.sender_id] = now
        if now >= self._next_sweep:
            self.forget_idle(now)

    def forget_idle(self, now: Optional[float] = None) -> int:
        """Drops every conversation idle for longer than the time to live; returns how many."""
        now = time.monotonic() if now is None else now
        self._next_sweep = now + SWEEP_EVERY_S
        idle = [sender for sender, at in self.last_write.items() if now - at > self.ttl_s]
        for sender in idle:
            self.store.pop(sender, None)
            self.streamed.pop(sender, None)
            self.last_write.pop(sender, None)
        return len(idle)
