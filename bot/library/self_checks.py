"""Interactive self-checks ("is this grooming?") as data: questions, scoring and result texts
from content/<locale>/self_checks/, and spotting which questions a user's own story already
answers (pre-fill), with the same lemma-aware notation as the safety net."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Tuple

from bot.library.content import AUDIENCES, TOPICS, URGENT_SUBTYPES, ContentError, library, load_yaml
from bot.settings import get_settings

BANDS = ("none", "low", "some", "high")
ANSWERS = ("yes", "no", "unsure")
CHECK_SIGNS_KEY = "check_signs"  # parse data key: the signs bot.nlu.self_check_prefill found in a message


@dataclass(frozen=True)
class Question:
    id: str
    ask: str
    sign: str
    why: str
    weight: int
    urgent: bool
    prefill: Tuple[str, ...]


@dataclass(frozen=True)
class Check:
    id: str
    topic: str
    urgent_subtype: str
    audiences: Tuple[str, ...]
    title: str
    intro: str
    questions: Tuple[Question, ...]
    results: Dict[str, str]
    thresholds: Dict[str, int]
    sources: Tuple[str, ...]
    locale: str

    def question(self, question_id: str) -> Optional[Question]:
        return next((q for q in self.questions if q.id == question_id), None)

    def next_question(self, answers: Dict[str, str]) -> Optional[Question]:
        return next((q for q in self.questions if q.id not in answers), None)

    def urgent_yes(self, answers: Dict[str, str]) -> Optional[Question]:
        return next((q for q in self.questions if q.urgent and answers.get(q.id) == "yes"), None)

    def score(self, answers: Dict[str, str]) -> int:
        return sum(q.weight for q in self.questions if answers.get(q.id) == "yes")

    def band(self, answers: Dict[str, str]) -> str:
        score = self.score(answers)
        if score == 0:
            return "none"
        if score < self.thresholds["some"]:
            return "low"
        return "some" if score < self.thresholds["high"] else "high"


def _parse(path: Path, locale: str) -> Check:
    data = load_yaml(path) or {}
    where = str(path)
    for key in (
        "id",
        "topic",
        "urgent_subtype",
        "audiences",
        "title",
        "intro",
        "questions",
        "results",
        "thresholds",
        "sources",
    ):
        if key not in data:
            raise ContentError(f"{where}: missing field '{key}'")
    if data["topic"] not in TOPICS or data["urgent_subtype"] not in URGENT_SUBTYPES:
        raise ContentError(f"{where}: field 'topic' or 'urgent_subtype' is not a known name")
    if any(a not in AUDIENCES for a in data["audiences"]):
        raise ContentError(f"{where}: field 'audiences' has an unknown audience")
    questions = []
    for raw in data["questions"]:
        for key in ("id", "ask", "sign", "why", "weight"):
            if key not in raw:
                raise ContentError(f"{where}: question '{raw.get('id', '?')}': missing field '{key}'")
        questions.append(
            Question(
                raw["id"],
                raw["ask"],
                raw["sign"],
                raw["why"],
                int(raw["weight"]),
                bool(raw.get("urgent")),
                tuple(raw.get("prefill") or ()),
            )
        )
    if not 5 <= len(questions) <= 8:
        raise ContentError(f"{where}: field 'questions' must have 5 to 8 questions")
    missing = [band for band in BANDS if band not in data["results"]]
    if missing:
        raise ContentError(f"{where}: field 'results' lacks {missing}")
    unknown = [s for s in data["sources"] if s not in library().sources]
    if unknown:
        raise ContentError(f"{where}: field 'sources' names unknown {unknown}")
    return Check(
        id=data["id"],
        topic=data["topic"],
        urgent_subtype=data["urgent_subtype"],
        audiences=tuple(data["audiences"]),
        title=data["title"],
        intro=data["intro"].strip(),
        questions=tuple(questions),
        results={band: data["results"][band]["text"].strip() for band in BANDS},
        thresholds=dict(data["thresholds"]),
        sources=tuple(data["sources"]),
        locale=locale,
    )


@lru_cache(maxsize=4)
def _load(content_dir: Path) -> Dict[Tuple[str, str], Check]:
    checks = {}
    for folder in sorted(content_dir.glob("*/self_checks")):
        for path in sorted(folder.glob("*.yml")):
            check = _parse(path, folder.parent.name)
            checks[(check.locale, check.id)] = check
    return checks


def checks() -> Dict[Tuple[str, str], Check]:
    return _load(get_settings().content_dir)


def check_for(topic: Optional[str], audience: str, locale: str) -> Optional[Check]:
    """The self-check about this topic written for this audience (or the teen one)."""
    found = [c for (loc, _), c in checks().items() if loc == locale and c.topic == topic]
    for wanted in (audience, "teen"):
        for check in found:
            if wanted in check.audiences:
                return check
    return None


def get(check_id: Optional[str], locale: str) -> Optional[Check]:
    return checks().get((locale, check_id or ""))


def prefill(check: Check, signs: Iterable[str]) -> Dict[str, str]:
    """The questions the user's own words already answered with yes, from the parse data's
    `check_signs` (found by bot.nlu.self_check_prefill in the NLU pipeline)."""
    found = set(signs)
    return {q.id: "yes" for q in check.questions if f"{check.id}.{q.id}" in found}


def answers_from(value: Any) -> Dict[str, str]:
    return {k: v for k, v in value.items() if v in ANSWERS} if isinstance(value, dict) else {}
