"""The risk classifier (bot/safety/risk_classifier.py): its corpus is clean and never contains a
held-out test message, and in the trained NLU it scores every message and marks the ones it
finds urgent (the actions then give urgent help first: tests/test_actions.py)."""

import pytest
import yaml

from bot.library.content import TOPICS, URGENT_SUBTYPES
from bot.safety.risk_classifier import NOT_URGENT, RiskModel, load_corpus, normalise
from bot.settings import ROOT

CORPUS = ROOT / "bot" / "project" / "risk_corpus"


def test_the_corpus_has_urgent_messages_of_every_sub_type_and_hard_ordinary_ones():
    pairs = load_corpus(CORPUS)
    labels = [label for _, label in pairs]
    assert set(labels) == set(URGENT_SUBTYPES) | {NOT_URGENT}
    assert min(labels.count(s) for s in URGENT_SUBTYPES) >= 150
    assert labels.count(NOT_URGENT) >= 500
    topics = {row.get("topic") for row in yaml.safe_load((CORPUS / "ordinary.yml").read_text())["messages"]}
    assert topics <= set(TOPICS) | {"other"}


def test_no_message_is_both_urgent_and_ordinary():
    by_text = {}
    for text, label in load_corpus(CORPUS):
        by_text.setdefault(normalise(text), set()).add(label == NOT_URGENT)
    assert [t for t, kinds in by_text.items() if len(kinds) > 1] == []


@pytest.mark.slow
def test_the_model_learns_urgency_and_sub_type_from_examples():
    pairs = list(load_corpus(CORPUS))
    model = RiskModel().fit(pairs)
    (p_urgent, subtype), (p_ordinary, _) = model.predict(
        ["he says he will post my nudes unless i pay him tonight", "what is sextortion and why does it happen?"]
    )
    assert p_urgent > 0.5 and subtype == "sextortion"
    assert p_ordinary < 0.2
    # the vectorisers called directly give scikit-learn's own figures
    texts = [normalise(t) for t, _ in pairs[:300]]
    direct = model.pipeline.named_steps["model"].predict_proba(model.features(texts))
    assert abs(direct - model.pipeline.predict_proba(texts)).max() < 1e-12


def test_retraining_notices_a_changed_corpus_with_the_config_as_written(tmp_path, monkeypatch):
    """Rasa's training cache asks for the fingerprint with config.yml's keys only (no defaults):
    that must work, and a changed corpus must change it so that the classifier retrains."""
    import bot.safety.risk_classifier as risk

    as_written = {"threshold": 0.2, "C": 10.0}
    assert risk.RiskClassifier.fingerprint_addon(as_written) == risk.RiskClassifier.fingerprint_addon(as_written)
    corpus = tmp_path / "bot" / "project" / "risk_corpus"
    corpus.mkdir(parents=True)
    (corpus / "a.yml").write_text('messages:\n- text: "what is grooming"\n  topic: grooming\n')
    monkeypatch.setattr(risk, "ROOT", tmp_path)
    before = risk.RiskClassifier.fingerprint_addon(as_written)
    (corpus / "a.yml").write_text('messages:\n- text: "what is sextortion"\n  topic: sextortion\n')
    assert risk.RiskClassifier.fingerprint_addon(as_written) != before


class _FixedRisk:
    def __init__(self, probability: float) -> None:
        self.probability = probability

    def predict(self, texts):
        return [(self.probability, "ongoing_abuse") for _ in texts]


@pytest.mark.parametrize(
    "probability,intent,confidence,urgent",
    [
        (0.22, "topic_grooming", 0.97, False),  # at the margin, a sure ordinary intent wins
        (0.22, "topic_grooming", 0.60, True),  # an unsure one does not
        (0.22, "nlu_fallback", 0.30, True),
        (0.22, "crisis_ongoing_abuse", 0.95, True),
        (0.35, "topic_grooming", 0.99, True),  # above the margin the risk mark always counts
        (0.15, "crisis_self_harm", 0.50, False),  # below the threshold: not the risk classifier's mark
        # not a topic question ("keep going", "i'm a dad"): a sure intent wins up to a wider margin
        (0.78, "tell_more", 0.92, False),
        (0.35, "out_of_scope", 0.95, False),
        (0.78, "tell_more", 0.80, True),  # unsure
        (0.85, "goodbye", 0.96, True),  # above the wider margin ("i have to go now. goodbye forever")
    ],
)
def test_the_risk_mark_at_the_margin_gives_way_only_to_a_sure_ordinary_intent(probability, intent, confidence, urgent):
    from rasa.shared.nlu.training_data.message import Message

    from bot.safety.risk_classifier import RISK_KEY, RiskClassifier

    component = RiskClassifier(RiskClassifier.get_default_config(), None, None, model=_FixedRisk(probability))
    message = Message(data={"text": "a message", "intent": {"name": intent, "confidence": confidence}})
    component.process([message])
    assert message.get(RISK_KEY)["urgent"] is urgent


@pytest.mark.slow
def test_its_fast_features_are_scikit_learn_s_and_survive_pickling():
    import pickle

    import numpy as np

    model = RiskModel().fit(load_corpus(CORPUS))
    texts = [normalise(t) for t, _ in load_corpus(CORPUS)[:200]] + ["", "zzzz qqqq", "ÉLÈVE café 🙂"]
    union = model.pipeline.named_steps["features"]
    expected = union.transform(texts).toarray()
    assert np.abs(model.features(texts).toarray() - expected).max() < 1e-12
    assert np.abs(model.features(texts[:1]).toarray() - expected[:1]).max() < 1e-12
    restored = pickle.loads(pickle.dumps(model))
    assert restored.predict(["he is outside my door"]) == model.predict(["he is outside my door"])
