"""Real messages (evaluation/real/<language>/*.yml): close rewrites of messages found on public
pages, each with its source. `python -m bot.tools.real_messages` checks every row, gives each new
source site a split (train, dev or locked test; a site never changes split and is never in two)
in evaluation/real/sites.yml, and writes evaluation/real/SOURCES.md, the list of every page."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from typing import Any, Dict, List, Optional

import yaml

from bot.library.vocabulary import LEVELS, TOPICS, URGENT_SUBTYPES
from bot.tools.datasets import EVALUATION, load_messages

REAL = EVALUATION / "real"
SITES = REAL / "sites.yml"
SOURCES = REAL / "SOURCES.md"
SPLITS = {"train": 0.5, "dev": 0.2, "test": 0.3}  # share of each language's messages
KINDS = ("personal_story", "faq_heading", "quoted", "forum_question")
ASKERS = ("teen", "parent", "educator", "friend", "unknown")
GOALS = (
    "definition",
    "warning_signs",
    "what_to_do",
    "how_to_help",
    "prevention",
    "myths",
    "reporting",
    "getting_help",
    "other",
)
Row = Dict[str, Any]


def languages() -> List[str]:
    return sorted(p.name for p in REAL.iterdir() if p.is_dir())


def rows_of(language: str) -> List[Row]:
    return [row for path in sorted((REAL / language).glob("*.yml")) for row in load_messages(path)]


def problems(row: Row) -> List[str]:
    """What is wrong with one row (empty: nothing)."""
    found = []
    for key in ("id", "text", "url", "site", "kind", "asker", "topics", "goal", "level"):
        if not row.get(key):
            found.append(f"no {key}")
    checks = [("kind", KINDS), ("asker", ASKERS), ("goal", GOALS), ("level", LEVELS)]
    found += [f"{key} {row.get(key)!r}" for key, allowed in checks if row.get(key) and row[key] not in allowed]
    found += [f"topic {t!r}" for t in row.get("topics") or [] if t not in TOPICS]
    if row.get("level") == "danger" and row.get("subtype") not in URGENT_SUBTYPES:
        found.append(f"danger without a sub-type ({row.get('subtype')!r})")
    if str(row.get("url", "")).split("/")[0] not in ("http:", "https:"):
        found.append("url is not a web address")
    return found


def load_sites() -> Dict[str, Dict[str, str]]:
    """language -> site -> split."""
    if not SITES.exists():
        return {}
    return (yaml.safe_load(SITES.read_text(encoding="utf-8")) or {}).get("sites") or {}


def assign(counts: Dict[str, int], known: Dict[str, str]) -> Dict[str, str]:
    """Each new site (most messages first) joins the split furthest below its share; known sites
    keep theirs."""
    splits = dict(known)
    size: Counter[str] = Counter()
    for site, split in known.items():
        size[split] += counts.get(site, 0)
    for site in sorted((s for s in counts if s not in splits), key=lambda s: (-counts[s], s)):
        total = sum(size.values()) + counts[site]
        split = min(SPLITS, key=lambda name: (size[name] + counts[site]) / total - SPLITS[name])
        splits[site] = split
        size[split] += counts[site]
    return {site: splits[site] for site in sorted(splits)}


def split_of(row: Row, language: str, sites: Optional[Dict[str, Dict[str, str]]] = None) -> Optional[str]:
    return (sites if sites is not None else load_sites()).get(language, {}).get(row.get("site", ""))


def write_sites(all_rows: Dict[str, List[Row]]) -> Dict[str, Dict[str, str]]:
    known = load_sites()
    sites = {lang: assign(Counter(r["site"] for r in rows), known.get(lang, {})) for lang, rows in all_rows.items()}
    header = (
        "# The split of every source site of evaluation/real, per language: train (may become training\n"
        "# data), dev (for choices) or test (locked: measured once per release). Written by\n"
        "# `python -m bot.tools.real_messages`; a site, once given a split, keeps it.\n"
    )
    SITES.write_text(header + yaml.safe_dump({"sites": sites}, sort_keys=True, allow_unicode=True), encoding="utf-8")
    return sites


def write_sources(all_rows: Dict[str, List[Row]], sites: Dict[str, Dict[str, str]]) -> None:
    lines = [
        "# Sources of the real messages",
        "",
        "Every page a real message of `evaluation/real/` was found on. The project stores only a close",
        "rewrite of each message (same situation, facts, order, length and register; no sentence of the",
        "page kept), never the page's text. Written by `python -m bot.tools.real_messages`.",
        "",
    ]
    for language, rows in all_rows.items():
        pages: Dict[str, List[str]] = defaultdict(list)
        split_by_page: Dict[str, str] = {}
        for row in rows:
            pages[row["url"]].append(row["id"])
            split_by_page[row["url"]] = split_of(row, language, sites) or ""
        lines += [
            f"## {language} ({len(rows)} messages, {len(pages)} pages)",
            "",
            "| split | page | messages |",
            "|---|---|---|",
        ]
        for url in sorted(pages, key=lambda u: (split_by_page[u], u)):
            lines.append(f"| {split_by_page[url] or None} | <{url}> | {', '.join(pages[url])} |")
        lines.append("")
    SOURCES.write_text("\n".join(lines), encoding="utf-8")


def summary(language: str, rows: List[Row], sites: Dict[str, Dict[str, str]]) -> str:
    by = lambda key: dict(Counter(str(r.get(key)) for r in rows).most_common())  # noqa: E731
    split = dict(Counter(split_of(r, language, sites) for r in rows))
    return (
        f"{language}: {len(rows)} messages, {len({r['site'] for r in rows})} sites; split {split}; "
        f"level {by('level')}; asker {by('asker')}; kind {by('kind')}"
    )


def main(argv: Optional[List[str]] = None) -> int:
    all_rows = {language: rows_of(language) for language in languages()}
    bad = [(r.get("id"), p) for rows in all_rows.values() for r in rows for p in problems(r)]
    ids = Counter(r.get("id") for rows in all_rows.values() for r in rows)
    bad += [(i, "id used twice") for i, n in ids.items() if n > 1]
    for row_id, problem in bad:
        print(f"error: {row_id}: {problem}", file=sys.stderr)
    sites = write_sites(all_rows)
    write_sources(all_rows, sites)
    for language, rows in all_rows.items():
        print(summary(language, rows, sites))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
