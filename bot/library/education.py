"""Educator material as data: lesson plans (content/<locale>/lessons/) and scenario quizzes
(content/<locale>/scenarios/), with a schema check that names file, item and field."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.library.content import TOPICS, ContentError, library, load_yaml
from bot.settings import get_settings

SAFETY = ("safest", "ok", "risky")
LESSON_FIELDS = (
    "id",
    "topic",
    "title",
    "age_bands",
    "duration_minutes",
    "objectives",
    "key_messages",
    "preparation",
    "starter",
    "activities",
    "discussion_questions",
    "scenarios",
    "signposting",
    "safeguarding_note",
    "sources",
)


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    safety: str
    feedback: str


@dataclass(frozen=True)
class Scenario:
    id: str
    topic: str
    title: str
    situation: str
    question: str
    choices: Tuple[Choice, ...]
    sources: Tuple[str, ...]

    def choice(self, choice_id: str) -> Optional[Choice]:
        return next((c for c in self.choices if c.id == choice_id), None)

    @property
    def safest(self) -> Choice:
        return next(c for c in self.choices if c.safety == "safest")


@dataclass(frozen=True)
class Quiz:
    topic: str
    summary: str
    scenarios: Tuple[Scenario, ...]


@dataclass(frozen=True)
class Lesson:
    topic: str
    data: Dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


def _check_sources(ids: List[str], where: str) -> Tuple[str, ...]:
    unknown = [s for s in ids if s not in library().sources]
    if unknown or not ids:
        raise ContentError(
            f"{where}: field 'sources' names unknown {unknown}" if unknown else f"{where}: field 'sources' is empty"
        )
    return tuple(ids)


def _scenario(raw: Dict[str, Any], topic: str, where: str) -> Scenario:
    where = f"{where}: scenario '{raw.get('id', '?')}'"
    for key in ("id", "title", "situation", "question", "choices", "sources"):
        if key not in raw:
            raise ContentError(f"{where}: missing field '{key}'")
    choices = []
    for choice in raw["choices"]:
        if choice.get("safety") not in SAFETY or not choice.get("feedback") or not choice.get("text"):
            raise ContentError(f"{where}: choice '{choice.get('id', '?')}' needs text, feedback and safety in {SAFETY}")
        choices.append(Choice(str(choice["id"]), choice["text"], choice["safety"], choice["feedback"].strip()))
    if not 3 <= len(choices) <= 4 or [c.safety for c in choices].count("safest") != 1:
        raise ContentError(f"{where}: field 'choices' needs 3-4 choices with exactly one 'safest'")
    return Scenario(
        raw["id"],
        topic,
        raw["title"],
        raw["situation"].strip(),
        raw["question"],
        tuple(choices),
        _check_sources(raw["sources"], where),
    )


@lru_cache(maxsize=4)
def _load(content_dir: Path) -> Tuple[Dict[Tuple[str, str], Quiz], Dict[Tuple[str, str], Lesson]]:
    quizzes, lessons = {}, {}
    for path in sorted(content_dir.glob("*/scenarios/*.yml")):
        locale, data = path.parent.parent.name, load_yaml(path) or {}
        if data.get("topic") not in TOPICS:
            raise ContentError(f"{path}: field 'topic' is not a known topic")
        scenarios = tuple(_scenario(raw, data["topic"], str(path)) for raw in data.get("scenarios") or [])
        if len(scenarios) < 5 or not data.get("summary"):
            raise ContentError(f"{path}: needs a 'summary' and at least 5 scenarios")
        quizzes[(locale, data["topic"])] = Quiz(data["topic"], data["summary"].strip(), scenarios)
    for path in sorted(content_dir.glob("*/lessons/*.yml")):
        locale, data = path.parent.parent.name, load_yaml(path) or {}
        for key in LESSON_FIELDS:
            if key not in data:
                raise ContentError(f"{path}: lesson '{data.get('id', '?')}': missing field '{key}'")
        _check_sources(data["sources"], str(path))
        known = {s.id for s in quizzes.get((locale, data["topic"]), Quiz("", "", ())).scenarios}
        if not set(data["scenarios"]) <= known:
            raise ContentError(f"{path}: field 'scenarios' names unknown {sorted(set(data['scenarios']) - known)}")
        lessons[(locale, data["topic"])] = Lesson(data["topic"], data)
    return quizzes, lessons


def quiz(topic: Optional[str], locale: str) -> Optional[Quiz]:
    return _load(get_settings().content_dir)[0].get((locale, topic or ""))


def lesson(topic: Optional[str], locale: str) -> Optional[Lesson]:
    return _load(get_settings().content_dir)[1].get((locale, topic or ""))


def lesson_topics(locale: str) -> List[str]:
    return sorted(t for (loc, t) in _load(get_settings().content_dir)[1] if loc == locale)


def scenario(scenario_id: str, locale: str) -> Optional[Scenario]:
    topic = scenario_id.split(".")[0]
    found = quiz(topic, locale)
    return next((s for s in found.scenarios if s.id == scenario_id), None) if found else None
