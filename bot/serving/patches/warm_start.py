"""Once the model is loaded, one NLU parse prepares what the NLU builds on first use (the safety
net's compiled patterns, the risk classifier's analysers), so that no user pays for it: with
several Sanic workers each worker's first message had paid (p99 2.3 s at 10 conversations,
docs/decisions/0004-serving-patches.md). Then everything allocated so far (TensorFlow, Rasa, the
model) is moved out of the garbage collector's reach, so that its full collections no longer
walk hundreds of thousands of objects in the middle of a reply."""

from __future__ import annotations

import logging
from typing import Any, Callable

logger = logging.getLogger(__name__)

WARM_UP_MESSAGE = "what is grooming? someone is outside my house"


async def warm_up(agent: Any) -> None:
    """Parses WARM_UP_MESSAGE (NLU only: no conversation, tracker or statistics is touched)."""
    if agent is None or not callable(getattr(agent, "parse_message", None)):
        return
    try:
        await agent.parse_message(WARM_UP_MESSAGE)
    except Exception as error:  # the server starts all the same; the first message pays instead
        logger.warning("warm-up parse failed: %s", type(error).__name__)


def freeze_after(load: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps Rasa's load_agent_on_start: load, warm up, then freeze the garbage collector's
    generations."""

    async def wrapped(*args: Any, **kwargs: Any) -> Any:
        import gc

        agent = await load(*args, **kwargs)
        await warm_up(agent)
        gc.collect()
        gc.freeze()
        return agent

    return wrapped


def install() -> None:
    import rasa.core.run

    if not getattr(rasa.core.run.load_agent_on_start, "_lumi", False):
        rasa.core.run.load_agent_on_start = freeze_after(rasa.core.run.load_agent_on_start)
        rasa.core.run.load_agent_on_start._lumi = True  # type: ignore[attr-defined]
