"""The analysis engine of `deriv critical` and `deriv classify`: one import for callers.

critical_points (critical.py) finds the points; classify_point (classification.py)
says what one point is; this module classifies them all, adds the closed-interval
method and the inflection points.  Engine code: it never prints and never exits.
"""

from __future__ import annotations

import sympy
from sympy import S

from .analysis_results import (
    KINDS,
    REASONS,
    TESTS,
    WORDS,
    AbsoluteExtrema,
    Classification,
    ClassifyResult,
    CriticalPoint,
    CriticalResult,
    Family,
    InflectionResult,
    PlotData,
)
from .calculus import HIGHEST_ORDER, attempt, derivative, first_nonzero_derivative, real_function, sign_of, to_float, value_at
from .classification import classify_family, classify_point, side_sign
from .critical import DEFAULT_BUDGET, PARAMETER, inside_interval, kink_candidates, merge_families, family_members, critical_point, split_solutions, Unsolved, critical_points

__all__ = [
    "KINDS",
    "WORDS",
    "TESTS",
    "REASONS",
    "CriticalPoint",
    "CriticalResult",
    "Family",
    "Classification",
    "ClassifyResult",
    "AbsoluteExtrema",
    "InflectionResult",
    "critical_points",
    "classify_point",
    "classify_critical_points",
    "absolute_extrema",
    "inflection_points",
    "plot_data",
    "critical_report",
    "classify_report",
]


def classify_critical_points(expr, variables, interval=None, inflections: bool = False, budget: float | None = DEFAULT_BUDGET) -> ClassifyResult:
    """Find every critical point and classify each; with an interval, the absolute extrema too."""
    variables = tuple(variables)
    critical = critical_points(expr, variables, interval, budget=budget and budget * 0.5)
    result = ClassifyResult(expression=expr, variables=variables, critical=critical)
    result.classifications = tuple(
        classify_point(expr, variables, point.as_dict(), budget=budget and budget * 0.25, critical=point) for point in critical.points
    )
    if len(variables) == 1 and not (interval and all(end.is_finite for end in critical.interval)):
        classified = []
        for family in critical.families:
            classified += classify_family(expr, variables[0], family, budget=budget and budget * 0.1)
        result.family_classifications = tuple(classified)
    if len(variables) == 1 and interval and all(end.is_finite for end in critical.interval):
        result.absolute = absolute_extrema(expr, variables[0], critical, budget=budget and budget * 0.1)
    if inflections and len(variables) == 1:
        result.inflections = inflection_points(expr, variables[0], interval, budget=budget and budget * 0.3)
    return result


def absolute_extrema(expr, variable, critical: CriticalResult, budget: float | None = 2.0) -> AbsoluteExtrema:
    """The closed-interval method: compare f at the critical points and at both ends of [a, b]."""
    low, high = critical.interval
    result = AbsoluteExtrema(interval=(low, high))
    f = real_function(expr)
    from sympy.calculus.util import continuous_domain

    solved, domain = attempt(lambda: continuous_domain(f, variable, sympy.Interval(low, high)), budget)
    if not solved or not isinstance(domain, sympy.Set):
        result.applicable = False
        result.reason = "could not verify that f is continuous on the closed interval"
        return result
    if domain != sympy.Interval(low, high):
        result.applicable = False
        gaps = sympy.Complement(sympy.Interval(low, high), domain)
        where = ", ".join(f"{variable} = {sympy.sstr(item)}" for item in gaps) if isinstance(gaps, sympy.FiniteSet) else sympy.sstr(gaps)
        result.reason = f"f is not continuous on [{low}, {high}] (not at {where}): the closed-interval method does not apply"
        return result
    candidates = list(critical.points) + [point for point in critical.endpoints if point.value is not None]
    if not candidates:
        result.applicable = False
        result.reason = "no candidate points"
        return result
    result.candidates = tuple(candidates)
    result.approximate = not critical.complete or any(point.approximate for point in candidates)
    if not critical.complete:
        result.reason = "the search for critical points was incomplete, so these extrema are not certain"
    ordered = sorted(candidates, key=lambda point: to_float(point.value))
    result.minimum_value = ordered[0].value
    result.maximum_value = ordered[-1].value
    result.minimum = tuple(point for point in candidates if _same(point.value, ordered[0].value))
    result.maximum = tuple(point for point in candidates if _same(point.value, ordered[-1].value))
    return result


def _same(first, second) -> bool:
    difference = sign_of(first - second)
    if difference is None:
        return abs(to_float(first) - to_float(second)) < 1e-12
    return difference == 0


def inflection_points(expr, variable, interval=None, budget: float | None = 4.0) -> InflectionResult:
    """Points where f″ changes sign (and f is continuous): not merely where f″ = 0."""
    x = variable
    f = real_function(expr)
    first = derivative(f, x)
    second = derivative(f, x, 2)
    if interval is not None:
        interval = (sympy.sympify(interval[0], strict=True), sympy.sympify(interval[1], strict=True))
    result = InflectionResult(expression=expr, variable=x, second_derivative=second)
    notes = []
    if x not in f.free_symbols or second.is_zero:
        notes.append("f″ = 0 everywhere: f has no inflection points")
        result.notes = tuple(notes)
        return result
    solved, solution_set = attempt(lambda: sympy.solveset(second, x, S.Reals), budget and budget * 0.4)
    zeros, family_exprs = [], []
    if solved:
        try:
            zeros, family_exprs, _ = split_solutions(solution_set, x)
        except Unsolved:
            solved = False
    if not solved:
        result.complete = False
        notes.append("the symbolic solver could not solve f″ = 0")
    unsolved: list = []
    kinks, kink_families = kink_candidates(first, second, x, budget, unsolved)
    # where f′ itself does not exist, f″ does not either (a cusp or a vertical tangent)
    more, more_families = kink_candidates(f, first, x, budget, unsolved)
    if unsolved:
        result.complete = False
        notes.append("could not find every point where f″ may not exist")
    candidates = []
    for item in list(zeros) + list(kinks) + list(more):
        if item not in candidates:
            candidates.append(item)
    for family_expr in merge_families(family_exprs + kink_families + more_families):
        if interval and all(end.is_finite for end in interval):
            members, whole = family_members(family_expr, interval)
            candidates += [member for member in members if member not in candidates]
            result.complete = result.complete and whole
        else:
            family = Family(variables=(x,), coordinates=(family_expr,), parameter=PARAMETER, reason="second_derivative_zero")
            verdict = _family_changes_sign(second, x, family_expr, family.parameter)
            if verdict is True:
                result.families += (family,)
            elif verdict is None:
                result.complete = False
                notes.append(f"could not decide whether f″ changes sign at {x} = {family_expr}; give --in a:b")
    points, rejected = [], []
    for candidate in sorted(candidates, key=lambda item: to_float(item) or 0.0):
        if interval and inside_interval(candidate, interval) is False:
            continue
        value = value_at(f, {x: candidate})
        if value is None:
            continue
        point = critical_point((x,), (candidate,), value, reason="second_derivative_zero")
        changes = _changes_sign(second, x, candidate) if value_at(second, {x: candidate}) is not None else None
        if changes is not None:
            (points if changes else rejected).append(point)
            continue
        left = side_sign(second, x, candidate, -1, budget and budget * 0.1)
        right = side_sign(second, x, candidate, 1, budget and budget * 0.1)
        if left is None or right is None:
            result.complete = False
            notes.append(f"could not tell the sign of f″ on both sides of {x} = {candidate}")
        elif left != right:
            points.append(point)
        else:
            rejected.append(point)
    result.points = tuple(points)
    result.rejected = tuple(rejected)
    result.notes = tuple(notes)
    return result


def _family_changes_sign(second, x, member, parameter):
    """True / False / None: does f″ change sign at every member of x = member(n)?

    Decided for all n at once, or separately for even and odd n.
    """
    verdict = _changes_sign(second, x, member)
    if verdict is not None:
        return verdict
    halves = [_changes_sign(second, x, sympy.expand(member.subs(parameter, 2 * parameter + remainder))) for remainder in (0, 1)]
    if halves[0] is not None and halves[0] == halves[1]:
        return halves[0]
    return None


def _changes_sign(second, x, member):
    """True / False / None: f″(c) = 0 and its first non-zero derivative at c has odd order."""
    if sign_of(value_at(second, {x: member})) != 0:
        return None
    found = first_nonzero_derivative(second, x, member, range(1, HIGHEST_ORDER - 1))
    return None if found is None else found[0] % 2 == 1


def plot_data(expr, variable, points, interval=None, families=(), columns: int = 64) -> PlotData | None:
    """Samples of f for a text plot around the points (or on the interval); marks are (x, f(x), label).

    ``points`` are (CriticalPoint, label) pairs, ``families`` (Family, label) pairs.
    Sampling only: nothing is solved here.
    """
    import math

    located = [(point.numeric_coordinates[0], point.numeric_value, label) for point, label in points]
    located = [item for item in located if item[0] is not None and item[1] is not None]
    if interval and all(end.is_finite for end in interval):
        low, high = float(interval[0]), float(interval[1])
    elif located:
        low, high = min(item[0] for item in located), max(item[0] for item in located)
        pad = max(1.0, 0.5 * (high - low))
        low, high = low - pad, high + pad
    elif families:
        # symmetric about 0, wide enough for a period and the members nearest 0
        reach = []
        for family, _ in families:
            step = to_float(abs(sympy.expand(family.coordinates[0]).coeff(family.parameter, 1)))
            first = to_float(family.coordinates[0].subs(family.parameter, 0))
            if step is not None and first is not None:
                reach.append(max(step, abs(first)))
        if not reach:
            return None
        low, high = -max(reach), max(reach)
    else:
        return None
    f = real_function(expr)
    try:
        compiled = sympy.lambdify([variable], f, modules=["math"])
    except Exception:
        return None
    samples = []
    for index in range(columns):
        position = low + (high - low) * index / (columns - 1)
        try:
            value = float(compiled(position))
            value = value if math.isfinite(value) else None
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            value = None
        samples.append((position, value))
    if families and not (interval and all(end.is_finite for end in interval)):
        for family, label in families:
            for index in range(-40, 41):
                member = to_float(family.coordinates[0].subs(family.parameter, index))
                if member is not None and low <= member <= high:
                    value = to_float(f.subs(variable, family.coordinates[0].subs(family.parameter, index)))
                    if value is not None:
                        located.append((member, value, label))
    return PlotData(window=(low, high), samples=tuple(samples), marks=tuple(located))


# ---------------------------------------------------------------- what the commands ask for


def critical_report(expr, variables, interval=None, budget: float | None = DEFAULT_BUDGET, plot: bool = False) -> CriticalResult:
    """`deriv critical`: the points, a plot for a terminal, and a problem when nothing could be found."""
    result = critical_points(expr, variables, interval, budget=budget)
    if plot and len(result.variables) == 1 and not result.constant:
        result.plot = _safe_plot(expr, result.variables[0], [(point, "critical") for point in result.points], result.interval, [(family, "critical") for family in result.families])
    result.problems = _problems(result)
    return result


def classify_report(
    expr, variables, point=None, interval=None, inflections: bool = False, budget: float | None = DEFAULT_BUDGET, plot: bool = False
) -> ClassifyResult:
    """`deriv classify`: the given point, or every critical point, classified; extras on request."""
    variables = tuple(variables)
    if point is not None:
        answer = classify_point(expr, variables, point, budget=budget)
        result = ClassifyResult(expression=expr, variables=variables, classifications=(answer,))
        if inflections and len(variables) == 1:
            result.inflections = inflection_points(expr, variables[0], interval, budget=budget and budget * 0.3)
        marks = [(answer.point, answer.kind)]
    else:
        result = classify_critical_points(expr, variables, interval, inflections=inflections, budget=budget)
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


def _safe_plot(expr, variable, marks, interval, families):
    try:
        return plot_data(expr, variable, marks, interval, families)
    except Exception:  # a picture is optional; never fail the answer for it
        return None


def _problems(critical: CriticalResult) -> list:
    """An incomplete search that found nothing is a failure, not an empty answer:
    exit 4 when time ran out, exit 3 when the solvers could not do it."""
    from .errors import NoAnswerError, ResourceLimitError

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
