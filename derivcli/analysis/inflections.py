"""Inflection points: where f″ changes sign (f″ = 0, or f″ does not exist, and the concavity
turns), on the whole line or an interval, with families of them for periodic f."""

from __future__ import annotations


import sympy
from sympy import S

from derivcli.calculus import (
    HIGHEST_ORDER,
    attempt,
    derivative,
    first_nonzero_derivative,
    real_function,
    real_value,
    sign_of,
    to_float,
)

from .results import Family, InflectionResult
from .classification import side_sign
from .critical import (
    numeric_roots,
    search_window,
    PARAMETER,
    inside_interval,
    kink_candidates,
    merge_families,
    family_members,
    critical_point,
    split_solutions,
    Unsolved,
)


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
        window = search_window(interval)
        zeros = [sympy.Float(root, 15) if isinstance(root, float) else root
                 for root in numeric_roots(second, x, window, budget and budget * 0.3, notes, name="f″")]
        result.complete = False
        notes.append(f"the symbolic solver could not solve f″ = 0: a numeric search on [{sympy.sstr(window[0])}, {sympy.sstr(window[1])}] "
                     "found the candidates, and some may be missing")
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
        value = real_value(f, {x: candidate})
        if value is None:
            continue
        point = critical_point((x,), (candidate,), value, reason="second_derivative_zero")
        changes = _changes_sign(second, x, candidate) if real_value(second, {x: candidate}) is not None else None
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
    if sign_of(real_value(second, {x: member})) != 0:
        return None
    found = first_nonzero_derivative(second, x, member, range(1, HIGHEST_ORDER - 1))
    return None if found is None else found[0] % 2 == 1
