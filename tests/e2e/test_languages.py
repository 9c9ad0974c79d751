"""Danger in every language with safety patterns, over HTTP as a widget sends it: the danger
reply comes in the writer's language with the contacts of the page's country (or of the
countries where the language is spoken); figures of speech raise no alarm. The messages come
from each language's development set (evaluation/splits.yml: safety-<lang>-patterns-dev)."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from bot.library.languages import countries_for
from bot.tools import datasets
from tests.e2e.test_server import helplines, say

LANGUAGES = sorted(s.language for s in datasets.named("safety") if s.name == f"safety-{s.language}-patterns-dev")


def urgent_content(replies: List[Dict[str, Any]]) -> Dict[str, Any]:
    found = [
        r["custom"] for r in replies if "custom" in r and r["custom"].get("urgent") and "content_id" in r["custom"]
    ]
    assert found, replies
    return found[0]


def examples(language: str, danger: bool, count: int = 3) -> List[str]:
    rows = datasets.get(f"safety-{language}-patterns-dev").safety_messages()[0 if danger else 1]
    return [row["text"] for row in rows[:count]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_danger_gets_the_danger_reply_in_its_language_with_the_country_s_contacts(servers, language):
    country = (countries_for(language) or ("GB",))[0]
    for index, text in enumerate(examples(language, danger=True)):
        replies = say(f"lang-{language}-{index}", text, {"country": country})
        assert urgent_content(replies)["locale"] == language, text
        contacts = helplines(replies)
        assert contacts["urgent"] is True and contacts["country"] == country, text


@pytest.mark.parametrize("language", LANGUAGES)
def test_alarming_looking_messages_that_are_not_danger_raise_no_alarm(servers, language):
    for index, text in enumerate(examples(language, danger=False)):
        replies = say(f"calm-{language}-{index}", text, {"country": (countries_for(language) or ("GB",))[0]})
        assert not any((r.get("custom") or {}).get("urgent") for r in replies), text


def test_without_a_country_the_contacts_are_those_of_the_countries_of_the_language(servers):
    if "nl" not in LANGUAGES:
        pytest.skip("no Dutch safety patterns")
    replies = say("lang-nl-nocountry", examples("nl", danger=True, count=1)[0])
    contacts = helplines(replies)
    assert contacts["countries"] == list(countries_for("nl"))
    assert {line["country"] for line in contacts["helplines"]} == set(countries_for("nl"))
