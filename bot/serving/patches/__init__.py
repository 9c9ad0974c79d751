"""Every change Lumi makes to Rasa's internals, behind one door.

Each module patches one thing and says why, with its measured saving
(docs/decisions/0004-serving-patches.md); each gives Rasa's own results. `install()` puts them
all in place, and refuses to do so on any Rasa but the pinned one, since every patch replaces a
private function of that version. `LUMI_RASA_PATCHES=0` leaves Rasa as it is: the server, the
evaluation and the tests then run plain Rasa (only speed differs)."""

from __future__ import annotations

import logging
from importlib.metadata import version

logger = logging.getLogger(__name__)

PINNED_RASA = "3.6.21"
_installed: list = []


class UnsupportedRasaVersion(RuntimeError):
    """Rasa is not the version whose internals the patches were written against."""


def check_rasa_version(installed: str) -> None:
    if installed != PINNED_RASA:
        raise UnsupportedRasaVersion(
            f"Lumi's Rasa patches are written for Rasa {PINNED_RASA}, and Rasa {installed} is installed. "
            "Install the pinned version (make setup), or set LUMI_RASA_PATCHES=0 to run without them."
        )


def install(concurrent_replies: int = 2, enabled: bool = True) -> bool:
    """Installs every patch once; returns whether they are in place."""
    if not enabled:
        logger.info("Rasa patches are off (LUMI_RASA_PATCHES=0)")
        return False
    if _installed:
        return True
    check_rasa_version(version("rasa"))
    from bot.serving.patches import (
        action_payload,
        action_validation,
        event_lookup,
        graph_runner,
        http_keepalive,
        no_jax,
        reply_queue,
        rule_lookup,
        warm_start,
    )

    no_jax.install()  # first: before anything imports TensorFlow
    for patch in (
        action_payload,
        action_validation,
        event_lookup,
        graph_runner,
        http_keepalive,
        rule_lookup,
        warm_start,
    ):
        patch.install()
    reply_queue.install(concurrent_replies)
    _installed.append(True)
    return True


def install_from_settings() -> bool:
    from bot.settings import get_settings

    settings = get_settings()
    return install(settings.concurrent_replies, settings.rasa_patches)
