"""Absolute extrema on a closed interval or box: the closed-interval method.

On [a, b] the candidates are the critical points inside and the ends; on a box [a, b]ⁿ (up to
three variables) they are the critical points inside, the critical points of f on every face and
edge, the corners, and lines of critical points followed along their parameter.  The method is
refused, with the reason, where f is not provably continuous there.
"""

from __future__ import annotations

import itertools

import sympy
from sympy.calculus.util import continuous_domain

from derivcli.calculus import attempt, is_finite_real, real_function, real_value, sign_of, to_float
from derivcli.guard import run_with_budget
from derivcli.parsing import format_point

from .results import AbsoluteExtrema, CriticalResult
from .critical import inside_interval, critical_point, critical_points


def absolute_extrema(expr, variable, critical: CriticalResult, budget: float | None = 2.0) -> AbsoluteExtrema:
    """The closed-interval method: compare f at the critical points and at both ends of [a, b]."""
    low, high = critical.interval
    result = AbsoluteExtrema(interval=(low, high))
    f = real_function(expr)
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
    candidates += [critical_point((variable,), (end,), real_value(f, {variable: end}), reason="derivative_zero")
                   for family in critical.families if family.parameter_kind == "interval"
                   for end in (family.low, family.high)]
    return _compare(result, _distinct(candidates), critical.complete)


def _distinct(candidates: list) -> list:
    """Each candidate point once: a critical point at an end of the interval is both."""
    seen, kept = set(), []
    for point in candidates:
        if point.coordinates not in seen and point.value is not None:
            seen.add(point.coordinates)
            kept.append(point)
    return kept


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
        value = real_value(f, pinned)
        return [critical_point(variables, tuple(pinned[variable] for variable in variables), value, reason="boundary")], True
    restricted = f.xreplace(pinned)
    if not any(variable in restricted.free_symbols for variable in free):
        return [], True  # f does not change along this face: its corners carry its value
    found = critical_points(restricted, free, interval, budget=budget and budget * 0.1)
    if _unlisted_families(found):
        return None, found.complete
    points = []
    ends = [{family.parameter: end} for family in found.families if family.parameter_kind == "interval"
            for end in (family.low, family.high)]
    for point in list(found.points) + [critical_point(tuple(free), (end[free[0]],), None, reason="boundary") for end in ends]:
        where = {**pinned, **point.as_dict()}
        coordinates = tuple(where[variable] for variable in variables)
        points.append(critical_point(variables, coordinates, real_value(f, where), reason="boundary", approximate=point.approximate))
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
        points.append(critical_point(variables, coordinates, real_value(f, where), reason=family.reason))
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
            return [critical_point(variables, coordinates, real_value(f, point), reason=family.reason)], True
    return None, False


def _unlisted_families(found: CriticalResult) -> bool:
    """True when some family of critical points (a line, or too many members) is not listed point by
    point.  A flat stretch is listed by its ends: f is constant along it."""
    return any(family.parameter_kind == "real" or (family.parameter_kind == "integer" and not family.members_complete)
               for family in found.families)


def _not_applicable(result: AbsoluteExtrema, reason: str) -> AbsoluteExtrema:
    result.applicable = False
    result.reason = reason
    return result


def _same(first, second) -> bool:
    difference = sign_of(first - second)
    if difference is None:
        return abs(to_float(first) - to_float(second)) < 1e-12
    return difference == 0
