"""evaluation/splits.yml describes every evaluation set, and every set is what it says."""

import pytest

from bot.library.vocabulary import LEVELS, URGENT_SUBTYPES
from bot.tools import datasets

SETS = list(datasets.evaluation_sets().values())
IDS = [s.name for s in SETS]
NOT_SETS = {datasets.MANIFEST, datasets.EVALUATION / "real" / "sites.yml"}


def test_every_file_under_evaluation_belongs_to_a_set():
    listed = {path.resolve() for s in SETS for path in s.paths()}
    files = {p.resolve() for p in datasets.EVALUATION.rglob("*.yml")} - {p.resolve() for p in NOT_SETS}
    assert sorted(str(p) for p in files - listed) == []


@pytest.mark.parametrize("evaluation_set", SETS, ids=IDS)
def test_each_set_says_what_it_is_and_its_files_exist(evaluation_set):
    assert evaluation_set.role in datasets.ROLES
    assert evaluation_set.written_by in ("real", "team")
    assert evaluation_set.measures in ("intent", "safety", "real")
    assert evaluation_set.info.get("how"), "say who wrote it and how"
    assert evaluation_set.paths() and all(p.exists() for p in evaluation_set.paths())
    if evaluation_set.role == "locked_test":
        assert evaluation_set.info.get("first_measured"), "a locked test set records its first figure"


@pytest.mark.parametrize("evaluation_set", [s for s in SETS if s.measures == "safety"], ids=lambda s: s.name)
def test_safety_sets_have_danger_and_ordinary_messages_with_valid_labels(evaluation_set):
    danger, ordinary = evaluation_set.safety_messages()
    assert len(danger) >= 20 and len(ordinary) >= 20
    for row in danger + ordinary:
        assert isinstance(row.get("text"), str) and row["text"].strip()
        assert row.get("level", "danger" if row in danger else "question") in LEVELS
    assert all(row.get("subtype") in URGENT_SUBTYPES for row in danger if "level" in row)


@pytest.mark.parametrize("evaluation_set", [s for s in SETS if s.measures == "intent"], ids=lambda s: s.name)
def test_intent_sets_label_every_message(evaluation_set):
    rows = evaluation_set.messages()
    assert len(rows) >= 100 and all(row.get("text") and row.get("intent") for row in rows)
