"""The action server stays small because the content library never imports Rasa: importing every
action module must load rasa_sdk and no module of rasa itself (which would bring TensorFlow)."""

import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import importlib, pkgutil, sys
import actions
for module in pkgutil.iter_modules(actions.__path__):
    importlib.import_module("actions." + module.name)
loaded = sorted(name for name in sys.modules if name == "rasa" or name.startswith("rasa."))
print("\\n".join(loaded))
print("ACTIONS", len([m for m in sys.modules if m.startswith("actions.")]))
"""


def test_importing_every_action_loads_no_rasa_module():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.split()
    assert "ACTIONS" in lines and int(lines[lines.index("ACTIONS") + 1]) >= 8  # the modules were imported
    assert lines[: lines.index("ACTIONS")] == []  # no rasa module


def test_the_library_packages_import_no_rasa_module():
    probe = (
        "import importlib, pkgutil, sys\n"
        "import bot.library\n"
        "for m in pkgutil.iter_modules(bot.library.__path__): importlib.import_module('bot.library.' + m.name)\n"
        "print([n for n in sys.modules if n == 'rasa' or n.startswith('rasa.')])\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[]"
