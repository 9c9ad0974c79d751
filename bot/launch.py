"""`make run`: starts the action server (5055), the Rasa server (5005, REST + Lumi web channel)
and the web page/widget server, and stops them all together on Ctrl-C."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List

from bot.settings import ROOT, get_settings

BIN = Path(sys.executable).parent


def commands() -> List[List[str]]:
    settings = get_settings()
    origins = list(settings.allowed_origins)
    return [
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", "5055"],
        [str(BIN / "rasa"), "run", "--model", "models/lumi.tar.gz", "--endpoints", "bot/endpoints.yml",
         "--credentials", "bot/credentials.yml", "--port", "5005", "--cors", *origins],
        [sys.executable, "-m", "bot.web_server"],
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
    env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    processes = [subprocess.Popen(cmd, cwd=ROOT, env=env) for cmd in commands()]
    print(f"Lumi is starting: Rasa on http://localhost:5005, actions on :5055, "
          f"web page on http://localhost:{get_settings().web_port}/ (Ctrl-C stops everything)", flush=True)

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
