"""The work each command sends through the guard: parse the request's text, run the engine.

Everything here runs inside the guarded worker, so parsing (which may build large numbers) is
limited like the mathematics. Requests and results are plain picklable dataclasses; each job is a
top-level function of one request. Every request has ``expression`` (``-`` reads stdin lines) and,
where the command checks answers, ``expect``.
"""

from __future__ import annotations

from dataclasses import dataclass

from derivcli import evaluation
from derivcli.calculus import compare_point_near, compare_point_sets
from derivcli.errors import UsageError
from derivcli.output import announce
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


def evaluate(request: EvaluationRequest) -> evaluation.Evaluation:
    expression = parse_expression(request.expression)
    variable = choose_variables(expression, [request.wrt] if request.wrt else ())[0]
    variables = sorted_symbols(expression.free_symbols | {variable})
    if request.order == 0:
        variables = sorted_symbols(expression.free_symbols) or [variable]
    points = [parse_point(text, variables) for text in request.points]
    expected = parse_value(request.expect) if request.expect else None
    announce(f"evaluating at {len(points)} point{'s' if len(points) != 1 else ''}")
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
    times = f" ({len(variables)} passes)" if len(variables) > 1 else ""
    announce(f"differentiating{times}, checking against sympy.diff")
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
        result.expectation = compare_point_near(dict(zip(variables, result.point)), request.expect, variables, EXPECT_TOLERANCE)
    return result


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
    announce(f"solving {_equations(variables)} (then a numeric search if need be)")
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
    kind = None
    if request.expect is not None:
        kind = analysis.expected_kind(request.expect)  # a usage error before any work when it names no kind
        if point is None:
            raise UsageError("--expect checks the kind of one point: give it with --at",
                             hint='deriv classify "x**2" --at 0 --expect minimum')
    budget = request.timeout * ANALYSIS_BUDGET_SHARE
    announce("classifying the point" if point is not None
             else f"solving {_equations(variables)} and classifying each point")
    result = analysis.classify_report(
        expression, variables, point, interval, request.inflections, budget=budget, plot=request.plot
    )
    if kind is not None:
        failure = analysis.compare_kind(result.classifications[0].kind, kind, format_point(point))
        if failure is not None:
            result.problems.append(failure)
    return result


def _equations(variables) -> str:
    """What finding critical points solves: f′ = 0, or ∇f = 0 in several variables."""
    return "f′ = 0" if len(variables) == 1 else "∇f = 0"
