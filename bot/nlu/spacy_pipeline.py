"""Builds Lumi's own spaCy pipeline per locale (no model download): a blank language with
the lookup lemmatizer from spacy-lookups-data and an entity ruler for audiences, countries
and topics. `python -m bot.nlu.spacy_pipeline` writes one per language of content/ where
config.yml and the safety net look for them.

English keeps its whole lemma table (the NLU reads lemmas). Another language's pipeline serves
its phrase patterns only (safety patterns, entities, goals), so its table keeps just the entries
those patterns can meet: a word whose lemma is not a pattern word and is not itself one gets
itself as lemma, which matches nothing either way, so every pattern matches exactly as with the
whole table, at a fraction of the memory and load time. A language without a table in
spacy-lookups-data (Polish) gets an empty one: each word is its own lemma, and its patterns
write the forms out."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

import spacy
from spacy.language import Language
from spacy.lookups import Lookups, Table, load_lookups
from spacy.strings import get_string_id

from bot.library.content import load_yaml
from bot.library.helplines import INTERNATIONAL, load_directory
from bot.nlu.phrase_patterns import compile_pattern, expand
from bot.settings import get_settings

FULL_TABLE_LOCALE = "en"


def ruler_patterns(content_dir: Path, locale: str, nlp: Language) -> List[Dict[str, Any]]:
    """Audience and topic phrases (in the notation of bot/nlu/phrase_patterns.py, matched on lemmas) and
    country names (matched as written)."""
    path = content_dir / locale / "entities.yml"
    entities = (load_yaml(path) if path.exists() else None) or {}
    patterns: List[Dict[str, Any]] = []
    for label in ("audience", "topic"):
        for value, phrases in (entities.get(label) or {}).items():
            for phrase in phrases:
                for variant in expand(phrase):
                    patterns += [
                        {"label": label, "pattern": specs, "id": value} for specs in compile_pattern(nlp, variant)
                    ]
    for country in load_directory(content_dir).countries.values():
        if country.code == INTERNATIONAL:
            continue
        names = {country.name.lower(), *country.aliases}
        # bare two-letter codes ("us", "it", "es") are ordinary words in English; skip them
        names = {n for n in names if len(n) > 2 or n in {"uk"}}
        patterns += [{"label": "country", "pattern": n, "id": country.code} for n in sorted(names)]
    return patterns


PATTERN_FILES = ("safety_patterns.yml", "entities.yml", "goals.yml")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def pattern_words(content_dir: Path, locale: str) -> Set[str]:
    """Every word written in the locale's pattern files, lowercased."""
    words: Set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            words.update(w.lower() for w in _WORD.findall(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for name in PATTERN_FILES:
        path = content_dir / locale / name
        if path.exists():
            walk(load_yaml(path))
    return words


def lemma_table(locale: str, keep: Optional[Set[str]]) -> Table:
    """spacy-lookups-data's lemma table for `locale` (empty when it has none); with `keep`, only
    the entries whose word or lemma is a kept word or the lemma of one."""
    try:
        full = load_lookups(locale, ["lemma_lookup"]).get_table("lemma_lookup")
    except ValueError:
        return Table("lemma_lookup")
    if keep is None:
        return full
    vocabulary = keep | {lemma for word in keep for lemma in _strings(full.get(word, word))}
    hashes = {get_string_id(word) for word in vocabulary}
    trimmed = Table("lemma_lookup")
    for key, lemma in full.items():
        if key in hashes or vocabulary.intersection(_strings(lemma)):
            trimmed[key] = lemma
    return trimmed


def _strings(value: Any) -> List[str]:
    """A lemma table's value: one lemma, or (some languages' tables) a list of them."""
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def build(locale: str, content_dir: Optional[Path] = None) -> Language:
    content_dir = content_dir or get_settings().content_dir
    nlp = spacy.blank(locale)
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    lookups = Lookups()
    keep = None if locale == FULL_TABLE_LOCALE else pattern_words(content_dir, locale)
    lookups.set_table("lemma_lookup", lemma_table(locale, keep))
    lemmatizer.initialize(lookups=lookups)  # type: ignore[call-arg]
    patterns = ruler_patterns(content_dir, locale, nlp)  # compiled with the lemmatizer alone
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


def pipeline_locales(content_dir: Path) -> List[str]:
    """Every locale of content/ with topics or safety patterns, English first."""
    found = {p.name for p in content_dir.iterdir() if (p / "topics").is_dir() or (p / "safety_patterns.yml").exists()}
    return sorted(found, key=lambda locale: (locale != FULL_TABLE_LOCALE, locale))


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--locale", action="append", help="locale(s) to build (default: all in content/)")
    parser.add_argument("--others", action="store_true", help="every locale but English")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: LUMI_SPACY_DIR)")
    args = parser.parse_args(argv)
    settings = get_settings()
    out = args.out or settings.spacy_dir
    locales = args.locale or pipeline_locales(settings.content_dir)
    if args.others:
        locales = [locale for locale in locales if locale != FULL_TABLE_LOCALE]
    for locale in locales:
        nlp = build(locale, settings.content_dir)
        (out / locale).mkdir(parents=True, exist_ok=True)
        nlp.to_disk(out / locale)
        print(f"spaCy pipeline for {locale!r} written to {out / locale}")


if __name__ == "__main__":
    main()
