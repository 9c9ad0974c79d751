"""Runs Rasa's prediction graph without dask.

Rasa 3.6 runs every message's NLU graph and every next-action prediction through
`dask.get`: each time it cuts the minimal sub-graph for the targets, builds a dask task
graph and lets dask's scheduler order it. For a graph of a dozen nodes that bookkeeping
costs about as much as some of the components (about 9 % of the server's time under load,
docs/decisions/0004-serving-patches.md). This runner works out the order once per set of targets and then calls
the same nodes, with the same inputs, in that order."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner

Plan = List[Tuple[Text, Tuple[Text, ...]]]


def execution_plan(schema: GraphSchema, targets: Tuple[Text, ...]) -> Plan:
    """The nodes the targets need, each after the nodes it needs (a depth-first order)."""
    minimal = schema.minimal_graph_schema(list(targets))
    ordered: Plan = []
    done: set = set()

    def visit(name: Text) -> None:
        if name in done or name not in minimal.nodes:
            return
        done.add(name)
        needs = tuple(minimal.nodes[name].needs.values())
        for needed in needs:
            visit(needed)
        ordered.append((name, needs))

    for target in targets:
        visit(target)
    return ordered


def run(self: Any, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
    """DaskGraphRunner.run without dask: same nodes, same inputs, same results."""
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    plans: Dict[Tuple[Text, ...], Plan] = self.__dict__.setdefault("_lumi_plans", {})
    plan = plans.get(run_targets)
    if plan is None:
        plan = plans[run_targets] = execution_plan(self._graph_schema, run_targets)
    values: Dict[Text, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in self._graph_schema.nodes:
            raise GraphRunError(f"Input value '{value}' clashes with a node name.")
        values[name] = (name, value)
    try:
        for name, needs in plan:
            if name not in values:  # an input given for a node replaces it, as in dask
                values[name] = self._instantiated_nodes[name](*(values.get(n, n) for n in needs))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e
    return dict(values[target] for target in run_targets)


DASK_RUN = DaskGraphRunner.run  # Rasa's own, kept for comparison (tests/test_serving_savings.py)


def install() -> None:
    DaskGraphRunner.run = run  # type: ignore[assignment]
