"""Shared fixtures: rasa-sdk trackers for action tests, service checks, the trained model."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.launch import action_server_command, endpoints_for, rasa_server_command, server_env, stop_processes

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "lumi.tar.gz"
RASA_PORT, ACTION_PORT, WEB_PORT = 15005, 15055, 18080
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def make_tracker(
    text: str = "",
    intent: str = "",
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    sender_id: str = "test-user",
    parse: Optional[Dict[str, Any]] = None,
) -> Tracker:
    """A tracker whose latest message is `text`; `parse` adds parse data (`risk`, `check_signs`)."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": entities or [],
        "metadata": metadata or {},
        **(parse or {}),
    }
    return Tracker(sender_id, slots or {}, latest, [], False, None, {}, "action_listen")


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def customs(dispatcher: CollectingDispatcher) -> List[Dict[str, Any]]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    return [m["text"] for m in dispatcher.messages if m.get("text")]


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (saying why) when a service is missing on a developer machine; fail in CI."""
    if reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if os.environ.get("LUMI_REQUIRE_SERVICES"):
        pytest.fail(message + " (LUMI_REQUIRE_SERVICES is set, as in CI)")
    pytest.skip(message + ": start it to run this test")


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains first) or `make train`")
    return MODEL


@pytest.fixture(scope="session")
def parser(trained_model):
    """The trained NLU, loaded once for the whole session (it takes seconds and some 500 MB)."""
    from bot.tools.evaluate import Parser

    return Parser(trained_model)


GROUPS = {"unit": [], "model": ["model"], "e2e": ["model", "e2e"], "browser": ["model", "e2e", "browser"]}


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Each test is marked by its folder: tests/unit need no model, tests/model need the trained
    model, tests/e2e the running servers, tests/browser Chromium as well."""
    for item in items:
        group = Path(str(item.fspath)).parent.name
        for marker in GROUPS.get(group, []):
            item.add_marker(marker)


def _ask(message: str) -> Any:
    request = urllib.request.Request(
        f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook",
        data=json.dumps({"sender": "warmup", "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def _stop(process: subprocess.Popen) -> None:
    stop_processes([process], sig=signal.SIGINT)  # SIGINT lets Rasa close its event broker


@pytest.fixture(scope="session")
def servers(trained_model, tmp_path_factory):
    """The action server, the Rasa server and the web server, as `make run` starts them, on test
    ports, with statistics in a temporary SQLite file; started once for the whole test session."""
    tmp = tmp_path_factory.mktemp("servers")
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(endpoints_for(ACTION_PORT))
    env = server_env(
        LUMI_STATS_URL=f"sqlite:///{tmp / 'stats.db'}",
        LUMI_ALLOWED_ORIGINS=f"http://localhost:8080,http://localhost:{WEB_PORT}",
        LUMI_RASA_URL=f"http://127.0.0.1:{RASA_PORT}",
        LUMI_WEB_PORT=str(WEB_PORT),
    )

    def start_actions() -> subprocess.Popen:
        return subprocess.Popen(
            action_server_command(ACTION_PORT), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    state = {"actions": start_actions(), "db": tmp / "stats.db", "log": tmp / "rasa.log", "env": env}
    log = (tmp / "rasa.log").open("w")
    state["rasa"] = subprocess.Popen(
        rasa_server_command(trained_model, endpoints, RASA_PORT),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    state["web"] = subprocess.Popen(
        [sys.executable, "-m", "bot.web.server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def wait_until_answering(deadline_s: float = 240) -> None:
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            try:
                if any("content_id" in json.dumps(m) for m in _ask("what is grooming?")):
                    return
            except OSError:
                pass
            if state["rasa"].poll() is not None:
                pytest.fail(f"rasa exited: {(tmp / 'rasa.log').read_text()[-2000:]}")
            time.sleep(1)
        pytest.fail(f"Lumi did not answer within {deadline_s:.0f} s")

    def restart_actions() -> None:
        _stop(state["actions"])
        state["actions"] = start_actions()
        wait_until_answering(60)

    state["restart_actions"] = restart_actions
    wait_until_answering()
    yield state
    for name in ("web", "rasa", "actions"):
        _stop(state[name])
