"""What a point is: the derivative tests for one variable, the Hessian test for several.

One variable: f′ ≠ 0 → not critical (f increasing or decreasing); f′ = 0 → the
second-derivative test, and when f″ = 0 the higher-order test (the first
non-zero derivative of order n: n even → extremum, n odd → horizontal
inflection); where f′ does not exist → the first-derivative (sign change) test.
Several variables: the Hessian's eigenvalues; a semidefinite Hessian is
inconclusive, and is then settled, when possible, by a sum-of-even-powers
argument (polynomials) or by f along lines and curves through the point.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools

import mpmath
import sympy
from sympy import Abs, Dummy, Piecewise, S, sign

from derivcli.calculus import (
    HIGHEST_ORDER,
    STEP,
    attempt,
    beside,
    defined_near,
    derivative,
    derivative_values,
    first_nonzero_derivative,
    is_finite_real,
    limit_from_above,
    local_scale,
    negligible,
    real_function,
    real_value,
    sign_of,
    tidy,
    to_float,
    tolerance_for,
)
from derivcli.errors import NoAnswerError
from derivcli.guard import run_with_budget
from derivcli.notation import derivative_name
from derivcli.parsing import decimal_places

from .critical import critical_point, critical_points, differentiability, kink_arguments, partial_derivatives
from .results import Classification, CriticalPoint, Family



class _Scales:
    """Zero tests at an approximate point, each relative to how large its quantity is nearby
    (calculus.local_scale): the verdict is the same for f, 10¹²·f and f + 7.  None of this
    applies at an exact point, where signs are decided exactly."""

    def __init__(self, f, variables, point: dict):
        self.variables, self.point = tuple(variables), dict(point)
        self._known: dict = {}

    def scale(self, *expressions) -> float | None:
        """The largest size of the expressions around the point (remembered)."""
        if expressions not in self._known:
            self._known[expressions] = local_scale(expressions, self.variables, self.point)
        return self._known[expressions]

    def tolerance(self, *expressions) -> float | None:
        """What sign_of must treat as undecided for a value of these expressions here."""
        return tolerance_for(self.scale(*expressions))

    def negligible(self, value, *expressions) -> bool:
        """Whether the value counts as zero against the expressions' scale."""
        return negligible(value, self.scale(*expressions))


def _tolerance(scales: _Scales | None, *expressions) -> float | None:
    return None if scales is None else scales.tolerance(*expressions)


def _eigenvalue_tolerance(scales: _Scales, hessian) -> float | None:
    """Eigenvalues are at most n times the largest entry: the tolerance of n·max|Hᵢⱼ| nearby."""
    tolerance = scales.tolerance(*hessian)
    return None if tolerance is None else tolerance * hessian.rows


def classify_point(expr, variables, point, budget: float | None = 4.0, critical: CriticalPoint | None = None) -> Classification:
    """Classify ``point`` ({variable: value}) of ``expr``; the answer names its test and values."""
    variables = tuple(variables)
    f = real_function(expr)
    coordinates = tuple(_constant(point[variable]) for variable in variables)
    approximate = bool(critical and critical.approximate)
    value = real_value(f, dict(zip(variables, coordinates)))
    if value is None and not any(item.free_symbols for item in coordinates):
        where = ", ".join(f"{variable} = {coordinate}" for variable, coordinate in zip(variables, coordinates))
        raise NoAnswerError(f"f is not defined (or not real) at {where}")
    if critical is None:
        critical = CriticalPoint(
            variables=variables,
            coordinates=coordinates,
            value=value,
            numeric_coordinates=tuple(to_float(item) for item in coordinates),
            numeric_value=to_float(value),
            reason="given",
        )
    if len(variables) == 1:
        return _one_variable(f, variables[0], critical, approximate, budget)
    return _several_variables(f, variables, critical, approximate, budget)


def _constant(value) -> sympy.Expr:
    """A sympy number from a sympy object or a Python number; never from text."""
    if isinstance(value, str):
        raise TypeError("points must be sympy objects or numbers, not text")
    return sympy.sympify(value, strict=True)


# ---------------------------------------------------------------- one variable


def _label(order: int, at) -> str:
    """f′(1), f″(1), f⁽⁴⁾(1): derivatives named as diff and eval name them."""
    return f"{derivative_name(['x'] * order)}({at})"


def _one_variable(f, x, critical: CriticalPoint, approximate: bool, budget) -> Classification:
    c = critical.coordinates[0]
    at = sympy.sstr(c)
    scales = _Scales(f, (x,), {x: c}) if approximate else None
    d = derivative(f, x)
    result = Classification(point=critical, kind="inconclusive", test="none", approximate=approximate)
    if critical.reason == "derivative_undefined":
        slope = "undefined"  # proved by one-sided difference quotients when the point was found
    elif critical.reason == "derivative_zero" and not approximate:
        slope = S.Zero  # solved exactly (and checked) when the point was found
    else:
        slope = _derivative_value(f, d, x, c, budget)
    if slope == "undefined":
        result.concavity = "no concavity at the point (f′ does not exist)"
        result.values[_label(1, at)] = "does not exist"
        return _sign_change_test(f, d, x, c, result, budget, exists=False)
    if slope is None:
        result.explanation = f"could not decide whether f′ exists at {x} = {at}"
        return result
    slope_sign = sign_of(slope, _tolerance(scales, d))
    if slope_sign is None and approximate and scales.negligible(slope, d):
        slope_sign = 0
    result.values[_label(1, at)] = slope
    if slope_sign is None:
        result.explanation = f"could not tell the sign of f′({at}) = {slope}"
        return result
    if slope_sign != 0 and critical.reason == "given" and not approximate:
        nearby = _nearby_critical_point(f, d, x, c, slope, budget)
        if nearby is not None:
            return nearby
    if slope_sign != 0:
        result.concavity = _concavity(f, x, c, scales)
        result.kind = "not_critical"
        result.test = "derivative_sign"
        result.trend = "increasing" if slope_sign > 0 else "decreasing"
        result.explanation = f"f′({at}) = {sympy.sstr(slope)} {'>' if slope_sign > 0 else '<'} 0: f is {result.trend} there"
        return result
    for order, value in derivative_values(f, x, c, range(2, HIGHEST_ORDER + 1)):
        if value is None:
            result.values[_label(order, at)] = "does not exist"
            break
        result.values[_label(order, at)] = value
        value_sign = sign_of(value, _tolerance(scales, derivative(f, x, order)))
        if value_sign is None:
            others = sorted(str(symbol) for symbol in value.free_symbols - {x} if not symbol.is_integer)
            if others and order == 2:
                result.explanation = (
                    f"f″({at}) = {sympy.sstr(value)} depends on {', '.join(others)}: a local minimum where it is > 0, "
                    "a local maximum where it is < 0"
                )
                return result
            break
        if value_sign == 0:
            if approximate:
                break  # at an approximate point, a tiny value proves nothing
            continue
        result.test = "second_derivative" if order == 2 else "higher_order_derivative"
        result.concavity = _concavity_from_order(order, value_sign)
        if order % 2 == 0:
            result.kind = "minimum" if value_sign > 0 else "maximum"
            if order == 2:
                result.explanation = f"f′({at}) = 0 and f″({at}) {'>' if value_sign > 0 else '<'} 0"
            else:
                result.explanation = (
                    f"f′({at}) = … = {_label(order - 1, at)} = 0 and the first non-zero derivative, "
                    f"of even order {order}, is {'positive' if value_sign > 0 else 'negative'}"
                )
        else:
            result.kind = "inflection"
            result.explanation = (
                f"f′({at}) = 0 and the first non-zero derivative has odd order {order}: "
                "f keeps rising (or falling) through the point, a horizontal inflection"
            )
        return result
    result.concavity = _concavity(f, x, c, scales)
    if approximate:
        result.explanation = f"f″({at}) ≈ 0 at an approximate point: no test can decide"
        return result
    return _sign_change_test(f, d, x, c, result, budget, exists=True)


def _concavity_from_order(order: int, value_sign: int) -> str:
    """Concavity read off the first non-zero derivative f⁽ⁿ⁾(c) (Taylor: f″ ~ f⁽ⁿ⁾(c)·(x − c)ⁿ⁻²/(n − 2)!)."""
    if order == 2:
        return "concave up" if value_sign > 0 else "concave down"
    if order % 2 == 0:
        return f"concave {'up' if value_sign > 0 else 'down'} on both sides (f″ = 0 at the point)"
    return "concavity changes here, where f″ = 0"


def _nearby_critical_point(f, d, x, c, slope, budget) -> Classification | None:
    """A point given as a rounded decimal of a critical point (from `deriv critical`, piped).

    f′ is tiny there but not 0: when f′ has a root within 1e-10 (relative) of the point,
    classify that root, marked approximate, and say so.
    """
    size = to_float(slope)
    place = to_float(c)
    digits = significant_digits(c)
    if size is None or place is None or digits < 12:
        return None
    scale = local_scale((d,), (x,), {x: c})
    if scale is None or abs(size) > 1e-9 * scale:
        return None  # f′ is not small for f′ near here: the point is no rounded root of it
    found = _root_near(f, (x,), (c,))
    if found is None:
        return None
    coordinates, distance = found
    if distance > 10.0 ** (2 - digits) * abs(place):
        return None  # farther than the rounding of a printed decimal explains
    value = real_value(f, {x: c})
    given = critical_point((x,), (c,), value, reason="given", approximate=True)
    answer = _classify_rounded(f, (x,), coordinates, given, "derivative_zero", budget)
    if answer is None:
        return None
    at = sympy.sstr(c)
    answer.values = {_label(1, at): slope, **answer.values}
    answer.explanation = (
        f"f′({at}) = {size:.3g} is not exactly 0, but f′ has a root within {distance:.1g} of the point "
        f"(found numerically; the point is a rounded critical point): there, {answer.explanation}"
    )
    return answer


def _root_near(f, variables, start) -> tuple[tuple, float] | None:
    """(coordinates, distance): Newton's method on ∇f = 0 (f′ = 0) at 40 digits from ``start``;
    None unless it lands on a real root where ∇f is below 1e-25 of its size nearby."""
    partials = [derivative(f, variable) for variable in variables]
    scale = local_scale(partials, variables, dict(zip(variables, start)))
    if scale is None:
        return None
    system = sympy.lambdify(list(variables), partials, modules=["mpmath"])
    jacobian = sympy.lambdify(list(variables), _hessian(f, tuple(variables)).tolist(), modules=["mpmath"])
    with mpmath.workdps(40):
        begin = [mpmath.mpf(sympy.Float(value, 40)._mpf_) for value in start]
        try:
            root = mpmath.findroot(lambda *point: system(*point), begin, J=lambda *point: jacobian(*point),
                                   tol=mpmath.mpf(10) ** -30, verify=False)
            root = [root[index] for index in range(len(variables))] if hasattr(root, "rows") else [root]
            residual = max(abs(component) for component in system(*root))
        except (ValueError, TypeError, ArithmeticError):  # ZeroDivisionError and OverflowError are ArithmeticErrors
            return None
        if any(isinstance(item, mpmath.mpc) for item in root) or residual > mpmath.mpf(10) ** -25 * scale:
            return None
        distance = max(float(abs(a - b)) for a, b in zip(root, begin))
        return tuple(sympy.Float(mpmath.nstr(item, 30), 30) for item in root), distance


def _classify_rounded(f, variables, coordinates, given: CriticalPoint, reason: str, budget) -> Classification | None:
    """What the root near a rounded point is (marked approximate), reported for the point given;
    None when no test decides it there."""
    value = real_value(f, dict(zip(variables, coordinates)))
    proxy = critical_point(variables, coordinates, value, reason=reason, approximate=True)
    if len(variables) == 1:
        answer = _one_variable(f, variables[0], proxy, True, budget)
    else:
        answer = _several_variables(f, variables, proxy, True, budget)
    if answer.kind in ("not_critical", "inconclusive"):
        return None
    answer.point = given
    return answer


def significant_digits(value) -> int:
    """How many significant digits a terminating decimal has (-1.03615473765329 → 15); 0 otherwise."""
    places = decimal_places(value)
    if not places:
        return 0
    scaled = abs(int(value.p)) * 10**places // int(value.q)
    return len(str(scaled).strip("0")) if scaled else 0


def _negligible(value) -> bool:
    """Zero to 40 digits (for values the exact solver produced, whose zero sympy cannot prove)."""
    try:
        number = sympy.sympify(value, strict=True).evalf(40)
        return bool(abs(number) < sympy.Float("1e-30"))
    except (TypeError, ValueError):
        return False


def _derivative_value(f, d, x, c, budget):
    """f′(c): its value, "undefined" where it does not exist, None when it cannot be told."""
    kinked = any(
        sign_of(argument.subs(x, c)) == 0 for argument in kink_arguments(f, (x,)) if not c.free_symbols
    )
    value = real_value(d, {x: c})
    if value is not None and not kinked:
        return value
    if c.free_symbols:
        return value

    fc = real_value(f, {x: c})
    verdict = differentiability(f, d, x, c, fc, budget)
    if verdict == "undefined":
        return "undefined"
    if verdict == "zero":
        return S.Zero
    if verdict == "nonzero":
        limit = _answer(lambda: sympy.limit(d, x, c), budget and budget * 0.1)
        return limit if limit is not None and is_finite_real(limit) else value
    return None


def _answer(function, seconds):
    """A sympy call's answer, or None when it failed, ran out of time or came back unevaluated."""
    solved, outcome = attempt(function, seconds)
    if not solved or (hasattr(outcome, "has") and outcome.has(sympy.Limit)):
        return None
    return outcome


def side_sign(expression, x, c, direction: int, budget) -> int | None:
    """The sign of ``expression`` just to one side of c (direction +1 right, -1 left).

    None when it cannot be told; "missing" is not possible here: callers check
    the domain first.  Uses the one-sided limit, and its leading term when the
    limit is 0.
    """
    step = STEP
    near = beside(expression, x, c, direction)
    if expression.is_polynomial(x) and not c.free_symbols:
        # the lowest power of h decides, exactly and at once
        expanded = sympy.expand(near)
        if expanded == 0:
            return None
        polynomial = sympy.Poly(expanded, step)
        lowest = min(exponents[0] for exponents, _ in polynomial.terms())
        return sign_of(polynomial.coeff_monomial(step**lowest))
    limit = limit_from_above(near, step, budget and budget * 0.1)
    if limit is not None:
        limit_sign = sign_of(limit)
        if limit_sign not in (0, None):
            return limit_sign
    leading = _answer(lambda: near.as_leading_term(step), budget and budget * 0.1)
    if leading is not None and leading != 0:
        if leading.is_positive:
            return 1
        if leading.is_negative:
            return -1
    return None


def _side_exists(f, x, c, direction) -> bool:
    return defined_near(beside(f, x, c, direction))


def _sign_change_test(f, d, x, c, result: Classification, budget, exists: bool) -> Classification:
    """The first-derivative test: how the sign of f′ changes across c.

    Where f jumps at c, the one-sided limits of f, compared with f(c), decide a side
    instead (the derivative's sign says nothing across a jump).
    """
    if c.free_symbols:
        names = ", ".join(sorted(str(symbol) for symbol in c.free_symbols))
        result.explanation = f"no test could decide for every value of {names}"
        return result
    fc = real_value(f, {x: c})
    left, right = (_side_of(f, d, x, c, fc, direction, result, budget) for direction in (-1, 1))
    result.test = "first_derivative"
    if left is None or right is None:
        result.test = "none"
        result.explanation = f"could not tell how f behaves on both sides of {x} = {sympy.sstr(c)}"
        return result
    if "missing" in (left, right):
        return _end_of_domain(left, right, sympy.sstr(c), result)
    if left == 0 and right == 0:
        return _within_stretch(f, x, c, result, budget)
    if 0 in (left, right):
        return _flat_side(left, right, sympy.sstr(c), result)
    return _strict_sides(f, x, c, left, right, result, budget)


_SIDE_WORDS = {1: "positive", -1: "negative", "missing": "f not defined", None: "unknown"}


def _side_of(f, d, x, c, fc, direction: int, result: Classification, budget):
    """Where f is beside c on one side, against f(c): 1 above, -1 below, 0 equal (constant there),
    "missing" (f not defined there) or None (unknown); the evidence goes into result.values."""
    at, name = sympy.sstr(c), "left" if direction < 0 else "right"
    if not _side_exists(f, x, c, direction):
        result.values[f"f′ {name} of {at}"] = _SIDE_WORDS["missing"]
        return "missing"
    if fc is not None and sympy.expand(beside(f, x, c, direction) - fc) == 0:
        result.values[f"f {name} of {at}"] = f"equal to f({at}) (f is constant there)"
        return 0  # f(c ± h) = f(c) for every small h: flat on that side
    jump = _jump(f, x, c, fc, direction, budget)
    if jump in (1, -1):
        result.values[f"f {name} of {at}"] = f"jumps {'above' if jump > 0 else 'below'} f({at})"
        return jump  # +1: f is above f(c) on that side
    if jump is None:
        result.values[f"f {name} of {at}"] = "limit unknown"
        return None
    slope = side_sign(d, x, c, direction, budget)
    result.values[f"f′ {name} of {at}"] = _SIDE_WORDS[slope]
    # left of c, f falling (f′ < 0) towards c means f is above f(c) there; right of c, rising means above
    return None if slope is None else (-slope if direction < 0 else slope)


def _end_of_domain(left, right, at: str, result: Classification) -> Classification:
    """f is defined on one side only: a one-sided extremum, or nothing to say."""
    if left == "missing" and right == "missing":
        result.explanation = "f is defined on neither side of the point"
        return result
    side = right if left == "missing" else left
    going = "right" if left == "missing" else "left"
    if side == 0:
        result.explanation = f"an end of the domain, and f is constant to the {going}"
        return result
    result.kind = "minimum" if side > 0 else "maximum"
    result.explanation = (
        f"an end of the domain: f is defined only to the {going}, and f is "
        f"{'above' if side > 0 else 'below'} f({at}) there (a one-sided {result.words})"
    )
    return result


def _flat_side(left, right, at: str, result: Classification) -> Classification:
    """f is constant on one side (or both): an extremum by the definition, not a strict one."""
    if left == 0 and right == 0:
        result.explanation = "f is constant on both sides: the point is a local minimum and a local maximum, neither strict"
        return result
    other, flat, moving = (right, "left", "right") if left == 0 else (left, "right", "left")
    result.kind = "minimum" if other > 0 else "maximum"
    result.explanation = (
        f"f equals f({at}) to the {flat} (f is constant there) and is {'above' if other > 0 else 'below'} it to the {moving}: "
        f"a {result.words}, not a strict one"
    )
    return result


def _strict_sides(f, x, c, left, right, result: Classification, budget) -> Classification:
    """f is above or below f(c) on each side: a strict extremum, an inflection, or neither."""
    at = sympy.sstr(c)
    jumps = any(str(value).startswith("jumps") for value in result.values.values())
    if left > 0 and right > 0:
        result.kind = "minimum"
        result.explanation = f"f is above f({at}) on both sides (it jumps)" if jumps else "f′ changes sign from negative to positive"
    elif left < 0 and right < 0:
        result.kind = "maximum"
        result.explanation = f"f is below f({at}) on both sides (it jumps)" if jumps else "f′ changes sign from positive to negative"
    elif jumps:
        result.kind = "inconclusive"
        result.explanation = f"f jumps at the point and is above f({at}) on one side and below on the other: not an extremum"
    else:
        trend = "rises" if right > 0 else "falls"
        if _concavity_changes(f, x, c, budget):
            result.kind = "inflection"
            result.explanation = f"f′ keeps its sign (f {trend} through the point) and f″ changes sign: not an extremum"
        else:
            result.kind = "inconclusive"
            result.explanation = f"f′ keeps its sign (f {trend} through the point): not an extremum, and no change of concavity was shown"
    return result


def _jump(f, x, c, fc, direction, budget):
    """0 when f is continuous from that side; +1 / -1 when its limit lies above / below f(c); None unknown."""
    if fc is None:
        return None
    limit = limit_from_above(beside(f, x, c, direction), STEP, budget and budget * 0.1)
    if limit is None:
        return None
    if limit in (S.Infinity, S.NegativeInfinity):
        return 1 if limit is S.Infinity else -1
    if not is_finite_real(limit):
        return None
    return sign_of(limit - fc)


def _concavity_changes(f, x, c, budget) -> bool:
    second = derivative(f, x, 2)
    left = side_sign(second, x, c, -1, budget)
    right = side_sign(second, x, c, 1, budget)
    return left is not None and right is not None and left != right


def _concavity(f, x, c, scales: _Scales | None) -> str:
    second = real_value(derivative(f, x, 2), {x: c})
    if second is None:
        return "no concavity at the point (f″ does not exist)"
    second_sign = sign_of(second, _tolerance(scales, derivative(f, x, 2)))
    if second_sign == 0 and not c.free_symbols and scales is None:
        # f″(c) = 0 says little by itself: look at f″ on either side
        left = side_sign(derivative(f, x, 2), x, c, -1, 0.5)
        right = side_sign(derivative(f, x, 2), x, c, 1, 0.5)
        if left is not None and left == right:
            return f"concave {'up' if left > 0 else 'down'} on both sides (f″ = 0 at the point)"
        if left is not None and right is not None:
            return "concavity changes here, where f″ = 0"
    return {1: "concave up", -1: "concave down", 0: "f″ = 0 at the point", None: "concavity unknown"}[second_sign]


# ---------------------------------------------------------------- several variables


def _several_variables(f, variables, critical: CriticalPoint, approximate: bool, budget) -> Classification:
    """The gradient at the point, then the Hessian test; paths through the point where it cannot decide."""
    point = critical.as_dict()
    scales = _Scales(f, variables, point) if approximate else None
    result = Classification(point=critical, kind="inconclusive", test="none", approximate=approximate)
    if not approximate and any(sign_of(argument.subs(point)) == 0 for argument in kink_arguments(f, variables)):
        return _at_a_kink(f, variables, critical, result, budget)
    gradient = [real_value(derivative(f, variable), point) for variable in variables]
    result.gradient = tuple(gradient)
    for variable, component in zip(variables, gradient):
        result.values[f"∂f/∂{variable}"] = component if component is not None else "does not exist"
    if any(component is None for component in gradient):
        result.explanation = "∇f does not exist at the point; the Hessian test does not apply"
        return _settle_by_paths(f, variables, point, critical.value, result, budget)
    signs = _gradient_signs(f, variables, gradient, critical, scales)
    if any(item not in (0, None) for item in signs) and critical.reason == "given" and not approximate:
        nearby = _nearby_critical_point_of_several(f, variables, critical, gradient, budget)
        if nearby is not None:
            return nearby
    if any(item not in (0, None) for item in signs):
        result.kind = "not_critical"
        result.test = "gradient"
        result.explanation = "∇f ≠ 0 at the point: f increases fastest along ∇f"
        return result
    if any(item is None for item in signs):
        result.explanation = "could not tell whether ∇f is zero at the point"
        return result
    return _hessian_test(f, variables, critical, scales, result, budget)


def _at_a_kink(f, variables, critical: CriticalPoint, result: Classification, budget) -> Classification:
    """A kink, cusp or edge passes through the point: the partial derivatives by their definition,
    then paths through the point (the Hessian test does not apply)."""
    point = critical.as_dict()
    partials = partial_derivatives(f, variables, point, budget)
    result.gradient = tuple(None if item in ("undefined", None) else item for item in partials)
    for variable, item in zip(variables, partials):
        result.values[f"∂f/∂{variable}"] = "does not exist" if item == "undefined" else ("unknown" if item is None else item)
    if None in partials:
        result.explanation = "could not tell whether ∇f exists at the point"
        return result
    defined = [item for item in partials if item != "undefined"]
    if any(sign_of(item) != 0 for item in defined):
        result.kind = "not_critical"
        result.test = "gradient"
        result.explanation = "a partial derivative exists and is not 0: f increases along that axis"
        return result
    result.explanation = (
        "∇f does not exist at the point: the Hessian test does not apply"
        if "undefined" in partials
        else "f is not smooth at the point (a kink passes through it): the Hessian test does not apply"
    )
    return _settle_by_paths(f, variables, point, critical.value, result, budget)


def _gradient_signs(f, variables, gradient, critical: CriticalPoint, scales: _Scales | None) -> list:
    """The sign of each component of ∇f at the point (None where it cannot be told); at an
    approximate point, relative to the size of ∇f nearby."""
    if critical.reason == "gradient_zero" and scales is None and all(_negligible(component) for component in gradient):
        # solved exactly by sympy: 0 to 40 digits is enough (proving it for the radicals of a cubic's
        # roots takes sympy minutes)
        return [0] * len(gradient)
    if scales is None:
        return [sign_of(component) for component in gradient]
    partials = tuple(derivative(f, variable) for variable in variables)
    signs = [sign_of(component, scales.tolerance(*partials)) for component in gradient]
    return [0 if item is None and scales.negligible(component, *partials) else item for item, component in zip(signs, gradient)]


def _hessian_test(f, variables, critical: CriticalPoint, scales: _Scales | None, result: Classification, budget) -> Classification:
    """∇f = 0: the signs of the Hessian's eigenvalues decide, or paths where it is semidefinite.
    At an approximate point an eigenvalue counts as 0 against the size of H nearby."""
    point = critical.as_dict()
    hessian = _hessian(f, variables)
    values = [[real_value(entry, point) for entry in row] for row in hessian.tolist()]
    if any(entry is None for row in values for entry in row):
        result.explanation = "the Hessian does not exist at the point"
        return _settle_by_paths(f, variables, point, critical.value, result, budget)
    matrix = sympy.Matrix(values)
    result.hessian = tuple(tuple(row) for row in values)
    result.determinant = _simple(matrix.det())
    eigenvalues = _eigenvalues(matrix, budget)
    if eigenvalues is not None:
        result.eigenvalues = tuple(eigenvalues)
        result.numeric_eigenvalues = tuple(to_float(value) for value in eigenvalues)
    result.values["det H"] = result.determinant
    if eigenvalues is None:
        result.explanation = "could not compute the eigenvalues of the Hessian"
        return result
    tolerance = None if scales is None else _eigenvalue_tolerance(scales, hessian)
    eigen_signs = [sign_of(item, tolerance) for item in eigenvalues]
    result.test = "hessian"
    if all(item == 1 for item in eigen_signs):
        result.kind = "minimum"
        result.explanation = "∇f = 0 and the Hessian is positive definite (all eigenvalues > 0)"
        return result
    if all(item == -1 for item in eigen_signs):
        result.kind = "maximum"
        result.explanation = "∇f = 0 and the Hessian is negative definite (all eigenvalues < 0)"
        return result
    if 1 in eigen_signs and -1 in eigen_signs:
        result.kind = "saddle"
        result.explanation = "∇f = 0 and the Hessian is indefinite (eigenvalues of both signs)"
        return result
    result.test = "none"
    if None in eigen_signs or scales is not None:
        result.explanation = "the Hessian is (nearly) singular at an approximate point: inconclusive"
        return result
    result.explanation = "the Hessian is semidefinite (an eigenvalue is 0): the Hessian test is inconclusive"
    return _settle_by_paths(f, variables, point, critical.value, result, budget)


def _nearby_critical_point_of_several(f, variables, critical: CriticalPoint, gradient, budget) -> Classification | None:
    """A point given as rounded decimals of a critical point (from `deriv critical`, piped).

    ∇f is tiny there but not 0: when Newton's method on ∇f = 0 lands within the rounding of
    the printed digits, classify that root, marked approximate, and say so.
    """
    digits = [significant_digits(value) for value in critical.coordinates if decimal_places(value)]
    sizes = [to_float(component) for component in gradient]
    if not digits or min(digits) < 12 or any(size is None or abs(size) > 1e-9 for size in sizes):
        return None
    found = _root_near(f, variables, critical.coordinates)
    if found is None:
        return None
    coordinates, distance = found
    scale = max(1.0, max(abs(float(item)) for item in critical.coordinates))
    if distance > 10.0 ** (2 - min(digits)) * scale:
        return None  # farther than the rounding of printed decimals explains
    given = dataclasses.replace(critical, approximate=True)
    answer = _classify_rounded(f, variables, coordinates, given, "gradient_zero", budget)
    if answer is None:
        return None
    answer.explanation = (
        f"∇f is not exactly 0 here (|∇f| ≈ {max(abs(size) for size in sizes):.1g}), but it is 0 within {distance:.1g} of the point "
        f"(found numerically; the point is a rounded critical point): there, {answer.explanation}"
    )
    return answer


@functools.lru_cache(maxsize=64)
def _hessian(f, variables):
    return sympy.Matrix([[derivative(derivative(f, first), second) for second in variables] for first in variables])


SIMPLE_SECONDS = 0.5  # simplify on the radicals of a cubic's roots can take minutes


def _simple(value):
    """A Hessian's determinant or eigenvalue, simplified within SIMPLE_SECONDS (else as it is)."""
    if value.is_Float:
        try:
            return sympy.nsimplify(value)
        except Exception:  # nsimplify gives up in several ways; the decimal stays right
            return value
    return tidy(value, shortest=12, longest=2000, seconds=SIMPLE_SECONDS)


def _eigenvalues(matrix, budget):
    if matrix.is_diagonal():
        return sorted((matrix[index, index] for index in range(matrix.shape[0])), key=lambda item: to_float(item) or 0.0)
    if matrix.shape == (2, 2) and matrix.is_symmetric():
        trace, determinant = matrix.trace(), matrix.det()
        root = sympy.sqrt(_simple(sympy.expand(trace**2 - 4 * determinant)))
        return sorted((_simple((trace - root) / 2), _simple((trace + root) / 2)), key=lambda item: to_float(item) or 0.0)

    def exact():
        found = matrix.eigenvals()
        listed = []
        for value, multiplicity in found.items():
            listed += [_simple(value)] * multiplicity
        return listed

    finished, listed = run_with_budget(exact, budget and budget * 0.2)
    if finished and listed and len(listed) == matrix.shape[0]:
        return sorted(listed, key=lambda item: to_float(item) if to_float(item) is not None else 0.0)
    try:

        with mpmath.workdps(30):
            values = mpmath.eigsy(mpmath.matrix([[mpmath.mpf(to_float(entry)) for entry in row] for row in matrix.tolist()]))[0]
            return sorted(sympy.Float(str(value), 15) for value in values)
    except Exception:
        return None


def _settled(result: Classification, prefix: str, kind: str, test: str, expansion, reason: str) -> Classification:
    """Record a semidefinite case settled by the sign of f(p + h) − f(p), with the reason why."""
    result.kind = kind
    result.test = test
    result.values["f(p + h) − f(p)"] = expansion
    side = "≥" if kind == "minimum" else "≤"
    result.explanation = (
        prefix + f"f(p + h) − f(p) = {sympy.sstr(expansion)} is {reason}, so f {side} f(p) near p: a local {kind}"
    )
    return result


def _settle_by_paths(f, variables, point, fp, result: Classification, budget) -> Classification:
    """Settle a semidefinite Hessian: f − f(p) as a sum of even powers, or f along paths."""
    if fp is None:
        return result
    prefix = result.explanation + "; " if result.explanation else ""
    proof = _even_powers(f, variables, point, fp)
    if proof is not None:
        kind, expansion = proof
        reason = f"a sum of even powers with {'positive' if kind == 'minimum' else 'negative'} coefficients"
        return _settled(result, prefix, kind, "even_powers", expansion, reason)
    proof = _signed_terms(f, variables, point, fp)
    if proof is not None:
        kind, expansion = proof
        reason = f"a sum of terms that are each {'≥' if kind == 'minimum' else '≤'} 0"
        return _settled(result, prefix, kind, "signed_terms", expansion, reason)
    finished, found = run_with_budget(lambda: _paths(f, variables, point, fp), budget and budget * 0.4)
    if finished and found is not None:
        result.kind = "saddle"
        result.test = "directions"
        for label, description in found:
            result.values[label] = description
        result.explanation = prefix + "f is above f(p) along one path and below along another, arbitrarily close to p: a saddle point"
        return result
    result.kind = "inconclusive"
    result.explanation = prefix + "neither a sum-of-even-powers argument nor paths through the point settled it"
    return result


def _even_powers(f, variables, point, fp):
    """('minimum' | 'maximum', expansion) when f(p+h) − f(p) is a sum of even powers of one sign."""
    if not f.is_polynomial(*variables):
        return None
    shifts = [Dummy(f"h{index}", real=True) for index in range(len(variables))]
    shifted = sympy.expand(f.subs({variable: point[variable] + shift for variable, shift in zip(variables, shifts)}, simultaneous=True) - fp)
    if shifted == 0:
        return None
    polynomial = sympy.Poly(shifted, *shifts)
    signs = set()
    for exponents, coefficient in polynomial.terms():
        if any(power % 2 for power in exponents):
            return None
        coefficient_sign = sign_of(coefficient)
        if coefficient_sign in (0, None):
            return None
        signs.add(coefficient_sign)
    if len(signs) != 1:
        return None
    names = {shift: sympy.Symbol(f"h_{variable}", real=True) for shift, variable in zip(shifts, variables)}
    expansion = shifted.subs(names)
    return ("minimum" if signs == {1} else "maximum"), expansion


def _signed_terms(f, variables, point, fp):
    """('minimum' | 'maximum', f(p+h) − f(p)) when it is a sum of terms that are all ≥ 0 (or all ≤ 0).

    |h|, h², √(h² + k²) are non-negative for every real h: sympy's assumptions tell, no sampling.
    """
    names = [sympy.Symbol(f"h_{variable}", real=True) for variable in variables]
    shifted = f.subs({variable: point[variable] + name for variable, name in zip(variables, names)}, simultaneous=True) - fp
    for candidate in (shifted, sympy.expand(shifted)):
        terms = sympy.Add.make_args(candidate)
        if candidate == 0:
            return None
        if all(term.is_nonnegative for term in terms):
            return "minimum", candidate
        if all(term.is_nonpositive for term in terms):
            return "maximum", candidate
    return None


def _paths(f, variables, point, fp):
    """Two paths through p, f above f(p) on one and below on the other; or None.

    A path t ↦ p + t·u + t²·w; along it g(t) = f − f(p), and g's first non-zero
    derivative at t = 0 of order k tells: k odd → both signs on one path.
    """
    t = Dummy("t", real=True)
    count = len(variables)
    units = []
    for index in range(count):
        units.append(tuple(1 if position == index else 0 for position in range(count)))
    for combination in itertools.product((-1, 0, 1, 2), repeat=count):
        if any(combination) and combination not in units:
            units.append(combination)
    bends = [tuple(0 for _ in range(count))]
    for index in range(count):
        for size in (1, -1, sympy.Rational(3, 2), -sympy.Rational(3, 2), 2, -2):
            bends.append(tuple(size if position == index else 0 for position in range(count)))
    above = below = None
    for bend in bends:
        for direction in units:
            path = {variable: point[variable] + direction[index] * t + bend[index] * t**2 for index, variable in enumerate(variables)}
            along = f.subs(path, simultaneous=True) - fp
            order, value_sign = _first_nonzero(along, t)
            if order is None:
                continue
            where = f"along {_describe(variables, point, direction, bend)}"
            if order == "opposite":
                return [("path", f"{where}: f − f(p) changes sign at t = 0")]
            if order == "same":
                description = f"{where}: f − f(p) {'>' if value_sign > 0 else '<'} 0 on both sides of t = 0"
            else:
                description = f"{where}: f − f(p) ~ {'+' if value_sign > 0 else '−'}t^{order}"
            if order != "same" and order % 2 == 1:
                return [("path", description + " (odd order: both signs)")]
            if value_sign > 0 and above is None:
                above = description
            if value_sign < 0 and below is None:
                below = description
            if above and below:
                return [("path above", above), ("path below", below)]
    return None


def _first_nonzero(along, t):
    """(order, sign) of the first non-zero derivative of g at t = 0 (the lowest power of t)."""
    if not along.is_polynomial(t) and along.has(Abs, sign, Piecewise) or any(
        node.is_Pow and node.exp.is_integer is not True for node in sympy.preorder_traversal(along)
    ):
        # not smooth at t = 0: compare f with f(p) on each side instead of derivatives
        right = side_sign(along, t, S.Zero, 1, 0.5)
        left = side_sign(along, t, S.Zero, -1, 0.5)
        if right is None or left is None:
            return None, None
        if right == left:
            return "same", right  # the same sign on both sides (like an even order)
        return "opposite", right  # opposite signs on the two sides (like an odd order)
    if along.is_polynomial(t):
        expanded = sympy.expand(along)
        if expanded == 0:
            return None, None
        polynomial = sympy.Poly(expanded, t)
        order = min(exponents[0] for exponents, _ in polynomial.terms())
        value_sign = sign_of(polynomial.coeff_monomial(t**order))
        return (order, value_sign) if value_sign not in (None, 0) else (None, None)
    return first_nonzero_derivative(along, t, S.Zero, range(1, HIGHEST_ORDER + 1)) or (None, None)


def _describe(variables, point, direction, bend) -> str:
    parts = []
    for index, variable in enumerate(variables):
        term = point[variable] + direction[index] * sympy.Symbol("t") + bend[index] * sympy.Symbol("t") ** 2
        parts.append(f"{variable} = {sympy.sstr(term)}")
    return ", ".join(parts)


# ---------------------------------------------------------------- families


def classify_family(expr, variable, family: Family, budget: float | None = 4.0) -> list[Classification]:
    """Classify x = e(n) for every integer n at once; else separately for even and odd n.

    When the halves cannot be decided either, the whole family is one inconclusive answer.
    A flat stretch (every x in [a, b]) is decided by what f does beyond its ends.
    """
    f = real_function(expr)
    if family.parameter_kind == "interval":
        return [classify_stretch(f, variable, family, budget)]
    parameter = family.parameter

    def classify(piece):
        member = piece.coordinates[0]
        critical = critical_point((variable,), (member,), real_value(f, {variable: member}), reason=family.reason)
        answer = _one_variable(f, variable, critical, False, budget)
        answer.family = piece
        return answer

    whole = classify(family)
    if whole.kind != "inconclusive":
        return [whole]
    halves = []
    for remainder in (0, 1):
        split = sympy.expand(family.coordinates[0].subs(parameter, 2 * parameter + remainder))
        halves.append(classify(Family(variables=(variable,), coordinates=(split,), parameter=parameter, reason=family.reason)))
    if all(half.kind != "inconclusive" for half in halves):
        return halves
    return [whole]


# ---------------------------------------------------------------- flat stretches


def classify_stretch(f, x, stretch: Family, budget) -> Classification:
    """A stretch [a, b] where f is constant: every point of it is a local minimum (and maximum) by the
    definition, none strict; what f does just beyond the ends says which the stretch is."""
    inside = _inside_point(stretch)
    value = real_value(f, {x: inside})
    point = critical_point((x,), (inside,), value, reason=stretch.reason)
    result = Classification(point=point, kind="inconclusive", test="first_derivative", family=stretch)
    beyond = [_beyond(f, x, end, direction, result, budget)
              for end, direction in ((stretch.low, -1), (stretch.high, 1))]
    shown = sympy.sstr(value) if value is not None else "its value"
    where = f"f is constant (f = {shown}) on {stretch.text()}"
    if None in beyond:
        result.test = "none"
        result.explanation = f"{where}, but how f behaves beyond its ends could not be told"
        return result
    outside = [side for side in beyond if side != 0]
    if outside and all(side > 0 for side in outside):
        result.kind = "minimum"
        result.explanation = f"{where} and higher just beyond it: every point of the stretch is a local minimum, not a strict one"
    elif outside and all(side < 0 for side in outside):
        result.kind = "maximum"
        result.explanation = f"{where} and lower just beyond it: every point of the stretch is a local maximum, not a strict one"
    else:
        result.explanation = (f"{where}, lower beyond one end and higher beyond the other: each point inside is a local "
                              "minimum and maximum in the weak sense only, and the stretch is no extremum of f")
    return result


def _inside_point(stretch: Family):
    """A point of the stretch away from its ends (its middle when both are finite)."""
    low, high = stretch.low, stretch.high
    if low.is_finite and high.is_finite:
        return (low + high) / 2
    if low.is_finite:
        return low + 1
    return high - 1 if high.is_finite else S.Zero


def _beyond(f, x, end, direction: int, result: Classification, budget):
    """Beyond one end of a stretch: 1 above, -1 below f there, 0 where the stretch runs to ±∞,
    "missing" treated as no side, None when unknown."""
    if not end.is_finite:
        return 0
    side = _side_of(f, derivative(f, x), x, end, real_value(f, {x: end}), direction, result, budget)
    return 0 if side == "missing" else side


def _within_stretch(f, x, c, result: Classification, budget) -> Classification:
    """f is constant on both sides of c: find the flat stretch c lies in and classify that."""
    found = critical_points(f, (x,), budget=budget and budget * 0.5)
    for stretch in found.families:
        if stretch.parameter_kind == "interval" and stretch.contains(c):
            answer = classify_stretch(f, x, stretch, budget)
            result.kind, result.test = answer.kind, answer.test
            result.values.update(answer.values)
            result.explanation = f"{x} = {sympy.sstr(c)} lies in the flat stretch {stretch.text()}: {answer.explanation}"
            return result
    result.explanation = "f is constant on both sides: the point is a local minimum and a local maximum, neither strict"
    return result
