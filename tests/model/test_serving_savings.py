"""The patches of bot/serving/patches: each gives the same results as Rasa's own code
(graph_runner, action_payload, http_keepalive, reply_queue)."""

import asyncio
from typing import List

import pytest
from aiohttp import web

from bot.tools import datasets


def test_the_graph_runner_without_dask_gives_rasas_results(parser, monkeypatch):
    from rasa.engine.runner.dask import DaskGraphRunner

    from bot.serving.patches import graph_runner

    danger, ordinary = datasets.get("safety-en-test").safety_messages()
    texts = [m["text"] for m in danger[:25] + ordinary[:25]]
    texts += ["hi", "help", "/affirm", '/ask_followup{"goal": "warning_signs", "topic": "grooming"}']

    def summary(results):
        return [
            (
                r["intent"]["name"],
                round(r["intent"]["confidence"], 9),
                r["text"],
                sorted((e["entity"], str(e["value"])) for e in r["entities"]),
                [(i["name"], round(i["confidence"], 9)) for i in r.get("intent_ranking", [])[:5]],
            )
            for r in results
        ]

    with monkeypatch.context() as m:
        m.setattr(DaskGraphRunner, "run", graph_runner.DASK_RUN)
        by_dask = summary(parser.parse(texts))
    with monkeypatch.context() as m:
        m.setattr(DaskGraphRunner, "run", graph_runner.run)
        ours = summary(parser.parse(texts))
    assert ours == by_dask
    assert {row[0] for row in ours} > {"greet", "safe_word"}  # real, varied parses


def test_the_execution_plan_puts_every_node_after_the_nodes_it_needs(parser):
    from bot.serving.patches.graph_runner import execution_plan

    runner = parser.agent.processor.graph_runner
    schema = runner._graph_schema
    plan = execution_plan(schema, tuple(schema.target_names))
    seen = set()
    for name, needs in plan:
        assert all(n in seen or n not in schema.nodes for n in needs), name
        seen.add(name)
    assert set(schema.target_names) <= seen


def test_the_domain_goes_only_to_form_validation_and_without_the_responses():
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.serving.patches.action_payload import RASA_ACTION_CALL_FORMAT, action_call_format

    domain = Domain.load("bot/project/domain")
    tracker = DialogueStateTracker.from_events("someone", [], slots=domain.slots)
    selective = EndpointConfig("http://localhost:5055/webhook", enable_selective_domain=True)
    answer = action_call_format(RemoteAction("action_answer", selective), tracker, domain)
    validate = action_call_format(RemoteAction("validate_self_check_form", selective), tracker, domain)
    everywhere = action_call_format(
        RemoteAction("action_answer", EndpointConfig("http://localhost:5055/webhook")), tracker, domain
    )
    assert "domain" not in answer
    assert validate["domain"]["forms"] == domain.as_dict()["forms"]
    assert validate["domain"]["slots"] == domain.as_dict()["slots"]
    assert "responses" not in validate["domain"] and "responses" not in everywhere["domain"]
    original = RASA_ACTION_CALL_FORMAT(RemoteAction("action_answer", selective), tracker, domain)
    assert answer == original  # the rest is Rasa's own format


@pytest.mark.parametrize("limit", [1, 2])
def test_at_most_limit_messages_are_handled_at_once_in_arrival_order(limit):
    from bot.serving.patches.reply_queue import bounded

    running: List[int] = []
    peak = 0
    started: List[int] = []

    async def handle(self, number):
        nonlocal peak
        started.append(number)
        running.append(number)
        peak = max(peak, len(running))
        await asyncio.sleep(0.01)
        await asyncio.sleep(0)  # a second turn, as Rasa's steps take
        running.remove(number)
        return number

    wrapped = bounded(handle, limit)

    async def main():
        return await asyncio.gather(*(wrapped(None, n) for n in range(8)))

    assert asyncio.run(main()) == list(range(8))
    assert peak == limit
    assert started == list(range(8))


def test_a_message_that_waited_too_long_for_its_turn_goes_ahead():
    """A slow action server must not hold up every other conversation."""
    from bot.serving.patches.reply_queue import bounded

    finished: List[str] = []

    async def handle(self, name, seconds):
        await asyncio.sleep(seconds)
        finished.append(name)

    wrapped = bounded(handle, 1, max_wait_s=0.05)

    async def main():
        await asyncio.gather(wrapped(None, "stuck", 0.5), wrapped(None, "quick", 0.01))

    asyncio.run(main())
    assert finished == ["quick", "stuck"]


def test_cancelled_waiters_and_timeouts_leave_the_turns_intact():
    from bot.serving.patches.reply_queue import TurnQueue

    async def main():
        queue = TurnQueue(1, max_wait_s=0.05)
        assert await queue.acquire() is True
        cancelled = asyncio.ensure_future(queue.acquire())
        await asyncio.sleep(0.01)
        cancelled.cancel()  # as the web channel's reply timeout cancels a message
        timed_out = await queue.acquire()
        queue.release()
        assert timed_out is False and queue.active == 0 and not queue.waiting
        assert await queue.acquire() is True and await asyncio.wait_for(queue.acquire(), 1) is False
        queue.release()
        assert queue.active == 0

    asyncio.run(main())


def test_calls_to_the_action_server_reuse_one_connection():
    from rasa.utils.endpoints import EndpointConfig

    from bot.serving.patches import http_keepalive

    async def main():
        peers = []

        async def webhook(request):
            peers.append(request.transport.get_extra_info("peername")[1])
            return web.json_response({"events": [], "responses": []})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        original, before = http_keepalive.RASA_SESSION, EndpointConfig.session
        try:
            EndpointConfig.session = http_keepalive.shared_session
            for _ in range(3):
                assert await endpoint.request(json={"next_action": "x"}) == {"events": [], "responses": []}
            EndpointConfig.session = original
            await endpoint.request(json={"next_action": "x"})  # Rasa's own: a new connection
        finally:
            EndpointConfig.session = before
            for session in endpoint.__dict__.get("_lumi_sessions", {}).values():
                await session.close()
            await runner.cleanup()
        return peers

    peers = asyncio.run(main())
    assert len(set(peers[:3])) == 1
    assert peers[3] != peers[0]


def test_the_rule_lookup_that_stops_early_finds_the_same_rules(parser):
    """On every turn of the test conversations and the rules themselves."""
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
    from rasa.core.training import load_data
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.serving.patches.rule_lookup import RASA_GET_POSSIBLE_KEYS, get_possible_keys

    processor = parser.agent.processor
    domain = processor.domain
    policy = next(
        node._component
        for node in processor.graph_runner._instantiated_nodes.values()
        if isinstance(node._component, RulePolicy)
    )
    trackers = load_data("tests/stories", domain, augmentation_factor=0) + load_data(
        "bot/project/data/rules", domain, augmentation_factor=0
    )
    compared = changed_walks = 0
    for full in trackers:
        events = list(full.events)
        for end in range(1, len(events) + 1):
            if not isinstance(events[end - 1], ActionExecuted):
                continue
            tracker = DialogueStateTracker.from_events(full.sender_id, events[:end], domain.slots)
            states = policy._prediction_states(tracker, domain, rule_only_data=policy._get_rule_only_data())
            for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
                assert get_possible_keys(policy, lookup, states) == RASA_GET_POSSIBLE_KEYS(policy, lookup, states)
                compared += 1
            changed_walks += len(states) > max(len(policy._rule_key_to_state(k)) for k in policy.lookup[RULES])
    assert compared > 200 and changed_walks > 0
