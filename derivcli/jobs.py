"""The work each command sends through the guard: parse the request's text, run the engine.

Everything here runs inside the guarded worker, so parsing (which may build large numbers) is
limited like the mathematics. Requests and results are plain picklable dataclasses; each job is a
top-level function of one request. Every request has ``expression`` (``-`` reads stdin lines) and,
where the command checks answers, ``expect``.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass

import sympy
# sympy imports these on first use: the worker while it computes, and the parent again while it
# unpickles the result (any power asked whether it is algebraic). Imported here, before the
# worker is forked, they load once for both. (sympy.tensor.tensor, which every sum asked for,
# has a stand-in instead: see derivcli.tensor_placeholder.)
import sympy.assumptions.wrapper  # noqa: F401
import sympy.sets.setexpr  # noqa: F401

from derivcli import evaluation
from derivcli.calculus import ExpectedValue, compare_point_near, compare_point_sets, to_float
from derivcli.errors import UsageError
from derivcli.output import Rendered, announce, render_in_worker
from derivcli.parsing import (
    GREEK_NAMES, choose_variables, format_point, is_family, is_stretch, is_vector, parse_expression, parse_family,
    parse_formula, parse_interval, parse_matrix, parse_point, parse_stretch, parse_value, sorted_symbols,
    split_elements,
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
    formula = parse_formula(request.expression)
    expression = formula.expression
    written = expression.free_symbols | formula.domain_symbols()  # x/x is 1, but x must be given
    variable = choose_variables(expression, [request.wrt] if request.wrt else (), written=written)[0]
    variables = sorted_symbols(written | {variable})
    if request.order == 0:
        variables = sorted_symbols(written) or [variable]
    points = [parse_point(text, variables) for text in request.points]
    expected = expected_value(request.expect, request.numeric, request.tolerance) if request.expect else None
    announce(f"evaluating at {len(points)} point{'s' if len(points) != 1 else ''}")
    return evaluation.evaluate(
        expression, variable, points, request.order, request.numeric, request.digits, expected,
        domain=formula.domain,
    )


# --- deriv diff (issue 3) -----------------------------------------------------------------------


@dataclass
class DifferentiationRequest:
    """``deriv diff``: the derivative rule by rule, its value at a point, and the CI checks; or
    the gradient, Hessian or Jacobian (``form``), or dy/dx of an equation (``implicit``)."""

    expression: str
    wrt: tuple = ()
    order: int = 1
    at: str | None = None
    expect: str | None = None
    strict: bool = False
    simplify: bool = True
    form: str | None = None  # "gradient", "hessian" or "jacobian"
    implicit: str | None = None
    tangent: bool = False
    vector: bool = False
    bulk: bool = False  # a line of a batch or a formula file (see derivation.use_in_bulk)


def differentiate(request: DifferentiationRequest):
    """Parse, differentiate (one checked tree per pass), then evaluate and check. A vector of
    functions has a Jacobian (with --jacobian only: elsewhere brackets are not read); an equation
    is differentiated implicitly."""
    from derivcli import derivation  # lazy, as each engine below: a command loads only its own

    derivation.use_in_bulk(request.bulk)
    if is_vector(request.expression) and request.form != "jacobian":
        what = f", not a {request.form}" if request.form else ""
        raise UsageError(f"a vector of functions has a Jacobian{what}", hint="differentiate it with --jacobian")
    _check_form_options(request)
    if request.form == "jacobian":
        return _jacobian(request)
    formula = parse_formula(request.expression, allow_undefined_functions=True, allow_equation=True)
    if formula.equation is not None or request.implicit is not None:
        return _implicit(request, formula)
    if request.form is not None:
        return _several(request, formula)
    expression = formula.expression
    if len(request.wrt) > 1 and request.order > 1:
        raise UsageError("--order applies to one variable",
                         hint="for mixed partials repeat --wrt in order: --wrt x --wrt x --wrt y")
    variables = choose_variables(expression, request.wrt, written=formula.domain_symbols())
    if len(variables) == 1:
        variables = variables * request.order
    every = sorted_symbols(expression.free_symbols | formula.domain_symbols() | set(variables))
    point = parse_point(request.at, every) if request.at is not None else None
    if request.tangent and len(every) > 1:
        raise UsageError("the tangent of a function of several variables is a plane", hint="add --gradient")
    expected = None
    if request.expect is not None:
        expected = (parse_value(request.expect) if point is not None and not request.tangent
                    else parse_expression(request.expect, allow_undefined_functions=True))
    times = f" ({len(variables)} passes)" if len(variables) > 1 else ""
    announce(f"differentiating{times}, checking against sympy.diff")
    result = derivation.answer(expression, variables, point, None if request.tangent else expected,
                               request.strict, request.simplify, domain=formula.domain)
    result.reading = _names_read(formula)
    if point is not None and request.order == 1 and len(every) == 1:
        result.tangent = derivation.tangent(expression, variables, point, [result.value], request.tangent)
        if request.tangent and expected is not None:
            derivation.expect_tangent(result, expected)
    return result


@dataclass
class RenderedRequest:
    """A line of a batch, to be computed and rendered (plain lines or a JSON record) in its worker."""

    job: object  # a top-level job function of this module
    request: object
    render: object  # the renderer's ``plain`` or ``to_json`` (top-level functions pickle by name)
    mode: str  # PLAIN or JSON
    steps: bool | None
    line: int


def rendered(request: RenderedRequest) -> Rendered:
    """Run a batch line's job and render its answer in the worker: only text crosses back, and
    the parent, which gathers every worker's answers, prints no sympy object."""
    return render_in_worker(request.render, request.mode, request.job(request.request), request.steps, request.line)


def prepare_batch(job) -> None:
    """Load, before a batch's workers are forked, what each of them would otherwise load for
    itself on its first line: diff's engine and the second engine of its cross-checks. Loaded
    once here, it is shared by every worker (and the results need the engine's classes here
    anyway, to be unpickled)."""
    if job is differentiate:
        from derivcli import derivation  # lazy: a command loads only its own engine

        derivation.load_second_engine()


def _names_read(formula) -> list[str]:
    """A note naming the multi-letter names read as one variable each (xy is a variable, not x·y)."""
    names = formula.names_read_whole()
    if not names:
        return []
    listed = ", ".join(names)
    runs = [name for name in names if name.isalpha() and name.isascii() and name not in GREEK_NAMES]
    hint = f" (for a product write {'*'.join(runs[0])})" if runs else ""
    return [f"read {listed} as {'one variable' if len(names) == 1 else 'variables, each one name'}{hint}"]


def _check_form_options(request: DifferentiationRequest) -> None:
    """Usage errors for options that do not go together, before any work."""
    if request.implicit is not None and request.form is not None:
        raise UsageError(f"--implicit and --{request.form} cannot be combined",
                         hint="--implicit differentiates an equation; the others a formula or a vector")
    if request.form is not None and request.order > 1:
        kind = "second" if request.form == "hessian" else "first"
        hint = "the matrix of second partials is --hessian" if request.form == "gradient" else None
        raise UsageError(f"the {request.form} is made of {kind} partial derivatives: --order does not apply",
                         hint=hint)
    if request.strict and request.form is not None:
        raise UsageError("--strict checks one derivative's tree", hint="give each partial derivative with --wrt")
    if request.tangent:
        if request.at is None:
            raise UsageError("--tangent needs the point: give it with --at")
        if request.order > 1 or request.form in ("hessian", "jacobian"):
            raise UsageError("--tangent is the first-order approximation at a point",
                             hint="use it without --order, --hessian or --jacobian")
    if request.vector and request.form is None:
        raise UsageError("--vector applies to --gradient, --hessian and --jacobian")


def _point_and_expected(request: DifferentiationRequest, symbols, shape: tuple, what: str):
    """The --at point over ``symbols`` and the --expect vector or matrix, checked against ``shape``."""
    from derivcli import derivation  # lazy: a command loads only its own engine

    point = parse_point(request.at, sorted_symbols(symbols)) if request.at is not None else None
    if request.expect is None:
        return point, None
    if request.tangent:
        return point, parse_expression(request.expect)
    read = parse_value if point is not None else parse_expression
    if len(shape) == 2:
        expected = parse_matrix(request.expect, read)
    else:
        expected = [read(text) for text in split_elements(request.expect)]
    derivation.check_shape(expected, shape, what)
    return point, expected


def _several(request: DifferentiationRequest, formula):
    """--gradient or --hessian of one formula, along the --wrt variables (default: all of them)."""
    from derivcli import derivation  # lazy: a command loads only its own engine

    expression = formula.expression
    variables = choose_variables(expression, request.wrt, several=True)
    if len(set(variables)) != len(variables):
        raise UsageError(f"--{request.form} takes each variable once", hint="give each --wrt once")
    symbols = expression.free_symbols | formula.domain_symbols() | set(variables)
    size = len(variables)
    shape = (size,) if request.form == "gradient" else (size, size)
    point, expected = _point_and_expected(request, symbols, shape, request.form)
    if request.form == "gradient":
        result = derivation.gradient(expression, variables, point, request.simplify, formula.domain,
                                     request.tangent)
    else:
        result = derivation.hessian(expression, variables, point, request.simplify, formula.domain)
    result.one_line = request.vector
    _expect(result, expected, request.tangent)
    return result


def _jacobian(request: DifferentiationRequest):
    """--jacobian of a vector of functions ``[f1, f2]`` (or ``f1, f2``): one gradient a row."""
    from derivcli import derivation  # lazy: a command loads only its own engine

    if request.implicit is not None:
        raise UsageError("--implicit differentiates one equation, not a vector")
    formulas = [parse_formula(text, allow_undefined_functions=True) for text in split_elements(request.expression)]
    functions = [formula.expression for formula in formulas]
    symbols = set().union(*(f.expression.free_symbols | f.domain_symbols() for f in formulas))
    if request.wrt:
        variables = choose_variables(functions[0], request.wrt, several=True)
        unused = [str(v) for v in variables if not any(v in f.free_symbols for f in functions)]
        if unused:
            raise UsageError(f"none of the functions depends on {', '.join(unused)}",
                             hint="--wrt names the variables of the functions")
    else:
        variables = sorted_symbols(symbols) or choose_variables(functions[0], several=True)
    point, expected = _point_and_expected(request, symbols | set(variables), (len(functions), len(variables)),
                                          "Jacobian")
    result = derivation.jacobian(functions, variables, point, request.simplify, [f.domain for f in formulas])
    result.one_line = request.vector
    _expect(result, expected, False)
    return result


def _expect(result, expected, tangent: bool) -> None:
    from derivcli import derivation  # lazy: a command loads only its own engine

    if expected is None:
        return
    if tangent:
        derivation.expect_tangent(result, expected)
    else:
        derivation.expect_elements(result, expected)


def _implicit(request: DifferentiationRequest, formula):
    """dy/dx (or dⁿy/dxⁿ with --order) of an equation, y the --implicit variable (default y)."""
    from derivcli import derivation  # lazy: a command loads only its own engine

    if formula.equation is None:
        raise UsageError("--implicit differentiates an equation, and this has no '='",
                         hint="write it as F = G, for example 'x**2 + y**2 = 1'")
    if request.strict:
        raise UsageError("--strict checks the tree of a formula's derivative, not of an equation")
    if request.form is not None:
        raise UsageError(f"--{request.form} takes a formula, not an equation",
                         hint="an equation is differentiated implicitly: leave out --" + request.form)
    left, right = formula.equation
    symbols = left.free_symbols | right.free_symbols
    dependent, independent = derivation.choose_implicit_variables(symbols, request.implicit, request.wrt)
    point = parse_point(request.at, sorted_symbols(symbols)) if request.at is not None else None
    expected = None
    if request.expect is not None:
        expected = (parse_value(request.expect) if point is not None and not request.tangent
                    else parse_expression(request.expect))
    return derivation.answer_implicit(left, right, dependent, independent, request.order, point, expected,
                                      request.simplify, request.tangent)


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
    expect_tolerance: float | None = None  # None: EXPECT_TOLERANCE
    plot: bool = True  # the loss map of a two-weight fit, drawn only in the terminal layout


EXPECT_TOLERANCE = 1e-6  # relative: a descent's end point is a decimal approximation of the minimum


def descend(request: DescentRequest):
    """Descend along the --wrt variables (default: all of f's); others keep their --from value.
    With --data, descend on the loss over the rows; with several --lr or --method, compare."""
    from derivcli import descent  # lazy: a command loads only its own engine

    if request.data is not None:
        return _descend_on_data(request)
    formula = parse_formula(request.expression)
    expression = formula.expression
    variables = choose_variables(expression, request.wrt, several=True)
    unused = [str(v) for v in variables if request.wrt and v not in expression.free_symbols]
    if unused:
        raise UsageError(f"f does not depend on {', '.join(unused)}", hint="--wrt names a variable of f")
    # the variables of the formula as written: x of sqrt(x)**2 - x, though sympy's f forgot it
    written = formula.domain_symbols() - set(variables) - expression.free_symbols
    point = parse_point(request.start, sorted_symbols(expression.free_symbols | set(variables) | written))
    fixed = {symbol: value for symbol, value in point.items() if symbol not in variables}
    if request.expect is not None:
        parse_point(request.expect, variables)  # a usage error before any work
    start = [point[v] for v in variables]

    def run_one(settings, progress=None):
        return descent.gradient_descent(
            expression.xreplace(fixed), variables, start, method=settings.method,
            learning_rate=settings.learning_rate, momentum=request.momentum,
            max_iterations=settings.max_iterations, tolerance=settings.tolerance, every=settings.every,
            progress=progress, domain=formula.domain, held=fixed,
        )

    if _compares(request):
        return _comparison(request, run_one, request.max_iterations)
    result = _with_progress(request, run_one, _settings(request, request.max_iterations))
    if request.expect is not None and result.converged:
        result.expectation = _compare_end_point(result, variables, request)
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
    formula = parse_formula(request.expression)
    objective = _read_objective(request, formula.expression)
    point = parse_point(request.start, list(objective.weights))
    start = [point[w] for w in objective.weights]
    iterations = request.epochs if request.epochs and request.batch_size is None else request.max_iterations
    schedule = descent.Schedule(request.batch_size, request.epochs, request.seed)

    def run_one(settings, progress=None):
        return descent.train(objective, start, settings, schedule, request.verify, domain=formula.domain,
                             sketch=request.plot)

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

    formula = parse_formula(request.expression)
    expression = formula.expression
    variables = choose_variables(expression, request.wrt, several=True, written=formula.domain_symbols())
    interval = parse_interval(request.interval)
    budget = request.timeout * ANALYSIS_BUDGET_SHARE
    announce(f"solving {_equations(variables)} (then a numeric search if need be)")
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
    if (point is not None or family is not None) and interval is not None:
        raise UsageError("--at and --in cannot be combined",
                         hint="--in restricts the search for critical points; --at names one point")
    kind = None
    if request.expect is not None:
        kind = analysis.expected_kind(request.expect)  # a usage error before any work when it names no kind
        if point is None and family is None:
            raise UsageError("--expect checks the kind of one point: give it with --at",
                             hint='deriv classify "x**2" --at 0 --expect minimum')
    budget = request.timeout * ANALYSIS_BUDGET_SHARE
    announce("classifying the point" if point is not None
             else f"solving {_equations(variables)} and classifying each point")
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


def _equations(variables) -> str:
    """What finding critical points solves: f′ = 0, or ∇f = 0 in several variables."""
    return "f′ = 0" if len(variables) == 1 else "∇f = 0"


# ---------------------------------------------------------------- pictures for --plot FILE (issue 17)

FIGURE_INFLECTION_SECONDS = 2.0  # a picture of f marks its inflection points, if found this quickly


@dataclass
class FigureRequest:
    """The data of a ``--plot`` picture, from a command's result (which crosses back into the worker)."""

    command: str
    result: object
    timeout: float = 20.0


def figure(request: FigureRequest):
    """Samples of what the command found, taken with deriv's real reading of f; nothing re-solved."""
    builders = {"diff": _derivative_figure, "critical": _points_figure, "classify": _points_figure,
                "descend": _descent_figure}
    announce("sampling the picture")
    return builders[request.command](request.result)


def _derivative_figure(result):
    """f and its derivative around --at (or on [-5, 5]), with the tangent at --at."""
    import sympy

    from derivcli import analysis  # lazy: a command loads only its own engine

    derivation = result.derivation
    expression, variable = derivation.expression, derivation.variables[0]
    if expression.atoms(sympy.core.function.AppliedUndef):
        raise UsageError("--plot draws formulas, not unspecified functions like f(x)")
    if len(set(derivation.variables)) > 1:
        raise UsageError("--plot draws a derivative in one variable, not a mixed partial")
    point = result.point or {}
    missing = sorted(str(symbol) for symbol in expression.free_symbols - {variable} if symbol not in point)
    if missing:
        raise UsageError(f"--plot draws f against {variable}: give {', '.join(missing)} a value with --at")
    fixed = {symbol: value for symbol, value in point.items() if symbol != variable}
    f, slope_function = expression.xreplace(fixed), derivation.result.xreplace(fixed)
    low, high = analysis.window_around([float(point[variable])], least=3.0) if variable in point else (-5.0, 5.0)
    name = result.name()
    curves = [analysis.Curve(f"f({variable})", analysis.sample(f, variable, low, high), "function", expression),
              analysis.Curve(f"{name}({variable})", analysis.sample(slope_function, variable, low, high), "derivative",
                             derivation.result)]
    marks = []
    if variable in point and result.value is not None:
        at = float(point[variable])
        height = analysis.real_value(f, [variable], [at])
        slope = to_float(result.value)
        if height is not None:
            marks.append(analysis.Mark(at, height, "point", f"{variable} = {format_point({variable: point[variable]}).split('=', 1)[1]}"))
            if slope is not None and len(derivation.variables) == 1:
                line = ((low, height + slope * (low - at)), (high, height + slope * (high - at)))
                curves.append(analysis.Curve(f"tangent at {variable} = {at:g} (slope {slope:.6g})", line, "tangent"))
    return analysis.Figure((analysis.Panel(f"f and {name}", str(variable), "", tuple(curves), tuple(marks)),))


def _points_figure(result):
    """f with its critical points marked by kind (and its inflection points): a curve for one
    variable, a contour map for two."""
    from derivcli import analysis  # lazy: a command loads only its own engine

    variables = tuple(result.variables)
    if len(variables) > 2:
        raise UsageError("--plot draws functions of one or two variables")
    if hasattr(result, "classifications"):
        marked = [(item.point, item.kind) for item in result.classifications]
    else:
        marked = [(point, "critical") for point in result.points]
    if len(variables) == 2:
        return _contour_figure(result.expression, variables, marked)
    variable = variables[0]
    inflections = getattr(result, "inflections", None)
    critical = result if not hasattr(result, "critical") else result.critical
    interval = critical.interval if critical is not None else None
    if inflections is None:
        inflections = analysis.inflection_points(result.expression, variable, interval, budget=FIGURE_INFLECTION_SECONDS)
    marked += [(point, "inflection") for point in inflections.points if (point, "inflection") not in marked]
    data = result.plot or analysis.plot_data(result.expression, variable, marked, interval)
    if data is None:
        data = analysis.PlotData(window=(-5.0, 5.0))
    low, high = data.window
    samples = analysis.sample(result.expression, variable, low, high)
    marks = tuple(analysis.Mark(x, y, kind, f"{variable} = {x:.6g}") for x, y, kind in _located(marked))
    curve = analysis.Curve(f"f({variable})", samples, "function", result.expression)
    return analysis.Figure((analysis.Panel(f"f({variable})", str(variable), f"f({variable})", (curve,), marks),))


def _located(marked):
    """(x, f(x), kind) of the points whose position and value are known numbers."""
    found = []
    for point, kind in marked:
        if point.numeric_coordinates and None not in point.numeric_coordinates and point.numeric_value is not None:
            found.append((*point.numeric_coordinates, point.numeric_value, kind))
    return found


def _contour_figure(expression, variables, marked):
    from derivcli import analysis  # lazy: a command loads only its own engine

    located = [(x, y, kind) for x, y, _, kind in _located(marked)]
    x_range = analysis.window_around([x for x, _, _ in located], least=1.0)
    y_range = analysis.window_around([y for _, y, _ in located], least=1.0)
    surface = analysis.sample_grid(expression, variables, x_range, y_range)
    marks = tuple(analysis.Mark(x, y, kind, f"{variables[0]} = {x:.6g}, {variables[1]} = {y:.6g}") for x, y, kind in located)
    names = ", ".join(map(str, variables))
    return analysis.Figure((analysis.Panel(f"contours of f({names})", str(variables[0]), str(variables[1]),
                                           marks=marks, surface=surface),))


def _descent_figure(result):
    """The loss curve, and the path: on f for one variable, on a contour map for two."""
    from derivcli import analysis  # lazy: a command loads only its own engine

    trace = result.trace
    values = [row.value for row in trace]
    logarithmic = bool(values) and min(values) > 0 and max(values) / min(values) > 1e3
    loss = analysis.Curve("f", tuple((row.iteration, row.value) for row in trace), "loss")
    ends = (analysis.Mark(trace[0].iteration, trace[0].value, "start", "start"),
            analysis.Mark(trace[-1].iteration, trace[-1].value, "end", result.reason.replace("_", " ")))
    panels = [analysis.Panel("f against the iteration", "iteration", "f", (loss,), ends, logarithmic=logarithmic)]
    symbols = {str(symbol): symbol for symbol in result.expression.free_symbols}
    variables = [symbols.get(name) for name in result.variables]
    start, end = trace[0].point, trace[-1].point
    if len(variables) == 1 and variables[0] is not None:
        low, high = analysis.window_around([row.point[0] for row in trace], least=1.0, share=0.3)
        curve = analysis.Curve(f"f({variables[0]})", analysis.sample(result.expression, variables[0], low, high),
                               "function", result.expression)
        steps = analysis.Curve("steps", tuple((row.point[0], row.value) for row in trace), "path")
        marks = (analysis.Mark(start[0], trace[0].value, "start", "start"),
                 analysis.Mark(end[0], trace[-1].value, "end", f"{result.variables[0]} = {end[0]:.6g}"))
        panels.append(analysis.Panel("the steps on f", result.variables[0], "f", (curve, steps), marks))
    elif len(variables) == 2 and None not in variables:
        x_range = analysis.window_around([row.point[0] for row in trace], least=0.5, share=0.3)
        y_range = analysis.window_around([row.point[1] for row in trace], least=0.5, share=0.3)
        surface = analysis.sample_grid(result.expression, variables, x_range, y_range)
        path = analysis.Curve("path", tuple((row.point[0], row.point[1]) for row in trace), "path")
        marks = (analysis.Mark(start[0], start[1], "start", "start"),
                 analysis.Mark(end[0], end[1], "end", f"({end[0]:.6g}, {end[1]:.6g})"))
        panels.append(analysis.Panel("the path on the contours of f", *result.variables, (path,), marks, surface))
    return analysis.Figure(tuple(panels))
