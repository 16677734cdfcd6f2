"""What `deriv critical` and `deriv classify` answer: every critical point classified, the
absolute extrema of a closed interval or box, inflections, a plot, and the problems to report.

critical_points (critical.py) finds the points; classify_point (classification.py) says what one
point is; this module puts them together for the commands.  Engine code: it never prints.
"""

from __future__ import annotations


import sympy

from derivcli.calculus import derivative, real_function, real_value, sign_of
from derivcli.errors import NoAnswerError, ResourceLimitError
from derivcli.parsing import domain_violation, format_point

from .results import Classification, ClassifyResult, CriticalResult, Family
from .classification import classify_family, classify_point
from .critical import DEFAULT_BUDGET, critical_point, critical_points
from .extrema import absolute_extrema, absolute_extrema_on_box
from .inflections import inflection_points
from .plot import plot_data


def classify_critical_points(expr, variables, interval=None, inflections: bool = False, budget: float | None = DEFAULT_BUDGET,
                             domain=()) -> ClassifyResult:
    """Find every critical point and classify each; with an interval, the absolute extrema too."""
    variables = tuple(variables)
    critical = critical_points(expr, variables, interval, budget=budget and budget * 0.5, domain=domain)
    result = ClassifyResult(expression=expr, variables=variables, critical=critical)
    result.classifications = tuple(
        classify_point(expr, variables, point.as_dict(), budget=budget and budget * 0.25, critical=point) for point in critical.points
    )
    if len(variables) == 1 and not (interval and all(end.is_finite for end in critical.interval)):
        classified = []
        for family in critical.families:
            classified += classify_family(expr, variables[0], family, budget=budget and budget * 0.1)
        result.family_classifications = tuple(classified)
    elif len(variables) > 1:
        result.family_classifications = tuple(_curve_of_points(expr, variables, family) for family in critical.families)
    if len(variables) == 1 and interval and all(end.is_finite for end in critical.interval):
        result.absolute = absolute_extrema(expr, variables[0], critical, budget=budget and budget * 0.1)
    elif interval and all(end.is_finite for end in critical.interval):
        result.absolute = absolute_extrema_on_box(expr, variables, critical, budget=budget and budget * 0.2)
    if inflections and len(variables) == 1:
        result.inflections = inflection_points(expr, variables[0], interval, budget=budget and budget * 0.3)
    return result


def _curve_of_points(expr, variables, family) -> Classification:
    """A line or curve of critical points in several variables: no test here decides what its
    points are (the Hessian is singular along it), but f is constant along a curve where ∇f = 0."""
    f = real_function(expr)
    along = real_value(f, dict(zip(variables, family.coordinates)))
    point = critical_point(variables, family.coordinates, along, reason=family.reason)
    answer = Classification(point=point, kind="inconclusive", test="none", family=family)
    if family.reason == "gradient_zero":
        constant = along is not None and not (along.free_symbols & {family.parameter})
        answer.explanation = (
            "∇f = 0 all along this curve of points, so the Hessian is singular there and its test cannot decide"
            + (f"; f is constant on it (f = {sympy.sstr(along)})" if constant else "")
        )
        if constant:
            answer.values["f on the curve"] = along
    else:
        answer.explanation = "∇f does not exist all along this line: the Hessian test does not apply"
    return answer


def critical_report(expr, variables, interval=None, budget: float | None = DEFAULT_BUDGET, plot: bool = False,
                    domain=()) -> CriticalResult:
    """`deriv critical`: the points, a plot for a terminal, and a problem when nothing could be found."""
    result = critical_points(expr, variables, interval, budget=budget, domain=domain)
    if plot and len(result.variables) == 1 and not result.constant:
        result.plot = _safe_plot(expr, result.variables[0], [(point, "critical") for point in result.points], result.interval, [(family, "critical") for family in result.families])
    result.problems = _problems(result)
    return result


def classify_report(
    expr, variables, point=None, interval=None, inflections: bool = False, budget: float | None = DEFAULT_BUDGET, plot: bool = False,
    domain=(), family: Family | None = None,
) -> ClassifyResult:
    """`deriv classify`: the given point (or family of points), or every critical point, classified;
    extras on request.  ``domain``: the conditions of the formula as written (parsing.Formula.domain)."""
    variables = tuple(variables)
    if family is not None:
        return _classify_given_family(expr, variables, family, budget)
    if point is not None:
        outside = domain_violation(domain, point)
        if outside is not None:
            raise NoAnswerError(f"f is not defined at {format_point(point)} as written: {outside}")
        answer = classify_point(expr, variables, point, budget=budget)
        result = ClassifyResult(expression=expr, variables=variables, classifications=(answer,))
        if inflections and len(variables) == 1:
            result.inflections = inflection_points(expr, variables[0], interval, budget=budget and budget * 0.3)
        marks = [(answer.point, answer.kind)]
    else:
        result = classify_critical_points(expr, variables, interval, inflections=inflections, budget=budget, domain=domain)
        result.problems = _problems(result.critical)
        marks = [(item.point, item.kind) for item in result.classifications]
    if plot and len(variables) == 1 and not (result.critical and result.critical.constant):
        if result.inflections is not None:
            marks += [(item, "inflection") for item in result.inflections.points]
        if result.critical is not None:
            marks = [(item, "endpoint") for item in result.critical.endpoints if item.value is not None] + marks
        families = [(item.family, item.kind) for item in result.family_classifications]
        window = result.critical.interval if result.critical is not None else interval
        result.plot = _safe_plot(expr, variables[0], marks, window, families)
    return result


def _classify_given_family(expr, variables, family: Family, budget) -> ClassifyResult:
    """classify --at a family or a flat stretch, as critical prints them: a stretch must be one
    where f is constant, and a family's members must be critical points."""
    result = ClassifyResult(expression=expr, variables=variables)
    if len(variables) > 1:
        result.family_classifications = (_curve_of_points(expr, variables, family),)
        return result
    answers = classify_family(expr, variables[0], family, budget=budget)
    if family.parameter_kind == "interval":
        answers = [_flat_or_not(expr, variables[0], family, answer) for answer in answers]
    result.family_classifications = tuple(answers)
    return result


def _flat_or_not(expr, variable, stretch: Family, answer: Classification) -> Classification:
    """A stretch given with --at is a stretch of critical points only where f′ = 0 all along it."""
    d = derivative(real_function(expr), variable)
    low, high = stretch.low, stretch.high
    samples = [low + (high - low) * sympy.Rational(k, 8) for k in range(1, 8)] if low.is_finite and high.is_finite else \
        [(low if low.is_finite else high) + step * (1 if low.is_finite else -1) for step in (sympy.Rational(1, 2), 1, 2, 5)]
    moving = [value for value in samples if sign_of(real_value(d, {variable: value})) not in (0,)]
    if moving:
        answer.kind, answer.test = "not_critical", "derivative_sign"
        answer.explanation = f"f is not constant on {stretch.text()}: f′({sympy.sstr(moving[0])}) ≠ 0"
    return answer


def _safe_plot(expr, variable, marks, interval, families):
    try:
        return plot_data(expr, variable, marks, interval, families)
    except Exception:  # a picture is optional; never fail the answer for it
        return None


def _problems(critical: CriticalResult) -> list:
    """An incomplete search that found nothing is a failure, not an empty answer:
    exit 4 when time ran out, exit 3 when the solvers could not do it."""
    if critical is None or critical.complete or critical.points or critical.families or critical.constant:
        return []
    if any("ran out of time" in note for note in critical.notes):
        return [
            ResourceLimitError(
                "the search for critical points ran out of time and found nothing",
                hint="try --in a:b to search a window, or a longer --timeout",
            )
        ]
    return [
        NoAnswerError(
            "no critical point was found, but the search was incomplete (the equations could not be solved exactly)",
            hint="try --in a:b to search another window numerically",
        )
    ]
