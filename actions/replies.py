"""Sending Lumi's replies in the reply contract (DESIGN.md): a content item's text followed by
its `custom` payload, and help contacts as text plus a `helplines` payload."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk.executor import CollectingDispatcher

from bot.library.content import Item, library, messages
from bot.library.helplines import INTERNATIONAL, directory, format_lines


def content_payload(item: Item, audience: str, urgent: bool = False) -> Dict[str, Any]:
    return {
        "content_id": item.id,
        "topic": item.topic,
        "kind": item.kind,
        "audience": audience,
        "locale": item.locale,
        "urgent": urgent,
        "sources": library().sources_for(item),
    }


def send_item(
    dispatcher: CollectingDispatcher,
    item: Item,
    audience: str,
    urgent: bool = False,
    buttons: Optional[List[Dict[str, str]]] = None,
    text: Optional[str] = None,
) -> None:
    dispatcher.utter_message(text=text or item.text, buttons=buttons or [])
    dispatcher.utter_message(json_message=content_payload(item, audience, urgent))


def send_helplines(
    dispatcher: CollectingDispatcher, country: Optional[str], purpose: str, locale: str, urgent: bool = False
) -> None:
    """Help contacts for the country; when it is unknown, those of the countries where the
    reply's language is spoken (the international set for English), with an offer to pick a
    country, asked after the help, never before."""
    texts = messages(locale)
    found, lines = directory().contacts(country, purpose, locale)
    names = ", ".join(c.name for c in found)
    known = found[0].code != INTERNATIONAL
    intro = texts["helplines_intro_country"].format(country=names) if known else texts["helplines_intro"]
    text = f"{intro}\n\n{format_lines(lines)}"
    if not country:
        text += f"\n\n{texts['ask_country']}"
    dispatcher.utter_message(text=text)
    payload = {"helplines": lines, "country": found[0].code, "urgent": urgent}
    if len(found) > 1:
        payload["countries"] = [c.code for c in found]
    dispatcher.utter_message(json_message=payload)
