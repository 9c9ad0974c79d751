"""The deterministic safety net alone (no trained model needed): every disclosure in the
crisis sets is caught, ordinary questions rarely are, the safe word always is."""
import pytest
import spacy
import yaml

from bot.safety_net import SafetyPatterns
from bot.settings import ROOT, get_settings

DATA = ROOT / "tests" / "data"
# written separately from the NLU training data; used while writing the patterns
CRISIS_SETS = ["crisis_dev.yml", "crisis_dev2.yml", "crisis_dev3.yml"]
ORDINARY_SETS = ["ordinary_dev.yml", "ordinary_dev2.yml", "ordinary_dev3.yml"]


@pytest.fixture(scope="module")
def patterns() -> SafetyPatterns:
    return SafetyPatterns.load(spacy.load(get_settings().spacy_dir / "en"), "en")


def messages(name):
    return yaml.safe_load((DATA / name).read_text())["messages"]


@pytest.mark.parametrize("name", CRISIS_SETS)
def test_every_disclosure_in_the_crisis_sets_is_caught(patterns, name):
    missed = [m["text"] for m in messages(name) if patterns.check(m["text"]) is None]
    assert missed == []


def test_false_alarms_on_ordinary_questions_stay_under_five_percent(patterns):
    rows = [m for name in ORDINARY_SETS for m in messages(name)]
    alarms = [m["text"] for m in rows if patterns.check(m["text"])]
    assert len(alarms) / len(rows) < 0.05, alarms


@pytest.mark.parametrize("text,subtype", [
    ("he says he'll send my pics to everyone if I don't pay", "sextortion"),
    ("I took some pills", "self_harm"),
    ("my boyfriend makes me do stuff with his friends", "exploitation"),
    ("hes outside my house right now", "immediate_danger"),
    ("my stepdad hits me every night", "ongoing_abuse"),
    ("i want to kill myself", "self_harm"),
])
def test_the_examples_from_the_safeguarding_issue_get_the_right_sub_type(patterns, text, subtype):
    assert patterns.check(text) == subtype


@pytest.mark.parametrize("text", [
    "what is sextortion?",
    "how do I protect my child from groomers?",
    "what is a loverboy?",
    "what should I do if someone threatens to share my pics?",
    "hit me up if you want to talk about online safety",
])
def test_educational_questions_are_not_emergencies(patterns, text):
    assert patterns.check(text) is None


@pytest.mark.parametrize("text", ["help", "HELP", "sos", "SOS!", " help me "])
def test_the_safe_word_is_recognised(patterns, text):
    assert patterns.is_safe_word(text)


def test_a_sentence_containing_help_is_not_the_safe_word(patterns):
    assert not patterns.is_safe_word("can you help me understand grooming")


@pytest.mark.parametrize("text", [
    "is it even legal to demand money for someone's pics? a guy is doing it to me right now",
    "what if someone threatens to post your nudes, asking bc i got that dm last night",
])
def test_a_question_frame_does_not_hide_a_disclosure_in_the_same_message(patterns, text):
    assert patterns.check(text) == "sextortion"


@pytest.mark.parametrize("text,subtype", [
    ("BLACKMAIL HELP", "sextortion"),
    ("he keeps asking me for steam cards or he sends the video to my mum", "sextortion"),
    ("ich will mich umbringen", "self_harm"),
    ("me quiero morir", "self_harm"),
    ("ik wil dood", "self_harm"),
    ("quero morrer", "self_harm"),
])
def test_short_cries_for_help_and_other_languages_are_caught(patterns, text, subtype):
    assert patterns.check(text) == subtype
