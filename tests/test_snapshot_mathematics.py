"""The committed snapshots of `deriv diff` are right, not only unchanged: tests/test_diff.py
compares them byte for byte with what deriv prints now (and rewrites them on request), so here
every node of each snapshot's tree, its answer and its value are checked by sympy.diff."""

import json

import pytest
import sympy

from oracle import check_plain_tree, check_step_tree, equal, point, read, symbol
from test_diff import SEEDS, SNAPSHOTS


def seed_truth(name: str):
    """sympy.diff of the seed's input (not of deriv's echo of it), at the point when it has one."""
    arguments = SEEDS[name]
    variables = [symbol(value) for option, value in zip(arguments, arguments[1:]) if option == "--wrt"]
    expression = read(arguments[0].replace("abs(", "Abs("))
    if not variables:
        variables = [symbol("x")]
    order = int(arguments[arguments.index("--order") + 1]) if "--order" in arguments else 1
    truth = sympy.diff(expression, *(variables * order if len(variables) == 1 else variables))
    if "--at" in arguments:
        truth = truth.subs(point(arguments[arguments.index("--at") + 1]
                                 if "=" in arguments[arguments.index("--at") + 1]
                                 else f"x={arguments[arguments.index('--at') + 1]}"))
    return truth


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_json_snapshot_is_right(name):
    record = json.loads((SNAPSHOTS / f"{name}.json").read_text(encoding="utf-8"))
    passes = record["steps"] if isinstance(record["steps"], list) else [record["steps"]]
    assert sum(check_step_tree(tree) for tree in passes) >= len(passes)
    answer = read(record["value"] if record["at"] else record["derivative"])
    assert equal(answer, seed_truth(name))


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_plain_snapshot_is_right(name):
    lines = (SNAPSHOTS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    assert check_plain_tree(lines[:-1]) >= 1
    assert equal(read(lines[-1]), seed_truth(name))
