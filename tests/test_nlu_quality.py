"""NLU quality on data the model never saw (tests/data/nlu_holdout.yml, written separately from
the training data), and the whole NLU's (classifier + safety net) crisis recall. The same
figures are printed by `make eval`."""
import pytest

from bot.evaluate import Parser, evaluate_nlu, evaluate_safety


@pytest.fixture(scope="module")
def parser(trained_model):
    return Parser(trained_model)


def test_topic_accuracy_on_the_holdout_is_at_least_90_percent(parser):
    report = evaluate_nlu(parser)
    assert report["messages"] >= 150
    assert report["topic_accuracy"] >= 0.90, report["top_confusions"]


@pytest.mark.parametrize("split", ["dev", "dev2", "dev3"])
def test_the_whole_nlu_catches_every_disclosure_in_the_crisis_sets(parser, split):
    report = evaluate_safety(parser, split)["system"]
    assert report["crisis_recall"] == 1.0, report["missed"]
    assert report["false_alarm_rate"] < 0.05, report["false_alarms"]
