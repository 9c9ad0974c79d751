"""Lumi's entry point for the Rasa server: `python -m bot.rasa_server run ...` is `rasa run ...`
with measured savings (docs/performance.md), each giving Rasa's own results:

- Rasa 3.6 checks every action server response with `jsonschema.validate`, which first checks
  the schema itself against the JSON Schema meta-schema: about 45 ms per custom action on a
  2-core machine. Here the validator is built once and checks event by event (about 0.1 ms);
  invalid responses are rejected exactly as before.
- Rasa looks up an event's class by walking every subclass of Event, for every event of a
  conversation each time the tracker is loaded (about 7 % of the server's time under load).
  Found classes are remembered; unknown names still go through Rasa's own lookup.
- TensorFlow 2.12 imports jax (about 100 MB resident) only for tf.lite's jax converter, which
  Rasa never uses.
- Installed from their own modules: bot.graph_runner (no dask), bot.http_keepalive (one open
  connection to the action server), bot.action_payload (the domain without its responses),
  bot.rule_lookup (RulePolicy's lookup stops early), bot.reply_queue (replies take turns)."""
from __future__ import annotations

import copy
import logging
import sys
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Text

import fastjsonschema
from jsonschema import ValidationError, validators

logger = logging.getLogger(__name__)


def block_jax() -> None:
    """Makes `import jax` fail, which TensorFlow's lite module handles (it is optional there)."""
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]


class ActionResponseValidator:
    """Rasa's action-response schema, checked event by event with compiled validators.

    The schema says each event must match exactly one of 23 alternatives (`oneOf`), one per
    event type, told apart by the constant `event` name: a generic validator tries all 23 for
    every event. Here each event is checked against its own alternative only, by a validator
    that fastjsonschema compiled to Python code (about 20 times faster again); whatever fails
    that way is checked again by the whole schema with jsonschema, so that invalid responses
    are rejected with Rasa's own error."""

    def __init__(self, schema: Dict[str, Any]) -> None:
        validator = validators.validator_for(schema)
        validator.check_schema(schema)
        self.whole = validator(schema)
        item = copy.deepcopy(schema["properties"]["events"]["items"])
        alternatives = item.pop("oneOf")
        self.by_event = {alt["properties"]["event"]["const"]: fastjsonschema.compile({"allOf": [item, alt]})
                         for alt in alternatives}
        envelope = copy.deepcopy(schema)
        envelope["properties"]["events"]["items"] = {"type": "object"}
        self.envelope = fastjsonschema.compile(envelope)

    def is_valid_by_event(self, result: Any) -> bool:
        try:
            self.envelope(result)
            for event in result.get("events") or []:
                self.by_event[event.get("event")](event)
        except (fastjsonschema.JsonSchemaException, KeyError, TypeError, AttributeError):
            return False
        return True

    def validate(self, result: Any) -> None:
        if not self.is_valid_by_event(result):
            self.whole.validate(result)  # raises Rasa's own error (or accepts, as Rasa would)


@lru_cache(maxsize=1)
def _action_response_validator() -> ActionResponseValidator:
    from rasa.core.actions.action import RemoteAction

    return ActionResponseValidator(RemoteAction.action_response_format_spec())


def validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result with the validator built once."""
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


_EVENT_CLASSES: Dict[str, type] = {}
_RASA_RESOLVE: List[Callable[..., Optional[type]]] = []  # Rasa's own lookup, once installed


def resolve_event_type(type_name: Text, default: Optional[type] = None) -> Optional[type]:
    """Event.resolve_by_type, remembering the classes it found."""
    from rasa.shared.core.events import Event

    found = _EVENT_CLASSES.get(type_name)
    if found is None:
        found = (_RASA_RESOLVE[0] if _RASA_RESOLVE else Event.resolve_by_type)(type_name, default)
        if found is not None and found is not default:
            _EVENT_CLASSES[type_name] = found
    return found


# parsed once at start-up, so that what the NLU prepares on first use (the safety net's compiled
# patterns, the risk classifier's analysers) is ready before the first user's message; with
# several Sanic workers, each one's first message had paid for it (p99 2.3 s at 10
# conversations with 2 workers, `make bench`, 2026-11-26)
WARM_UP_MESSAGE = "what is grooming? someone is outside my house"


async def warm_up(agent: Any) -> None:
    """Parses WARM_UP_MESSAGE (NLU only: no conversation, tracker or statistics is touched)."""
    if agent is None or not callable(getattr(agent, "parse_message", None)):
        return
    try:
        await agent.parse_message(WARM_UP_MESSAGE)
    except Exception as error:  # the server starts all the same; the first message pays instead
        logger.warning("warm-up parse failed: %s", error)


def freeze_after(load: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps Rasa's load_agent_on_start: once the model is loaded and warmed up, everything
    allocated so far (TensorFlow, Rasa, the model) is moved out of the garbage collector's
    reach, so that its full collections no longer walk hundreds of thousands of objects in the
    middle of a reply."""
    async def wrapped(*args: Any, **kwargs: Any) -> Any:
        import gc

        agent = await load(*args, **kwargs)
        await warm_up(agent)
        gc.collect()
        gc.freeze()
        return agent

    return wrapped


def install() -> None:
    block_jax()
    from bot import action_payload, graph_runner, http_keepalive, reply_queue, rule_lookup
    from bot.settings import get_settings

    action_payload.install()
    graph_runner.install()
    http_keepalive.install()
    rule_lookup.install()
    reply_queue.install(get_settings().concurrent_replies)
    import rasa.core.run

    if not getattr(rasa.core.run.load_agent_on_start, "_lumi", False):
        rasa.core.run.load_agent_on_start = freeze_after(rasa.core.run.load_agent_on_start)
        rasa.core.run.load_agent_on_start._lumi = True  # type: ignore[attr-defined]
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]
    if not _RASA_RESOLVE:
        _RASA_RESOLVE.append(Event.resolve_by_type)
        Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[assignment]


def main(argv: Optional[List[str]] = None) -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
