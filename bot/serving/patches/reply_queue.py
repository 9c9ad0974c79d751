"""At most `LUMI_CONCURRENT_REPLIES` messages (2 by default) are worked on at the same time
by one Rasa process; the others wait their turn, in arrival order, for at most a second.

Rasa answers every message on one event loop. Without a bound, ten messages in flight take
turns at every await (the NLU, each action, each call to the action server), so a message
that needs several steps (starting a self-check) waits behind all the others several times
over. With two at a time, one message computes while the other waits for the action server,
and each is finished almost without interruption once it is its turn: the mean time to reply
stays what the process's throughput allows and the slowest replies come close to it (p95 at
10 conversations about 130-140 ms instead of 210-230 ms here, docs/decisions/0009-reply-turn-taking.md).

A message that has waited a second for its turn is worked on at once, as without the bound:
if the action server is slow, the messages holding the turns must not hold up everyone else
(the widget's channel answers with help contacts after its own reply timeout in any case)."""

from __future__ import annotations

import asyncio
from collections import deque
from functools import wraps
from typing import Any, Callable, Deque, Optional

MAX_WAIT_S = 1.0


class TurnQueue:
    """First come, first served turns, at most `limit` at once; waiting is bounded."""

    def __init__(self, limit: int, max_wait_s: float = MAX_WAIT_S) -> None:
        self.limit = limit
        self.max_wait_s = max_wait_s
        self.active = 0
        self.waiting: Deque[asyncio.Future] = deque()

    async def acquire(self) -> bool:
        """True when a turn was given (release it), False when the wait ran out (no turn)."""
        if self.active < self.limit and not self.waiting:
            self.active += 1
            return True
        turn = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        try:
            await asyncio.wait({turn}, timeout=self.max_wait_s)
        except asyncio.CancelledError:
            self._give_up(turn)
            raise
        if turn.done():
            return True
        self._give_up(turn)
        return False

    def _give_up(self, turn: asyncio.Future) -> None:
        if turn.done():  # the turn came just now: pass it on
            self.release()
        else:
            self.waiting.remove(turn)
            turn.cancel()

    def release(self) -> None:
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(True)  # the turn passes on; `active` stays the same
                return
        self.active -= 1


def bounded(handle: Callable[..., Any], limit: int, max_wait_s: float = MAX_WAIT_S) -> Callable[..., Any]:
    """Wraps Agent.handle_message so that at most `limit` messages are handled at once."""
    queue: Optional[TurnQueue] = None

    @wraps(handle)
    async def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal queue
        if queue is None:
            queue = TurnQueue(limit, max_wait_s)
        got_turn = await queue.acquire()
        try:
            return await handle(self, *args, **kwargs)
        finally:
            if got_turn:
                queue.release()

    wrapped._lumi = True  # type: ignore[attr-defined]
    return wrapped


def install(limit: int) -> None:
    from rasa.core.agent import Agent

    if limit > 0 and not getattr(Agent.handle_message, "_lumi", False):
        Agent.handle_message = bounded(Agent.handle_message, limit)  # type: ignore[assignment]
