"""Result objects of `deriv critical` and `deriv classify`.

Plain dataclasses holding sympy objects: they cross the guard's process
boundary by pickling, and the renderers only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from derivcli.parsing import format_point

# Stable words for scripts: the JSON `kind` and the human phrase.
KINDS = ("minimum", "maximum", "saddle", "inflection", "not_critical", "inconclusive")
WORDS = {
    "minimum": "local minimum",
    "maximum": "local maximum",
    "saddle": "saddle point",
    "inflection": "inflection point",
    "not_critical": "not critical",
    "inconclusive": "inconclusive",
}

# Why a point is a candidate (CriticalPoint.reason).
REASONS = {
    "derivative_zero": "f′ = 0",
    "derivative_undefined": "f′ does not exist",
    "gradient_zero": "∇f = 0",
    "gradient_undefined": "∇f does not exist",
    "interval_endpoint": "endpoint of the interval",
    "boundary": "on the boundary of the box (a face, an edge or a corner)",
    "second_derivative_zero": "f″ = 0",
    "given": "the given point",
}

# The test that decided a classification (Classification.test).
TESTS = {
    "second_derivative": "second-derivative test",
    "higher_order_derivative": "higher-order derivative test",
    "first_derivative": "first-derivative (sign change) test",
    "derivative_sign": "sign of f′ at the point",
    "gradient": "gradient at the point",
    "hessian": "Hessian test",
    "even_powers": "Hessian inconclusive; sum-of-even-powers argument",
    "signed_terms": "f − f(p) as a sum of terms of one sign",
    "directions": "Hessian inconclusive; values along lines and curves through the point",
    "none": "no test could decide",
}


@dataclass
class Equation:
    """An equation solved, lhs = rhs (kept apart: sympy's Eq may evaluate to True or False)."""

    lhs: sympy.Expr
    rhs: sympy.Expr = sympy.S.Zero


@dataclass
class CriticalPoint:
    """One point: exact coordinates (floats when approximate) and f there."""

    variables: tuple
    coordinates: tuple
    value: sympy.Expr | None
    numeric_coordinates: tuple = ()
    numeric_value: float | None = None
    approximate: bool = False
    reason: str = "derivative_zero"

    def as_dict(self) -> dict:
        """The point as {variable: coordinate}, the form the engine functions take."""
        return dict(zip(self.variables, self.coordinates))


@dataclass
class Family:
    """Infinitely many critical points, e.g. x = pi/2 + pi*n for every integer n.

    ``coordinates`` are expressions in ``parameter``; ``parameter_kind`` is
    "integer" (periodic solutions), "real" (a line or curve of points) or "interval" (a flat
    stretch: every x with ``low`` ≤ x ≤ ``high``, where f is constant; the parameter is x itself).
    ``members`` lists the points inside the interval, when one was given.
    """

    variables: tuple
    coordinates: tuple
    parameter: sympy.Symbol
    parameter_kind: str = "integer"
    reason: str = "derivative_zero"
    members: tuple = ()
    members_complete: bool = True
    low: sympy.Expr | None = None
    high: sympy.Expr | None = None

    def text(self) -> str:
        """`x=pi*n + pi/2 (n integer)`; a line of points: `x=0,y=y (y real)`; a flat stretch:
        `-1<=x<=1`: how critical prints it and how --expect and classify --at read it."""
        if self.parameter_kind == "interval":
            low = "" if self.low in (None, -sympy.oo) else f"{sympy.sstr(self.low)}<="
            high = "" if self.high in (None, sympy.oo) else f"<={sympy.sstr(self.high)}"
            return f"{low}{self.parameter}{high}"
        return f"{format_point(dict(zip(self.variables, self.coordinates)))} ({self.parameter} {self.parameter_kind})"

    def contains(self, value) -> bool:
        """For a flat stretch: whether ``value`` lies in it (False where that cannot be told)."""
        low = self.low if self.low is not None else -sympy.oo
        high = self.high if self.high is not None else sympy.oo
        return bool(sympy.Interval(low, high).contains(value) is sympy.true)


@dataclass
class PlotData:
    """Samples of f for a small text plot: (x, f(x)) pairs (None where undefined) and marked points."""

    window: tuple
    samples: tuple = ()
    marks: tuple = ()  # (x, f(x), label)


@dataclass
class CriticalResult:
    """Everything `deriv critical` found, and how sure it is."""

    expression: sympy.Expr
    variables: tuple
    derivatives: tuple
    equations: tuple
    points: tuple = ()
    families: tuple = ()
    endpoints: tuple = ()
    interval: tuple | None = None
    complete: bool = True
    method: str = "symbolic"
    constant: bool = False
    notes: tuple = ()
    plot: PlotData | None = None
    problems: list = field(default_factory=list)


@dataclass
class Classification:
    """What one point is, the test that decided it, and the values that test used."""

    point: CriticalPoint
    kind: str
    test: str
    values: dict = field(default_factory=dict)
    explanation: str = ""
    concavity: str | None = None
    trend: str | None = None
    gradient: tuple | None = None
    hessian: tuple | None = None
    determinant: sympy.Expr | None = None
    eigenvalues: tuple | None = None
    numeric_eigenvalues: tuple | None = None  # floats for JSON, computed with the exact ones
    approximate: bool = False
    family: Family | None = None

    @property
    def words(self) -> str:
        """The stable human phrase: "local minimum", "saddle point", ..."""
        return WORDS[self.kind]


@dataclass
class AbsoluteExtrema:
    """The closed-interval method on [a, b]: candidates, and the smallest and largest f."""

    interval: tuple
    candidates: tuple = ()
    minimum: tuple = ()
    maximum: tuple = ()
    minimum_value: sympy.Expr | None = None
    maximum_value: sympy.Expr | None = None
    applicable: bool = True
    approximate: bool = False
    reason: str = ""


@dataclass
class InflectionResult:
    """Points where f″ changes sign (not merely where f″ = 0)."""

    expression: sympy.Expr
    variable: sympy.Symbol
    second_derivative: sympy.Expr
    points: tuple = ()
    families: tuple = ()
    rejected: tuple = ()
    complete: bool = True
    notes: tuple = ()


@dataclass
class ClassifyResult:
    """`deriv classify`: the critical points (or the given point), each classified."""

    expression: sympy.Expr
    variables: tuple
    critical: CriticalResult | None = None
    classifications: tuple = ()
    family_classifications: tuple = ()
    absolute: AbsoluteExtrema | None = None
    inflections: InflectionResult | None = None
    notes: tuple = ()
    plot: PlotData | None = None
    problems: list = field(default_factory=list)
