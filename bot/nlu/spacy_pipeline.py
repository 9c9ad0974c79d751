"""Builds Lumi's own spaCy pipeline per locale (no model download): a blank language with
the lookup lemmatizer from spacy-lookups-data and an entity ruler for audiences, countries
and topics. `python -m bot.nlu.spacy_pipeline` writes it where config.yml points."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Dict, List, Optional

import spacy
from spacy.language import Language

from bot.library.content import load_yaml
from bot.library.helplines import INTERNATIONAL, load_directory
from bot.nlu.phrase_patterns import compile_pattern, expand
from bot.settings import get_settings


def ruler_patterns(content_dir: Path, locale: str, nlp: Language) -> List[Dict[str, Any]]:
    """Audience and topic phrases (in the notation of bot/nlu/phrase_patterns.py, matched on lemmas) and
    country names (matched as written)."""
    entities = load_yaml(content_dir / locale / "entities.yml") or {}
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


def build(locale: str, content_dir: Optional[Path] = None) -> Language:
    content_dir = content_dir or get_settings().content_dir
    nlp = spacy.blank(locale)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()
    ruler.add_patterns(ruler_patterns(content_dir, locale, nlp))  # type: ignore[attr-defined]
    return nlp


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--locale", action="append", help="locale(s) to build (default: all in content/)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: LUMI_SPACY_DIR)")
    args = parser.parse_args(argv)
    settings = get_settings()
    out = args.out or settings.spacy_dir
    for locale in args.locale or ["en"]:
        nlp = build(locale, settings.content_dir)
        (out / locale).mkdir(parents=True, exist_ok=True)
        nlp.to_disk(out / locale)
        print(f"spaCy pipeline for {locale!r} written to {out / locale}")


if __name__ == "__main__":
    main()
