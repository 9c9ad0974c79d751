"""The deterministic safety net alone (no trained model needed): every disclosure in the
crisis sets is caught, ordinary questions rarely are, the safe word always is."""

import pytest
import spacy

from bot.safety.safety_net import SafetyPatterns, chosen_subtype
from bot.settings import get_settings
from bot.tools import datasets

# written beside the patterns (evaluation/splits.yml: safety-en-patterns-dev)
DANGER, ORDINARY = datasets.get("safety-en-patterns-dev").safety_messages()


@pytest.fixture(scope="module")
def patterns() -> SafetyPatterns:
    return SafetyPatterns.load(spacy.load(get_settings().spacy_dir / "en"), "en")


def test_every_disclosure_in_the_pattern_development_set_is_caught(patterns):
    missed = [m["text"] for m in DANGER if patterns.check(m["text"]) is None]
    assert missed == []


def test_false_alarms_on_ordinary_questions_stay_under_five_percent(patterns):
    rows = ORDINARY
    alarms = [m["text"] for m in rows if patterns.check(m["text"])]
    assert len(alarms) / len(rows) < 0.05, alarms


@pytest.mark.parametrize(
    "text,subtype",
    [
        ("he says he'll send my pics to everyone if I don't pay", "sextortion"),
        ("I took some pills", "self_harm"),
        ("my boyfriend makes me do stuff with his friends", "exploitation"),
        ("hes outside my house right now", "immediate_danger"),
        ("my stepdad hits me every night", "ongoing_abuse"),
        ("i want to kill myself", "self_harm"),
    ],
)
def test_the_examples_from_the_safeguarding_issue_get_the_right_sub_type(patterns, text, subtype):
    assert patterns.check(text) == subtype


def ranking(**confidences):
    return [{"name": f"crisis_{k}", "confidence": v} for k, v in confidences.items()]


@pytest.mark.parametrize(
    "found,confidences,expected",
    [
        # physical danger: the classifier, which read the whole message, chooses
        ({"immediate_danger", "ongoing_abuse"}, dict(ongoing_abuse=0.6, immediate_danger=0.3), "ongoing_abuse"),
        ({"immediate_danger", "exploitation"}, dict(exploitation=0.5, immediate_danger=0.4), "exploitation"),
        ({"immediate_danger", "exploitation"}, dict(immediate_danger=0.5, exploitation=0.4), "immediate_danger"),
        # only among what the patterns found
        ({"immediate_danger", "ongoing_abuse"}, dict(exploitation=0.9, ongoing_abuse=0.05), "ongoing_abuse"),
        # no opinion from the classifier: the fixed priority
        ({"immediate_danger", "ongoing_abuse"}, {}, "immediate_danger"),
        # self-harm and sextortion keep their fixed place whatever the classifier says
        ({"self_harm", "ongoing_abuse"}, dict(ongoing_abuse=0.9, self_harm=0.05), "self_harm"),
        ({"sextortion", "immediate_danger"}, dict(sextortion=0.9), "immediate_danger"),
        ({"sextortion", "ongoing_abuse"}, dict(ongoing_abuse=0.9), "sextortion"),
        (set(), dict(ongoing_abuse=0.9), None),
    ],
)
def test_the_classifier_chooses_between_physical_danger_sub_types_only(found, confidences, expected):
    assert chosen_subtype(found, ranking(**confidences)) == expected


def test_patterns_report_every_sub_type_they_find(patterns):
    doc = patterns.nlp("my gf slaps me and takes my phone and wont let me see my mates, it keeps happening")
    assert patterns.detect_all(doc) == {"ongoing_abuse", "immediate_danger"}
    assert patterns.detect(doc) == "immediate_danger"


@pytest.mark.parametrize(
    "text",
    [
        "what is sextortion?",
        "how do I protect my child from groomers?",
        "what is a loverboy?",
        "what should I do if someone threatens to share my pics?",
        "hit me up if you want to talk about online safety",
        "Could you suggest a PSHE session on county lines?",
        "what should parents look out for with county lines",
        "Is county lines the same thing as child sexual exploitation?",
    ],
)
def test_educational_questions_are_not_emergencies(patterns, text):
    assert patterns.check(text) is None


@pytest.mark.parametrize(
    "text,subtype",
    [
        ("ppl in my roblox group kick me from games. should i just quit", None),
        ("my dad kicks me when he's angry", "ongoing_abuse"),
        ("he kicked me so hard i have bruises", "ongoing_abuse"),
    ],
)
def test_being_kicked_from_a_game_is_not_being_kicked(patterns, text, subtype):
    assert patterns.check(text) == subtype


@pytest.mark.parametrize("text", ["help", "HELP", "sos", "SOS!", " help me "])
def test_the_safe_word_is_recognised(patterns, text):
    assert patterns.is_safe_word(text)


def test_a_sentence_containing_help_is_not_the_safe_word(patterns):
    assert not patterns.is_safe_word("can you help me understand grooming")


@pytest.mark.parametrize(
    "text",
    [
        "is it even legal to demand money for someone's pics? a guy is doing it to me right now",
        "what if someone threatens to post your nudes, asking bc i got that dm last night",
    ],
)
def test_a_question_frame_does_not_hide_a_disclosure_in_the_same_message(patterns, text):
    assert patterns.check(text) == "sextortion"


@pytest.mark.parametrize(
    "text,subtype",
    [
        ("BLACKMAIL HELP", "sextortion"),
        ("he keeps asking me for steam cards or he sends the video to my mum", "sextortion"),
        ("he lends me to his mates and calls it love", "exploitation"),
    ],
)
def test_short_cries_for_help_are_caught(patterns, text, subtype):
    assert patterns.check(text) == subtype


@pytest.mark.parametrize(
    "text,language",
    [("ich will mich umbringen", "de"), ("me quiero morir", "es"), ("ik wil dood", "nl"), ("quero morrer", "pt")],
)
def test_the_same_cry_in_another_language_is_caught_by_that_language_s_patterns(patterns, text, language):
    from bot.safety.language_patterns import LanguagePatterns

    found, by = LanguagePatterns.load(patterns.nlp).detect(text)
    assert found == {"self_harm"} and by == language
    assert patterns.check(text) is None  # the English file no longer holds other languages' phrases


def _classified(ranking, risk=None):
    from rasa.shared.nlu.training_data.message import Message

    data = {"text": "a message", "intent": dict(ranking[0]), "intent_ranking": [dict(r) for r in ranking]}
    if risk is not None:
        data["risk"] = {"probability": risk}
    return Message(data=data)


@pytest.mark.parametrize(
    "ranking,risk,expected",
    [
        # a crisis intent the risk classifier supports stays, or is routed to even when second
        (
            [{"name": "crisis_self_harm", "confidence": 0.5}, {"name": "topic_grooming", "confidence": 0.4}],
            0.15,
            "crisis_self_harm",
        ),
        (
            [{"name": "topic_grooming", "confidence": 0.6}, {"name": "crisis_self_harm", "confidence": 0.35}],
            0.12,
            "crisis_self_harm",
        ),
        # sure enough alone
        (
            [{"name": "crisis_sextortion", "confidence": 0.85}, {"name": "topic_sextortion", "confidence": 0.1}],
            0.0,
            "crisis_sextortion",
        ),
        # "I killed it on stage": a weak crisis intent with no support gives way to the next intent
        (
            [{"name": "crisis_self_harm", "confidence": 0.45}, {"name": "out_of_scope", "confidence": 0.3}],
            0.05,
            "out_of_scope",
        ),
        (
            [{"name": "crisis_self_harm", "confidence": 0.45}, {"name": "out_of_scope", "confidence": 0.1}],
            0.05,
            "nlu_fallback",
        ),
        # no risk classifier in the pipeline: the intent classifier alone decides, as before
        (
            [{"name": "crisis_self_harm", "confidence": 0.45}, {"name": "out_of_scope", "confidence": 0.3}],
            None,
            "crisis_self_harm",
        ),
    ],
)
def test_a_crisis_intent_counts_when_it_is_likely_or_the_risk_classifier_supports_it(ranking, risk, expected):
    from bot.safety.safety_net import SafetyNet

    net = SafetyNet(SafetyNet.get_default_config())
    message = _classified(ranking, risk)
    net._route_likely_crisis(message)
    assert message.get("intent")["name"] == expected


@pytest.mark.slow
def test_the_anchored_matcher_finds_exactly_what_one_spacy_matcher_finds(patterns):
    """bot/nlu/phrase_patterns.py runs only the pattern groups whose anchor words a message contains;
    on every test message it must find the same matches as spaCy's Matcher with all patterns."""
    from spacy.matcher import Matcher

    from bot.library.content import load_yaml
    from bot.nlu.phrase_patterns import build_matcher, compile_pattern, expand, matches

    nlp = patterns.nlp
    spec = load_yaml(get_settings().content_dir / "en" / "safety_patterns.yml")
    groups = {k: v.get("patterns", []) for k, v in spec["subtypes"].items()}
    plain = Matcher(nlp.vocab)
    for name, written in groups.items():
        plain.add(name, [specs for p in written for variant in expand(p) for specs in compile_pattern(nlp, variant)])
    anchored = build_matcher(nlp, groups)
    texts = [m["text"] for s in datasets.named("safety", language="en") for m in s.messages()]
    docs = [nlp(text.lower()) for text in texts]
    assert len(docs) > 2000
    differing = [
        doc.text
        for doc in docs
        if matches(anchored, doc) != sorted(set(matches(plain, doc)), key=lambda x: (x[1], x[2], x[0]))
    ]
    assert differing == []
    assert sum(bool(matches(anchored, doc)) for doc in docs) > 500  # it does match


def _processed(patterns, text, intent, confidence):
    from rasa.nlu.utils.spacy_utils import SpacyModel
    from rasa.shared.nlu.training_data.message import Message

    from bot.safety.safety_net import SafetyNet

    ranking = [{"name": intent, "confidence": confidence}, {"name": "crisis_sextortion", "confidence": 0.01}]
    message = Message(
        data={
            "text": text,
            "intent": dict(ranking[0]),
            "intent_ranking": ranking,
            "risk": {"probability": 0.05, "urgent": False},
        }
    )
    SafetyNet(SafetyNet.get_default_config()).process([message], SpacyModel(model=patterns.nlp, model_name="en"))
    return message


@pytest.mark.parametrize(
    "text,intent",
    [
        ("do sextortion scammers actually post the pics if u dont pay", "topic_sextortion"),
        ("could my son be getting pulled into county lines by an older guy?", "topic_grooming"),
        ("Could he be getting dragged into county lines?", "topic_loverboy"),
    ],
)
def test_a_topic_question_in_the_words_of_a_disclosure_gets_help_first_and_its_answer(patterns, text, intent):
    message = _processed(patterns, text, intent, 0.9)
    assert message.get("intent")["name"] == intent
    assert message.get("risk")["urgent"] is True and message.get("risk")["by"] == "safety net"
    assert message.get("risk")["subtype"] in {"sextortion", "exploitation"}


@pytest.mark.parametrize(
    "text,intent,confidence",
    [
        # happening now, or to the writer: the urgent path, whatever the classifier read
        ("do they actually post the pics if u dont pay? he says tonight", "topic_sextortion", 0.9),
        (
            "is it normal that my ex says he'll share our videos if i break up with him? he said it again today",
            "topic_sextortion",
            0.9,
        ),
        # not a question
        ("he will post the pics if i dont pay", "topic_sextortion", 0.9),
        # a question on another topic than the danger's ("is it normal that my boyfriend says he'll
        # show everyone my photos...": sextortion read as a relationship question)
        (
            "is it normal that my boyfriend says he'll show everyone my photos if i dont send new ones every week?",
            "topic_healthy_relationships",
            0.9,
        ),
        # the classifier unsure
        ("do sextortion scammers actually post the pics if u dont pay", "topic_sextortion", 0.4),
        # never for self-harm or immediate danger
        ("is it normal to want to kill myself?", "topic_getting_help", 0.9),
        ("what do i do, he is outside my house?", "topic_cyberstalking", 0.9),
    ],
)
def test_a_disclosure_keeps_the_urgent_path(patterns, text, intent, confidence):
    message = _processed(patterns, text, intent, confidence)
    assert message.get("intent")["name"].startswith("crisis_")
    assert message.get("risk")["urgent"] is False  # the urgent path itself, not the mark


def test_question_words_and_marks_make_a_question(patterns):
    from bot.safety.safety_net import is_question

    assert is_question(patterns.nlp("how does it work"))
    assert is_question(patterns.nlp("my son has new trainers. could it be county lines?"))
    assert not is_question(patterns.nlp("he wants more pics and i dont know how to stop it"))


@pytest.mark.parametrize(
    "text", ["goodbye", "ok bye lumi", "see you later", "goodbye and take care", "Bye, take care!"]
)
def test_a_farewell_to_lumi_is_not_urgent(patterns, text):
    from rasa.nlu.utils.spacy_utils import SpacyModel
    from rasa.shared.nlu.training_data.message import Message

    from bot.safety.safety_net import SafetyNet

    ranking = [{"name": "crisis_self_harm", "confidence": 0.5}, {"name": "goodbye", "confidence": 0.45}]
    message = Message(
        data={
            "text": text,
            "intent": dict(ranking[0]),
            "intent_ranking": ranking,
            "risk": {"probability": 0.9, "subtype": "self_harm", "urgent": True},
        }
    )
    SafetyNet(SafetyNet.get_default_config()).process([message], SpacyModel(model=patterns.nlp, model_name="en"))
    assert message.get("intent")["name"] == "goodbye"
    assert message.get("risk")["urgent"] is False


@pytest.mark.parametrize(
    "text",
    ["goodbye everyone", "bye forever", "this is goodbye", "see you later, I won't be here", "he said see you soon"],
)
def test_a_goodbye_post_or_a_reported_threat_is_not_a_farewell(patterns, text):
    assert not patterns.is_farewell(text)


@pytest.mark.parametrize(
    "text,urgent",
    [
        ("my friend got blackmailed with pics last year but its all over now. how can i help her", False),
        ("someone blackmailed me last year and it's over now", False),
        # "now" outside the past marker: happening again
        ("someone blackmailed me last year and now he is blackmailing me again", True),
        ("he blackmailed me last year, it's not over, he is blackmailing me now", True),
    ],
)
def test_now_inside_it_s_over_now_is_not_the_present(patterns, text, urgent):
    assert (patterns.check(text) == "sextortion") is urgent


@pytest.mark.parametrize(
    "text,subtype",
    [
        ("i want to end it", "self_harm"),
        ("im going to end it tonight", "self_harm"),
        ("i think about ending it every day", "self_harm"),
        ("i was targeted by a loverboy type guy a year ago but i ended it before anything happened", None),
        ("his girlfriend ended things over instagram", None),
    ],
)
def test_ending_it_is_self_harm_only_in_the_present(patterns, text, subtype):
    assert patterns.check(text) == subtype
