"""Measures what matters on data the model never saw (the sets of evaluation/splits.yml):
  `python -m bot.tools.evaluate nlu [set]`     intent, topic, goal and audience accuracy on an intent
                                               set (default: the locked test set; dev, dev2)
  `python -m bot.tools.evaluate safety [set]`  crisis recall and false-alarm rate on a safety set, for
                                               the safety net alone and for the whole NLU
  `python -m bot.tools.evaluate report`        every set; writes docs/evaluation.md (`make eval`)
A set is named as in evaluation/splits.yml or by its short name (NLU_SPLITS, SAFETY_SPLITS).
Results are printed and written to results/eval_<what>[_<set>].json."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import spacy

from bot.library.vocabulary import is_crisis
from bot.serving.patches import install_from_settings
from bot.settings import ROOT, get_settings
from bot.tools import datasets

RESULTS = ROOT / "results"


class Parser:
    """The trained NLU, loaded once."""

    def __init__(self, model: Path) -> None:
        import logging

        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)  # Rasa's debug logs would print every message
        install_from_settings()  # the same Rasa as the server's
        self.agent = Agent.load(str(model))

    def parse(self, texts: List[str]) -> List[Dict[str, Any]]:
        async def run() -> List[Dict[str, Any]]:
            return [await self.agent.parse_message(t) for t in texts]

        return asyncio.run(run())


def entity(parsed: Dict[str, Any], name: str) -> Optional[str]:
    return next((e["value"] for e in parsed.get("entities", []) if e["entity"] == name), None)


def topic_of_intent(intent: str) -> str:
    return "crisis" if is_crisis(intent) else intent


NLU_SPLITS = {"test": "nlu-en-test", "dev": "nlu-en-dev-a", "dev2": "nlu-en-dev-b"}  # short names for the CLI


def evaluate_nlu(parser: Parser, split: str = "test") -> Dict[str, Any]:
    rows = _set(split, NLU_SPLITS).messages()
    parsed = parser.parse([r["text"] for r in rows])
    intent_ok = goal_ok = goal_n = aud_ok = aud_n = topic_ok = 0
    confusions: Counter = Counter()
    for row, result in zip(rows, parsed):
        predicted = result["intent"]["name"]
        intent_ok += predicted == row["intent"]
        topic_ok += topic_of_intent(predicted) == topic_of_intent(row["intent"])
        if predicted != row["intent"]:
            confusions[(row["intent"], predicted)] += 1
        if row.get("goal"):
            goal_n += 1
            goal_ok += entity(result, "goal") == row["goal"]
        if row.get("audience") in ("parent", "educator"):
            aud_n += 1
            aud_ok += entity(result, "audience") == row["audience"]
    n = len(rows)
    return {
        "messages": n,
        "intent_accuracy": round(intent_ok / n, 4),
        "topic_accuracy": round(topic_ok / n, 4),
        "goal_accuracy": round(goal_ok / goal_n, 4) if goal_n else None,
        "audience_accuracy": round(aud_ok / aud_n, 4) if aud_n else None,
        "top_confusions": [f"{a} -> {b}: {c}" for (a, b), c in confusions.most_common(10)],
        "errors": [
            {"text": row["text"], "intent": row["intent"], "predicted": result["intent"]["name"]}
            for row, result in zip(rows, parsed)
            if result["intent"]["name"] != row["intent"]
        ],
    }


def topic_of_answer(intent: str) -> str:
    """The topic a reply answers: topic_x -> x, crisis intents -> crisis, anything else -> other."""
    if intent.startswith("topic_"):
        return intent[len("topic_") :]
    return "crisis" if is_crisis(intent) else "other"


def evaluate_topics_on_fresh_questions(parser: Parser) -> Dict[str, Any]:
    """Topic accuracy on the ordinary questions of the test split: written by other authors, with
    their own idea of a topic, and never used to choose anything in the NLU."""
    rows = [r for r in _set("test", SAFETY_SPLITS).safety_messages()[1] if r.get("topic")]
    parsed = parser.parse([r["text"] for r in rows])
    correct = sum(topic_of_answer(p["intent"]["name"]) == r["topic"] for r, p in zip(rows, parsed))
    return {"messages": len(rows), "topic_accuracy": round(correct / len(rows), 4)}


def safety_rates(flags_crisis: List[bool], flags_ordinary: List[bool]) -> Dict[str, float]:
    return {
        "crisis_recall": round(sum(flags_crisis) / len(flags_crisis), 4),
        "false_alarm_rate": round(sum(flags_ordinary) / len(flags_ordinary), 4),
    }


def safety_net_detector() -> Callable[[str], Optional[str]]:
    """The deterministic safety net alone: text -> the danger sub-type it finds, or None."""
    from bot.safety.language_patterns import LanguagePatterns

    nlp = spacy.load(get_settings().spacy_dir / "en")
    return LanguagePatterns.load(nlp, "en").check


def evaluate_safety_net(crisis: List[Dict[str, Any]], ordinary: List[Dict[str, Any]]) -> Dict[str, Any]:
    check = safety_net_detector()
    return {
        **safety_rates(
            [check(r["text"]) is not None for r in crisis], [check(r["text"]) is not None for r in ordinary]
        ),
        "missed": [r["text"] for r in crisis if check(r["text"]) is None],
        "false_alarms": [r["text"] for r in ordinary if check(r["text"]) is not None],
    }


RISK_SWEEP = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)


def risk_sweep(parsed_crisis: List[Dict[str, Any]], parsed_ordinary: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Recall and false alarms of the risk classifier alone at several thresholds (for choosing
    its threshold on a tuning split, never on the test split)."""

    def probability(result: Dict[str, Any]) -> float:
        return float((result.get("risk") or {}).get("probability", 0.0))

    pc, po = [probability(r) for r in parsed_crisis], [probability(r) for r in parsed_ordinary]
    return {str(t): safety_rates([p >= t for p in pc], [p >= t for p in po]) for t in RISK_SWEEP}


def alarm(parsed: Dict[str, Any]) -> bool:
    """Answered with urgent help: a crisis intent, or the risk classifier's urgent mark."""
    return is_crisis(parsed["intent"]["name"]) or bool((parsed.get("risk") or {}).get("urgent"))


def evaluate_system(parser: Parser, crisis: List[Dict[str, Any]], ordinary: List[Dict[str, Any]]) -> Dict[str, Any]:
    parsed_c, parsed_o = parser.parse([x["text"] for x in crisis]), parser.parse([x["text"] for x in ordinary])

    flags_c, flags_o = [alarm(r) for r in parsed_c], [alarm(r) for r in parsed_o]
    return {
        **safety_rates(flags_c, flags_o),
        "missed": [r["text"] for r, f in zip(crisis, flags_c) if not f],
        "false_alarms": [r["text"] for r, f in zip(ordinary, flags_o) if f],
        "risk_classifier_sweep": risk_sweep(parsed_c, parsed_o),
    }


SAFETY_SPLITS = {  # short names for the CLI; evaluation/splits.yml says what each set is
    "test": "safety-en-test",
    "final6": "safety-en-round6",
    "final5": "safety-en-round5",
    "final4": "safety-en-round4",
    "final3": "safety-en-round3",
    "final2": "safety-en-round2",
    "stories": "safety-en-stories",
    "dev": "safety-en-patterns-dev",
}


def _set(split: str, short: Dict[str, str]) -> datasets.EvaluationSet:
    return datasets.get(short.get(split, split))


def evaluate_safety(parser: Optional[Parser], split: str = "test") -> Dict[str, Any]:
    crisis, ordinary = _set(split, SAFETY_SPLITS).safety_messages()
    report: Dict[str, Any] = {
        "crisis_messages": len(crisis),
        "ordinary_messages": len(ordinary),
        "safety_net_only": evaluate_safety_net(crisis, ordinary),
    }
    if parser is not None:
        report["system"] = evaluate_system(parser, crisis, ordinary)
    return report


def write(name: str, report: Dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"eval_{name}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


def main(argv: Optional[List[str]] = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    what = args[0] if args else "nlu"
    model = ROOT / "models" / "lumi.tar.gz"
    if what == "report":
        from bot.tools import evaluation_report

        evaluation_report.main()
        return
    if what == "nlu":
        split = args[1] if len(args) > 1 else "test"
        parser = Parser(model)
        report = evaluate_nlu(parser, split)
        print(f"NLU set {_set(split, NLU_SPLITS).name} ({report['messages']} messages never used in training):")
        for key in ("intent_accuracy", "topic_accuracy", "goal_accuracy", "audience_accuracy"):
            print(f"  {key:18} {report[key]}")
        print("  most frequent confusions:", *report["top_confusions"], sep="\n    ")
        fresh = evaluate_topics_on_fresh_questions(parser)
        report["fresh_questions"] = fresh
        print(
            f"topic accuracy on the {fresh['messages']} ordinary questions of the test split "
            f"(other authors' topic labels): {fresh['topic_accuracy']}"
        )
    elif what == "safety":
        split = args[1] if len(args) > 1 else "test"
        report = evaluate_safety(Parser(model), split)
        for layer in ("safety_net_only", "system"):
            r = report[layer]
            print(
                f"{layer:16} crisis recall {r['crisis_recall']:.3f} on {report['crisis_messages']} messages, "
                f"false alarms {r['false_alarm_rate']:.3f} on {report['ordinary_messages']}"
            )
            for text in r["missed"]:
                print(f"  MISSED: {text}")
            for text in r["false_alarms"]:
                print(f"  false alarm: {text}")
        print("risk classifier alone, by threshold (recall / false alarms):")
        for threshold, rates in report["system"]["risk_classifier_sweep"].items():
            print(f"  {threshold:>5}  {rates['crisis_recall']:.3f} / {rates['false_alarm_rate']:.3f}")
    else:
        raise SystemExit(
            f"usage: python -m bot.tools.evaluate nlu [{'|'.join(NLU_SPLITS)}] | safety [{'|'.join(SAFETY_SPLITS)}]"
        )
    write(what if len(args) < 2 else f"{what}_{args[1]}", report)


if __name__ == "__main__":
    main()
