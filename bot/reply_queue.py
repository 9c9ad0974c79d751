"""At most `LUMI_CONCURRENT_REPLIES` messages are processed at the same time by one Rasa
process; the others wait their turn in arrival order.

Rasa answers every message on one event loop. Without a bound, ten messages in flight take
turns at every await (NLU, each action, each call to the action server), so a message that
needs several steps (starting a self-check) waits behind all the others several times over.
With a small bound, each message is worked on almost without interruption once it is its
turn: the mean time to reply stays what the process's throughput allows, and the slowest
replies come much closer to it (docs/performance.md)."""
from __future__ import annotations

import asyncio
from functools import wraps
from typing import Any, Callable, Optional


def bounded(handle: Callable[..., Any], limit: int) -> Callable[..., Any]:
    """Wraps Agent.handle_message so that at most `limit` messages are handled at once."""
    semaphore: Optional[asyncio.Semaphore] = None

    @wraps(handle)
    async def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal semaphore
        if semaphore is None:  # created on the server's own event loop
            semaphore = asyncio.Semaphore(limit)
        async with semaphore:
            return await handle(self, *args, **kwargs)

    wrapped._lumi = True  # type: ignore[attr-defined]
    return wrapped


def install(limit: int) -> None:
    from rasa.core.agent import Agent

    if limit > 0 and not getattr(Agent.handle_message, "_lumi", False):
        Agent.handle_message = bounded(Agent.handle_message, limit)  # type: ignore[assignment]
