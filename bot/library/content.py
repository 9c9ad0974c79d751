"""The content library: loads vetted answers and sources from `content/`, checks them
against the schema and picks the item for (topic, kind, audience, locale)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml

from bot.library.vocabulary import AUDIENCES, KINDS, TOPICS, URGENT_SUBTYPES
from bot.settings import get_settings

__all__ = ["AUDIENCES", "KINDS", "TOPICS", "URGENT_SUBTYPES"]
REVIEW_STATUSES = ("draft", "reviewed")
FALLBACK_LOCALE = "en"  # the locale whose items stand in for a missing translation
# Who stands in for whom when an audience has no item of its own.
AUDIENCE_FALLBACK = {"educator": ("educator", "parent", "teen"), "parent": ("parent", "teen"), "teen": ("teen",)}
_URL = re.compile(r"^https://[^\s/$.?#][^\s]*$")
_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


class ContentError(ValueError):
    """A malformed content file or item; the message names file, item and field."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str
    year: int

    def as_payload(self) -> Dict[str, str]:
        return {"title": self.title, "publisher": self.publisher, "url": self.url}


@dataclass(frozen=True)
class Item:
    id: str
    topic: str
    kind: str
    audiences: Tuple[str, ...]
    locale: str
    title: str
    text: str
    more: Optional[str]
    sources: Tuple[str, ...]
    review: Dict[str, Any]
    file: str

    @property
    def reviewed(self) -> bool:
        return self.review.get("status") == "reviewed"


@dataclass
class Library:
    sources: Dict[str, Source] = field(default_factory=dict)
    # by (locale, id): each language's item carries the same id as its English counterpart
    items: Dict[Tuple[str, str], Item] = field(default_factory=dict)
    locales: Tuple[str, ...] = ()

    def item(self, item_id: str, locale: str = "en") -> Optional[Item]:
        return self.items.get((locale, item_id))

    def find(self, topic: str, kind: str, audience: str, locale: str, reviewed_only: bool = False) -> Optional[Item]:
        """The item for this audience, or the nearest audience that stands in for it; in English
        when the locale has no item on it yet."""
        found = self._find(topic, kind, audience, locale, reviewed_only)
        if found is None and locale != FALLBACK_LOCALE:
            return self._find(topic, kind, audience, FALLBACK_LOCALE, reviewed_only)
        return found

    def _find(self, topic: str, kind: str, audience: str, locale: str, reviewed_only: bool) -> Optional[Item]:
        candidates = [
            item
            for item in self.items.values()
            if (item.topic, item.kind, item.locale) == (topic, kind, locale) and (item.reviewed or not reviewed_only)
        ]
        for wanted in AUDIENCE_FALLBACK.get(audience, ("teen",)):
            serving = [item for item in candidates if wanted in item.audiences]
            if serving:
                # an item written for this audience alone beats one shared with others
                return min(serving, key=lambda item: len(item.audiences))
        return None

    def sources_for(self, item: Item) -> List[Dict[str, str]]:
        return self.sources_payload(item.sources)

    def sources_payload(self, ids: Iterable[str]) -> List[Dict[str, str]]:
        """The reply contract's `sources`, for any list of source ids."""
        return [self.sources[s].as_payload() for s in ids if s in self.sources]


def _require(data: Dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data or data[key] is None:
        raise ContentError(f"{where}: missing field '{key}'")
    value = data[key]
    if not isinstance(value, kind):
        raise ContentError(f"{where}: field '{key}' must be {kind.__name__}, got {type(value).__name__}")
    return value


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: not valid YAML: {error}") from error


def load_sources(content_dir: Path) -> Dict[str, Source]:
    sources: Dict[str, Source] = {}
    for path in sorted((content_dir / "sources").glob("*.yml")):
        data = load_yaml(path) or {}
        for source_id, raw in (data.get("sources") or {}).items():
            where = f"{path.name}: source '{source_id}'"
            if source_id in sources:
                raise ContentError(f"{where}: duplicate id (also in another sources file)")
            if not isinstance(raw, dict):
                raise ContentError(f"{where}: must be a mapping")
            url = _require(raw, "url", str, where)
            if not _URL.match(url):
                raise ContentError(f"{where}: field 'url' is not a well-formed https URL: {url!r}")
            sources[source_id] = Source(
                id=source_id,
                title=_require(raw, "title", str, where),
                publisher=_require(raw, "publisher", str, where),
                url=url,
                year=_require(raw, "year", int, where),
            )
    return sources


def parse_item(raw: Dict[str, Any], topic: str, locale: str, file: str, sources: Dict[str, Source]) -> Item:
    where = f"{file}: item '{raw.get('id', '?')}'"
    item_id = _require(raw, "id", str, where)
    if not _ID.match(item_id):
        raise ContentError(f"{where}: field 'id' must look like topic.kind.audience")
    kind = _require(raw, "kind", str, where)
    allowed = URGENT_SUBTYPES if topic == "crisis" else KINDS
    if kind not in allowed:
        raise ContentError(f"{where}: field 'kind' is {kind!r}, expected one of {', '.join(allowed)}")
    audiences = tuple(_require(raw, "audiences", list, where))
    if not audiences or any(a not in AUDIENCES for a in audiences):
        raise ContentError(f"{where}: field 'audiences' must list some of {', '.join(AUDIENCES)}")
    source_ids = tuple(_require(raw, "sources", list, where))
    if not source_ids:
        raise ContentError(f"{where}: field 'sources' must name at least one source")
    for source_id in source_ids:
        if source_id not in sources:
            raise ContentError(f"{where}: field 'sources' names unknown source {source_id!r}")
    review = _require(raw, "review", dict, where)
    if review.get("status") not in REVIEW_STATUSES:
        raise ContentError(f"{where}: field 'review.status' must be draft or reviewed")
    if review["status"] == "reviewed" and not (review.get("reviewer") and review.get("date")):
        raise ContentError(f"{where}: field 'review' needs reviewer and date when reviewed")
    more = raw.get("more")
    if more is not None and not isinstance(more, str):
        raise ContentError(f"{where}: field 'more' must be str")
    return Item(
        id=item_id,
        topic=topic,
        kind=kind,
        audiences=audiences,
        locale=locale,
        title=_require(raw, "title", str, where),
        text=_require(raw, "text", str, where).strip(),
        more=more.strip() if more else None,
        sources=source_ids,
        review=review,
        file=file,
    )


def load_topic_file(path: Path, locale: str, sources: Dict[str, Source]) -> List[Item]:
    data = load_yaml(path)
    file = str(path)
    if not isinstance(data, dict):
        raise ContentError(f"{file}: must be a mapping with 'topic' and 'items'")
    topic = _require(data, "topic", str, file)
    if topic not in TOPICS:
        raise ContentError(f"{file}: field 'topic' is {topic!r}, expected one of {', '.join(TOPICS)}")
    return [parse_item(raw, topic, locale, file, sources) for raw in _require(data, "items", list, file)]


def locales(content_dir: Path) -> Tuple[str, ...]:
    return tuple(sorted(p.name for p in content_dir.iterdir() if (p / "topics").is_dir()))


def load_library(content_dir: Optional[Path] = None) -> Library:
    content_dir = content_dir or get_settings().content_dir
    library = Library(sources=load_sources(content_dir), locales=locales(content_dir))
    for locale in library.locales:
        for path in sorted((content_dir / locale / "topics").glob("*.yml")):
            for item in load_topic_file(path, locale, library.sources):
                if (locale, item.id) in library.items:
                    raise ContentError(f"{path}: item '{item.id}': duplicate id")
                library.items[(locale, item.id)] = item
    return library


@lru_cache(maxsize=4)
def cached_library(content_dir: Path) -> Library:
    return load_library(content_dir)


def library() -> Library:
    return cached_library(get_settings().content_dir)


@lru_cache(maxsize=16)
def _messages(content_dir: Path, locale: str) -> Dict[str, Any]:
    english = load_yaml(content_dir / "en" / "messages.yml")
    path = content_dir / locale / "messages.yml"
    if locale == "en" or not path.exists():
        return english
    return {**english, **(load_yaml(path) or {})}


def messages(locale: str) -> Dict[str, Any]:
    """Fixed short texts of a locale (content/<locale>/messages.yml); a text the locale does not
    have yet is the English one."""
    return _messages(get_settings().content_dir, locale)


def iter_required_routes(locale: str) -> Iterable[Tuple[str, str, str]]:
    """Every (topic, kind, audience) the dialogue can ask for."""
    for topic in TOPICS:
        kinds = URGENT_SUBTYPES if topic == "crisis" else KINDS
        for kind in kinds:
            for audience in AUDIENCES:
                yield topic, kind, audience
