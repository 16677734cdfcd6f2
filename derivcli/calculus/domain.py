"""Where a formula has no real value at a point, and why: the checks behind every exact value.

A value is never ``zoo``, ``nan`` or a complex number passed off as an answer: division by zero,
``0/0`` (with the limit as a hint), logarithms of zero and values that are not real each raise a
:class:`NoAnswerError` that says which part of the formula failed at which point.  A part too
large to compute (a tower of exponentials) is refused before anything is evaluated.
"""

from __future__ import annotations

import math

import mpmath
import sympy

from derivcli.errors import NoAnswerError
from derivcli.guard import run_with_budget

from .branches import is_odd_root
from .sides import one_sided_limit

LIMIT_SECONDS = 3.0
INFINITIES = (sympy.zoo, sympy.oo, -sympy.oo, sympy.nan)
MAX_ARGUMENT_DIGITS = 4000
_AT_ANY_SIZE = (sympy.log, sympy.Abs, sympy.sign)  # as cheap for a huge argument as for a small one


def shown(expression: sympy.Expr) -> str:
    """An expression for a message, cut to 60 characters."""
    text = sympy.sstr(expression)
    return text if len(text) <= 60 else text[:57] + "..."


def spaced(point: dict) -> str:
    """A point for a message: ``x = 1, y = 2``."""
    return ", ".join(f"{variable} = {sympy.sstr(value)}" for variable, value in point.items())


def check_computable(expression: sympy.Expr, point: dict) -> None:
    """Refuse, before anything is evaluated, a value with a part too large to compute.

    e**u, sin(u) and most functions need every digit of u, so a tower such as
    exp(exp(exp(exp(exp(x))))) at 1 would run until the time limit. Going from the inside out,
    each argument is estimated while the parts within it are known to be small enough, and one
    with more than MAX_ARGUMENT_DIGITS digits is a NoAnswerError naming it.
    """
    estimated = set()
    for node in sympy.postorder_traversal(expression):
        if node.is_Pow:
            arguments = [node.exp]
        elif isinstance(node, sympy.Function) and not isinstance(node, _AT_ANY_SIZE):
            arguments = node.args
        else:
            continue
        if node.xreplace(point).is_Number:  # already a number, as 1**u is: nothing to estimate
            continue
        for argument in arguments:
            if argument.is_Number or argument in estimated:
                continue
            estimated.add(argument)
            if _bits(argument.xreplace(point)) > MAX_ARGUMENT_DIGITS * math.log2(10):
                raise NoAnswerError(
                    f"{shown(node)} is too large to compute at {spaced(point)}: "
                    f"{shown(argument)} has more than {MAX_ARGUMENT_DIGITS} digits there"
                )


def _bits(value: sympy.Expr) -> int:
    """About log2 of the size of a constant (0 when it is no number); huge sizes stay exact ints."""
    try:
        number = sympy.N(value, 15)
    except Exception:  # only an estimate: what cannot be estimated is left to the checks after
        return 0
    bits = [mpmath.mag(mpmath.mpf(part._mpf_)) for part in number.as_real_imag() if part.is_Float]
    return max(bits, default=0)


def check_domain(expression: sympy.Expr, point: dict) -> None:
    """Walk the formula from the inside out and stop at the first part with no real value."""
    for node in sympy.postorder_traversal(expression):
        if node.is_Atom or not node.free_symbols:
            if node.has(*INFINITIES):
                raise NoAnswerError(f"{shown(node)} is undefined")
            if node.is_Pow and _is_negative(node.exp) and is_zero(node.base):  # 1/(log 6 − log 2 − log 3)
                raise NoAnswerError(f"{shown(node)} is undefined: {shown(node.base)} is 0")
            continue
        if isinstance(node, sympy.DiracDelta):
            raise NoAnswerError(f"{shown(node)} has no value at {spaced(point)}")
        if isinstance(node, sympy.Pow):
            _check_power(node, expression, point)
        elif isinstance(node, sympy.log):
            _check_logarithm(node, point)
        elif isinstance(node, (sympy.Function, sympy.Piecewise)):
            _check_function(node, point)


def _check_power(node: sympy.Pow, whole: sympy.Expr, point: dict) -> None:
    base = node.base.xreplace(point)
    exponent = node.exp.xreplace(point)
    if _is_negative(exponent) and is_zero(base):
        _raise_division_by_zero(node.base, whole, point)
    if _is_negative(base) and not exponent.is_integer and not is_odd_root(node):
        raise NoAnswerError(
            f"{shown(node)} is not real at {spaced(point)}",
            hint="a negative number has no real even root",
        )


def _check_logarithm(node: sympy.log, point: dict) -> None:
    argument = node.args[0].xreplace(point)
    if is_zero(argument):
        raise NoAnswerError(f"{shown(node)} is undefined at {spaced(point)}: the logarithm of 0")
    if _is_negative(argument):
        raise NoAnswerError(f"{shown(node)} is not real at {spaced(point)}: the logarithm of a negative number")


def _check_function(node: sympy.Basic, point: dict) -> None:
    value = node.xreplace(point)
    if value.has(*INFINITIES):
        raise NoAnswerError(f"{shown(node)} is undefined at {spaced(point)}")
    if not looks_real(value):
        raise NoAnswerError(f"{shown(node)} is not real at {spaced(point)}")


def _raise_division_by_zero(denominator: sympy.Expr, whole: sympy.Expr, point: dict) -> None:
    limit = _limit(whole, point)
    if limit is not None and limit.is_finite:
        raise NoAnswerError(
            f"{shown(whole)} is undefined at {spaced(point)} (0/0: division by zero)",
            hint=f"the limit there is {sympy.sstr(limit)} (a removable singularity)",
        )
    hint = f"{shown(whole)} goes to infinity there" if limit is not None else None
    raise NoAnswerError(f"division by zero at {spaced(point)}: {shown(denominator)} is 0", hint=hint)


def _limit(expression: sympy.Expr, point: dict):
    """For one variable: the two-sided limit at the point when both sides agree (possibly
    infinite), else None. Bounded in time, since it only makes an error message kinder."""
    if len(point) != 1:
        return None
    (variable, value), = point.items()

    def both_sides():
        return one_sided_limit(expression, variable, value, "-"), one_sided_limit(expression, variable, value, "+")

    try:
        finished, sides = run_with_budget(both_sides, LIMIT_SECONDS)
    except Exception:  # only a kinder message depends on it: any failure means no hint
        return None
    if not finished:
        return None
    left, right = sides
    if left == right and (left.is_real or left.is_infinite):
        return left
    if left.is_infinite or right.is_infinite:
        return sympy.zoo
    return None


def is_zero(value: sympy.Expr) -> bool:
    """Whether a value at a point is 0: as sympy proves it, or, for a constant it cannot decide,
    as evaluation finds it. sin(1)² + cos(1)² − 1 evaluates to -0.e-165, a number without one
    significant digit at any precision evalf tries, where a constant that is not 0 (even 10⁻⁴⁰,
    relative to terms of size 1) comes back with all its digits: the test is relative to the
    size of the parts, not a fixed epsilon."""
    if value.is_zero is not None:
        return bool(value.is_zero)
    if value.free_symbols:
        return False
    try:
        number = value.evalf(30)
    except Exception:  # what cannot be evaluated is not shown to be 0
        return False
    return all(part == 0 or (part.is_Float and part._prec <= 1) for part in number.as_real_imag())


def _is_negative(value: sympy.Expr) -> bool:
    if value.is_negative is not None:
        return bool(value.is_negative)
    try:
        number = complex(value.evalf(30))
    except (TypeError, ValueError):
        return False
    return abs(number.imag) < 1e-25 and number.real < 0


def looks_real(value: sympy.Expr) -> bool:
    """Real as far as can be told: sympy says so, or a 30-digit value has a negligible imaginary
    part (True when it cannot be evaluated at all: the checks after decide then)."""
    if value.is_extended_real:
        return True
    if value.is_extended_real is False:
        return False
    try:
        number = complex(value.evalf(30))
    except (TypeError, ValueError):
        return True
    return abs(number.imag) <= 1e-20 * max(1.0, abs(number.real))
