"""Educator mode: lesson plans and scenario quizzes as vetted content, the quiz's scoring and
feedback (action tests), and the printable lesson pages."""

import asyncio
import json

import pytest

from actions.education import ActionLesson, ActionQuizAnswer, ActionStartQuiz
from bot.library.content_check import TEEN_MAX_GRADE, reading_grade
from bot.library.education import lesson, lesson_topics, quiz
from bot.library.lesson_pages import render_lesson
from tests.conftest import customs, make_tracker, texts

TOPICS = ["grooming", "cyberbullying", "loverboy", "sextortion", "healthy_relationships", "getting_help"]


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def slots(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_every_lesson_topic_has_a_plan_and_at_least_five_scenarios():
    assert set(TOPICS) <= set(lesson_topics("en"))
    for topic in TOPICS:
        plan = lesson(topic, "en")
        assert {"11-13", "14-16"} <= set(plan["age_bands"]), topic
        assert plan["safeguarding_note"] and plan["discussion_questions"] and plan["objectives"]
        assert len(quiz(topic, "en").scenarios) >= 5


def test_scenario_situations_are_easy_to_read():
    for topic in TOPICS:
        for item in quiz(topic, "en").scenarios:
            assert reading_grade(item.situation) <= TEEN_MAX_GRADE, item.id


def test_quiz_me_on_sextortion_shows_the_first_situation_with_choices(dispatcher):
    tracker = make_tracker("quiz me on sextortion", "start_quiz", [{"entity": "topic", "value": "sextortion"}])
    events = run(ActionStartQuiz(), dispatcher, tracker)
    first = quiz("sextortion", "en").scenarios[0]
    assert first.situation in texts(dispatcher)[1]
    buttons = dispatcher.messages[1]["buttons"]
    assert len(buttons) == len(first.choices)
    assert json.loads(buttons[0]["payload"][len("/quiz_answer") :]) == {
        "scenario": first.id,
        "choice": first.choices[0].id,
    }
    assert customs(dispatcher)[0]["kind"] == "scenario" and customs(dispatcher)[0]["sources"]
    assert slots(events)["quiz_remaining"] == [s.id for s in quiz("sextortion", "en").scenarios[1:3]]


@pytest.mark.parametrize("safest", [True, False])
def test_an_answer_gets_feedback_and_is_scored(dispatcher, safest):
    item = quiz("grooming", "en").scenarios[0]
    choice = item.safest if safest else next(c for c in item.choices if c.safety != "safest")
    tracker = make_tracker(
        "/quiz_answer",
        "quiz_answer",
        [{"entity": "scenario", "value": item.id}, {"entity": "choice", "value": choice.id}],
        slots={"quiz_remaining": ["grooming.s2"], "quiz_score": {"right": 1, "total": 1}},
    )
    events = run(ActionQuizAnswer(), dispatcher, tracker)
    assert choice.feedback in texts(dispatcher)[0]
    if not safest:
        assert item.safest.text in texts(dispatcher)[0]
    assert customs(dispatcher)[0] == {
        "stats_event": "quiz_answer",
        "content_id": item.id,
        "topic": "grooming",
        "detail": "right" if safest else "wrong",
    }
    assert slots(events)["quiz_score"] == {"right": 1 + safest, "total": 2}
    assert quiz("grooming", "en").scenarios[1].situation in texts(dispatcher)[1]  # the next situation follows


def test_the_last_answer_ends_with_a_summary_and_help_contacts(dispatcher):
    item = quiz("loverboy", "en").scenarios[2]
    tracker = make_tracker(
        "/quiz_answer",
        "quiz_answer",
        [{"entity": "scenario", "value": item.id}, {"entity": "choice", "value": item.safest.id}],
        slots={"quiz_remaining": [], "quiz_score": {"right": 1, "total": 2}, "country": "NL"},
    )
    run(ActionQuizAnswer(), dispatcher, tracker)
    assert "2 of 3" in texts(dispatcher)[1] and quiz("loverboy", "en").summary in texts(dispatcher)[1]
    assert customs(dispatcher)[-1]["country"] == "NL" and customs(dispatcher)[-1]["helplines"]


def test_a_teacher_gets_the_lesson_essentials_and_the_printable_page(dispatcher):
    tracker = make_tracker(
        "give me a lesson on grooming for 13 year olds",
        "request_lesson",
        [{"entity": "topic", "value": "grooming"}, {"entity": "audience", "value": "educator"}],
    )
    run(ActionLesson(), dispatcher, tracker)
    plan = lesson("grooming", "en")
    assert plan["discussion_questions"][0] in texts(dispatcher)[0]
    payload = customs(dispatcher)[0]
    assert payload["kind"] == "lesson" and payload["lesson_url"].endswith("/lessons/grooming")


def test_the_printable_page_has_the_whole_plan_escaped():
    page = render_lesson(lesson("sextortion", "en"), "en")
    plan = lesson("sextortion", "en")
    for field in ("Safeguarding note", "Discussion questions", "Learning objectives", "Where to get help"):
        assert field in page
    assert "@page{size:A4" in page and "lumi.js" not in page
    assert plan["discussion_questions"][0].replace("'", "&#x27;").replace('"', "&quot;") in page
