"""The Rasa project itself: training data and domain validate; the test stories for each topic,
audience, follow-up and urgent path pass with --fail-on-prediction-errors."""
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

RASA = str(Path(sys.executable).parent / "rasa")
# used only by the UrgentFallbackPolicy (when the action server fails), never by a rule or story
POLICY_ONLY_RESPONSES = {"utter_urgent_fallback", "utter_service_unavailable"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_rasa_data_validate_is_clean():
    result = run("data", "validate", "--domain", "bot/domain", "--data", "bot/data", "--config", "config.yml")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    unexpected = [w for w in warnings if not any(name in w for name in POLICY_ONLY_RESPONSES)]
    assert unexpected == []


def test_the_test_stories_pass_without_prediction_errors(trained_model, tmp_path):
    result = run("test", "core", "--model", str(trained_model), "--stories", "tests/stories",
                 "--fail-on-prediction-errors", "--out", str(tmp_path))
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
