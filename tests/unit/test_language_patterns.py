"""The safety patterns of every language (content/<locale>/safety_patterns.yml): each catches every
danger message of its development set and few of the others; the trimmed spaCy pipeline a
language is matched with finds exactly what the whole lemma table finds; a file stays small
enough to load in seconds."""

from __future__ import annotations

import pytest
import spacy

from bot.library.content import load_yaml
from bot.nlu.phrase_patterns import expand
from bot.nlu.spacy_pipeline import build, lemma_table
from bot.safety.language_patterns import LanguagePatterns, pattern_locales
from bot.safety.safety_net import SafetyPatterns
from bot.settings import get_settings
from bot.tools import datasets

CONTENT = get_settings().content_dir
LANGUAGES = [locale for locale in pattern_locales(CONTENT) if locale != "en"]
DEV_SETS = {s.language: s for s in datasets.named("safety", role="development") if s.name.endswith("-patterns-dev")}
MAX_VARIANTS = 3500  # about 3 s to build on 2 cores; more makes start-up and matching slow


@pytest.fixture(scope="module")
def languages() -> LanguagePatterns:
    return LanguagePatterns.load(spacy.load(get_settings().spacy_dir / "en"))


def test_every_language_of_the_fourteen_countries_has_patterns():
    assert set(LANGUAGES) >= {"es", "nl", "pt", "fr", "de", "it", "pl", "sv"}


@pytest.mark.parametrize("language", sorted(DEV_SETS))
def test_each_language_catches_its_development_set_with_few_false_alarms(languages, language):
    danger, ordinary = DEV_SETS[language].safety_messages()
    missed = [row["text"] for row in danger if not languages.detect(row["text"])[0]]
    alarms = [row["text"] for row in ordinary if languages.detect(row["text"])[0]]
    assert missed == []
    assert len(alarms) / len(ordinary) <= 0.05, alarms


@pytest.mark.parametrize("language", sorted(DEV_SETS))
def test_a_danger_message_is_attributed_to_its_own_language(languages, language):
    danger, _ = DEV_SETS[language].safety_messages()
    found = [languages.detect(row["text"])[1] for row in danger]
    assert found.count(language) / len(found) >= 0.9, found


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_language_s_patterns_expand_to_a_bounded_number_of_matcher_patterns(language):
    spec = load_yaml(CONTENT / language / "safety_patterns.yml")
    written = [*spec.get("guards", []), *spec.get("disclosed", [])]
    written += [*(spec.get("past") or {}).get("markers", []), *(spec.get("past") or {}).get("present", [])]
    written += [p for sub in spec["subtypes"].values() for p in sub.get("patterns", [])]
    assert sum(len(expand(p)) for p in written) <= MAX_VARIANTS


@pytest.mark.slow
def test_the_trimmed_pipeline_matches_exactly_what_the_whole_lemma_table_matches():
    language = "sv"
    spec = load_yaml(CONTENT / language / "safety_patterns.yml")
    trimmed = build(language)
    whole = spacy.blank(language)
    lemmatizer = whole.add_pipe("lemmatizer", config={"mode": "lookup"})
    from spacy.lookups import Lookups

    lookups = Lookups()
    lookups.set_table("lemma_lookup", lemma_table(language, None))
    lemmatizer.initialize(lookups=lookups)
    assert len(trimmed.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")) < len(
        lookups.get_table("lemma_lookup")
    )
    a, b = SafetyPatterns(trimmed, spec), SafetyPatterns(whole, spec)
    texts = [row["text"] for s in datasets.named("safety") for row in s.messages()]
    assert len(texts) > 2000
    assert [a.check(t) for t in texts] == [b.check(t) for t in texts]
