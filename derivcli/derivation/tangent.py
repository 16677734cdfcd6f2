"""The tangent line (or plane) at a point, and the linear approximation it gives nearby.

In one variable the tangent at a is y = f(a) + f′(a)·(x − a); in several it is the plane
z = f(a) + ∇f(a)·(x − a). A learner draws it next, and uses it to estimate f a little way off:
near x = 3, f(3.1) ≈ f(3) + 0.1·f′(3); the true value is given beside the estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from ..calculus import compare, to_float, value_at
from ..errors import DerivError, UsageError
from .step import _KeepsForm

APPROXIMATION_STEP = sympy.Rational(1, 10)  # of the point's magnitude (at least 1): 3 → 3.1


@dataclass
class Tangent(_KeepsForm):
    """The tangent ``line`` at ``point``: value f(a), ``slopes`` (one per variable), and the
    linear approximation at ``near`` (``estimate``, and ``actual`` where f has a value there).
    ``asked`` says that --tangent asked for it as the answer."""

    variables: list
    point: dict
    value: sympy.Expr
    slopes: list
    line: sympy.Expr
    near: dict | None = None
    estimate: sympy.Expr | None = None
    actual: sympy.Expr | None = None
    asked: bool = False
    _kept = ("line",)

    @property
    def plane(self) -> bool:
        return len(self.variables) > 1

    @property
    def dependent(self) -> str:
        """The name of the vertical axis: y for a line, z for a plane."""
        return "z" if self.plane else "y"


def tangent(expression, variables, point: dict, slopes, asked: bool = False) -> Tangent | None:
    """The tangent of ``expression`` at ``point`` along ``variables``, whose partial derivatives
    there are ``slopes``; the point's other coordinates are held fixed.  None for a formula with an
    undefined function (f(x)): its tangent has no numbers to draw or compare."""
    if expression.has(AppliedUndef):
        if asked:
            raise UsageError("the tangent of a formula with an undefined function has no numeric line",
                             hint="give f as a formula")
        return None
    value = value_at(expression, point)
    line = value + sum((slope * (variable - point[variable]) for variable, slope in zip(variables, slopes)),
                       sympy.Integer(0))
    line = sympy.expand(line)
    near = {variable: point[variable] + _step(point[variable]) for variable in variables}
    fixed = {symbol: place for symbol, place in point.items() if symbol not in near}
    estimate = line.xreplace(near)
    try:
        actual = value_at(expression, {**fixed, **near})
    except DerivError:  # f may have no value a step away (ln x at 0.1 past a pole): no comparison
        actual = None
    return Tangent(list(variables), dict(point), value, list(slopes), line, near, estimate, actual, asked)


def implicit_tangent(dependent, independent, point: dict, slope, asked: bool = False) -> Tangent:
    """The tangent of a curve given by an equation at a point on it: y = y₀ + (dy/dx)·(x − x₀)."""
    value = point[dependent]
    line = sympy.expand(value + slope * (independent - point[independent]))
    return Tangent([independent], dict(point), value, [slope], line, asked=asked)


def _step(place) -> sympy.Expr:
    """A tenth of the point's order of magnitude (at least 1): 3 → 0.1, 250 → 10."""
    size = to_float(abs(place)) or 0.0
    exponent = math.floor(math.log10(size)) if size >= 1 else 0
    return APPROXIMATION_STEP * sympy.Integer(10) ** exponent


def expect_tangent(result, expected) -> None:
    """--expect with --tangent: the tangent line (or plane) of ``result`` against ``expected``."""
    comparison = compare(result.tangent.line, expected)
    result.comparison = comparison
    if not comparison.equal:
        result.problems.append(comparison.failure())
