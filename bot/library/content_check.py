"""`lumi content check`: lints the whole content library (schema, sources, URLs, reading level,
coverage, helplines, self-checks...) and prints a coverage table; `lumi content review` signs
an item off. Errors make the check fail; the bot never serves a library that fails to load."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import textstat

from bot.library.content import AUDIENCES, KINDS, TOPICS, URGENT_SUBTYPES, ContentError, Library, load_library
from bot.library.helplines import INTERNATIONAL, load_directory

TEEN_MAX_WORDS = 90
TEEN_MAX_GRADE = 8.0
REQUIRED_COUNTRIES = ("GB", "IE", "NL", "BE", "DE", "FR", "ES", "IT", "PT", "PL", "SE", "US", "CA", "AU")
_PHONE = re.compile(r"\b\d{3}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
_MARKDOWN = re.compile(r"[*_`\[\]()#>-]")


@dataclass
class Report:
    errors: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)
    coverage: Dict[Tuple[str, str, str], Optional[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def plain(text: str) -> str:
    return _MARKDOWN.sub(" ", text)


def reading_grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(plain(text)))


def check_readability(library: Library, report: Report) -> None:
    for item in library.items.values():
        if "teen" not in item.audiences:
            continue
        words = len(plain(item.text).split())
        if words > TEEN_MAX_WORDS:
            report.errors.append(
                f"{item.file}: item '{item.id}': field 'text' has {words} words (teen max {TEEN_MAX_WORDS})"
            )
        grade = reading_grade(item.text)
        if grade > TEEN_MAX_GRADE:
            report.errors.append(
                f"{item.file}: item '{item.id}': field 'text' reads at grade {grade:.1f} (teen max {TEEN_MAX_GRADE})"
            )
        if _PHONE.search(item.text):
            report.warnings.append(f"{item.file}: item '{item.id}': field 'text' seems to contain a phone number")


def check_coverage(library: Library, report: Report, locale: str) -> None:
    for topic in TOPICS:
        kinds = URGENT_SUBTYPES if topic == "crisis" else KINDS
        for kind in kinds:
            for audience in AUDIENCES:
                item = library.find(topic, kind, audience, locale)
                report.coverage[(topic, kind, audience)] = item.id if item else None
                if item is None:
                    report.errors.append(f"coverage: no item for {topic}/{kind}/{audience} in {locale}")
                elif audience in ("teen", "parent") and audience not in item.audiences and topic != "crisis":
                    report.errors.append(f"coverage: {topic}/{kind}/{audience} has no item of its own (uses {item.id})")


def check_helplines(content_dir: Optional[Path], report: Report) -> None:
    directory = load_directory(content_dir)
    for code in REQUIRED_COUNTRIES + (INTERNATIONAL,):
        if code not in directory.countries:
            report.errors.append(f"helplines: no file for {code}")
            continue
        categories = {c for line in directory.countries[code].lines for c in line.categories}
        for needed in ("child_helpline", "self_harm", "online_abuse_report", "image_removal"):
            if needed not in categories and code != INTERNATIONAL:
                report.errors.append(f"helplines/{code}.yml: no line with category '{needed}'")


def check_activities(report: Report) -> None:
    """Self-checks, scenario quizzes and lesson plans load and pass their schema."""
    from bot.library.education import lesson_topics, quiz
    from bot.library.self_checks import checks

    for check in checks().values():
        for question in check.questions:
            if "teen" in check.audiences and reading_grade(question.ask) > TEEN_MAX_GRADE:
                report.errors.append(
                    f"self_checks/{check.id}.yml: question '{question.id}': "
                    f"field 'ask' reads above grade {TEEN_MAX_GRADE}"
                )
    for topic in lesson_topics("en"):
        topic_quiz = quiz(topic, "en")
        for scenario in topic_quiz.scenarios if topic_quiz else []:
            if reading_grade(scenario.situation) > TEEN_MAX_GRADE:
                report.errors.append(
                    f"scenarios/{topic}.yml: scenario '{scenario.id}': "
                    f"field 'situation' reads above grade {TEEN_MAX_GRADE}"
                )


def run_check(content_dir: Optional[Path] = None, locale: str = "en") -> Report:
    report = Report()
    try:
        library = load_library(content_dir)
        check_helplines(content_dir, report)
        check_activities(report)
    except ContentError as error:
        report.errors.append(str(error))
        return report
    check_readability(library, report)
    check_coverage(library, report, locale)
    drafts = sum(1 for item in library.items.values() if not item.reviewed)
    if drafts:
        report.warnings.append(f"{drafts} of {len(library.items)} items are drafts (not reviewed yet)")
    return report


def coverage_table(report: Report) -> str:
    rows = [f"{'topic':22} {'kind':17} " + " ".join(f"{a:9}" for a in AUDIENCES)]
    keys = sorted({(t, k) for t, k, _ in report.coverage}, key=lambda x: (TOPICS.index(x[0]), x[1]))
    for topic, kind in keys:
        cells = []
        for audience in AUDIENCES:
            item = report.coverage.get((topic, kind, audience))
            cells.append(f"{('ok' if item and item.endswith(audience) else ('shared' if item else 'MISSING')):9}")
        rows.append(f"{topic:22} {kind:17} " + " ".join(cells))
    return "\n".join(rows)


def review(
    item_id: str, reviewer: str, content_dir: Optional[Path] = None, today: Optional[date] = None, locale: str = "en"
) -> Path:
    """Marks one item reviewed in its YAML file, keeping the file's layout otherwise."""
    library = load_library(content_dir)
    item = library.item(item_id, locale)
    if item is None:
        raise ContentError(f"no item with id {item_id!r} in locale {locale!r}")
    path = Path(item.file)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(
        i for i, line in enumerate(lines) if re.match(rf"\s*-?\s*id:\s*['\"]?{re.escape(item_id)}['\"]?\s*$", line)
    )
    stamp = (today or date.today()).isoformat()
    for index in range(start + 1, len(lines)):
        if re.match(r"\s*-\s*id:", lines[index]):
            break
        match = re.match(r"(\s*)review:", lines[index])
        if match:
            safe_name = reviewer.replace('"', "'")
            lines[index] = f'{match.group(1)}review: {{status: reviewed, reviewer: "{safe_name}", date: {stamp}}}\n'
            original = path.read_text(encoding="utf-8")
            path.write_text("".join(lines), encoding="utf-8")
            try:
                load_library(content_dir)  # the edited file must still load
            except ContentError:
                path.write_text(original, encoding="utf-8")
                raise
            return path
    raise ContentError(f"{path}: item '{item_id}': no 'review' line to update")
