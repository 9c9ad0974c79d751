"""The evaluation sets of evaluation/splits.yml: what each is, and its messages.

A safety set has danger messages (each must raise the alarm) and ordinary ones (none should):
either two files (`danger`, `ordinary`) or one file whose messages carry a `level`
(`danger` | `concern` | `question`). An intent set is one or more files of labelled messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from bot.settings import ROOT

EVALUATION = ROOT / "evaluation"
MANIFEST = EVALUATION / "splits.yml"
ROLES = ("locked_test", "development", "regression", "training_copy")
Message = Dict[str, Any]


@dataclass(frozen=True)
class EvaluationSet:
    name: str
    measures: str
    language: str
    role: str
    written_by: str
    files: Tuple[str, ...] = ()
    danger: Optional[str] = None
    ordinary: Optional[str] = None
    info: Dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def paths(self) -> List[Path]:
        """The set's files; a name with `*` stands for every file it matches."""
        names = [*self.files, *(f for f in (self.danger, self.ordinary) if f)]
        found: List[Path] = []
        for name in dict.fromkeys(names):
            found += sorted(EVALUATION.glob(name)) if "*" in name else [EVALUATION / name]
        return found

    def messages(self) -> List[Message]:
        rows = [row for path in self.paths() for row in load_messages(path)]
        split = self.info.get("split")
        if split:  # real messages: only those whose source site is in this split
            from bot.tools.real_messages import load_sites

            sites = load_sites().get(self.language, {})
            rows = [row for row in rows if sites.get(row.get("site", "")) == split]
        return rows

    def safety_messages(self) -> Tuple[List[Message], List[Message]]:
        """(danger messages, ordinary messages) of a safety set."""
        if self.danger or self.ordinary:
            danger = load_messages(EVALUATION / self.danger) if self.danger else []
            ordinary = load_messages(EVALUATION / self.ordinary) if self.ordinary else []
            return danger, ordinary
        rows = self.messages()
        return [r for r in rows if r.get("level") == "danger"], [r for r in rows if r.get("level") != "danger"]


def load_messages(path: Path) -> List[Message]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("messages") or [])


@lru_cache(maxsize=1)
def _manifest() -> Dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def evaluation_sets() -> Dict[str, EvaluationSet]:
    sets = {}
    for name, spec in (_manifest().get("sets") or {}).items():
        known = {"measures", "language", "role", "written_by", "files", "danger", "ordinary"}
        sets[name] = EvaluationSet(
            name=name,
            measures=spec["measures"],
            language=spec["language"],
            role=spec["role"],
            written_by=spec["written_by"],
            files=tuple(spec.get("files") or ()),
            danger=spec.get("danger"),
            ordinary=spec.get("ordinary"),
            info={k: v for k, v in spec.items() if k not in known},
        )
    return sets


def get(name: str) -> EvaluationSet:
    sets = evaluation_sets()
    if name not in sets:
        raise KeyError(f"no evaluation set {name!r} in evaluation/splits.yml (known: {', '.join(sets)})")
    return sets[name]


def named(measures: str, language: Optional[str] = None, role: Optional[str] = None) -> List[EvaluationSet]:
    return [
        s
        for s in evaluation_sets().values()
        if s.measures == measures and (language is None or s.language == language) and (role is None or s.role == role)
    ]
