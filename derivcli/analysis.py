"""The analysis engine of `deriv critical` and `deriv classify`: one import for callers.

critical_points (critical.py) finds the points; classify_point (classification.py)
says what one point is; this module classifies them all, adds the closed-interval
method and the inflection points.  Engine code: it never prints and never exits.
"""

from __future__ import annotations

import itertools

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
from .calculus import HIGHEST_ORDER, attempt, derivative, first_nonzero_derivative, is_finite_real, real_function, sign_of, to_float, value_at
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
    along = value_at(f, dict(zip(variables, family.coordinates)))
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
    return _compare(result, candidates, critical.complete)


def _compare(result: AbsoluteExtrema, candidates: list, complete: bool) -> AbsoluteExtrema:
    """The smallest and the largest f among the candidates (every point that attains them)."""
    if not candidates:
        return _not_applicable(result, "no candidate points")
    result.candidates = tuple(candidates)
    result.approximate = not complete or any(point.approximate for point in candidates)
    if not complete:
        result.reason = "the search for critical points was incomplete, so these extrema are not certain"
    ranked = sorted(candidates, key=lambda point: to_float(point.value))
    result.minimum_value, result.maximum_value = ranked[0].value, ranked[-1].value
    result.minimum = tuple(point for point in candidates if _same(point.value, ranked[0].value))
    result.maximum = tuple(point for point in candidates if _same(point.value, ranked[-1].value))
    return result


MOST_BOX_VARIABLES = 3  # 27 faces of a cube; more would be slow to search and to read
_CONTINUOUS = (
    sympy.exp, sympy.sin, sympy.cos, sympy.atan, sympy.sinh, sympy.cosh, sympy.tanh, sympy.asinh, sympy.erf,
    sympy.Abs, sympy.Max, sympy.Min,
)


def continuous_on_box(expr, variables, interval) -> bool:
    """True when the formula is provably continuous on the box [a, b]ⁿ: built from sums, products,
    functions continuous everywhere (exp, sin, |u|, min, max …), real odd roots, and powers and logs
    whose bases keep their sign on the box (bounded by interval arithmetic).  False means "not
    verified", not "discontinuous"."""
    box = {variable: sympy.AccumBounds(*interval) for variable in variables}

    def bounds(base):
        """(lowest, highest) of base over the box, by interval arithmetic (wider, never narrower)."""
        try:
            found = base.xreplace(box)
        except Exception:  # interval arithmetic has no rule for some function: not verified
            return None, None
        if isinstance(found, sympy.AccumBounds):
            return found.min, found.max
        return (found, found) if is_finite_real(found) else (None, None)

    def sign_on_box(base):
        lowest, highest = bounds(base)
        if lowest is None:
            return None
        if sign_of(lowest) == 1:
            return 1
        if sign_of(highest) == -1:
            return -1
        return 0 if sign_of(lowest) == 0 else None

    for node in sympy.preorder_traversal(expr):
        if node.is_Atom or node.is_Add or node.is_Mul or isinstance(node, _CONTINUOUS):
            continue
        if node.is_Pow:
            base, exponent = node.as_base_exp()
            if exponent.is_Integer and exponent > 0:
                continue
            if exponent.is_Rational and exponent > 0 and exponent.q % 2 == 1:
                continue  # a real odd root: continuous where its base is 0 too
            side = sign_on_box(base)
            if side == 1 or (side == -1 and exponent.is_Integer) or (side == 0 and exponent.is_positive):
                continue
            return False
        if isinstance(node, sympy.log) and sign_on_box(node.args[0]) == 1:
            continue
        return False
    return True


def absolute_extrema_on_box(expr, variables, critical: CriticalResult, budget: float | None = 4.0) -> AbsoluteExtrema:
    """The closed-box method on [a, b]ⁿ: f at the interior critical points, at the critical points
    of f restricted to every face and edge, and at the corners; the smallest and the largest win."""
    low, high = critical.interval
    result = AbsoluteExtrema(interval=(low, high))
    f = real_function(expr)
    if len(variables) > MOST_BOX_VARIABLES:
        return _not_applicable(result, f"the closed-box method is done for at most {MOST_BOX_VARIABLES} variables")
    if not continuous_on_box(expr, variables, (low, high)):
        return _not_applicable(result, "could not verify that f is continuous on the box: the closed-box method needs it")
    candidates = {point.coordinates: point for point in critical.points}
    from .guard import run_with_budget

    finished, outcome = run_with_budget(lambda: _boundary_candidates(f, variables, critical, (low, high), budget, candidates), budget)
    if not finished:
        return _not_applicable(result, "the search of the box's faces and edges ran out of time")
    complete, refusal = outcome
    if refusal:
        return _not_applicable(result, refusal)
    result = _compare(result, [point for point in candidates.values() if point.value is not None], complete)
    if not result.applicable:
        return result
    lines = _extreme_lines(f, variables, critical.families, result)
    if lines:
        result.reason = "; ".join(filter(None, [result.reason] + lines))
    return result


def _boundary_candidates(f, variables, critical: CriticalResult, interval, budget, candidates: dict):
    """Add the candidates on lines of critical points and on every face, edge and corner of the box
    to ``candidates``; (complete, refusal), where a refusal says why the method cannot be used."""
    complete = critical.complete
    for family in critical.families:
        found, settled = _segment_candidates(f, variables, family, interval, budget)
        if found is None:
            return complete, "critical points fill a curve inside the box that deriv cannot follow"
        complete = complete and settled
        for point in found:
            candidates.setdefault(point.coordinates, point)
    low, high = interval
    for fixed_count in range(1, len(variables) + 1):
        for fixed in itertools.combinations(range(len(variables)), fixed_count):
            for ends in itertools.product((low, high), repeat=fixed_count):
                pinned = {variables[index]: end for index, end in zip(fixed, ends)}
                found, settled = _face_candidates(f, variables, pinned, interval, budget)
                complete = complete and settled
                if found is None:
                    return complete, "f restricted to the boundary has critical points on a whole curve"
                for point in found:
                    candidates.setdefault(point.coordinates, point)
    return complete, None


def _extreme_lines(f, variables, families, result: AbsoluteExtrema) -> list[str]:
    """Say so when f takes its smallest or largest value along a whole line (listed by its ends)."""
    from .parsing import format_point

    said = []
    for family in families:
        along = f.xreplace(dict(zip(variables, family.coordinates)))
        if family.parameter in along.free_symbols or not is_finite_real(along):
            continue
        line = format_point(dict(zip(variables, family.coordinates)))
        for word, value in (("minimum", result.minimum_value), ("maximum", result.maximum_value)):
            if _same(along, value):
                said.append(f"the absolute {word} is taken all along {line} ({family.parameter} real) where it lies in the box")
    return said


def _face_candidates(f, variables, pinned: dict, interval, budget):
    """(points, complete) on one face of the box: the variables in ``pinned`` held at an end.

    None for the points when f on the face has a curve of critical points.
    """
    free = [variable for variable in variables if variable not in pinned]
    if not free:
        value = value_at(f, pinned)
        return [critical_point(variables, tuple(pinned[variable] for variable in variables), value, reason="boundary")], True
    restricted = f.xreplace(pinned)
    if not any(variable in restricted.free_symbols for variable in free):
        return [], True  # f does not change along this face: its corners carry its value
    found = critical_points(restricted, free, interval, budget=budget and budget * 0.1)
    if _unlisted_families(found):
        return None, found.complete
    points = []
    for point in found.points:
        where = {**pinned, **point.as_dict()}
        coordinates = tuple(where[variable] for variable in variables)
        points.append(critical_point(variables, coordinates, value_at(f, where), reason="boundary", approximate=point.approximate))
    return points, found.complete


def _segment_candidates(f, variables, family, interval, budget):
    """(points, complete) along a line of critical points (x = t, y = 2 − t …) inside the box:
    f on the line is a function of t, searched on the stretch of t that stays in the box.

    None for the points when the curve is not a line (its stretch in the box is not an interval).
    """
    low, high = interval
    t = family.parameter
    ends = []
    for coordinate in family.coordinates:
        step = sympy.diff(coordinate, t)
        if step.free_symbols or sympy.diff(step, t) != 0:
            return _point_of_level_curve(f, variables, family, interval)  # not a line in t
        if step == 0:
            if inside_interval(coordinate, interval) is False:
                return [], True  # the line passes outside the box
            continue
        first, second = sorted([(low - coordinate.subs(t, 0)) / step, (high - coordinate.subs(t, 0)) / step], key=float)
        ends.append((first, second))
    if not ends:
        return None, False
    start = max((first for first, _ in ends), key=float)
    stop = min((second for _, second in ends), key=float)
    if sign_of(stop - start) != 1:
        return [], True  # the line only touches the box (a corner), or misses it: the faces cover it
    along = f.xreplace(dict(zip(variables, family.coordinates)))
    if t not in along.free_symbols:
        found_points = [start, stop]  # f is constant on the line: any point of it carries the value
        complete = True
    else:
        found = critical_points(along, [t], (start, stop), budget=budget and budget * 0.1)
        if _unlisted_families(found):
            return None, False
        found_points = [point.coordinates[0] for point in found.points] + [start, stop]
        complete = found.complete
    points = []
    for value in found_points:
        coordinates = tuple(sympy.expand(coordinate.subs(t, value)) for coordinate in family.coordinates)
        where = dict(zip(variables, coordinates))
        points.append(critical_point(variables, coordinates, value_at(f, where), reason=family.reason))
    return points, complete


def _point_of_level_curve(f, variables, family, interval):
    """A curve of critical points (the unit circle of (x²+y²)·e^(−x²−y²)) on which f is constant:
    one of its points inside the box carries its value.  (None, False) when f is not constant on
    it, or when no point of it inside the box turns up: then the method cannot be used, since the
    curve might still cross the box and hold the largest or smallest value."""
    along = f.xreplace(dict(zip(variables, family.coordinates)))
    if family.reason != "gradient_zero" or family.parameter in along.free_symbols:
        return None, False
    low, high = (float(end) for end in interval)
    for index in range(41):
        value = sympy.Rational(index, 40) * (interval[1] - interval[0]) + interval[0]
        coordinates = tuple(coordinate.subs(family.parameter, value) for coordinate in family.coordinates)
        numbers = [to_float(coordinate) for coordinate in coordinates]
        if all(number is not None and low <= number <= high for number in numbers):
            point = dict(zip(variables, coordinates))
            return [critical_point(variables, coordinates, value_at(f, point), reason=family.reason)], True
    return None, False


def _unlisted_families(found: CriticalResult) -> bool:
    """True when some family of critical points (a line, or too many members) is not listed point by point."""
    return any(family.parameter_kind != "integer" or not family.members_complete for family in found.families)


def _not_applicable(result: AbsoluteExtrema, reason: str) -> AbsoluteExtrema:
    result.applicable = False
    result.reason = reason
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
