"""A Rasa event broker (`event_broker: type: bot.stats.broker.StatsEventBroker`) that sees
every event of every conversation and turns it into anonymous counters: nothing of what the
user wrote, no sender id, no IP. It remembers, in memory only, the last site/locale/channel and
content of each live conversation so that later events can be attributed; that memory is
bounded and never written anywhere."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.library.vocabulary import LOCALE, SITE, clean
from bot.settings import get_settings
from bot.stats.store import Cell, StatsWriter, current_hour, make_engine, migrate

logger = logging.getLogger(__name__)
_AUDIENCES = {"teen", "parent", "educator"}
MAX_LIVE_CONVERSATIONS = 20_000


@dataclass
class Conversation:
    """What the counters of one live conversation need; kept in memory only."""

    site: str = ""
    locale: str = ""
    audience: str = ""
    channel: str = ""
    last_content_id: str = ""
    last_topic: str = ""
    last_kind: str = ""
    session_pending: bool = True
    extra: Dict[str, str] = field(default_factory=dict)

    def cell(self, event: str, hour: datetime, **values: str) -> Cell:
        base = {"site": self.site, "locale": self.locale, "audience": self.audience, "channel": self.channel}
        return Cell(event=event, hour=hour, **{**base, **values})


def _hour(event: Dict[str, Any]) -> datetime:
    timestamp = event.get("timestamp")
    moment = datetime.fromtimestamp(timestamp, timezone.utc) if isinstance(timestamp, (int, float)) else None
    return current_hour(moment)


def _update_from_user(conversation: Conversation, event: Dict[str, Any]) -> None:
    meta = event.get("metadata") or {}
    conversation.site = clean(meta.get("site"), SITE) or conversation.site
    conversation.locale = clean(meta.get("locale"), LOCALE) or conversation.locale or "en"
    if meta.get("audience") in _AUDIENCES:
        conversation.audience = meta["audience"]
    channel = event.get("input_channel")
    conversation.channel = channel if isinstance(channel, str) and len(channel) <= 32 else conversation.channel


def cells_for_user(conversation: Conversation, event: Dict[str, Any], hour: datetime) -> List[Cell]:
    _update_from_user(conversation, event)
    parse = event.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name") or ""
    cells = []
    if conversation.session_pending:
        conversation.session_pending = False
        cells.append(conversation.cell("session_started", hour))
    cells.append(conversation.cell("message", hour))
    if intent == "nlu_fallback":
        cells.append(conversation.cell("fallback", hour))
    if intent == "feedback":
        helpful = next(
            (str(e.get("value")).lower() for e in parse.get("entities", []) if e.get("entity") == "helpful"), ""
        )
        cells.append(
            conversation.cell(
                "feedback",
                hour,
                detail="helpful" if helpful in {"yes", "true", "1"} else "not_helpful",
                content_id=conversation.last_content_id,
                topic=conversation.last_topic,
                kind=conversation.last_kind,
            )
        )
    return cells


def cells_for_bot(conversation: Conversation, event: Dict[str, Any], hour: datetime) -> List[Cell]:
    custom = ((event.get("data") or {}).get("custom")) or {}
    if not isinstance(custom, dict):
        return []
    cells = []
    if custom.get("content_id"):
        if custom.get("audience") in _AUDIENCES:
            conversation.audience = custom["audience"]
        conversation.last_content_id = str(custom["content_id"])[:120]
        conversation.last_topic = str(custom.get("topic", ""))[:40]
        conversation.last_kind = str(custom.get("kind", ""))[:40]
        values = {
            "content_id": conversation.last_content_id,
            "topic": conversation.last_topic,
            "kind": conversation.last_kind,
        }
        cells.append(conversation.cell("content_served", hour, **values))
        if custom.get("urgent"):
            cells.append(conversation.cell("urgent_reply", hour, **values, detail=conversation.last_kind))
    elif custom.get("helplines") and custom.get("urgent") and custom.get("fixed"):
        cells.append(conversation.cell("urgent_reply", hour, detail="fixed_fallback"))
    for key in ("stats_event",):
        if isinstance(custom.get(key), str):
            cells.append(
                conversation.cell(
                    custom[key][:40],
                    hour,
                    topic=str(custom.get("topic", ""))[:40],
                    content_id=str(custom.get("content_id", ""))[:120],
                    detail=str(custom.get("detail", ""))[:40],
                )
            )
    return cells


class ConversationMemory:
    """Bounded, in-memory only."""

    def __init__(self, limit: int = MAX_LIVE_CONVERSATIONS) -> None:
        self.limit = limit
        self._items: "OrderedDict[str, Conversation]" = OrderedDict()

    def get(self, key: str) -> Conversation:
        conversation = self._items.pop(key, None) or Conversation()
        self._items[key] = conversation
        while len(self._items) > self.limit:
            self._items.popitem(last=False)
        return conversation

    def forget(self, key: str) -> None:
        self._items.pop(key, None)


def cells_for(memory: ConversationMemory, event: Dict[str, Any]) -> List[Cell]:
    sender = str(event.get("sender_id", ""))
    kind = event.get("event")
    hour = _hour(event)
    if kind == "session_started":
        memory.forget(sender)
        memory.get(sender)
        return []
    if kind == "user":
        return cells_for_user(memory.get(sender), event, hour)
    if kind == "bot":
        return cells_for_bot(memory.get(sender), event, hour)
    return []


class StatsEventBroker(EventBroker):
    def __init__(self, url: Optional[str] = None) -> None:
        self.memory = ConversationMemory()
        self.writer: Optional[StatsWriter] = None
        if not get_settings().stats_enabled:
            return
        url = url or get_settings().stats_url
        try:
            engine = make_engine(url)
            migrate(engine)
            self.writer = StatsWriter(engine)
        except Exception as error:  # statistics are optional: never stop the bot from starting
            logger.warning("statistics disabled: cannot prepare the database (%s)", type(error).__name__)

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig, event_loop: Any = None) -> "StatsEventBroker":
        return cls(url=(broker_config.kwargs or {}).get("url") if broker_config else None)

    def publish(self, event: Dict[str, Any]) -> None:
        if self.writer is None:
            return
        try:
            self.writer.add(cells_for(self.memory, event))
        except Exception as error:
            logger.warning("statistics: event skipped (%s)", type(error).__name__)

    def is_ready(self) -> bool:
        return True

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
