"""The work each command sends through the guard: parse the request's text, run the engine.

Everything here runs inside the guarded worker, so parsing (which may build large numbers) is
limited like the mathematics. Requests and results are plain picklable dataclasses; each job is a
top-level function of one request. Every request has ``expression`` (``-`` reads stdin lines) and,
where the command checks answers, ``expect``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from derivcli import evaluation
from derivcli.calculus import ExpectedValue, compare_point_near, compare_point_sets
from derivcli.errors import UsageError
from derivcli.parsing import (
    choose_variables, format_point, parse_expression, parse_interval, parse_point, parse_value, sorted_symbols,
)


@dataclass
class EvaluationRequest:
    """``deriv eval``: values of f and its derivatives at points."""

    expression: str
    points: tuple = ()
    wrt: str | None = None
    order: int = 0
    numeric: bool = False
    digits: int = 15
    expect: str | None = None
    tolerance: float | None = None


# A decimal as written: digits with a point, or with an exponent (3.14, .5, 2e-3, 1.5E8)
_DECIMAL = re.compile(r"[+-]?(?:(?P<whole>\d+)?\.(?P<fraction>\d*)|\d+(?=[eE]))(?:[eE](?P<exponent>[+-]?\d{1,6}))?")


def expected_value(text: str, numeric: bool, tolerance: float | None) -> ExpectedValue:
    """What ``eval --expect`` compares with, and how closely.

    Exact values compare exactly. With ``--numeric``, a decimal (``3.1415926536``) means the
    digits written: it passes within half a unit of its last digit; ``--tolerance`` sets the
    allowed difference instead, relative to max(1, |value|), for any value.
    """
    value = parse_value(text)
    written = " ".join(text.split())
    if not numeric:
        return ExpectedValue(value, written)
    if tolerance is not None:
        return ExpectedValue(value, written, tolerance, relative=True,
                             source=f"--tolerance {tolerance:g}, relative to max(1, |{written}|)")
    decimal = _DECIMAL.fullmatch(written)
    if decimal is None:
        return ExpectedValue(value, written)
    places = len(decimal.group("fraction") or "") - int(decimal.group("exponent") or 0)
    return ExpectedValue(value, written, sympy.Rational(1, 2) * sympy.Rational(10) ** -places,
                         source=f"half a unit in the last digit of {written}; --tolerance sets another")


def evaluate(request: EvaluationRequest) -> evaluation.Evaluation:
    expression = parse_expression(request.expression)
    variable = choose_variables(expression, [request.wrt] if request.wrt else ())[0]
    variables = sorted_symbols(expression.free_symbols | {variable})
    if request.order == 0:
        variables = sorted_symbols(expression.free_symbols) or [variable]
    points = [parse_point(text, variables) for text in request.points]
    expected = expected_value(request.expect, request.numeric, request.tolerance) if request.expect else None
    return evaluation.evaluate(
        expression, variable, points, request.order, request.numeric, request.digits, expected
    )


# --- deriv diff (issue 3) -----------------------------------------------------------------------


@dataclass
class DifferentiationRequest:
    """``deriv diff``: the derivative rule by rule, its value at a point, and the CI checks."""

    expression: str
    wrt: tuple = ()
    order: int = 1
    at: str | None = None
    expect: str | None = None
    strict: bool = False
    simplify: bool = True


def differentiate(request: DifferentiationRequest):
    """Parse, differentiate (one checked tree per pass), then evaluate and check."""
    from derivcli import derivation  # lazy, as each engine below: a command loads only its own

    expression = parse_expression(request.expression, allow_undefined_functions=True)
    if len(request.wrt) > 1 and request.order > 1:
        raise UsageError("--order applies to one variable",
                         hint="for mixed partials repeat --wrt in order: --wrt x --wrt x --wrt y")
    variables = choose_variables(expression, request.wrt)
    if len(variables) == 1:
        variables = variables * request.order
    every = sorted_symbols(expression.free_symbols | set(variables))
    point = parse_point(request.at, every) if request.at is not None else None
    expected = None
    if request.expect is not None:
        expected = (parse_value(request.expect) if point is not None
                    else parse_expression(request.expect, allow_undefined_functions=True))
    return derivation.answer(expression, variables, point, expected, request.strict, request.simplify)


# --- deriv descend ------------------------------------------------------------------------------


@dataclass
class DescentRequest:
    """``deriv descend``: gradient descent, momentum or Newton's method from a start point."""

    expression: str
    start: str = ""
    wrt: tuple = ()
    learning_rate: float | None = None
    max_iterations: int = 1000
    tolerance: float = 1e-10
    method: str = "gd"
    momentum: float = 0.9
    every: int | None = None
    progress: bool = False
    time_limit: float | None = None
    expect: str | None = None
    expect_tolerance: float | None = None  # None: EXPECT_TOLERANCE


EXPECT_TOLERANCE = 1e-6  # relative: a descent's end point is a decimal approximation of the minimum


def descend(request: DescentRequest):
    """Descend along the --wrt variables (default: all of f's); others keep their --from value."""
    import math

    from derivcli import descent  # lazy: a command loads only its own engine

    expression = parse_expression(request.expression)
    variables = choose_variables(expression, request.wrt, several=True)
    unused = [str(v) for v in variables if request.wrt and v not in expression.free_symbols]
    if unused:
        raise UsageError(f"f does not depend on {', '.join(unused)}", hint="--wrt names a variable of f")
    point = parse_point(request.start, sorted_symbols(expression.free_symbols | set(variables)))
    fixed = {symbol: value for symbol, value in point.items() if symbol not in variables}
    if request.expect is not None:
        parse_point(request.expect, variables)  # a usage error before any work
    every = request.every or max(1, math.ceil(request.max_iterations / 1000))
    progress = None
    if request.progress:
        from derivcli.render.descent import ProgressBar  # lazy: rich only for a terminal

        progress = ProgressBar(time_limit=request.time_limit)
    try:
        result = descent.gradient_descent(
            expression.xreplace(fixed), variables, [point[v] for v in variables],
            method=request.method, learning_rate=request.learning_rate, momentum=request.momentum,
            max_iterations=request.max_iterations, tolerance=request.tolerance, every=every,
            progress=progress,
        )
    finally:
        if progress is not None:
            progress.close()
    if request.expect is not None and result.converged:
        result.expectation = _compare_end_point(result, variables, request)
    return result


def _compare_end_point(result, variables, request: DescentRequest):
    """The failed --expect check of a descent's end point, stating the tolerance, or None."""
    tolerance = EXPECT_TOLERANCE if request.expect_tolerance is None else request.expect_tolerance
    failure = compare_point_near(dict(zip(variables, result.point)), request.expect, variables, tolerance)
    if failure is not None:
        failure.hint = f"{failure.hint} (the tolerance is {tolerance:g} a coordinate, relative to max(1, |coordinate|))"
    return failure


# ---------------------------------------------------------------- critical and classify (issue 4)

ANALYSIS_BUDGET_SHARE = 0.4  # of --timeout: the symbolic solvers give way to numeric search well before it


@dataclass
class CriticalRequest:
    """``deriv critical``: where f′ = 0 or does not exist."""

    expression: str
    wrt: tuple = ()
    interval: str | None = None
    timeout: float = 20.0
    plot: bool = False
    expect: str | None = None


@dataclass
class ClassifyRequest:
    """``deriv classify``: what each critical point (or the point given) is, and the test that decided."""

    expression: str
    at: str | None = None
    wrt: tuple = ()
    interval: str | None = None
    inflections: bool = False
    timeout: float = 20.0
    plot: bool = False
    expect: str | None = None


def find_critical_points(request: CriticalRequest):
    from derivcli import analysis  # lazy: a command loads only its own engine

    expression = parse_expression(request.expression)
    variables = choose_variables(expression, request.wrt, several=True)
    interval = parse_interval(request.interval)
    budget = request.timeout * ANALYSIS_BUDGET_SHARE
    result = analysis.critical_report(expression, variables, interval, budget=budget, plot=request.plot)
    if request.expect is not None:
        families = [family.text() for family in result.families if not family.members]
        failure = compare_point_sets([point.as_dict() for point in result.points], families, request.expect, result.variables)
        if failure is not None:
            result.problems.append(failure)
    return result


def classify_points(request: ClassifyRequest):
    from derivcli import analysis  # lazy: a command loads only its own engine

    expression = parse_expression(request.expression)
    variables = choose_variables(expression, request.wrt, several=True)
    interval = parse_interval(request.interval)
    point = parse_point(request.at, variables) if request.at is not None else None
    if point is not None and interval is not None:
        raise UsageError("--at and --in cannot be combined",
                         hint="--in restricts the search for critical points; --at names one point")
    kind = None
    if request.expect is not None:
        kind = analysis.expected_kind(request.expect)  # a usage error before any work when it names no kind
        if point is None:
            raise UsageError("--expect checks the kind of one point: give it with --at",
                             hint='deriv classify "x**2" --at 0 --expect minimum')
    budget = request.timeout * ANALYSIS_BUDGET_SHARE
    result = analysis.classify_report(
        expression, variables, point, interval, request.inflections, budget=budget, plot=request.plot
    )
    if kind is not None:
        failure = analysis.compare_kind(result.classifications[0].kind, kind, format_point(point))
        if failure is not None:
            result.problems.append(failure)
    return result
