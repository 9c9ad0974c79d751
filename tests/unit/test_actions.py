"""Custom actions with rasa-sdk's CollectingDispatcher and tracker fixtures: the content and
urgent replies carry the reply contract; context, audience and country are respected."""

import asyncio

import pytest
from rasa_sdk.events import SlotSet

from actions.answers import ActionAnswer, ActionFallback, ActionTellMore, choose_kind, is_story
from actions.profile import ActionSetCountry
from actions.urgent_help import ActionShowHelplines, ActionUrgentHelp
from tests.conftest import customs, make_tracker, texts

CONTRACT_KEYS = {"content_id", "topic", "kind", "audience", "locale", "urgent", "sources"}


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def test_a_topic_question_gets_the_content_item_with_the_reply_contract(dispatcher):
    tracker = make_tracker("what is a loverboy?", "topic_loverboy", [{"entity": "goal", "value": "definition"}])
    events = run(ActionAnswer(), dispatcher, tracker)
    payload = customs(dispatcher)[0]
    assert set(payload) == CONTRACT_KEYS
    assert payload["content_id"] == "loverboy.definition.teen"
    assert (payload["topic"], payload["kind"], payload["audience"], payload["urgent"]) == (
        "loverboy",
        "definition",
        "teen",
        False,
    )
    assert payload["sources"] and all(s["url"].startswith("https://") for s in payload["sources"])
    assert SlotSet("topic", "loverboy") in events and SlotSet("last_content_id", "loverboy.definition.teen") in events
    assert texts(dispatcher)[0]  # the answer's text came before the payload


def test_a_follow_up_without_a_topic_stays_on_the_previous_topic(dispatcher):
    tracker = make_tracker(
        "what should I do?", "ask_followup", [{"entity": "goal", "value": "what_to_do"}], slots={"topic": "grooming"}
    )
    run(ActionAnswer(), dispatcher, tracker)
    assert customs(dispatcher)[0]["content_id"] == "grooming.what_to_do.teen"


def test_a_parent_gets_the_parent_answer(dispatcher):
    tracker = make_tracker(
        "my daughter is being bullied online, how do I help",
        "topic_cyberbullying",
        [{"entity": "audience", "value": "parent"}, {"entity": "goal", "value": "how_to_help"}],
    )
    events = run(ActionAnswer(), dispatcher, tracker)
    assert customs(dispatcher)[0]["content_id"] == "cyberbullying.how_to_help.parent"
    assert SlotSet("audience", "parent") in events


def test_the_widget_metadata_sets_the_audience(dispatcher):
    tracker = make_tracker(
        "how do I report it",
        "topic_sextortion",
        [{"entity": "goal", "value": "reporting"}],
        metadata={"audience": "educator", "country": "ES"},
    )
    run(ActionAnswer(), dispatcher, tracker)
    payloads = customs(dispatcher)
    assert payloads[0]["content_id"] == "sextortion.reporting.educator"
    assert payloads[1]["country"] == "ES"  # reporting answers come with help contacts for the country


def test_a_long_story_without_a_question_gets_the_warning_signs():
    story = "I met this guy on insta, he's really sweet, he told me to keep our chats secret and wants to video call"
    assert is_story(story)
    assert choose_kind(make_tracker(story, "topic_grooming")) == "warning_signs"
    assert choose_kind(make_tracker("grooming", "topic_grooming")) == "definition"


def test_tell_me_more_sends_the_longer_text_of_the_last_item(dispatcher):
    tracker = make_tracker("tell me more", "tell_more", slots={"last_content_id": "grooming.definition.teen"})
    run(ActionTellMore(), dispatcher, tracker)
    payload = customs(dispatcher)[0]
    assert payload["content_id"] == "grooming.definition.teen"
    from bot.library.content import library

    assert texts(dispatcher)[0] == library().item("grooming.definition.teen").more


@pytest.mark.parametrize("subtype", ["immediate_danger", "self_harm", "sextortion", "ongoing_abuse", "exploitation"])
def test_each_urgent_sub_type_gets_its_text_urgent_flag_and_help_contacts(dispatcher, subtype):
    tracker = make_tracker("...", f"crisis_{subtype}", slots={"country": "GB"})
    run(ActionUrgentHelp(), dispatcher, tracker)
    content, helplines = customs(dispatcher)
    assert content["content_id"] == f"crisis.{subtype}.teen" and content["urgent"] is True
    assert helplines["country"] == "GB" and helplines["urgent"] is True and helplines["helplines"]
    if subtype in ("immediate_danger", "self_harm", "ongoing_abuse", "exploitation"):
        assert helplines["helplines"][0]["phone"] == "999"


def test_sextortion_first_steps_are_in_the_urgent_reply(dispatcher):
    run(ActionUrgentHelp(), dispatcher, make_tracker("...", "crisis_sextortion"))
    text = texts(dispatcher)[0].lower()
    for step in ("stop replying", "pay", "evidence", "delete", "report", "forward"):
        assert step in text, step


STORY = "got catfished and sent a pic, now he wants gift cards every day"


def test_a_story_the_risk_classifier_finds_urgent_gets_urgent_help_first_then_the_answer(dispatcher):
    risk = {"risk": {"probability": 0.62, "subtype": "sextortion", "urgent": True}}
    tracker = make_tracker(STORY, "topic_sextortion", slots={"country": "GB"}, parse=risk)
    events = run(ActionAnswer(), dispatcher, tracker)
    crisis, helplines, answer = customs(dispatcher)[:3]
    assert crisis["content_id"] == "crisis.sextortion.teen" and crisis["urgent"] is True
    assert helplines["urgent"] is True and helplines["helplines"]
    assert answer["content_id"].startswith("sextortion.") and answer["urgent"] is False
    assert SlotSet("offer", "self_check") not in events  # no quiz-like check right after urgent help


def test_the_same_story_without_the_urgent_mark_gets_only_the_answer(dispatcher):
    risk = {"risk": {"probability": 0.05, "subtype": "sextortion", "urgent": False}}
    run(ActionAnswer(), dispatcher, make_tracker(STORY, "topic_sextortion", parse=risk))
    assert customs(dispatcher)[0]["content_id"].startswith("sextortion.")
    assert not any(c.get("urgent") for c in customs(dispatcher))


def test_a_fallback_the_risk_classifier_finds_urgent_also_gives_help_first(dispatcher):
    risk = {"risk": {"probability": 0.4, "subtype": "self_harm", "urgent": True}}
    run(ActionFallback(), dispatcher, make_tracker("idk whats the point of anything", "nlu_fallback", parse=risk))
    assert customs(dispatcher)[0]["content_id"] == "crisis.self_harm.teen"
    assert dispatcher.messages[-1]["buttons"]  # then the usual fallback with its topic buttons


def test_the_safety_nets_sub_type_wins_over_the_classifier(dispatcher):
    tracker = make_tracker("...", "crisis_ongoing_abuse", [{"entity": "urgent_subtype", "value": "self_harm"}])
    run(ActionUrgentHelp(), dispatcher, tracker)
    assert customs(dispatcher)[0]["kind"] == "self_harm"


def test_urgent_help_without_a_country_gives_the_international_set_then_offers_a_country(dispatcher):
    run(ActionUrgentHelp(), dispatcher, make_tracker("...", "crisis_self_harm"))
    helplines = customs(dispatcher)[1]
    assert helplines["country"] == "INT"
    assert "which country" in texts(dispatcher)[-1].lower()
    # the help comes first; the question about the country comes after it
    assert texts(dispatcher)[-1].index("**") < texts(dispatcher)[-1].lower().index("which country")


@pytest.mark.parametrize("country,expected", [("ES", "017"), ("US", "988")])
def test_the_safe_word_shows_the_contacts_of_the_users_country(dispatcher, country, expected):
    run(ActionShowHelplines(), dispatcher, make_tracker("help", "safe_word", slots={"country": country}))
    phones = " ".join(line["phone"] or "" for line in customs(dispatcher)[0]["helplines"])
    assert expected in phones


def test_telling_the_country_by_name_sets_it_and_shows_local_contacts(dispatcher):
    tracker = make_tracker("I'm in España", "inform_country", [{"entity": "country", "value": "ES"}])
    events = run(ActionSetCountry(), dispatcher, tracker)
    assert SlotSet("country", "ES") in events and customs(dispatcher)[0]["country"] == "ES"


def test_fallback_offers_the_likeliest_topics_and_a_person(dispatcher):
    tracker = make_tracker("blah", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 1.0},
        {"name": "topic_grooming", "confidence": 0.3},
        {"name": "greet", "confidence": 0.2},
        {"name": "topic_loverboy", "confidence": 0.1},
    ]
    run(ActionFallback(), dispatcher, tracker)
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ["/topic_grooming", "/topic_loverboy", "/safe_word"]
