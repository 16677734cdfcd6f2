"""Independent checks of deriv's printed mathematics, for text that is compared byte for byte
elsewhere (snapshots, README examples): read back with sympy in the test (deriv's own output is
sympy syntax; no user text is involved), and decided by sympy.diff, exact arithmetic, or values
at sample points relative to the size of the function.
"""

from __future__ import annotations

import re

import sympy

SAMPLES = ("0.37", "1.23", "2.71", "0.61")


def read(text: str):
    """deriv's sympy-syntax text as an expression whose symbols are real, as deriv's are."""
    value = sympy.sympify(text)
    return value.xreplace({symbol: sympy.Symbol(symbol.name, real=True) for symbol in value.free_symbols})


def symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def equal(left, right) -> bool:
    """Mathematically equal: simplify proves it, or the values agree at sample points (positive,
    so that logarithms and x**x are real) to 1e-12 of their size."""
    difference = left - right
    if sympy.simplify(difference) == 0:
        return True
    symbols = sorted(difference.free_symbols, key=str)
    compared = 0
    for shift, _ in enumerate(SAMPLES):
        point = {name: sympy.Rational(SAMPLES[(shift + index) % len(SAMPLES)]) + index
                 for index, name in enumerate(symbols)}
        try:
            a, b = complex(left.subs(point).evalf(30)), complex(right.subs(point).evalf(30))
        except TypeError:  # zoo or nan: not defined at this sample
            continue
        if any(value != value for value in (a.real, b.real)):
            continue
        if abs(a - b) > 1e-12 * max(1.0, abs(a), abs(b)):
            return False
        compared += 1
    return compared >= 2


TREE_LINE = re.compile(r"^[|`\- ]*(?:(?P<role>[a-z]+): )?(?P<body>.*?)(?:  \[(?P<why>.*)\])?$")
DERIVATIVE = re.compile(r"^d/d(?P<variable>\w+) (?P<expression>.+) = (?P<result>.+)$")
SIMPLIFY = re.compile(r"^(?P<raw>.+) -> (?P<simpler>.+)$")


def check_plain_tree(lines: list[str]) -> int:
    """Every node of a piped ``--steps`` tree: ``d/dv E = R`` has R = sympy.diff(E, v), and a
    ``simplify: A -> B`` has A = B. Returns how many nodes were checked."""
    checked = 0
    for line in lines:
        match = TREE_LINE.match(line)
        body = match["body"]
        if match["role"] == "simplify":
            if body != "already in its simplest form":
                rewrite = SIMPLIFY.match(body)
                assert rewrite, line
                assert equal(read(rewrite["raw"]), read(rewrite["simpler"])), line
                checked += 1
            continue
        node = DERIVATIVE.match(body)
        if node is None:
            continue
        truth = sympy.diff(read(node["expression"]), symbol(node["variable"]))
        assert equal(truth, read(node["result"])), f"{line}: sympy.diff gives {truth}"
        checked += 1
    return checked


def check_step_tree(node: dict) -> int:
    """The same for a JSON step tree, node by node; returns the number of nodes checked."""
    if node["rule"] == "simplify":
        assert equal(read(node["expression"]), read(node["result"])), node
    else:
        truth = sympy.diff(read(node["expression"]), symbol(node["variable"]))
        assert equal(truth, read(node["result"])), f"{node['expression']}: {node['result']} != {truth}"
    return 1 + sum(check_step_tree(child) for child in node["substeps"])


def point(text: str) -> dict:
    """``x=-1,y=0`` (as deriv prints a point) as {symbol: exact value}."""
    pairs = (item.split("=", 1) for item in text.split(","))
    return {symbol(name.strip()): sympy.sympify(value) for name, value in pairs}
