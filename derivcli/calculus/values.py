"""Exact values at points: the careful one that says why there is none, and the quick one.

``value_at`` is what eval prints and what a slope or a descent starts from: it names the part of
the formula that fails and why.  ``real_value`` is what the analysis asks a thousand times:
the value when it is a finite real, else None, with no explanation to build.
"""

from __future__ import annotations

import sympy
from sympy import S

from derivcli.errors import DerivError, NoAnswerError, UsageError
from derivcli.guard import run_with_budget
from derivcli.parsing import format_point, sorted_symbols

from .branches import branches_at, kinks_at, real_branch
from .constants import is_finite_real, tidy
from .domain import INFINITIES, LIMIT_SECONDS, check_computable, check_domain, looks_real, shown, spaced
from .sides import one_sided_limit

TIDY_OPS = 12  # analysis leaves constants this short as they are: simplify costs more than it gains
TIDY_SECONDS = 0.5


def real_value(expr: sympy.Expr, point: dict) -> sympy.Expr | None:
    """The exact value of ``expr`` at ``point``, or None where it is undefined or not real.

    xreplace, not subs: the same for symbols replaced by numbers, simultaneous, and
    several times faster on the large expressions of Hessians.
    """
    try:
        value = expr.xreplace({variable: sympy.sympify(coordinate, strict=True) for variable, coordinate in point.items()})
    except Exception:
        return None
    if value.has(S.NaN, S.ComplexInfinity):
        return None
    if is_finite_real(value):
        return tidy(value, TIDY_OPS, seconds=TIDY_SECONDS)
    return None


def value_at(expression: sympy.Expr, point: dict) -> sympy.Expr:
    """The exact real value of ``expression`` at ``point``, or NoAnswerError saying why not."""
    missing = sorted_symbols(expression.free_symbols - set(point))
    if missing:
        names = ", ".join(str(symbol) for symbol in missing)
        raise UsageError(f"the point {format_point(point)} gives no value for {names}")
    used = branches_at(expression, point)
    check_computable(used, point)
    check_domain(used, point)
    if used.has(sympy.Derivative):
        # f′(x) of an undefined f at 1 is f′(1): a Subs, since Derivative(f(1), 1) means nothing
        return used.subs(point)
    value = real_branch(used).xreplace(point)
    if value.has(*INFINITIES) or value.is_finite is False:
        raise NoAnswerError(f"{shown(expression)} is undefined at {format_point(point)} (its value is infinite)")
    if not looks_real(value):
        raise NoAnswerError(f"{shown(expression)} is not real at {spaced(point)}")
    value = tidy(value)
    if value.has(*INFINITIES):  # a division by a 0 no check above could see, shown by tidying
        raise NoAnswerError(f"{shown(expression)} is undefined at {format_point(point)} (its value is infinite)")
    return value


def derivative_value_at(
    derivative: sympy.Expr, point: dict, name: str = "f′", previous: sympy.Expr | None = None
) -> sympy.Expr:
    """The value of a derivative at a point, refusing where the derivative does not exist.

    sympy writes d|x|/dx as sign(x), which is 0 at 0, though |x| has no derivative there. Where a
    derivative has such a kink at the point, its value is trusted only if the limits from the left
    and the right agree and ``previous`` (the function differentiated) is continuous there (f
    continuous and lim f′ existing give f′ there); otherwise NoAnswerError.
    """
    check_computable(derivative, point)  # too large to compute is not "does not exist"
    try:
        value = value_at(derivative, point)
    except NoAnswerError as error:
        raise NoAnswerError(f"{name} does not exist at {spaced(point)}: {error.message}", error.hint) from None
    if not (kinks_at(derivative, point) or (previous is not None and kinks_at(previous, point))):
        return value
    if len(point) != 1:
        raise NoAnswerError(
            f"{name} may not exist at {spaced(point)}: the formula has a corner there",
            hint="the partial derivatives of a non-smooth function need not exist at its corners",
        )
    (variable, place), = point.items()
    try:
        finished, sides = run_with_budget(
            lambda: derivative_sides(derivative, previous, variable, place), LIMIT_SECONDS
        )
    except DerivError:
        raise
    except Exception:  # sympy's limit fails in many ways; then it cannot be decided
        finished = False
    if not finished:
        raise NoAnswerError(f"could not decide whether {name} exists at {spaced(point)}")
    left, right, continuous = sides
    if not (left == right and left.is_finite):
        raise NoAnswerError(
            f"{name} does not exist at {spaced(point)}: "
            f"from the left it is {sympy.sstr(left)}, from the right {sympy.sstr(right)}"
        )
    if not continuous:
        raise NoAnswerError(f"{name} does not exist at {spaced(point)}: the function jumps there")
    return left


def derivative_sides(derivative, previous, variable, place):
    """The derivative's limits from the left and the right of ``place``, and whether
    ``previous`` (the function it came from) is continuous there: where f′'s formula has no
    value, f′(a) exists exactly when f is continuous at a and both limits agree and are finite."""
    left = one_sided_limit(derivative, variable, place, "-")
    right = one_sided_limit(derivative, variable, place, "+")
    continuous = True
    if previous is not None and left == right and left.is_finite:
        before = one_sided_limit(previous, variable, place, "-")
        after = one_sided_limit(previous, variable, place, "+")
        continuous = before == after == value_at(previous, {variable: place})
    return left, right, continuous
