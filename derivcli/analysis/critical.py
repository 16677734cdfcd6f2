"""Finding critical points: where f′ = 0 (∇f = 0) and where f′ does not exist.

One variable: solveset on f′ = 0 over the reals, then the points where f is
defined but f′ is not (kinks of |u|, cusps and vertical tangents of roots, ends
of the domain), each settled by one-sided difference quotients.  Several
variables: solve ∇f = 0.  When the symbolic solver fails or runs out of its time
budget, a numerical search takes over and every point it finds is approximate.
"""

from __future__ import annotations

import dataclasses
import math

import sympy
from sympy import Abs, S, Symbol, sign

from derivcli.calculus import (
    STEP,
    attempt,
    beside,
    corner_arguments,
    defined_near,
    derivative,
    is_finite_real,
    limit_from_above,
    real_algebraic,
    real_function,
    real_value,
    same_real_root,
    sign_of,
    to_float,
)
from derivcli.errors import UsageError
from derivcli.guard import run_with_budget
from derivcli.parsing import domain_violation, format_point

from .results import CriticalPoint, CriticalResult, Equation, Family
from .numeric_search import distinct, identify, roots_in_box, roots_on_interval

DEFAULT_WINDOW = (-10.0, 10.0)
DEFAULT_BUDGET = 6.0  # seconds for the whole search; the command's timeout is 20 s by default
MAX_MEMBERS = 400
PARAMETER = Symbol("n", integer=True)


class Unsolved(Exception):
    """The solution set has a shape this module cannot enumerate."""


def critical_points(expr, variables, interval=None, budget: float | None = DEFAULT_BUDGET, domain=()) -> CriticalResult:
    """All critical points of ``expr`` in ``variables`` (restricted to ``interval`` = (a, b)).

    ``domain`` holds the conditions of the formula as written (parsing.Formula.domain): a point
    where it is undefined is no critical point, though sympy's simplified expression is defined
    there (x**3/x at 0)."""
    variables = tuple(variables)
    if interval is not None:
        interval = (sympy.sympify(interval[0], strict=True), sympy.sympify(interval[1], strict=True))
        if sign_of(interval[1] - interval[0]) != 1:
            raise UsageError(f"the interval {interval[0]}:{interval[1]} is empty", hint="write --in a:b with a < b")
    if len(variables) == 1:
        result = _one_variable(expr, variables[0], interval, budget)
    else:
        result = _several_variables(expr, variables, interval, budget)
    return _within_domain(result, domain)


def _within_domain(result: CriticalResult, domain) -> CriticalResult:
    """The result without the points where the formula as written is undefined, each named in a note."""
    if not domain:
        return result
    kept, notes = [], list(result.notes)
    for point in result.points:
        outside = domain_violation(domain, point.as_dict())
        if outside is None:
            kept.append(point)
        else:
            notes.append(f"{format_point(point.as_dict())} is not a critical point: {outside}")
    endpoints = tuple(point for point in result.endpoints if domain_violation(domain, point.as_dict()) is None)
    return dataclasses.replace(result, points=tuple(kept), endpoints=endpoints, notes=tuple(notes))


# ---------------------------------------------------------------- one variable


def _one_variable(expr, x, interval, budget) -> CriticalResult:
    """Where f′ = 0 (solved exactly, else searched numerically) and where f′ does not exist."""
    f = real_function(expr)
    d = derivative(f, x)
    shown = _readable(d, budget)
    result = CriticalResult(expression=expr, variables=(x,), derivatives=(shown,), equations=(Equation(shown),), interval=interval)
    notes: list[str] = []
    if f != expr:
        notes.append("odd roots are read as real roots (x**(2/3) is the square of the real cube root)")
    result.endpoints = tuple(_endpoint(f, x, end) for end in interval) if interval else ()
    if x not in f.free_symbols or d == 0:  # structural: an assumption query on f′ costs more than solving (and a zero f′ is caught below)
        result.constant = True
        notes.append(f"f does not change with {x} (f′ = 0 everywhere): it has no isolated critical points")
        result.notes = tuple(notes)
        return result
    solved, solution_set = _solve_derivative(d, shown, x, budget)
    zeros, families, complete = _read_solutions(solved, solution_set, x, interval, notes)
    points = _zero_points(zeros, f, d, x, interval, notes)
    result.method = "symbolic" if complete else "numeric"
    if not complete:
        window = search_window(interval)
        for point in _numeric_one_variable(f, d, x, window, budget, notes, families):
            points.setdefault(point.coordinates[0], point)
        notes.append(f"numeric search on [{_show(window[0])}, {_show(window[1])}]: points are approximate and some may be missing")
    complete = _add_kinks(f, d, x, interval, budget, points, notes) and complete
    complete = _add_family_members(families, f, x, interval, points, notes) and complete
    stretches = [family for family in families if family.parameter_kind == "interval"]
    points = {place: point for place, point in points.items() if not any(item.contains(place) for item in stretches)}
    result.points = tuple(sorted(points.values(), key=_order))
    result.families = tuple(families)
    result.complete = complete
    if not result.points and not result.families and not complete:
        notes.append("no critical point was found, but the search was incomplete")
    result.notes = tuple(notes)
    return result


def _solve_derivative(d, shown, x, budget):
    """(solved, the solution set of f′ = 0 over the reals) — or (False, the reason)."""
    unsigned = _without_sign_factors(shown)
    polynomial = _rational_polynomial(d, x)
    if polynomial is not None and (polynomial.degree() > 4 or _casus_irreducibilis(polynomial)):
        # exact real roots (CRootOf) at once, where solveset would labour over radicals
        return attempt(lambda: sympy.FiniteSet(*polynomial.real_roots()), _share(budget, 0.5))
    if _never_zero(unsigned, x):
        return True, S.EmptySet
    solved, solution_set = attempt(lambda: sympy.solveset(unsigned, x, S.Reals), _share(budget, 0.5))
    if polynomial is not None and (not solved or solution_set.has(sympy.I) or not isinstance(solution_set, sympy.FiniteSet)):
        # three real roots of a cubic come as radicals of complex numbers (casus irreducibilis):
        # exact real roots (CRootOf) are shorter, and decide signs at once
        return attempt(lambda: sympy.FiniteSet(*polynomial.real_roots()), _share(budget, 0.2))
    return solved, solution_set


def _read_solutions(solved, solution_set, x, interval, notes: list):
    """(isolated zeros, families, complete) from the solver's answer, with notes on its conditions.
    A stretch where f′ = 0 (f constant there) is a family of its own: every point of it is critical."""
    if not solved:
        notes.append(f"the symbolic solver {solution_set}")
        return [], [], False
    conditions: list = []
    try:
        zeros, family_exprs, stretches = split_solutions(solution_set, x, conditions)
    except Unsolved:
        notes.append("the symbolic solver could not solve f′ = 0")
        return [], [], False
    notes += [f"the solutions hold {condition}" if condition.startswith("when") else f"valid: {condition}" for condition in conditions]
    families = [_family((x,), (item,), "derivative_zero") for item in merge_families(family_exprs)]
    for low, high in stretches:
        if interval:
            low, high = sympy.Max(low, interval[0]), sympy.Min(high, interval[1])
            if sign_of(high - low) != 1:
                continue
        stretch = Family(variables=(x,), coordinates=(x,), parameter=x, parameter_kind="interval", low=low, high=high)
        notes.append(f"f′ = 0 all along {stretch.text()}: f is constant there, and every point of it is critical")
        families.append(stretch)
    return zeros, families, True


def _zero_points(zeros, f, d, x, interval, notes: list) -> dict:
    """The zeros of f′ that are critical points of f: inside the interval, f defined there, f′ = 0."""
    points: dict = {}
    for zero in zeros:
        if interval:
            inside = inside_interval(zero, interval)
            if inside is False:
                continue
            if inside is None:
                notes.append(f"{x} = {sympy.sstr(zero)} is listed though it may lie outside the interval")
        value = real_value(f, {x: zero})
        if value is None:
            notes.append(f"{x} = {zero} solves f′ = 0 but f is not defined there")
            continue
        slope = real_value(d, {x: zero})
        if slope is not None and sign_of(slope) not in (0, None):
            continue  # not a solution after all (a solver artefact); kinks are checked below
        points[zero] = critical_point((x,), (zero,), value, reason="derivative_zero")
    return points


def _add_kinks(f, d, x, interval, budget, points: dict, notes: list) -> bool:
    """Add the corners where f′ does not exist (and drop those where it exists and is not 0);
    False when some could not be found or decided."""
    complete = True
    unsolved: list = []
    kinks, kink_families = kink_candidates(f, d, x, budget, unsolved)
    for argument in unsolved:
        complete = False
        notes.append(f"could not find where {sympy.sstr(argument)} = 0, where f′ may not exist")
    for candidate in kinks:
        if interval and inside_interval(candidate, interval) is False:
            continue
        fc = real_value(f, {x: candidate})
        if fc is None:
            continue
        verdict = differentiability(f, d, x, candidate, fc, budget)
        if verdict == "undefined":
            points[candidate] = critical_point((x,), (candidate,), fc, reason="derivative_undefined")
        elif verdict == "zero":
            points.setdefault(candidate, critical_point((x,), (candidate,), fc, reason="derivative_zero"))
        elif verdict == "nonzero":
            points.pop(candidate, None)
        else:
            complete = False
            notes.append(f"could not decide whether f′ exists at {x} = {candidate}")
    for family_expr in kink_families:
        if interval and all(item.is_finite for item in interval):
            for member in family_members(family_expr, interval)[0]:
                fc = real_value(f, {x: member})
                if fc is not None and differentiability(f, d, x, member, fc, budget) == "undefined":
                    points[member] = critical_point((x,), (member,), fc, reason="derivative_undefined")
        else:
            complete = False
            notes.append(f"f′ may fail to exist at {x} = {family_expr} for integers n; give --in a:b to check them")
    return complete


def _add_family_members(families, f, x, interval, points: dict, notes: list) -> bool:
    """On a finite interval, the members of each family of zeros of f′ that lie in it (a family with
    none there is dropped); False when not all of them could be listed."""
    if interval and families and not all(end.is_finite for end in interval):
        notes.append("families are listed whole: only a finite interval lists their members")
        return True
    if not interval:
        return True
    complete = True
    for family in list(families):
        if family.parameter_kind == "interval":
            continue  # a flat stretch is already cut to the interval
        members, whole = family_members(family.coordinates[0], interval)
        if whole and not members:
            families.remove(family)  # no member lies in the interval: no point of it to list
            continue
        kept = []
        for member in members:
            value = real_value(f, {x: member})
            if value is not None:
                point = critical_point((x,), (member,), value, reason="derivative_zero")
                kept.append(point)
                points.setdefault(member, point)
        family.members = tuple(kept)
        family.members_complete = whole
        if not whole:
            complete = False
            if family.coordinates[0].free_symbols - {PARAMETER}:
                notes.append(f"which members of {x} = {family.coordinates[0]} lie in the interval depends on other symbols")
            else:
                notes.append(f"only the first {MAX_MEMBERS} members of {x} = {family.coordinates[0]} are listed")
    return complete


def _rational_polynomial(d, x):
    """f′ as a Poly in x with rational coefficients, or None."""
    if not d.is_polynomial(x) or d.free_symbols - {x}:
        return None
    try:
        polynomial = sympy.Poly(d, x)
    except sympy.PolynomialError:
        return None
    if polynomial.degree() < 1 or not polynomial.domain.is_QQ and not polynomial.domain.is_ZZ:
        return None
    return polynomial


def _casus_irreducibilis(polynomial) -> bool:
    """A cubic (or quartic) whose discriminant is positive: all its roots real, and radicals can
    write them only through complex numbers (x³ − 3x + 1/2), so exact real roots are better."""
    return polynomial.degree() in (3, 4) and polynomial.discriminant() > 0


def _never_zero(expression, x) -> bool:
    """True for c / g(x) with a constant c ≠ 0 (2/(3·∛x²)): a quotient is 0 only where its numerator is."""
    numerator, denominator = sympy.fraction(expression)
    return denominator.has(x) and not numerator.free_symbols and sign_of(numerator) in (1, -1)


def _without_sign_factors(d):
    """f′ with factors sign(u) removed: they are ±1 off the zeros of u, which are checked as kinks.

    Only whole factors: in a sum, sign(u) terms cannot be replaced.
    """
    if isinstance(d.as_base_exp()[0], sign):
        return S.One
    if not d.is_Mul:
        return d
    kept = [factor for factor in d.args if not isinstance(factor.as_base_exp()[0], sign)]
    return sympy.Mul(*kept)


def split_solutions(solution_set, x, conditions: list | None = None):
    """(points, family expressions in n, intervals) of a solveset answer, or Unsolved.

    With ``conditions`` (a list), answers that hold only for some values of other
    symbols are kept, and what they depend on is appended there as text; nothing
    is dropped merely because its membership cannot be decided.
    """
    if solution_set is S.EmptySet:
        return [], [], []
    if isinstance(solution_set, sympy.FiniteSet):
        points = [item for item in solution_set if is_finite_real(item)]
        return points, [], []
    if isinstance(solution_set, sympy.Interval):
        return [], [], [(solution_set.start, solution_set.end)]
    if isinstance(solution_set, sympy.ImageSet):
        if len(solution_set.base_sets) == 1 and solution_set.base_sets[0] is S.Integers:
            dummy = solution_set.lamda.variables[0]
            return [], [solution_set.lamda.expr.subs(dummy, PARAMETER)], []
        raise Unsolved
    if isinstance(solution_set, sympy.ConditionSet):
        condition = solution_set.condition
        if conditions is None or x in condition.free_symbols or solution_set.sym != x:
            raise Unsolved  # an equation sympy could not solve
        conditions.append(f"when {sympy.sstr(condition)}")
        return split_solutions(solution_set.base_set, x, conditions)
    if isinstance(solution_set, sympy.Union):
        points, families, stretches = [], [], []
        for part in solution_set.args:
            more = split_solutions(part, x, conditions)
            points += more[0]
            families += more[1]
            stretches += more[2]
        return points, families, stretches
    if isinstance(solution_set, sympy.Complement):
        points, families, stretches = split_solutions(solution_set.args[0], x, conditions)
        removed = solution_set.args[1]
        kept = []
        for item in points:
            membership = removed.contains(item)
            if membership is S.true:
                continue
            if membership is not S.false:
                if conditions is None:
                    raise Unsolved
                conditions.append(f"{x} = {sympy.sstr(item)} unless it lies in {sympy.sstr(removed)}")
            kept.append(item)
        if families and removed is not S.EmptySet:
            raise Unsolved
        return kept, families, stretches
    if isinstance(solution_set, sympy.Intersection):
        filters = [part for part in solution_set.args if isinstance(part, (sympy.Interval, sympy.Union))]
        rest = [part for part in solution_set.args if part not in filters]
        if len(rest) != 1:
            raise Unsolved
        points, families, stretches = split_solutions(rest[0], x, conditions)
        kept = []
        for item in points:
            memberships = [part.contains(item) for part in filters]
            if any(membership is S.false for membership in memberships):
                continue
            if any(membership is not S.true for membership in memberships):
                if conditions is None:
                    raise Unsolved
                conditions.append(f"{x} = {sympy.sstr(item)} where it is a real number" + (
                    "" if all(part is S.Reals for part in filters) else " in the domain"))
            kept.append(item)
        if families and not all(part is S.Reals for part in filters):
            raise Unsolved
        return kept, families, stretches
    raise Unsolved


def merge_families(expressions):
    """Join families like 2πn + π/2 and 2πn + 3π/2 into one: πn + π/2."""
    linear = []
    others = []
    for expression in expressions:
        expanded = sympy.expand(expression)
        step = expanded.coeff(PARAMETER, 1)
        offset = expanded.coeff(PARAMETER, 0)
        if step.free_symbols or offset.free_symbols or sympy.expand(step * PARAMETER + offset - expanded) != 0 or sign_of(step) in (0, None):
            others.append(expression)
            continue
        period = abs(step)
        offset = offset - period * sympy.floor(offset / period)
        linear.append((period, sympy.nsimplify(offset) if offset.is_Float else offset))
    merged = []
    groups: dict = {}
    for period, offset in linear:
        groups.setdefault(period, [])
        if not any(sign_of(offset - other) == 0 for other in groups[period]):
            groups[period].append(offset)
    for period, offsets in groups.items():
        offsets.sort(key=lambda item: float(item))
        count = len(offsets)
        gap = period / count
        evenly = all(sign_of(offsets[index + 1] - offsets[index] - gap) == 0 for index in range(count - 1))
        if count > 1 and evenly:
            merged.append(gap * PARAMETER + offsets[0])
        else:
            merged.extend(period * PARAMETER + offset for offset in offsets)
    return merged + others


def family_members(family_expr, interval):
    """The members of a family x = e(n) inside [a, b], and whether all of them are listed."""
    low, high = interval
    step = sympy.expand(family_expr).coeff(PARAMETER, 1)
    offset = sympy.expand(family_expr).coeff(PARAMETER, 0)
    if step.free_symbols or offset.free_symbols or not step.is_nonzero:
        return [], False
    first, last = sorted([(low - offset) / step, (high - offset) / step], key=float)
    start, stop = int(sympy.ceiling(first)), int(sympy.floor(last))
    indices = range(start, stop + 1)
    whole = len(indices) <= MAX_MEMBERS
    members = [family_expr.subs(PARAMETER, index) for index in list(indices)[:MAX_MEMBERS]]
    members = [member for member in members if inside_interval(member, interval)]
    return sorted(members, key=float), whole


def kink_candidates(f, d, x, budget, unsolved: list | None = None):
    """Points (and families) where f′ might not exist although f is defined."""
    arguments = corner_arguments(f)
    for node in sympy.preorder_traversal(d):
        if node.is_Pow and (node.exp.is_integer is not True or node.exp.is_negative):
            arguments.append(node.base)
        elif isinstance(node, (Abs, sign)):
            arguments.append(node.args[0])
    points, families = [], []
    seen = set()
    for argument in arguments:
        while isinstance(argument, (Abs, sign)):
            argument = argument.args[0]  # |u| and sign(u) are 0 exactly where u is
        if x not in argument.free_symbols or argument in seen:
            continue
        seen.add(argument)
        solved, zeros = _linear_zero(argument, x)
        if not solved:
            solved, zeros = attempt(lambda: sympy.solveset(argument, x, S.Reals), _share(budget, 0.1))
        try:
            if not solved:
                raise Unsolved
            found, found_families, _ = split_solutions(zeros, x)
        except Unsolved:
            if unsolved is not None:
                unsolved.append(argument)  # the caller says the search is incomplete
            continue
        points += [item for item in found if item not in points]
        families += [item for item in merge_families(found_families) if item not in families]
    return points, families


def _linear_zero(argument, x):
    """(True, {root}) when ``argument`` is a·x + b with constant a ≠ 0 (|x − 1|, x^(2/3)): no solver needed."""
    if argument.free_symbols != {x} or not argument.is_polynomial(x):
        return False, None
    slope = argument.diff(x)
    if slope.free_symbols or not slope.is_nonzero:
        return False, None
    return True, sympy.FiniteSet(-argument.subs(x, 0) / slope)


def differentiability(f, d, x, c, fc, budget) -> str:
    """'zero', 'nonzero', 'undefined' (f′(c) does not exist) or 'unknown'.

    Decided by the definition: the one-sided limits of (f(c ± h) − f(c))/(±h).
    """
    sides = []
    for direction in (1, -1):
        shifted = beside(f, x, c, direction)
        if not defined_near(shifted):
            sides.append(None)
            continue
        quotient = (shifted - fc) / (direction * STEP)
        value = limit_from_above(quotient, STEP, _share(budget, 0.1))
        if value is None:
            value = limit_from_above(beside(d, x, c, direction), STEP, _share(budget, 0.1))
            if value is None:
                return "unknown"
        sides.append(value)
    right, left = sides
    if right is None and left is None:
        return "unknown"
    if right is None or left is None:
        return "undefined"  # an end of the domain: only a one-sided derivative
    if not (is_finite_real(right) and is_finite_real(left)):
        return "undefined"
    same = sign_of(right - left)
    if same is None:
        return "unknown"
    if same != 0:
        return "undefined"
    zero = sign_of(right)
    if zero is None:
        return "unknown"
    return "zero" if zero == 0 else "nonzero"


MAX_NUMERIC_POINTS = 60  # more than this in the window: list those nearest 0 and say so
IDENTIFY_AT_MOST = 20  # closed forms are sought (and proved) for this many numeric roots


def numeric_roots(d, x, window, budget, notes: list, name: str = "f′", flats: list | None = None) -> list:
    """The roots of d = 0 a numeric search finds on the window: exact where a closed form is
    proved, else floats (sorted; the nearest 0 when there are very many).  Stretches where d is 0
    throughout go to ``flats`` as (start, end) pairs of floats."""
    low, high = float(window[0]), float(window[1])
    found: list[float] = []
    finished, _ = run_with_budget(lambda: roots_on_interval(d, x, low, high, sink=found, flats=flats), _share(budget, 0.3))
    if not finished:
        notes.append("the numeric search ran out of time: only the points found so far are listed")
    roots = distinct(sorted(found), tolerance=max(1e-7, 1e-9 * (high - low)))
    if len(roots) > MAX_NUMERIC_POINTS:
        notes.append(f"{name} has {len(roots)} roots on the window; the {MAX_NUMERIC_POINTS} nearest 0 are listed (narrow it with --in a:b)")
        roots = sorted(sorted(roots, key=abs)[:MAX_NUMERIC_POINTS])
    identified = []
    for root in roots:
        exact = None
        if len(roots) <= IDENTIFY_AT_MOST:
            proved, exact = run_with_budget(
                lambda: identify(root, lambda candidate: sign_of(d.subs(x, candidate)) == 0), _share(budget, 0.03)
            )
            exact = exact if proved else None
        identified.append(exact if exact is not None else root)
    return identified


def _numeric_stretch(f, x, start: float, end: float, notes: list) -> Family:
    """A stretch where f′ = 0 that a numeric search found: its ends exact where they are corners of f."""
    corners = corner_arguments(f)

    def end_of(place: float):
        exact = identify(place, lambda candidate: any(sign_of(argument.subs(x, candidate)) == 0 for argument in corners))
        return exact if exact is not None else sympy.Float(place, 15)

    stretch = Family(variables=(x,), coordinates=(x,), parameter=x, parameter_kind="interval", low=end_of(start), high=end_of(end))
    notes.append(f"f′ = 0 all along {stretch.text()} (found by the numeric search): f is constant there")
    return stretch


def _numeric_one_variable(f, d, x, window, budget, notes: list, stretches: list) -> list[CriticalPoint]:
    """Critical points from a numeric search of f′ = 0 on the window (approximate unless proved
    exact); stretches where f′ = 0 throughout are appended to ``stretches`` as families."""
    compiled = sympy.lambdify([x], f, modules=["math", "mpmath"])
    points, flats = [], []
    roots = numeric_roots(d, x, window, budget, notes, flats=flats)
    stretches += [_numeric_stretch(f, x, start, end, notes) for start, end in flats]
    for root in roots:
        if not isinstance(root, float):
            value = real_value(f, {x: root})
            if value is not None:
                points.append(critical_point((x,), (root,), value, reason="derivative_zero"))
            continue
        try:
            value = float(compiled(root))
        except Exception:  # not defined there after all
            continue
        if math.isfinite(value):
            points.append(critical_point((x,), (sympy.Float(root, 15),), sympy.Float(value, 15), reason="derivative_zero", approximate=True))
    return points


# ---------------------------------------------------------------- several variables


def _several_variables(expr, variables, interval, budget) -> CriticalResult:
    """Where ∇f = 0 (solved exactly, with a numeric search where that may miss some) and where
    ∇f does not exist."""
    f = real_function(expr)
    gradient = tuple(derivative(f, variable) for variable in variables)
    shown = tuple(_readable(component, budget) for component in gradient)
    equations = tuple(Equation(component) for component in shown)
    result = CriticalResult(expression=expr, variables=variables, derivatives=shown, equations=equations, interval=interval)
    notes: list[str] = []
    if f != expr:
        notes.append("odd roots are read as real roots")
    if all(component == 0 for component in gradient):
        result.constant = True
        names = ", ".join(str(variable) for variable in variables)
        notes.append(f"f does not change with {names} (∇f = 0 everywhere): it has no isolated critical points")
        result.notes = tuple(notes)
        return result
    solutions = _solve_gradient(gradient, variables, budget, notes)
    points, families, complete = _gradient_points(f, variables, solutions, interval, notes)
    result.method = "symbolic"
    if not complete and len(variables) <= 3:
        _search_gradient(f, gradient, variables, interval, budget, points, notes)
        result.method = "symbolic+numeric" if solutions is not None else "numeric"
    kinks = kink_arguments(f, variables)
    if kinks:
        points, kink_families, settled = _kinks_of_several(f, gradient, variables, kinks, points, interval, budget)
        families += kink_families
        if not settled:
            complete = False
            notes.append("the points where ∇f does not exist could not all be found")
    result.points = tuple(sorted(points.values(), key=_order))
    result.families = tuple(families)
    result.complete = complete
    if not result.points and not families and not complete:
        notes.append("no critical point was found, but the search was incomplete")
    result.notes = tuple(notes)
    return result


def _solve_gradient(gradient, variables, budget, notes: list) -> list | None:
    """sympy.solve's solutions of ∇f = 0 (messy radicals read as exact real roots), or None."""
    unsigned = [_without_sign_factors(component) for component in gradient]
    # polynomial equations have no kinks to look for and a quick numeric fallback: solve gets more
    polynomial = all(component.is_polynomial(*variables) for component in unsigned)
    solved, solutions = attempt(lambda: sympy.solve(unsigned, list(variables), dict=True), _share(budget, 0.7 if polynomial else 0.5))
    if not (solved and isinstance(solutions, list)):
        notes.append(f"the symbolic solver {solutions}")
        return None
    if any(_messy(value) for solution in solutions for value in solution.values()):
        solutions = _as_real_roots(solutions, unsigned, variables, budget)
    return solutions


def _gradient_points(f, variables, solutions, interval, notes: list):
    """(points, families, complete) from the solutions of ∇f = 0; incomplete where solve may have
    given principal solutions only."""
    if solutions is None:
        return {}, [], False
    points: dict = {}
    families = []
    for solution in solutions:
        coordinates = tuple(solution.get(variable, variable) for variable in variables)
        free = [variable for variable in variables if variable not in solution]
        if any(not is_finite_real(value) for value in coordinates if not value.free_symbols):
            continue
        if free:
            families.append(
                Family(variables=variables, coordinates=coordinates, parameter=free[0], parameter_kind="real", reason="gradient_zero")
            )
            continue
        if interval and any(inside_interval(value, interval) is False for value in coordinates):
            continue
        value = real_value(f, dict(zip(variables, coordinates)))
        if value is None:
            continue
        points[coordinates] = critical_point(variables, coordinates, value, reason="gradient_zero")
    if any(node.func in _PERIODIC for node in sympy.preorder_traversal(f)):
        notes.append("∇f has periodic terms: solve lists principal solutions only; a numeric search adds others")
        return points, families, False
    if any(solution_value.has(sympy.LambertW) for solution in solutions for solution_value in solution.values()):
        notes.append("solve gave LambertW, whose other real branch it may omit; a numeric search adds others")
        return points, families, False
    return points, families, True


def _search_gradient(f, gradient, variables, interval, budget, points: dict, notes: list) -> None:
    """Add the roots of ∇f = 0 that a numeric search finds in the window's box, identified exactly where possible."""
    window = search_window(interval)
    roots: list = []
    finished, _ = run_with_budget(
        lambda: roots_in_box(gradient, variables, (float(window[0]), float(window[1])), sink=roots), _share(budget, 0.3)
    )
    if not finished:
        notes.append("the numeric search ran out of time: only the points found so far are listed")
    for root in sorted(roots):
        if any(max(abs(a - b) for a, b in zip(root, point.numeric_coordinates)) < 1e-6 for point in points.values()):
            continue
        coordinates, approximate = _identify_point(gradient, variables, root)
        value = real_value(f, dict(zip(variables, coordinates)))
        if value is not None and coordinates not in points:
            points[coordinates] = critical_point(variables, coordinates, value, reason="gradient_zero", approximate=approximate)
    notes.append(f"numeric search in the box [{_show(window[0])}, {_show(window[1])}]^{len(variables)}: points are approximate and some may be missing")


def kink_arguments(f, variables) -> list:
    """Expressions u whose zeros may be kinks, cusps or ends of the domain: |u|, sign(u), u**(1/3), piecewise edges."""
    arguments = corner_arguments(f) + [
        node.base for node in sympy.preorder_traversal(f) if node.is_Pow and node.exp.is_integer is not True
    ]
    wanted = set(variables)
    unique = []
    for argument in arguments:
        if argument.free_symbols & wanted and argument not in unique:
            unique.append(argument)
    return unique


def _zero_set(argument) -> list:
    """Equations for argument = 0 over the reals; a sum of non-negative terms is 0 only when each term is."""
    terms = sympy.Add.make_args(argument)
    if len(terms) > 1 and all(term.is_nonnegative for term in terms):
        return list(terms)
    return [argument]


def partial_derivatives(f, variables, point, budget) -> list:
    """Each ∂f/∂v at the point by its definition (one-sided difference quotients):
    a value, "undefined", or None when it cannot be told."""
    fp = real_value(f, point)
    answers = []
    for variable in variables:
        sides = []
        for direction in (1, -1):
            moved = dict(point)
            moved[variable] = point[variable] + direction * STEP
            shifted = f.xreplace(moved)
            if fp is None or not defined_near(shifted):
                sides.append("missing")
                continue
            quotient = (shifted - fp) / (direction * STEP)
            sides.append(limit_from_above(quotient, STEP, _share(budget, 0.05)))
        if None in sides:
            answers.append(None)
        elif "missing" in sides or not all(is_finite_real(side) for side in sides) or sign_of(sides[0] - sides[1]) != 0:
            answers.append("undefined")
        else:
            answers.append(sides[0])
    return answers


def _kinks_of_several(f, gradient, variables, kinks, points, interval, budget):
    """Points (and lines of points) where ∇f does not exist; points from ∇f = 0 at a kink re-checked.

    Returns (points, families, settled): settled is False when some system could not be solved.
    """
    found = dict(points)
    for coordinates, point in list(found.items()):
        where = point.as_dict()
        if any(sign_of(argument.subs(where)) == 0 for argument in kinks):
            partials = partial_derivatives(f, variables, where, budget)
            if "undefined" in partials:
                found[coordinates] = critical_point(variables, coordinates, point.value, reason="gradient_undefined")
            elif None not in partials and any(sign_of(item) != 0 for item in partials):
                del found[coordinates]  # sympy's sign(0) = 0 made ∇f look zero; it is not
    smooth = [component for component in gradient if not kink_arguments(component, variables)]
    systems = []
    for argument in kinks:
        systems.append((_zero_set(argument), False))
        systems.append((_zero_set(argument) + smooth, True))
    if len(kinks) > 1:
        together = [equation for argument in kinks for equation in _zero_set(argument)]
        systems.append((together, True))
        systems.append((together + smooth, True))
    families, settled = [], True
    for equations, want_points in systems:
        solved, solutions = attempt(lambda: sympy.solve(equations, list(variables), dict=True), _share(budget, 0.1))
        if not solved or not isinstance(solutions, list):
            settled = False
            continue
        for solution in solutions:
            coordinates = tuple(solution.get(variable, variable) for variable in variables)
            if any(not is_finite_real(value) for value in coordinates if not value.free_symbols):
                continue
            free = [variable for variable in variables if variable not in solution]
            if free:
                if not want_points and not any(family.coordinates == coordinates for family in families):
                    families.append(Family(variables=variables, coordinates=coordinates, parameter=free[0], parameter_kind="real", reason="gradient_undefined"))
                continue
            if coordinates in found or (interval and any(inside_interval(value, interval) is False for value in coordinates)):
                continue
            where = dict(zip(variables, coordinates))
            value = real_value(f, where)
            if value is None:
                continue
            partials = partial_derivatives(f, variables, where, budget)
            if "undefined" in partials:
                found[coordinates] = critical_point(variables, coordinates, value, reason="gradient_undefined")
            elif None in partials:
                settled = False
            elif all(sign_of(item) == 0 for item in partials):
                found[coordinates] = critical_point(variables, coordinates, value, reason="gradient_zero")
    return found, families, settled


def _messy(value) -> bool:
    """Radicals of complex numbers (three real roots of a cubic) or a formula too long to read."""
    return value.has(sympy.I) or sympy.count_ops(value) > 40


def _as_real_roots(solutions, equations, variables, budget):
    """solve's answers with each messy coordinate written as an exact real root (CRootOf)."""
    eliminants = _eliminant_roots(equations, variables, budget)

    def rewritten(variable, value):
        if not _messy(value) or value.free_symbols:
            return value
        if variable in eliminants:
            return same_real_root(value, eliminants[variable])
        return real_algebraic(value, _share(budget, 0.2))

    return [{variable: rewritten(variable, value) for variable, value in solution.items()} for solution in solutions]


def _eliminant_roots(equations, variables, budget) -> dict:
    """{variable: the real roots of its eliminant} for polynomial equations with rational
    coefficients: the last polynomial of a lex Gröbner basis that ends in that variable.  Every
    solution's coordinate is a root of it, so the nearest real root is that coordinate."""
    rational = all(
        equation.is_polynomial(*variables) and sympy.Poly(equation, *variables).domain in (sympy.ZZ, sympy.QQ)
        for equation in equations
    )
    roots_of = {}
    for variable in variables if rational else ():
        order = [other for other in variables if other != variable] + [variable]
        solved, basis = attempt(lambda: sympy.groebner(equations, *order, order="lex"), _share(budget, 0.05))
        if solved and basis.exprs and basis.exprs[-1].free_symbols == {variable}:
            found, roots = attempt(sympy.Poly(basis.exprs[-1], variable).real_roots, _share(budget, 0.05))
            if found:
                roots_of[variable] = roots
    return roots_of


def _identify_point(gradient, variables, root):
    """Exact coordinates for a numeric root when they provably solve ∇f = 0, else floats."""
    guesses = [identify(value, lambda candidate: True) for value in root]
    if all(guess is not None for guess in guesses):
        point = dict(zip(variables, guesses))
        if all(sign_of(component.subs(point)) == 0 for component in gradient):
            return tuple(guesses), False
    return tuple(sympy.Float(value, 15) for value in root), True


_PERIODIC = (sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc)


# ---------------------------------------------------------------- small helpers


def _readable(expression, budget):
    """The derivative as people write it: factored when that is shorter (y·(1 − x²)·e^… not a sum)."""
    if not expression.has(sympy.Add) or sympy.count_ops(expression) <= 4:
        return expression  # factor_terms pulls common factors out of sums: a product is already written
    solved, factored = attempt(lambda: sympy.factor_terms(expression), _share(budget, 0.03))
    if solved and len(sympy.sstr(factored)) < len(sympy.sstr(expression)):
        return factored
    return expression


def _share(budget, fraction):
    return None if budget is None else budget * fraction


def search_window(interval):
    """The window a numeric search looks in: the interval when finite, else a stretch of 20 (or [-10, 10])."""
    if interval and all(item.is_finite for item in interval):
        return interval
    if interval:
        low = interval[0] if interval[0].is_finite else interval[1] - 20 if interval[1].is_finite else DEFAULT_WINDOW[0]
        high = interval[1] if interval[1].is_finite else low + 20
        return (low, high)
    return DEFAULT_WINDOW


def inside_interval(value, interval) -> bool | None:
    """True / False whether a ≤ value ≤ b; None when it depends on other symbols or cannot be told."""
    low, high = interval
    above = sign_of(value - low) if low.is_finite else 1
    below = sign_of(high - value) if high.is_finite else 1
    if above == -1 or below == -1:
        return False
    if above is None or below is None:
        return None
    return True


def critical_point(variables, coordinates, value, reason, approximate=False) -> CriticalPoint:
    return CriticalPoint(
        variables=tuple(variables),
        coordinates=tuple(coordinates),
        value=value,
        numeric_coordinates=tuple(to_float(item) for item in coordinates),
        numeric_value=to_float(value),
        approximate=approximate,
        reason=reason,
    )


def _family(variables, coordinates, reason) -> Family:
    return Family(variables=tuple(variables), coordinates=tuple(coordinates), parameter=PARAMETER, reason=reason)


def _endpoint(f, x, end) -> CriticalPoint:
    value = real_value(f, {x: end}) if end.is_finite else None
    return critical_point((x,), (end,), value, reason="interval_endpoint")


def _order(point: CriticalPoint):
    return tuple(item if item is not None and not math.isnan(item) else 0.0 for item in point.numeric_coordinates)


def _show(value) -> str:
    return str(value)
