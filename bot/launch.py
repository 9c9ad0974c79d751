"""`make run`: starts the action server (5055), the Rasa server (5005, REST + Lumi web channel)
and the web page/widget server, and stops them all together on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from bot.settings import ROOT, get_settings


def server_env(**overrides: str) -> Dict[str, str]:
    """The environment of the Rasa and action servers: quiet logs, no telemetry, one
    TensorFlow thread per operation (a reply's graph is tiny; more threads only contend for
    the cores that other conversations need) and two malloc arenas (about 30 MB less resident
    memory for Rasa, measured)."""
    defaults = {
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "MALLOC_ARENA_MAX": "2",
        "TF_INTRA_OP_PARALLELISM_THREADS": "1",
        "TF_INTER_OP_PARALLELISM_THREADS": "1",
    }
    return {**defaults, **os.environ, **overrides}


ENDPOINTS = ROOT / "bot" / "project" / "endpoints.yml"


def endpoints_for(action_port: int, overrides: Optional[Dict[str, Any]] = None) -> str:
    """bot/project/endpoints.yml with the action server on another port (tests, benchmark), and
    `overrides` in place of its sections (a Redis tracker store, say)."""
    endpoints = yaml.safe_load(ENDPOINTS.read_text(encoding="utf-8"))
    endpoints["action_endpoint"]["url"] = f"http://localhost:{action_port}/webhook"
    endpoints.update(overrides or {})
    return yaml.safe_dump(endpoints, sort_keys=False)


def action_server_command(port: int) -> List[str]:
    """rasa_sdk's own entry point: `rasa run actions` would import Rasa and TensorFlow (some
    400 MB) into a server that needs neither."""
    return [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]


def rasa_server_command(model: Path, endpoints: Path, port: int, cors: Sequence[str] = ()) -> List[str]:
    """`rasa run` through bot.serving.rasa_command (Rasa with the patches of bot/serving/patches)."""
    command = [
        sys.executable,
        "-m",
        "bot.serving.rasa_command",
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        "bot/project/credentials.yml",
        "--port",
        str(port),
    ]
    return command + (["--cors", *cors] if cors else [])


def commands() -> List[List[str]]:
    return [
        action_server_command(5055),
        rasa_server_command(
            Path("models/lumi.tar.gz"), Path("bot/project/endpoints.yml"), 5005, get_settings().allowed_origins
        ),
        [sys.executable, "-m", "bot.web.server"],
    ]


def stop_processes(processes: List[subprocess.Popen], sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Asks every process still running to stop, then kills any that does not within `timeout`."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(sig)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    processes = [subprocess.Popen(cmd, cwd=ROOT, env=server_env()) for cmd in commands()]
    print(
        f"Lumi is starting: Rasa on http://localhost:5005, actions on :5055, "
        f"web page on http://localhost:{get_settings().web_port}/ (Ctrl-C stops everything)",
        flush=True,
    )

    def stop(*_: object) -> None:
        stop_processes(processes, timeout=15)
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while all(p.poll() is None for p in processes):
        time.sleep(1)
    print("a Lumi process stopped; stopping the others", file=sys.stderr)
    stop()


if __name__ == "__main__":
    main()
