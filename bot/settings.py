"""All of Lumi's configuration, read from environment variables (documented in README.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Tuple

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> Tuple[str, ...]:
    raw = os.environ.get(name, default)
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    content_dir: Path = field(default_factory=lambda: Path(os.environ.get("LUMI_CONTENT_DIR", ROOT / "content")))
    reviewed_only: bool = field(default_factory=lambda: _bool("LUMI_REVIEWED_ONLY", False))
    default_locale: str = field(default_factory=lambda: os.environ.get("LUMI_DEFAULT_LOCALE", "en"))
    default_audience: str = field(default_factory=lambda: os.environ.get("LUMI_DEFAULT_AUDIENCE", "teen"))
    spacy_dir: Path = field(default_factory=lambda: Path(os.environ.get("LUMI_SPACY_DIR", ROOT / "build" / "spacy")))
    stats_url: str = field(
        default_factory=lambda: os.environ.get("LUMI_STATS_URL", f"sqlite:///{ROOT / 'lumi_stats.db'}")
    )
    stats_enabled: bool = field(default_factory=lambda: _bool("LUMI_STATS_ENABLED", True))
    conversation_ttl_minutes: float = field(
        default_factory=lambda: float(os.environ.get("LUMI_CONVERSATION_TTL_MINUTES", "60"))
    )
    concurrent_replies: int = field(default_factory=lambda: int(os.environ.get("LUMI_CONCURRENT_REPLIES", "2")))
    max_message_chars: int = field(default_factory=lambda: int(os.environ.get("LUMI_MAX_MESSAGE_CHARS", "1000")))
    allowed_origins: Tuple[str, ...] = field(
        default_factory=lambda: _list("LUMI_ALLOWED_ORIGINS", "http://localhost:8080,http://127.0.0.1:8080")
    )
    web_port: int = field(default_factory=lambda: int(os.environ.get("LUMI_WEB_PORT", "8080")))
    rasa_url: str = field(default_factory=lambda: os.environ.get("LUMI_RASA_URL", "http://localhost:5005"))
    rasa_patches: bool = field(default_factory=lambda: _bool("LUMI_RASA_PATCHES", True))
    public_url: str = field(
        default_factory=lambda: os.environ.get("LUMI_PUBLIC_URL", "http://localhost:8080").rstrip("/")
    )


def get_settings() -> Settings:
    """Settings are read fresh each call so tests can change the environment."""
    return Settings()
