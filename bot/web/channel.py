"""Lumi's own Rasa input channel for the web widget: `/webhooks/lumi/webhook`.

Takes the body of Rasa's REST channel plus `metadata` (audience, country, locale, site, mode,
topic), passes the cleaned metadata into the conversation, enforces a maximum message length
with a kind answer, allows only configured origins, never logs what the user wrote, and, if
the bot cannot answer in time (action server down or slow), still answers with help contacts."""

from __future__ import annotations

import asyncio
import logging
import re
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.library.content import messages
from bot.library.helplines import directory, format_lines
from bot.settings import get_settings

logger = logging.getLogger(__name__)
METADATA_KEYS = {
    "audience": r"teen|parent|educator",
    "country": r"[A-Za-z]{2,3}",
    "locale": r"[a-z]{2}(-[A-Z]{2})?",
    "site": r"[A-Za-z0-9_.-]{1,64}",
    "mode": r"chat|lesson",
    "topic": r"[a-z_]{1,40}",
}
_SENDER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def clean_metadata(raw: Any) -> Dict[str, str]:
    """Only the documented keys, only well-formed values: nothing free-text gets in."""
    if not isinstance(raw, dict):
        return {}
    return {
        key: value
        for key, pattern in METADATA_KEYS.items()
        if isinstance(value := raw.get(key), str) and re.fullmatch(pattern, value)
    }


def merge_custom(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Rasa sends a reply's text and its `custom` payload as two messages; the widget wants one."""
    merged: List[Dict[str, Any]] = []
    for message in messages:
        if "custom" in message and merged and "custom" not in merged[-1] and "text" in merged[-1]:
            merged[-1]["custom"] = message["custom"]
        else:
            merged.append(dict(message))
    return merged


def help_reply(key: str, country: Optional[str], locale: str = "en", urgent: bool = False) -> List[Dict[str, Any]]:
    """A fixed reply with help contacts, built without Rasa or the action server."""
    found = directory().country(directory().resolve(country) if country else None)
    lines = directory().lines_for(found.code, "general")
    text = f"{messages(locale)[key]}\n\n{format_lines(lines)}"
    return [
        {
            "recipient_id": "",
            "text": text,
            "custom": {"helplines": lines, "country": found.code, "urgent": urgent, "fixed": True},
        }
    ]


@lru_cache(maxsize=1)
def _safety():  # the safety net, for the rare reply that must be built without Rasa
    import spacy

    from bot.safety.safety_net import SafetyPatterns

    return SafetyPatterns.load(spacy.load(get_settings().spacy_dir / "en"), "en")


class LumiInput(RestInput):
    def __init__(self, reply_timeout: float = 20.0) -> None:
        self.reply_timeout = reply_timeout

    @classmethod
    def name(cls) -> Text:
        return "lumi"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "LumiInput":
        return cls(float((credentials or {}).get("reply_timeout", 20.0)))

    def _allowed(self, request: Request) -> bool:
        origin = request.headers.get("origin")
        return origin is None or origin in get_settings().allowed_origins

    def _cors(self, request: Request, reply: HTTPResponse) -> HTTPResponse:
        origin = request.headers.get("origin")
        if origin and origin in get_settings().allowed_origins:
            reply.headers["Access-Control-Allow-Origin"] = origin
            reply.headers["Vary"] = "Origin"
        return reply

    async def _answer(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], text: str, sender: str, metadata: Dict[str, str]
    ) -> List[Dict[str, Any]]:
        collector = CollectingOutputChannel()
        message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
        try:
            await asyncio.wait_for(on_new_message(message), timeout=self.reply_timeout)
        except asyncio.TimeoutError:
            logger.warning("lumi channel: no reply within %.0f s; sent fixed help", self.reply_timeout)
            urgent = not text.startswith("/") and bool(_safety().check(text) or _safety().is_safe_word(text))
            return help_reply(
                "urgent_fallback" if urgent else "service_unavailable",
                metadata.get("country"),
                metadata.get("locale", "en"),
                urgent,
            )
        except Exception as error:  # never log the text
            logger.error("lumi channel: message failed (%s)", type(error).__name__)
            return help_reply("service_unavailable", metadata.get("country"), metadata.get("locale", "en"))
        return merge_custom(collector.messages)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("lumi_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return self._cors(request, response.json({"status": "ok"}))

        @webhook.route("/webhook", methods=["OPTIONS"])
        async def preflight(request: Request) -> HTTPResponse:
            if not self._allowed(request):
                return response.json({"error": "origin not allowed"}, status=403)
            reply = response.empty()
            reply.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            reply.headers["Access-Control-Allow-Headers"] = "Content-Type"
            return self._cors(request, reply)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._allowed(request):
                return response.json({"error": "origin not allowed"}, status=403)
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            metadata = clean_metadata(body.get("metadata"))
            locale = metadata.get("locale", "en")
            if (
                not isinstance(sender, str)
                or not _SENDER.match(sender)
                or not isinstance(text, str)
                or not text.strip()
            ):
                return self._cors(
                    request, response.json([{"recipient_id": "", "text": messages(locale)["bad_request"]}], status=400)
                )
            if len(text) > get_settings().max_message_chars:
                reply = messages(locale)["too_long"].format(limit=get_settings().max_message_chars)
                return self._cors(request, response.json([{"recipient_id": sender, "text": reply}]))
            return self._cors(request, response.json(await self._answer(on_new_message, text, sender, metadata)))

        return webhook
