"""End to end over HTTP: the Rasa server (REST and Lumi's web channel) with the action server,
as `make run` starts them. One pair of servers for the whole module; the last tests stop the
action server to show that help still gets through."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional

import pytest

from tests.conftest import RASA_PORT

PII = ["Jessica Miller", "jessica.miller@example.com", "+44 7700 900123", "12 Acacia Avenue"]


def post(path: str, body: Dict[str, Any], origin: Optional[str] = None) -> Any:
    request = urllib.request.Request(
        f"http://127.0.0.1:{RASA_PORT}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"Origin": origin} if origin else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return {"status": error.code, "body": json.loads(error.read() or b"null")}


def say(sender: str, message: str, metadata: Optional[Dict[str, str]] = None) -> List[Dict[str, Any]]:
    body = {"sender": sender, "message": message, **({"metadata": metadata} if metadata else {})}
    return post("/webhooks/rest/webhook", body)


def content(replies: List[Dict[str, Any]]) -> Dict[str, Any]:
    found = [r["custom"] for r in replies if "custom" in r and "content_id" in r["custom"]]
    assert found, replies
    return found[0]


def helplines(replies: List[Dict[str, Any]]) -> Dict[str, Any]:
    found = [r["custom"] for r in replies if "custom" in r and "helplines" in r["custom"]]
    assert found, replies
    return found[0]


@pytest.mark.parametrize(
    "message,topic",
    [
        ("what is a loverboy?", "loverboy"),
        ("what is grooming?", "grooming"),
        ("what is cyberbullying", "cyberbullying"),
        ("what is sextortion", "sextortion"),
        ("what is cyberstalking?", "cyberstalking"),
        ("what does a healthy relationship look like", "healthy_relationships"),
        ("who can i talk to about something that happened online", "getting_help"),
        ("how do i make my instagram account private", "online_safety"),
    ],
)
def test_each_topic_is_answered_with_its_content_and_the_contract(servers, message, topic):
    payload = content(say(f"topic-{topic}", message))
    assert payload["topic"] == topic and payload["urgent"] is False and payload["sources"]
    assert payload["locale"] == "en" and payload["audience"] == "teen"


def test_a_long_story_is_understood(servers):
    """Secrecy and a move to disappearing messages: the answer is about grooming (urgent help
    may come first when the risk classifier sees danger in it, never instead of the answer)."""
    story = (
        "I met this guy on Insta, he's really sweet, he told me to keep our chats secret and now he wants "
        "me to add him on another app where the messages disappear"
    )
    answers = [r["custom"] for r in say("story", story) if "content_id" in r.get("custom", {})]
    assert [a["topic"] for a in answers if not a["urgent"]] == ["grooming"]


def test_a_parent_gets_an_answer_written_for_parents(servers):
    payload = content(say("parent", "my daughter is 13 and chats with a man she met in a game, how can i protect her"))
    assert payload["audience"] == "parent" and payload["topic"] == "grooming"


def test_follow_ups_stay_on_the_topic(servers):
    assert content(say("follow", "what is grooming?"))["kind"] == "definition"
    assert content(say("follow", "what should I do?"))["topic"] == "grooming"
    follow = content(say("follow", "how do i tell if it's happening?"))
    assert (follow["topic"], follow["kind"]) == ("grooming", "warning_signs")


@pytest.mark.parametrize(
    "message,kind",
    [
        ("he says he'll send my pics to everyone if I don't pay", "sextortion"),
        ("I took some pills", "self_harm"),
        ("my boyfriend makes me do stuff with his friends", "exploitation"),
    ],
)
def test_disclosures_get_the_urgent_path_with_help(servers, message, kind):
    replies = say(
        f"urgent-{kind}",
        message,
    )
    payload = content(replies)
    assert payload["urgent"] is True and payload["kind"] == kind
    assert helplines(replies)["helplines"]


def test_a_question_in_the_words_of_a_disclosure_gets_urgent_help_and_then_its_answer(servers):
    replies = say("question-route", "do sextortion scammers actually post the pics if u dont pay")
    contents = [r["custom"] for r in replies if "content_id" in r.get("custom", {})]
    assert contents[0]["urgent"] is True and contents[0]["topic"] == "crisis" and contents[0]["kind"] == "sextortion"
    assert helplines(replies)["helplines"]
    assert any(c["topic"] == "sextortion" and not c["urgent"] for c in contents[1:]), contents


@pytest.mark.parametrize("message", ["goodbye", "see you later", "goodbye and take care"])
def test_a_farewell_gets_a_goodbye_not_urgent_help(servers, message):
    replies = say(f"farewell-{message}", message)
    assert replies and not any(r.get("custom", {}).get("urgent") for r in replies), replies
    assert "help" in " ".join(r.get("text", "") for r in replies).lower()  # "type help whenever you want"


@pytest.mark.parametrize("country,number", [("ES", "017"), ("US", "988")])
def test_help_contacts_follow_the_country(servers, country, number):
    sender = f"country-{country}"
    say(sender, f"I'm in {'Spain' if country == 'ES' else 'the United States'}")
    replies = say(sender, "where do I get help?")
    contacts = helplines(replies)
    assert contacts["country"] == country
    assert number in json.dumps(contacts)


def test_the_web_channel_takes_metadata(servers):
    replies = post(
        "/webhooks/lumi/webhook",
        {
            "sender": "widget1",
            "message": "how do i report sextortion",
            "metadata": {"audience": "parent", "country": "ES", "site": "school-42"},
        },
        origin="http://localhost:8080",
    )
    with_content = [r for r in replies if "content_id" in r.get("custom", {})]
    assert with_content and with_content[0]["text"] and with_content[0]["custom"]["audience"] == "parent"


def test_the_web_channel_answers_an_overlong_message_kindly(servers):
    replies = post(
        "/webhooks/lumi/webhook", {"sender": "widget2", "message": "a" * 5000}, origin="http://localhost:8080"
    )
    assert "shorter" in replies[0]["text"]


def test_the_web_channel_refuses_other_origins(servers):
    reply = post("/webhooks/lumi/webhook", {"sender": "w3", "message": "hi"}, origin="https://evil.example")
    assert reply["status"] == 403


def dump_statistics(db) -> str:
    connection = sqlite3.connect(db)
    try:
        tables = [r[0] for r in connection.execute("select name from sqlite_master where type='table'")]
        rows = [
            json.dumps(row, default=str) for table in tables for row in connection.execute(f"select * from {table}")
        ]
    finally:
        connection.close()
    return "\n".join(rows)


def wait_for_statistics(db, marker: str, deadline_s: float = 30) -> str:
    """The whole statistics database as text, once the writer (which flushes every 2 s) has
    stored a row with `marker`."""
    deadline = time.monotonic() + deadline_s
    while True:
        everything = dump_statistics(db)
        if marker in everything or time.monotonic() > deadline:
            return everything
        time.sleep(0.2)


def test_statistics_never_hold_personal_data_or_the_sender(servers):
    sender = "privacy-sender-7f3a"
    for message in (
        f"hi, my name is {PII[0]}",
        f"my email is {PII[1]} and my phone is {PII[2]}",
        f"I live at {PII[3]}, what is grooming?",
        "help",
    ):
        say(sender, message, {"site": "school-42"})
    everything = wait_for_statistics(servers["db"], "school-42")
    assert "content_served" in everything and "school-42" in everything  # the counts are there...
    for secret in PII + [sender, "Jessica", "Acacia", "7700"]:
        assert secret not in everything  # ...and nothing personal is


def test_a_locked_statistics_database_does_not_slow_or_break_replies(servers):
    lock = sqlite3.connect(servers["db"], timeout=1)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        for message in ("what is grooming?", "what should I do?", "help"):
            assert say("locked-db", message)
        assert content(say("locked-db", "what is sextortion"))["topic"] == "sextortion"
        assert time.monotonic() - started < 20
        time.sleep(3)  # the condition under test: the writer's flush (every 2 s) meets the lock
        assert content(say("locked-db", "what is cyberbullying"))["topic"] == "cyberbullying"
    finally:
        lock.rollback()
        lock.close()


def test_the_server_log_holds_no_message_text(servers):
    log = servers["log"].read_text()
    for secret in PII:
        assert secret not in log


@pytest.fixture(scope="class")
def action_server_down(servers):
    """The action server stopped for the tests of one class, and started again after them."""
    servers["actions"].send_signal(signal.SIGINT)
    servers["actions"].wait(timeout=20)
    yield servers
    servers["restart_actions"]()


class TestWithTheActionServerDown:
    def test_an_urgent_message_still_gets_help(self, action_server_down):
        replies = say("down-1", "I took some pills", {"country": "GB"})
        contacts = helplines(replies)
        assert contacts["urgent"] is True and any("999" in (line["phone"] or "") for line in contacts["helplines"])

    def test_danger_in_another_language_gets_help_in_that_language(self, action_server_down):
        replies = say("down-3", "quiero morirme", {"country": "ES"})
        contacts = helplines(replies)
        assert contacts["urgent"] is True and contacts["locale"] == "es" and contacts["country"] == "ES"
        assert any(line["phone"] == "112" for line in contacts["helplines"])

    def test_other_messages_get_an_honest_reply_with_help(self, action_server_down):
        replies = say("down-2", "what is grooming?")
        assert "can't reach" in replies[0]["text"] and helplines(replies)["helplines"]


def answer_check(sender, answers):
    replies = []
    for payload in answers:
        replies = say(sender, payload)
    return replies


def test_is_this_grooming_starts_the_check_and_the_result_lists_exactly_the_yes_signs(servers):
    from bot.library.self_checks import get

    check = get("grooming", "en")
    replies = say("check-1", "is this grooming?")
    assert any(b["payload"] == "/affirm" for r in replies for b in r.get("buttons", []))
    plan = ["/affirm" if i in (0, 2) else "/deny" for i, q in enumerate(check.questions)]
    replies = answer_check("check-1", plan)
    result = next(r["custom"] for r in replies if r.get("custom", {}).get("kind") == "self_check")
    assert result["signs"] == [check.questions[0].id, check.questions[2].id]
    text = " ".join(r.get("text", "") for r in replies)
    assert check.questions[0].why in text and check.questions[2].why in text
    assert check.questions[1].why not in text


def test_a_story_offers_the_check_prefilled_and_an_urgent_yes_switches_at_once(servers):
    from bot.library.self_checks import get

    check = get("grooming", "en")
    replies = say(
        "check-2",
        "this guy online is really nice but he told me to keep our chats secret and " "wants me to move to whatsapp",
    )
    assert any("/start_self_check" in b["payload"] for r in replies for b in r.get("buttons", []))
    replies = say("check-2", "yes")
    assert any("already noted" in r.get("text", "") for r in replies)
    urgent = next(q for q in check.questions if q.urgent)
    for _ in range(len(check.questions)):
        question = next(r["text"] for r in replies if r.get("buttons") and r["buttons"][0]["payload"] == "/affirm")
        replies = say("check-2", "/affirm" if question.startswith(urgent.ask) else "/deny")
        if any(r.get("custom", {}).get("kind") == "self_check" for r in replies):
            break
    result = next(r["custom"] for r in replies if r.get("custom", {}).get("kind") == "self_check")
    assert result["urgent"] is True and urgent.id in result["signs"]
    assert any(r.get("custom", {}).get("helplines") for r in replies)


def test_stop_leaves_a_check_and_questions_still_work(servers):
    started = say("check-3", '/start_self_check{"topic": "healthy_relationships"}')
    assert any(b["payload"] == "/affirm" for r in started for b in r.get("buttons", []))
    replies = say("check-3", "stop")
    assert "stopped" in replies[0]["text"]
    assert content(say("check-3", "what is cyberstalking?"))["topic"] == "cyberstalking"


def test_a_quiz_runs_over_rest_and_ends_with_a_summary_and_help(servers):
    replies = say("quiz-1", "quiz me on sextortion")
    for _ in range(3):
        choice = next(b for r in replies for b in r.get("buttons", []) if b["payload"].startswith("/quiz_answer"))
        replies = say("quiz-1", choice["payload"])
    text = " ".join(r.get("text", "") for r in replies)
    assert "Quiz done" in text and helplines(replies)["helplines"]


def test_a_teacher_asks_for_a_lesson_in_chat(servers):
    replies = say("lesson-1", "give me a lesson on grooming for 13 year olds")
    payload = content(replies)
    assert payload["kind"] == "lesson" and payload["topic"] == "grooming"
