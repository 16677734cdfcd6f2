"""gradient_descent: the story of one run, step by named step."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import sympy

from derivcli.descent.compiling import Functions, compile_functions
from derivcli.descent.diagnosis import Course, hint_for, largest_curvature, stability
from derivcli.descent.domain import Domain
from derivcli.descent.loops import build_loop, run_loop
from derivcli.descent.minimum import check_minimum
from derivcli.descent.path import scales_of
from derivcli.descent.results import DescentResult
from derivcli.descent.start import (
    Settings, Start, check_defined_at_start, check_variables, look_at_start, read_settings, start_point,
)
from derivcli.descent.stopping import Stop, finish_trace, newton_warnings, read_stop, rule_out_linear


def gradient_descent(
    expr: sympy.Expr,
    variables: Sequence[sympy.Symbol],
    start,
    method: str = "gd",
    learning_rate: float | None = None,
    momentum: float = 0.9,
    max_iterations: int = 1000,
    tolerance: float = 1e-10,
    every: int = 1,
    progress: Callable[[int, int], None] | None = None,
    domain: Sequence = (),
    held: Mapping | None = None,
    _suggest: bool = True,
) -> DescentResult:
    """Minimise ``expr`` over ``variables`` from ``start`` and say why the run stopped.

    ``learning_rate`` defaults to 0.1 for gd and momentum and to 1 (the full Newton step) for
    newton.  ``start`` is a mapping from the variables to numbers, or a sequence in their order.
    ``progress(iteration, max_iterations)`` is called between chunks of a long run.  ``domain``
    holds the conditions of f as written (parsing.Formula.domain): a start outside it is refused,
    a path that leaves it ends as LEFT_DOMAIN; ``held`` gives the values of the other symbols
    they mention (those of the formula held at their start value, not descended along).
    ``_suggest=False`` skips the trial runs behind a hint (the trials themselves).
    """
    settings = read_settings(method, learning_rate, momentum, max_iterations, tolerance, every)
    variables = check_variables(expr, variables)
    point = start_point(start, variables)
    domain = Domain(tuple(domain), variables, dict(held or {}))
    domain.check_start(_start_values(start, variables))
    functions = compile_functions(expr, variables, needs_hessian=settings.method == "newton")
    loop = build_loop(functions.compiled, settings.method)
    check_defined_at_start(functions, point, start)
    begin = look_at_start(functions, point, settings)
    run = run_loop(loop, begin, settings, progress)
    stop = read_stop(run, functions, settings, begin)
    finish_trace(run.trace, stop)
    domain.check_path(stop, run.trace)
    rule_out_linear(stop, expr, variables)
    warnings = list(begin.warnings)
    newton_warnings(warnings, functions.names, settings, stop, run.nonpositive_steps)
    scales = scales_of(begin.point, begin.value, begin.gradient_norm, run.trace, stop.point)
    classification = check_minimum(stop, functions, begin, scales, settings.tolerance, warnings)
    final_curvature = largest_curvature(functions, stop.point)
    stable = stability(settings.method, begin.curvature, settings.momentum)

    def try_rate(rate: float, iterations: int, tolerance: float | None = None) -> DescentResult:
        return gradient_descent(expr, variables, point, method=settings.method, learning_rate=rate,
                                momentum=settings.momentum, max_iterations=iterations,
                                tolerance=settings.tolerance if tolerance is None else tolerance,
                                every=max(1, iterations // 1000), domain=domain.conditions, held=domain.held,
                                _suggest=False)

    course = Course(run.trace, scales, classification)
    hint = hint_for(stop, functions, settings, begin, stable, final_curvature, try_rate if _suggest else None, course)
    return _result(functions, settings, begin, stop, run.trace, warnings, hint, stable, classification,
                   final_curvature)


def _start_values(start, variables) -> list:
    """The start as given (exact numbers stay exact), in the order of the variables."""
    return [start[v] for v in variables] if isinstance(start, Mapping) else list(start)


def _result(functions: Functions, settings: Settings, begin: Start, stop: Stop, trace, warnings, hint, stable,
            classification, final_curvature) -> DescentResult:
    """The result object of a finished run."""
    return DescentResult(
        expression=functions.expression,
        variables=functions.names,
        gradient=functions.compiled.original_gradient(),
        method=settings.method,
        learning_rate=settings.learning_rate,
        momentum=settings.momentum,
        tolerance=float(settings.tolerance),
        max_iterations=settings.max_iterations,
        every=settings.every,
        start=begin.point,
        point=stop.point,
        value=float(stop.value),
        gradient_norm=float(stop.gradient_norm),
        iterations=int(stop.iterations),
        converged=stop.converged,
        reason=stop.reason,
        message=stop.message,
        hint=hint,
        warnings=warnings,
        trace=trace,
        curvature=begin.curvature,
        stable_learning_rate=stable,
        classification=classification,
        final_curvature=final_curvature,
    )
