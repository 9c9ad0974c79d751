"""Shared fixtures: rasa-sdk trackers for action tests, service checks, the trained model."""
from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "lumi.tar.gz"
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
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": entities or [],
        "metadata": metadata or {},
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
