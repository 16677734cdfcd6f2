"""Compare the tree's answer with sympy.diff: identical, symbolically equal, or equal at points.

The numeric comparison uses points where the differentiated function is real (every part of it
real), because the derivative formulas of a calculus course hold on the real domain; a
difference at such a point is confirmed at higher precision before it counts.
"""

from __future__ import annotations

import random

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from ..guard import run_with_budget
from .numeric import Undefined, Unevaluable, evaluate
from .step import CrossCheck

POINTS_NEEDED = 3
POINTS_TRIED = 40
_RANGES = ((-3, 3), (0.05, 1), (1, 3), (-1, -0.05), (3, 12), (-12, -3), (-0.5, 0.5))


class Mismatch(Exception):
    """Two expressions differ at a point where both are defined."""

    def __init__(self, point, first, second):
        super().__init__(f"{first} != {second} at {point}")
        self.point, self.first, self.second = point, first, second


def sample_points(symbols, count=POINTS_TRIED, seed=20261130):
    """Reproducible random points over a mix of ranges (small, large, positive, negative)."""
    generator = random.Random(seed)
    ordered = sorted(symbols, key=lambda symbol: symbol.name)
    for index in range(count):
        point = {}
        for symbol in ordered:
            low, high = _RANGES[(index + generator.randrange(len(_RANGES))) % len(_RANGES)]
            point[symbol] = mpmath.mpf(generator.uniform(low, high))
        yield point


def _close(first, second, tolerance) -> bool:
    return abs(first - second) <= tolerance * max(1, abs(first), abs(second))


def numerically_equal(first, second, domain, tries=POINTS_TRIED, needed=POINTS_NEEDED):
    """True when ``first`` and ``second`` agree at ``needed`` points where ``domain`` is real.

    Returns the number of points compared (0 when too few points were usable: inconclusive).
    Raises Mismatch at a confirmed difference, Unevaluable when a value cannot be computed.
    """
    symbols = first.free_symbols | second.free_symbols | domain.free_symbols
    compared = 0
    for point in sample_points(symbols, tries):
        try:
            evaluate(domain, point, real=True)
            left, right = evaluate(first, point), evaluate(second, point)
        except Undefined:
            continue
        if not _close(left, right, mpmath.mpf(10) ** -12):
            try:
                left, right = evaluate(first, point, 60), evaluate(second, point, 60)
            except Undefined:
                continue
            if not _close(left, right, mpmath.mpf(10) ** -25):
                raise Mismatch({s.name: float(v) for s, v in point.items()}, left, right)
        compared += 1
        if compared >= needed:
            return compared
    return 0


def _by_symbols(expression):
    """Derivative(f(g), g) (sympy's form for a derivative in an inner function) as a Subs."""

    def rewrite(derivative):
        if all(variable.is_Symbol for variable in derivative.variables):
            return derivative
        if len(derivative.variable_count) != 1:
            raise Unevaluable("a derivative in several inner functions")
        (inner, count), = derivative.variable_count
        slot = sympy.Dummy("slot", real=True)
        return sympy.Subs(sympy.Derivative(derivative.expr.xreplace({inner: slot}), (slot, count)),
                          slot, inner)

    return expression.replace(lambda node: isinstance(node, sympy.Derivative), rewrite)


def concrete(expression):
    """Replace every unspecified function by a fixed smooth one and evaluate the derivatives."""
    functions = {call.func for call in expression.atoms(AppliedUndef)}
    if not functions:
        return expression
    expression = _by_symbols(expression)
    for number, function in enumerate(sorted(functions, key=str), 1):
        def stand_in(*arguments, number=number):
            total = sum(arguments)
            return (sympy.exp(total / (number + 2))
                    + sum(sympy.sin((k + number) * a) + a**2 / (k + 3) for k, a in enumerate(arguments)))
        expression = expression.replace(
            lambda e, function=function: isinstance(e, AppliedUndef) and e.func == function,
            lambda e: stand_in(*e.args),
        )
    return expression.doit()


def _symbolically_zero(difference, seconds=1.0) -> bool:
    """simplify(difference) == 0 within a time budget; False when it cannot tell."""
    if sympy.count_ops(difference) > 200:
        return False
    try:
        finished, zero = run_with_budget(lambda: sympy.simplify(difference) == 0, seconds)
    except Exception:  # sympy's simplify raises on odd inputs: no decision, not a pass
        return False
    return finished and zero


def compare(actual, expected, function, needed=POINTS_NEEDED, settle=True) -> CrossCheck:
    """Whether ``actual`` (the tree's answer) equals ``expected`` (sympy.diff's) as derivatives
    of ``function``, from ``needed`` sample points. Raises Mismatch on a confirmed difference.
    Without ``settle``, no point to compare at is inconclusive at once (no simplify to decide)."""
    if actual == expected:
        return CrossCheck(True, "identical")
    if actual - expected == 0:
        return CrossCheck(True, "symbolic")
    concrete_actual, concrete_expected, concrete_function = actual, expected, function
    try:
        if actual.has(AppliedUndef) or expected.has(AppliedUndef) or function.has(AppliedUndef):
            concrete_actual, concrete_expected = concrete(actual), concrete(expected)
            concrete_function = concrete(function)
        points = numerically_equal(concrete_actual, concrete_expected, concrete_function, needed=needed)
    except Mismatch:
        raise
    except Exception:  # a stand-in sympy cannot differentiate, or no numeric value: no decision
        points = 0
    if points:
        method = "numeric" if concrete_actual is actual else "numeric, unspecified functions replaced"
        return CrossCheck(True, method, points)
    if settle and _symbolically_zero(actual - expected):
        return CrossCheck(True, "simplify")
    return CrossCheck(None, "inconclusive")
