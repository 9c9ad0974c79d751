"""The languages of content/languages.yml: their names and the countries whose help contacts a
message in that language gets when the page does not say the country."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Tuple

from bot.library.content import ContentError, load_yaml
from bot.settings import get_settings


@lru_cache(maxsize=4)
def _languages(content_dir: Path) -> Dict[str, Dict[str, object]]:
    data = load_yaml(content_dir / "languages.yml") or {}
    languages = data.get("languages") or {}
    if "en" not in languages:
        raise ContentError("languages.yml: English (en) must be listed")
    return languages


def languages() -> Tuple[str, ...]:
    return tuple(_languages(get_settings().content_dir))


def countries_for(language: str) -> Tuple[str, ...]:
    """The countries where `language` is spoken, likeliest first (empty: unknown or none)."""
    entry = _languages(get_settings().content_dir).get(language) or {}
    return tuple(str(code) for code in entry.get("countries") or ())  # type: ignore[attr-defined]


def name_of(language: str) -> str:
    entry = _languages(get_settings().content_dir).get(language) or {}
    return str(entry.get("name") or language)
