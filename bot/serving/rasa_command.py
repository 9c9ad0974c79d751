"""`python -m bot.serving.rasa_command <arguments>` is the `rasa` command with Lumi's patches
(bot/serving/patches), so that the server, training, `rasa shell` and `rasa test` all take the
same path: `make run`, `make train` and the tests use it."""

from __future__ import annotations

import sys
from typing import List, Optional

from bot.serving.patches import install_from_settings


def main(argv: Optional[List[str]] = None) -> None:
    install_from_settings()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
