"""`make eval`: every set of evaluation/splits.yml through the trained NLU, printed and written to
docs/evaluation.md (with the date, the commit and the command) and results/eval_report.json.

What is measured, per kind of set:
- intent sets: intent, topic, goal and audience accuracy;
- safety sets: the share of danger messages that raise the alarm (recall) and of the others
  that do (false alarms), for the safety net alone and for the whole NLU;
- real messages: topic accuracy (any of a message's topics counts; the crisis reply counts for
  a danger message), danger recall, disclosures (concern or danger) that get urgent help, plain
  questions that get it, and the fallback menu."""

from __future__ import annotations

import json
import platform
import subprocess
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional

from bot.settings import ROOT
from bot.tools import datasets
from bot.tools.evaluate import RESULTS, Parser, alarm, evaluate_nlu, safety_net_detector, topic_of_answer

DOC = ROOT / "docs" / "evaluation.md"
Parsed = Dict[str, Any]
FALLBACK_INTENTS = {"nlu_fallback", "out_of_scope"}
ROLE_NAMES = {
    "locked_test": "locked test",
    "development": "dev",
    "regression": "regression",
    "training_copy": "training copy",
}


def share(flags: List[bool]) -> Optional[float]:
    return round(sum(flags) / len(flags), 4) if flags else None


def safety_figures(evaluation_set: datasets.EvaluationSet, parser: Parser, net: Callable[[str], Any]) -> Dict[str, Any]:
    danger, ordinary = evaluation_set.safety_messages()
    parsed_d = parser.parse([r["text"] for r in danger])
    parsed_o = parser.parse([r["text"] for r in ordinary])
    return {
        "danger": len(danger),
        "ordinary": len(ordinary),
        "net_recall": share([net(r["text"]) is not None for r in danger]),
        "net_false_alarms": share([net(r["text"]) is not None for r in ordinary]),
        "recall": share([alarm(p) for p in parsed_d]),
        "false_alarms": share([alarm(p) for p in parsed_o]),
        "missed": [r["text"] for r, p in zip(danger, parsed_d) if not alarm(p)],
        "false_alarm_texts": [r["text"] for r, p in zip(ordinary, parsed_o) if alarm(p)],
    }


SEVERITY = {"question": 0, "concern": 1, "danger": 2}


def level_of(row: Dict[str, Any]) -> str:
    """The safer of the collector's level and an independent second reading's, if any."""
    second = (row.get("second_reading") or {}).get("level")
    levels = [level for level in (row.get("level"), second) if level in SEVERITY]
    return max(levels, key=SEVERITY.__getitem__) if levels else "question"


def real_figures(evaluation_set: datasets.EvaluationSet, parser: Parser) -> Dict[str, Any]:
    rows = evaluation_set.messages()
    parsed = parser.parse([r["text"] for r in rows])

    def topic_right(row: Dict[str, Any], result: Parsed) -> bool:
        answered = topic_of_answer(result["intent"]["name"])
        return answered in (row.get("topics") or []) or (answered == "crisis" and level_of(row) == "danger")

    pairs = list(zip(rows, parsed))
    danger = [alarm(p) for r, p in pairs if level_of(r) == "danger"]
    disclosures = [alarm(p) for r, p in pairs if level_of(r) in ("concern", "danger")]
    questions = [alarm(p) for r, p in pairs if level_of(r) == "question"]
    return {
        "messages": len(rows),
        "sites": len({r.get("site") for r in rows}),
        "topic_accuracy": share([topic_right(r, p) for r, p in pairs]),
        "danger": len(danger),
        "danger_recall": share(danger),
        "disclosures_urgent": share(disclosures),
        "questions_urgent": share(questions),
        "fallback": share([p["intent"]["name"] in FALLBACK_INTENTS for p in parsed]),
        "topic_errors": [
            {"text": r["text"][:160], "topics": r.get("topics"), "answered": topic_of_answer(p["intent"]["name"])}
            for r, p in pairs
            if not topic_right(r, p)
        ],
    }


def measure(parser: Parser) -> Dict[str, Any]:
    net = safety_net_detector()
    report: Dict[str, Any] = {"intent": {}, "safety": {}, "real": {}}
    for evaluation_set in datasets.evaluation_sets().values():
        if evaluation_set.measures == "intent":
            figures = evaluate_nlu(parser, evaluation_set.name)
            figures.pop("errors", None)
            report["intent"][evaluation_set.name] = figures
        elif evaluation_set.measures == "safety":
            report["safety"][evaluation_set.name] = safety_figures(evaluation_set, parser, net)
        elif evaluation_set.messages():
            report["real"][evaluation_set.name] = real_figures(evaluation_set, parser)
    return report


def _commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "bot", "actions", "content", "config.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (result.stdout.strip() or "unknown") + (" (with uncommitted changes)" if dirty else "")


def _fmt(value: Any) -> str:
    return "–" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def _table(header: List[str], rows: List[List[Any]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]


def markdown(report: Dict[str, Any], when: str, commit: str) -> str:
    sets = datasets.evaluation_sets()
    lines = [
        "# Evaluation",
        "",
        f"Written by `make eval` (`python -m bot.tools.evaluate report`) on {when}, commit `{commit}`,",
        f"{platform.machine()}. What each set is, who wrote it and its first figure: "
        "[evaluation/splits.yml](../evaluation/splits.yml). Locked test sets are measured once per",
        "release and never used to choose anything; development and regression figures are optimistic.",
        "",
        "## Real messages",
        "",
        "Close rewrites of messages found on public pages ([sources](../evaluation/real/SOURCES.md)), split by",
        "site. *Urgent* means the message gets the urgent path (crisis intent or the risk mark).",
        "",
    ]
    lines += _table(
        [
            "set",
            "role",
            "messages",
            "sites",
            "topic",
            "danger recall",
            "disclosures urgent",
            "questions urgent",
            "fallback",
        ],
        [
            [
                name,
                ROLE_NAMES[sets[name].role],
                f["messages"],
                f["sites"],
                f["topic_accuracy"],
                f["danger_recall"],
                f["disclosures_urgent"],
                f["questions_urgent"],
                f["fallback"],
            ]
            for name, f in report["real"].items()
        ],
    )
    lines += [
        "",
        "## Safety sets",
        "",
        "Recall: danger messages that raise the alarm. False alarms: other messages that do. *Net*: the",
        "deterministic safety net alone; *system*: the whole NLU (classifier, risk classifier, safety net).",
        "",
    ]
    lines += _table(
        [
            "set",
            "language",
            "role",
            "danger",
            "other",
            "net recall",
            "net false alarms",
            "system recall",
            "system false alarms",
        ],
        [
            [
                name,
                sets[name].language,
                ROLE_NAMES[sets[name].role],
                f["danger"],
                f["ordinary"],
                f["net_recall"],
                f["net_false_alarms"],
                f["recall"],
                f["false_alarms"],
            ]
            for name, f in report["safety"].items()
        ],
    )
    lines += ["", "## Intent sets (team-written, English)", ""]
    lines += _table(
        ["set", "role", "messages", "intent", "topic", "goal", "audience"],
        [
            [
                name,
                ROLE_NAMES[sets[name].role],
                f["messages"],
                f["intent_accuracy"],
                f["topic_accuracy"],
                f["goal_accuracy"],
                f["audience_accuracy"],
            ]
            for name, f in report["intent"].items()
        ],
    )
    lines += ["", "Every message missed or wrongly flagged is listed in `results/eval_report.json`.", ""]
    return "\n".join(lines)


def main() -> None:
    from bot.settings import get_settings

    model = ROOT / "models" / "lumi.tar.gz"
    parser = Parser(model)
    report = measure(parser)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    commit = _commit()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "eval_report.json").write_text(
        json.dumps({"date": when, "commit": commit, **report}, indent=2), encoding="utf-8"
    )
    text = markdown(report, when, commit)
    DOC.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {DOC.relative_to(ROOT)} and results/eval_report.json (settings: {get_settings().spacy_dir})")
