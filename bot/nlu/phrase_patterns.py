"""Vetted phrase patterns, written by people in a small readable notation and compiled to
spaCy `Matcher` rules that match on lemmas, so "threatened", "threatens" and "threaten" are
one word to the safety net.

Notation (tokens separated by spaces):
  word        the word or any of its forms (matched on lemma, or on the word as written)
  (a|b|c)     any one of the words; an alternative of several words, "(no one|nobody)",
              or an exact form "(=going|want)" expands the pattern into one variant each
  word?       optional word; (a|b)? optional choice
  =word       exactly this form (lowercase), not its other forms
  !(a|b)      one word that is none of these (and not their other forms)
  NUM         a number ("13", "thirteen"); NUM? an optional one; (NUM|few) a number or "few"
  ~           up to three words of anything
  *           any number of words (use sparingly)
Multi-token words like "i'll" or "don't" are split the way the tokenizer splits them.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Set, Tuple

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

TokenSpec = Dict[str, Any]
# groups that need one variant per alternative: several words, or an exact "=form"
# a number as one alternative of a group: "(NUM|ten|few) (mins|minutes)"
NUMBER_ALTERNATIVES = frozenset({"NUM", r"\d+"})
_MULTIWORD_GROUP = re.compile(r"\(([^()]*[\s=][^()]*)\)(\??)")


def expand(pattern: str) -> List[str]:
    """One pattern per choice of the multi-word alternatives it contains."""
    groups = list(_MULTIWORD_GROUP.finditer(pattern))
    if not groups:
        return [pattern]
    options = [m.group(1).split("|") + ([""] if m.group(2) else []) for m in groups]
    variants = []
    for choice in itertools.product(*options):
        text, last = [], 0
        for match, alternative in zip(groups, choice):
            text += [pattern[last : match.start()], alternative]
            last = match.end()
        text.append(pattern[last:])
        variants.append(" ".join("".join(text).split()))
    return variants


def _forms(nlp: Language, word: str) -> List[List[str]]:
    """The tokens of `word` as the pipeline splits it, each with its lemma and lowercase form."""
    return [list(forms) for forms in _cached_forms(nlp, word)]


@lru_cache(maxsize=None)
def _cached_forms(nlp: Language, word: str) -> Tuple[Tuple[str, ...], ...]:
    """Patterns repeat their words thousands of times (every variant of every alternative):
    the pipeline runs once per word. A word without a lemma (a pipeline without a lemmatizer)
    stands for itself."""
    doc = nlp(word.lower())
    return tuple(tuple(sorted({t.lower_, t.lemma_.lower() or t.lower_, t.text})) for t in doc)


def _word_specs(nlp: Language, word: str, optional: bool) -> List[TokenSpec]:
    """The token specs for one word as the tokenizer splits it ("whats" is "what" + "s")."""
    extra = {"OP": "?"} if optional else {}
    return [{"LEMMA": {"IN": forms}, **extra} for forms in _forms(nlp, word)]


def _options(nlp: Language, raw: str) -> List[List[TokenSpec]]:
    """The alternative token sequences one notation token stands for."""
    if raw == "~":
        return [[{"OP": "?"}] * 3]
    if raw == "*":
        return [[{"OP": "*"}]]
    if raw in ("NUM", "NUM?"):
        return [[{"LIKE_NUM": True, **({"OP": "?"} if raw == "NUM?" else {})}]]
    optional = raw.endswith("?") and len(raw) > 1
    word = raw[:-1] if optional else raw
    extra = {"OP": "?"} if optional else {}
    if word.startswith("!(") and word.endswith(")"):
        forms = sorted({form for alt in word[2:-1].split("|") if alt for token in _forms(nlp, alt) for form in token})
        return [[{"LEMMA": {"NOT_IN": forms}, **extra}]]
    if word.startswith("=") and len(word) > 1:
        return [[{"LOWER": word[1:], **extra}]]
    if not (word.startswith("(") and word.endswith(")")):
        return [_word_specs(nlp, word, optional)]
    alternatives = [w for w in word[1:-1].split("|") if w and w not in NUMBER_ALTERNATIVES]
    single = [alt for alt in alternatives if len(_forms(nlp, alt)) == 1]
    options = []
    if len(alternatives) < len([w for w in word[1:-1].split("|") if w]):  # "(NUM|ten)", "(\d+|five)"
        options.append([{"LIKE_NUM": True, **extra}])
    if single:
        forms = sorted({form for alt in single for form in _forms(nlp, alt)[0]})
        options.append([{"LEMMA": {"IN": forms}, **extra}])
    # an alternative the tokenizer splits ("whats", "can't") becomes its own sequence
    options += [_word_specs(nlp, alt, optional) for alt in alternatives if alt not in single]
    return options


def compile_pattern(nlp: Language, pattern: str) -> List[List[TokenSpec]]:
    """Matcher patterns (one per combination of multi-token alternatives) for one variant."""
    if "#" in pattern:
        raise ValueError(f"'#' starts a YAML comment; write NUM for a number: {pattern!r}")
    per_token = [_options(nlp, raw) for raw in pattern.split()]
    return [[spec for option in combination for spec in option] for combination in itertools.product(*per_token)]


def _anchor(specs: List[TokenSpec], stop_words: Set[str]) -> Optional[FrozenSet[str]]:
    """Word forms of which a matching text must contain at least one: those of the pattern's
    least common required token (not optional, not a negation or a number), or None."""
    candidates = []
    for spec in specs:
        if "OP" in spec:
            continue
        if isinstance(spec.get("LEMMA"), dict) and "IN" in spec["LEMMA"]:
            values = frozenset(spec["LEMMA"]["IN"])
        elif isinstance(spec.get("LOWER"), str):
            values = frozenset([spec["LOWER"]])
        else:
            continue
        candidates.append((bool(values & stop_words), len(values), sorted(values), values))
    return min(candidates)[3] if candidates else None


class AnchoredMatcher:
    """Finds exactly what one spaCy `Matcher` with all the patterns finds, faster.

    A spaCy Matcher tries every pattern at every token: with the safety net's thousand
    compiled patterns that was about 2 ms a message, a sixth of the server's time. Here the
    patterns are grouped by an anchor, a required token of each, with one Matcher per group;
    a message runs only the groups whose anchor words it contains (as lemma or lowercase
    form, the attributes the patterns test), because a pattern cannot match a text that lacks
    one of its required tokens. Patterns without an anchor are always run."""

    def __init__(self, nlp: Language, groups: Dict[str, List[List[TokenSpec]]]) -> None:
        stop_words = {w.lower() for w in nlp.Defaults.stop_words}
        by_anchor: Dict[Optional[FrozenSet[str]], Dict[str, List[List[TokenSpec]]]] = {}
        for name, patterns in groups.items():
            for specs in patterns:
                by_anchor.setdefault(_anchor(specs, stop_words), {}).setdefault(name, []).append(specs)
        self.always: List[Matcher] = []
        self.by_word: Dict[str, List[int]] = {}
        self.matchers: List[Matcher] = []
        for anchor, named in by_anchor.items():
            matcher = Matcher(nlp.vocab)
            for name, patterns in named.items():
                matcher.add(name, patterns)
            if anchor is None:
                self.always.append(matcher)
                continue
            self.matchers.append(matcher)
            for word in anchor:
                self.by_word.setdefault(word, []).append(len(self.matchers) - 1)

    def __call__(self, doc: Doc) -> List[Tuple[int, int, int]]:
        words = {t.lemma_ for t in doc} | {t.lower_ for t in doc}
        chosen = sorted({i for word in words for i in self.by_word.get(word, ())})
        found: Set[Tuple[int, int, int]] = set()
        for matcher in [*self.always, *(self.matchers[i] for i in chosen)]:
            found.update(matcher(doc))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))


def build_matcher(nlp: Language, groups: Mapping[str, Iterable[str]]) -> AnchoredMatcher:
    """One matcher; each group's patterns are added under the group's name."""
    compiled = {
        name: [specs for p in patterns for variant in expand(p) for specs in compile_pattern(nlp, variant)]
        for name, patterns in groups.items()
    }
    return AnchoredMatcher(nlp, {name: specs for name, specs in compiled.items() if specs})


def matches(matcher: Any, doc: Doc) -> List[Tuple[str, int, int]]:
    """(group, start, end) for every match, in text order (each once)."""
    vocab = doc.vocab
    return sorted({(vocab.strings[m], s, e) for m, s, e in matcher(doc)}, key=lambda x: (x[1], x[2], x[0]))
