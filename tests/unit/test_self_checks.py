"""Self-checks: content, scoring and result text (action tests with CollectingDispatcher), and
the form's validation; the whole dialogue over REST is in tests/test_server.py."""

import asyncio

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet

from actions.self_checks import (
    ActionAskCheckAnswer,
    ActionSelfCheckResult,
    ActionStartSelfCheck,
    ActionStopSelfCheck,
    ValidateSelfCheckForm,
)
from bot.library.content_check import TEEN_MAX_GRADE, reading_grade
from bot.library.self_checks import check_for, checks, get, prefill
from bot.settings import get_settings
from tests.conftest import customs, make_tracker, texts


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def slots(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_there_are_five_checks_with_five_to_eight_questions_and_an_urgent_one():
    ids = {check_id for (_, check_id) in checks()}
    assert ids == {"grooming", "grooming_parent", "loverboy", "healthy_relationship", "cyberbullying"}
    for check in checks().values():
        assert 5 <= len(check.questions) <= 8
        assert any(q.urgent for q in check.questions), check.id


def test_teen_questions_are_easy_to_read():
    for check in checks().values():
        if "teen" in check.audiences:
            for question in check.questions:
                assert reading_grade(question.ask) <= TEEN_MAX_GRADE, question.ask


def test_parents_get_the_parent_variant_of_the_grooming_check():
    assert check_for("grooming", "parent", "en").id == "grooming_parent"
    assert check_for("grooming", "teen", "en").id == "grooming"
    assert check_for("sextortion", "teen", "en") is None


def test_a_story_prefills_what_it_already_answered():
    import spacy

    from bot.nlu.self_check_prefill import SignPatterns

    signs = SignPatterns(spacy.load(get_settings().spacy_dir / "en"), "en").check(
        "he's 19 and says we have to keep it a secret, he wants to move to whatsapp"
    )
    found = prefill(get("grooming", "en"), signs)
    assert found.get("keep_secret") == "yes" and found.get("private_app") == "yes"
    assert "lied_identity" not in found


def test_scoring_bands_follow_the_weights():
    check = get("grooming", "en")
    assert check.band({}) == "none"
    light = next(q for q in check.questions if q.weight == 1)
    assert check.band({light.id: "yes"}) == "low"
    heavy = [q.id for q in check.questions if not q.urgent and q.weight >= 2]
    assert check.band({q: "yes" for q in heavy}) == "high"
    assert check.band({q.id: "no" for q in check.questions}) == "none"


def test_starting_from_is_this_grooming_sends_the_intro_and_sets_the_check(dispatcher):
    tracker = make_tracker("is this grooming?", "start_self_check", [{"entity": "topic", "value": "grooming"}])
    events = run(ActionStartSelfCheck(), dispatcher, tracker)
    assert slots(events)["check_id"] == "grooming" and slots(events)["check_answers"] == {}
    assert "quick check" in texts(dispatcher)[0].lower()
    assert customs(dispatcher)[0] == {"stats_event": "self_check", "detail": "started", "topic": "grooming"}


def test_starting_after_a_story_keeps_the_prefilled_answers(dispatcher):
    tracker = make_tracker(
        "yes",
        "affirm",
        slots={"topic": "grooming", "check_prefill": {"check": "grooming", "answers": {"keep_secret": "yes"}}},
    )
    events = run(ActionStartSelfCheck(), dispatcher, tracker)
    assert slots(events)["check_answers"] == {"keep_secret": "yes"}
    assert "already noted" in texts(dispatcher)[1]


def test_a_question_is_asked_with_yes_no_not_sure_buttons(dispatcher):
    tracker = make_tracker("", "affirm", slots={"check_id": "loverboy", "check_answers": {}})
    run(ActionAskCheckAnswer(), dispatcher, tracker)
    message = dispatcher.messages[0]
    assert message["text"].endswith("(1/7)")
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny", "/not_sure"]


@pytest.mark.parametrize("intent,answer", [("affirm", "yes"), ("deny", "no"), ("not_sure", "unsure")])
def test_answers_are_recorded_for_the_next_question(dispatcher, intent, answer):
    check = get("grooming", "en")
    tracker = make_tracker("whatever", intent, slots={"check_id": "grooming", "check_answers": {"lied_identity": "no"}})
    result = ValidateSelfCheckForm().validate_check_answer("whatever", dispatcher, tracker, {})
    assert result["check_answers"] == {"lied_identity": "no", check.questions[1].id: answer}
    assert result["check_answer"] is None


def test_an_answer_in_which_the_risk_classifier_sees_danger_gets_urgent_help_and_is_still_recorded(dispatcher):
    risk = {"risk": {"probability": 0.8, "subtype": "immediate_danger", "urgent": True}}
    tracker = make_tracker(
        "no but he said hes outside my house now",
        "deny",
        parse=risk,
        slots={"check_id": "grooming", "check_answers": {}, "country": "GB"},
    )
    result = ValidateSelfCheckForm().validate_check_answer(
        "no but he said hes outside my house now", dispatcher, tracker, {}
    )
    crisis, helplines = customs(dispatcher)
    assert crisis["content_id"] == "crisis.immediate_danger.teen" and helplines["helplines"][0]["phone"] == "999"
    assert result["check_answers"] == {get("grooming", "en").questions[0].id: "no"}


def test_the_form_ends_at_once_when_an_urgent_sign_is_answered_yes(dispatcher):
    check = get("grooming", "en")
    urgent = next(q for q in check.questions if q.urgent)
    tracker = make_tracker("yes", "affirm", slots={"check_id": "grooming", "check_answers": {urgent.id: "yes"}})
    assert asyncio.run(ValidateSelfCheckForm().required_slots(["check_answer"], dispatcher, tracker, {})) == []


def test_the_result_names_exactly_the_signs_answered_yes_and_why(dispatcher):
    check = get("grooming", "en")
    yes = [q for q in check.questions if not q.urgent][:3]
    answers = {q.id: "yes" for q in yes} | {q.id: "no" for q in check.questions if q not in yes}
    tracker = make_tracker("no", "deny", slots={"check_id": "grooming", "check_answers": answers, "country": "GB"})
    events = run(ActionSelfCheckResult(), dispatcher, tracker)
    result = texts(dispatcher)[0]
    for question in check.questions:
        assert (question.sign[1:] in result) == (question in yes)
        if question in yes:
            assert question.why in result
    payload = customs(dispatcher)[0]
    assert payload["kind"] == "self_check" and payload["topic"] == "grooming" and payload["urgent"] is False
    assert payload["signs"] == [q.id for q in yes] and payload["sources"]
    assert any("helplines" in c for c in customs(dispatcher))  # a worrying picture comes with help contacts
    assert slots(events)["check_id"] is None


def test_an_urgent_yes_gives_the_urgent_path(dispatcher):
    check = get("loverboy", "en")
    urgent = next(q for q in check.questions if q.urgent)
    tracker = make_tracker("yes", "affirm", slots={"check_id": "loverboy", "check_answers": {urgent.id: "yes"}})
    run(ActionSelfCheckResult(), dispatcher, tracker)
    payloads = customs(dispatcher)
    assert payloads[0]["urgent"] is True and payloads[0]["kind"] == "self_check"
    assert payloads[1]["content_id"] == "crisis.exploitation.teen"
    assert payloads[2]["helplines"][0]["name"] == "Emergency services"


def test_stop_leaves_the_form_and_forgets_the_answers(dispatcher):
    events = run(ActionStopSelfCheck(), dispatcher, make_tracker("stop", "stop", slots={"check_id": "grooming"}))
    assert ActiveLoop(None) in events and SlotSet("check_answers", None) in events
    assert "stopped" in texts(dispatcher)[0]
