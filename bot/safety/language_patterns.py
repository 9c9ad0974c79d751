"""The safety patterns of every language Lumi knows, run on every message whatever the page's or
the conversation's language: a child in danger must get help whatever language they write in.

The primary language's patterns (English) match the NLU's own spaCy document; every other
language's patterns match a document of that language's pipeline (build/spacy/<locale>, built by
`make spacy`: its lemma table holds only what its patterns need, so all of them load in about a
second)."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bot.library.content import load_yaml
from bot.safety.safety_net import SafetyPatterns, by_priority
from bot.settings import get_settings

logger = logging.getLogger(__name__)


def pattern_locales(content_dir: Path) -> List[str]:
    return sorted(p.name for p in content_dir.iterdir() if (p / "safety_patterns.yml").is_file())


def pipeline_for(locale: str, spacy_dir: Path, content_dir: Path) -> Language:
    """The locale's built pipeline; built now (slower) when `make spacy` has not built it."""
    if (spacy_dir / locale / "meta.json").exists():
        return spacy.load(spacy_dir / locale)
    from bot.nlu.spacy_pipeline import build

    logger.warning("no spaCy pipeline for %s in %s: building it now (run `make spacy`)", locale, spacy_dir)
    return build(locale, content_dir)


@lru_cache(maxsize=4)
def _other_languages(primary: str, content_dir: Path, spacy_dir: Path) -> Tuple[Tuple[str, SafetyPatterns], ...]:
    """The other languages' compiled patterns, once per process: they depend only on their
    files and pipelines (the tests and the evaluation build several safety nets)."""
    return tuple(
        (
            locale,
            SafetyPatterns(
                pipeline_for(locale, spacy_dir, content_dir), load_yaml(content_dir / locale / "safety_patterns.yml")
            ),
        )
        for locale in pattern_locales(content_dir)
        if locale != primary
    )


class LanguagePatterns:
    """Every language's SafetyPatterns: the primary one first, then the others in name order."""

    def __init__(self, primary: str, by_locale: Dict[str, SafetyPatterns]) -> None:
        self.primary = primary
        self.by_locale = by_locale
        self.others = [locale for locale in sorted(by_locale) if locale != primary]

    @classmethod
    def load(
        cls,
        primary_nlp: Language,
        primary: str = "en",
        content_dir: Optional[Path] = None,
        spacy_dir: Optional[Path] = None,
    ) -> "LanguagePatterns":
        settings = get_settings()
        content_dir = content_dir or settings.content_dir
        spacy_dir = spacy_dir or settings.spacy_dir
        by_locale = dict(_other_languages(primary, content_dir, spacy_dir))
        by_locale[primary] = SafetyPatterns(primary_nlp, load_yaml(content_dir / primary / "safety_patterns.yml"))
        return cls(primary, by_locale)

    @property
    def main(self) -> SafetyPatterns:
        return self.by_locale[self.primary]

    def safe_word_language(self, text: str) -> Optional[str]:
        """The language whose safe word the whole message is ("help", "ayuda"), or None."""
        return next((loc for loc in [self.primary, *self.others] if self.by_locale[loc].is_safe_word(text)), None)

    def is_farewell(self, text: str) -> bool:
        return any(patterns.is_farewell(text) for patterns in self.by_locale.values())

    def detect(
        self, text: str, primary_doc: Optional[Doc] = None, prefer: Optional[str] = None
    ) -> Tuple[Set[str], Optional[str]]:
        """The danger sub-types a message discloses and the language of the patterns that found
        them: the primary language's if it finds any, else `prefer` (the page's language) if it
        finds any, else the first other language that does."""
        main = self.main
        found = main.detect_all(primary_doc if primary_doc is not None else main.nlp(text.lower()))
        if found:
            return found, self.primary
        order = sorted(self.others, key=lambda locale: locale != prefer)
        for locale in order:
            patterns = self.by_locale[locale]
            found = patterns.detect_all(patterns.nlp(text.lower()))
            if found:
                return found, locale
        return set(), None

    def check(self, text: str) -> Optional[str]:
        """The most urgent sub-type found in any language (for the evaluation and the CLI)."""
        return by_priority(self.detect(text)[0])
