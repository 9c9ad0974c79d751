"""The Rasa project itself: training data and domain validate; the test stories for each topic,
audience, follow-up and urgent path pass with --fail-on-prediction-errors."""

import subprocess
import sys

from tests.conftest import ROOT

# the `rasa` command as `make` runs it: with the patches unless LUMI_RASA_PATCHES=0
RASA = [sys.executable, "-m", "bot.serving.rasa_command"]
# used only by the UrgentFallbackPolicy (when the action server fails), never by a rule or story
POLICY_ONLY_RESPONSES = {"utter_urgent_fallback", "utter_service_unavailable"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_rasa_data_validate_is_clean():
    result = run(
        "data", "validate", "--domain", "bot/project/domain", "--data", "bot/project/data", "--config", "config.yml"
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    unexpected = [w for w in warnings if not any(name in w for name in POLICY_ONLY_RESPONSES)]
    assert unexpected == []


def test_the_test_stories_pass_without_prediction_errors(trained_model, tmp_path):
    result = run(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        "tests/stories",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


def _bot_imports(module: str) -> set:
    """The bot modules that `module` imports, directly or through other bot modules."""
    import ast

    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((ROOT / (name.replace(".", "/") + ".py")).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot."):
                todo.append(node.module)
    return seen


def test_make_retrains_when_any_module_the_model_runs_changes():
    """The Makefile's MODEL_CODE lists the code the trained model runs: a change to any of it
    must retrain, so no stale model is served or tested."""

    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text())
    components = [c["name"] for c in config["pipeline"] + config["policies"] if c["name"].startswith("bot.")]
    needed = set()
    for component in components:
        needed |= _bot_imports(component.rsplit(".", 1)[0])
    printed = subprocess.run(["make", "-s", "print-MODEL_CODE"], cwd=ROOT, capture_output=True, text=True, check=True)
    listed = {"bot." + f[: -len(".py")].replace("bot/", "", 1).replace("/", ".") for f in printed.stdout.split()}
    assert needed and needed <= listed, sorted(needed - listed)
