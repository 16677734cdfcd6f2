"""The work each command sends through the guard: parse the request's text, run the engine.

Everything here runs inside the guarded worker, so parsing (which may build large numbers) is
limited like the mathematics. Requests and results are plain picklable dataclasses; each job is a
top-level function of one request. Every request has ``expression`` (``-`` reads stdin lines) and,
where the command checks answers, ``expect``.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

# sympy imports these on first use: the worker while it computes, and the parent again while it
# unpickles the result (any sum, any power asked whether it is algebraic). Imported here, before
# the worker is forked, they load once for both (about 25 ms of a short command).
import sympy.assumptions.wrapper  # noqa: F401
import sympy.sets.setexpr  # noqa: F401
import sympy.tensor.tensor  # noqa: F401

from derivcli import evaluation
from derivcli.calculus import compare_point_near, compare_point_sets
from derivcli.errors import UsageError
from derivcli.parsing import (
    choose_variables, format_point, is_family, is_stretch, parse_expression, parse_family, parse_formula,
    parse_interval, parse_point, parse_stretch, parse_value, sorted_symbols,
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
    formula = parse_formula(request.expression)
    expression = formula.expression
    written = expression.free_symbols | formula.domain_symbols()  # x/x is 1, but x must be given
    variable = choose_variables(expression, [request.wrt] if request.wrt else (), written=written)[0]
    variables = sorted_symbols(written | {variable})
    if request.order == 0:
        variables = sorted_symbols(written) or [variable]
    points = [parse_point(text, variables) for text in request.points]
    expected = parse_value(request.expect) if request.expect else None
    return evaluation.evaluate(
        expression, variable, points, request.order, request.numeric, request.digits, expected,
        domain=formula.domain,
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

    formula = parse_formula(request.expression, allow_undefined_functions=True)
    expression = formula.expression
    if len(request.wrt) > 1 and request.order > 1:
        raise UsageError("--order applies to one variable",
                         hint="for mixed partials repeat --wrt in order: --wrt x --wrt x --wrt y")
    variables = choose_variables(expression, request.wrt, written=formula.domain_symbols())
    if len(variables) == 1:
        variables = variables * request.order
    every = sorted_symbols(expression.free_symbols | formula.domain_symbols() | set(variables))
    point = parse_point(request.at, every) if request.at is not None else None
    expected = None
    if request.expect is not None:
        expected = (parse_value(request.expect) if point is not None
                    else parse_expression(request.expect, allow_undefined_functions=True))
    result = derivation.answer(expression, variables, point, expected, request.strict, request.simplify,
                               domain=formula.domain)
    result.reading = _names_read(formula)
    return result


def _names_read(formula) -> list[str]:
    """A note naming the multi-letter names read as one variable each (xy is a variable, not x·y)."""
    names = formula.names_read_whole()
    if not names:
        return []
    listed = ", ".join(names)
    return [f"read {listed} as {'one variable' if len(names) == 1 else 'variables, each one name'} (write x*y for a product)"]


# --- deriv descend ------------------------------------------------------------------------------


@dataclass
class DescentRequest:
    """``deriv descend``: gradient descent, momentum or Newton's method from a start point, on a
    formula or (with ``data``, a CSV path or ``-``) on a per-sample loss averaged over rows.
    Several ``methods`` or ``learning_rates`` compare runs side by side."""

    expression: str
    start: str = ""
    wrt: tuple = ()
    learning_rates: tuple = ()
    max_iterations: int = 1000
    tolerance: float = 1e-10
    methods: tuple = ("gd",)
    momentum: float = 0.9
    every: int | None = None
    progress: bool = False
    time_limit: float | None = None
    expect: str | None = None
    data: str | None = None
    total: bool = False
    batch_size: int | None = None
    epochs: int | None = None
    seed: int = 0
    verify: bool = False

EXPECT_TOLERANCE = 1e-6  # relative: a descent's end point is a decimal approximation of the minimum


def descend(request: DescentRequest):
    """Descend along the --wrt variables (default: all of f's); others keep their --from value.
    With --data, descend on the loss over the rows; with several --lr or --method, compare."""
    from derivcli import descent  # lazy: a command loads only its own engine

    if request.data is not None:
        return _descend_on_data(request)
    expression = parse_expression(request.expression)
    variables = choose_variables(expression, request.wrt, several=True)
    unused = [str(v) for v in variables if request.wrt and v not in expression.free_symbols]
    if unused:
        raise UsageError(f"f does not depend on {', '.join(unused)}", hint="--wrt names a variable of f")
    point = parse_point(request.start, sorted_symbols(expression.free_symbols | set(variables)))
    fixed = {symbol: value for symbol, value in point.items() if symbol not in variables}
    if request.expect is not None:
        parse_point(request.expect, variables)  # a usage error before any work
    start = [point[v] for v in variables]

    def run_one(settings, progress=None):
        return descent.gradient_descent(
            expression.xreplace(fixed), variables, start, method=settings.method,
            learning_rate=settings.learning_rate, momentum=request.momentum,
            max_iterations=settings.max_iterations, tolerance=settings.tolerance, every=settings.every,
            progress=progress,
        )

    if _compares(request):
        return _comparison(request, run_one, request.max_iterations)
    result = _with_progress(request, run_one, _settings(request, request.max_iterations))
    if request.expect is not None and result.converged:
        result.expectation = compare_point_near(dict(zip(variables, result.point)), request.expect, variables, EXPECT_TOLERANCE)
    return result


def _compares(request: DescentRequest) -> bool:
    return len(request.methods) > 1 or len(request.learning_rates) > 1


def _every(request: DescentRequest, iterations: int) -> int:
    return request.every or max(1, math.ceil(iterations / 1000))


def _settings(request: DescentRequest, iterations: int):
    """The settings of a single run (the first --method, the one --lr or the default)."""
    from derivcli import descent  # lazy: a command loads only its own engine

    rate = request.learning_rates[0] if request.learning_rates else None
    return descent.read_settings(request.methods[0], rate, request.momentum, iterations, request.tolerance,
                                 _every(request, iterations))


def _comparison(request: DescentRequest, run_one, iterations: int):
    from derivcli import descent  # lazy: a command loads only its own engine

    if request.expect is not None:
        raise UsageError("--expect checks one run", hint="compare runs without --expect, or give one --lr and --method")
    return descent.compare(run_one, request.methods, request.learning_rates, request.momentum,
                           iterations, request.tolerance, _every(request, iterations))


def _with_progress(request: DescentRequest, run_one, settings):
    """One run, with a progress bar on a terminal's stderr when asked."""
    progress = None
    if request.progress:
        from derivcli.render.descent import ProgressBar  # lazy: rich only for a terminal

        progress = ProgressBar(time_limit=request.time_limit)
    try:
        return run_one(settings, progress)
    finally:
        if progress is not None:
            progress.close()


def _descend_on_data(request: DescentRequest):
    """``--data``: the loss over the rows of a CSV file (or stdin), one run or a comparison."""
    from derivcli import descent  # lazy: a command loads only its own engine

    if request.expect is not None:
        raise UsageError("--expect is for formulas; with --data use --verify (least squares)")
    expression = parse_expression(request.expression)
    objective = _read_objective(request, expression)
    point = parse_point(request.start, list(objective.weights))
    start = [point[w] for w in objective.weights]
    iterations = request.epochs if request.epochs and request.batch_size is None else request.max_iterations
    schedule = descent.Schedule(request.batch_size, request.epochs, request.seed)

    def run_one(settings, progress=None):
        return descent.train(objective, start, settings, schedule, request.verify)

    if _compares(request):
        return _comparison(request, run_one, iterations)
    return run_one(_settings(request, iterations))


def _read_objective(request: DescentRequest, expression):
    """The objective over the data file (or stdin) named by --data."""
    from derivcli import descent  # lazy: a command loads only its own engine

    reduction = "sum" if request.total else "mean"
    if request.data == "-":
        if request.expression == "-":
            raise UsageError("stdin cannot hold both the formulas and the data", hint="give --data a file")
        return descent.objective_from_data(expression, request.wrt, sys.stdin, "the data on stdin", reduction)
    try:
        with open(request.data, encoding="utf-8", newline="") as stream:
            return descent.objective_from_data(expression, request.wrt, stream, request.data, reduction)
    except OSError as error:
        raise UsageError(f"cannot read the data file {request.data}: {error.strerror or error}") from None


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

    formula = parse_formula(request.expression)
    expression = formula.expression
    variables = choose_variables(expression, request.wrt, several=True, written=formula.domain_symbols())
    interval = parse_interval(request.interval)
    budget = request.timeout * ANALYSIS_BUDGET_SHARE
    result = analysis.critical_report(expression, variables, interval, budget=budget, plot=request.plot,
                                      domain=formula.domain)
    if request.expect is not None:
        families = [family.text() for family in result.families if not family.members]
        failure = compare_point_sets([point.as_dict() for point in result.points], families, request.expect, result.variables)
        if failure is not None:
            result.problems.append(failure)
    return result


def _family_at(text, variables, analysis):
    """What critical prints for infinitely many points, read back for classify --at: a family
    (``x=pi*n + pi/2 (n integer)``) or a flat stretch (``-1<=x<=1``); None for a single point."""
    if text is None:
        return None
    if is_stretch(text):
        variable, low, high = parse_stretch(text, variables)
        return analysis.Family(variables=(variable,), coordinates=(variable,), parameter=variable,
                               parameter_kind="interval", low=low, high=high)
    if is_family(text):
        family = parse_family(text, variables)
        return analysis.Family(variables=tuple(family.point), coordinates=tuple(family.point.values()),
                               parameter=family.parameter, parameter_kind=family.kind)
    return None


def classify_points(request: ClassifyRequest):
    from derivcli import analysis  # lazy: a command loads only its own engine

    formula = parse_formula(request.expression)
    expression = formula.expression
    variables = choose_variables(expression, request.wrt, several=True, written=formula.domain_symbols())
    interval = parse_interval(request.interval)
    family = _family_at(request.at, variables, analysis)
    point = parse_point(request.at, variables) if request.at is not None and family is None else None
    kind = None
    if request.expect is not None:
        kind = analysis.expected_kind(request.expect)  # a usage error before any work when it names no kind
        if point is None and family is None:
            raise UsageError("--expect checks the kind of one point: give it with --at",
                             hint='deriv classify "x**2" --at 0 --expect minimum')
    budget = request.timeout * ANALYSIS_BUDGET_SHARE
    result = analysis.classify_report(
        expression, variables, point, interval, request.inflections, budget=budget, plot=request.plot,
        domain=formula.domain, family=family,
    )
    if kind is not None:
        found = result.family_classifications if family is not None else result.classifications
        where = family.text() if family is not None else format_point(point)
        for item in found:
            failure = analysis.compare_kind(item.kind, kind, where)
            if failure is not None:
                result.problems.append(failure)
                break
    return result
