"""NLU quality on data the model never saw (the sets of evaluation/splits.yml, written separately
from the training data), and the whole NLU's (classifier + safety net) crisis recall. The same
figures are printed by `make eval`."""

import re

import pytest

from bot.safety.risk_classifier import load_corpus
from bot.settings import ROOT
from bot.tools import datasets
from bot.tools.evaluate import evaluate_nlu, evaluate_safety


def test_topic_accuracy_on_the_holdout_is_at_least_90_percent(parser):
    report = evaluate_nlu(parser)
    assert report["messages"] >= 150
    assert report["topic_accuracy"] >= 0.90, report["top_confusions"]


@pytest.mark.parametrize("split, floor", [("dev", 0.93), ("dev2", 0.87)])
def test_intent_accuracy_on_the_development_sets(parser, split, floor):
    """The whole NLU's exact intents on the two sets the classifier was chosen on (0.951 and 0.884
    when chosen; raw counts instead of tf-idf weights give 0.847 on dev2, the default DIET 0.866)."""
    report = evaluate_nlu(parser, split)
    assert report["intent_accuracy"] >= floor, report["top_confusions"]


def test_the_whole_nlu_catches_every_disclosure_in_the_pattern_development_sets(parser):
    report = evaluate_safety(parser, "safety-en-patterns-dev")["system"]
    assert report["crisis_recall"] == 1.0, report["missed"]
    assert report["false_alarm_rate"] < 0.05, report["false_alarms"]


def test_on_the_tuning_set_the_whole_nlu_misses_at_most_one_in_a_hundred(parser):
    """safety-en-round2 chose the risk threshold (0.996 recall, 0.06 false alarms then); the
    locked test set is measured by `make eval`, never asserted."""
    report = evaluate_safety(parser, "final2")["system"]
    assert report["crisis_recall"] >= 0.99, report["missed"]
    assert report["false_alarm_rate"] <= 0.07, report["false_alarms"]


def test_conversation_is_not_mistaken_for_danger(parser):
    """Greetings, farewells, yes/no, "i'm a dad", "keep going", "stop" (the NLU's own training
    examples of every intent that is not a topic question, a crisis or out of scope) get no
    urgent help: "goodbye" once got the self-harm help, "see you later" the immediate-danger
    reply, "keep going" and "i'm a dad" urgent help first."""
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.library.vocabulary import is_crisis

    examples = [
        (m.get("text"), m.get("intent"))
        for m in load_data(str(ROOT / "bot" / "project" / "data" / "nlu")).intent_examples
        if not (
            m.get("intent").startswith("topic_")
            or is_crisis(m.get("intent"))
            or m.get("intent") in {"out_of_scope", "safe_word"}
        )
    ]
    parsed = parser.parse([text for text, _ in examples])
    urgent = [
        text
        for (text, _), r in zip(examples, parsed)
        if is_crisis(r["intent"]["name"]) or (r.get("risk") or {}).get("urgent")
    ]
    assert len(examples) > 300
    assert len(urgent) <= len(examples) // 100, urgent


def same_text(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", str(text).lower()).split())


@pytest.fixture(scope="module")
def training_texts():
    from rasa.shared.nlu.training_data.loading import load_data

    texts = {
        same_text(m.get("text")) for m in load_data(str(ROOT / "bot" / "project" / "data" / "nlu")).intent_examples
    }
    return texts | {same_text(t) for t, _ in load_corpus(ROOT / "bot" / "project" / "risk_corpus")}


HELD_OUT = [s for s in datasets.evaluation_sets().values() if s.role != "training_copy"]


@pytest.mark.parametrize("held_out", HELD_OUT, ids=[s.name for s in HELD_OUT])
def test_no_held_out_message_is_in_the_training_data(training_texts, held_out):
    """Every set of evaluation/splits.yml but a training copy: real messages and fresh sets too."""
    rows = held_out.messages()
    assert len(rows) >= 10
    assert [r["text"] for r in rows if same_text(r["text"]) in training_texts] == []
