"""What a function does just beside a point: its one-sided forms and limits.

Kinks, cusps and ends of the domain are decided here, for finding critical points and for
classifying them alike: f at c ± h for a small h > 0 (one shared symbol, remembered), rewritten
for small h (|2 − h| is 2 − h), and its limit as h falls to 0, answered at once for the monomials
and polynomials such quotients usually are.
"""

from __future__ import annotations

import functools

import sympy
from sympy import S

from .constants import attempt, is_finite_real, sign_of


STEP = sympy.Dummy("h", positive=True)  # one symbol for every one-sided approach: sympy's cache serves repeats


@functools.lru_cache(maxsize=1024)
def beside(expression: sympy.Expr, variable: sympy.Symbol, point: sympy.Expr, direction: int) -> sympy.Expr:
    """``expression`` at point + direction·h, with h = STEP > 0 small: what a one-sided limit looks at.

    Localized (|2 − h| is 2 − h there), and remembered: finding a kink and classifying it
    look at the same sides of the same functions.
    """
    return localize(expression.xreplace({variable: point + direction * STEP}))


def sign_near_zero(expression: sympy.Expr) -> int | None:
    """The sign of an expression in STEP for small h > 0, told cheaply: its value at 0, or for
    a polynomial that is 0 there, its lowest-order coefficient; None otherwise."""
    at_zero = sign_of(expression.xreplace({STEP: S.Zero}))  # None for zoo and nan
    if at_zero in (1, -1):
        return at_zero
    if at_zero == 0 and expression.is_polynomial(STEP) and not (expression.free_symbols - {STEP}):
        expanded = sympy.Poly(sympy.expand(expression), STEP)
        if expanded.is_zero:
            return 0
        lowest = min(exponents[0] for exponents, _ in expanded.terms())
        return sign_of(expanded.coeff_monomial(STEP**lowest))
    return None


def localize(expression: sympy.Expr) -> sympy.Expr:
    """An expression in STEP rewritten for small h > 0: |u|, sign(u) and Heaviside(u) by the sign of u there,
    min and max of two arguments by the one that is smaller or larger there.

    |2 − h| becomes 2 − h, so f(1 − h) for |x − 1| + |x + 1| becomes the constant 2.
    """
    def settled(node):
        if isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside)):
            direction = sign_near_zero(node.args[0])
            if direction in (1, -1):
                if isinstance(node, sympy.Abs):
                    return direction * node.args[0]
                if isinstance(node, sympy.Heaviside):
                    return sympy.Integer(1 if direction > 0 else 0)
                return sympy.Integer(direction)
        elif isinstance(node, (sympy.Min, sympy.Max)) and len(node.args) == 2:
            first, second = node.args
            direction = sign_near_zero(first - second)
            if direction in (1, -1):
                larger, smaller = (first, second) if direction > 0 else (second, first)
                return larger if isinstance(node, sympy.Max) else smaller
        return node

    return expression.replace(lambda node: isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Min, sympy.Max)), settled)


def defined_near(shifted: sympy.Expr) -> bool:
    """Whether an expression in STEP is real for small h > 0 (False at an end of the domain)."""
    if shifted.is_extended_real is False:
        return False
    return is_finite_real(shifted.xreplace({STEP: sympy.Rational(1, 10**6)}))


def limit_from_above(expression: sympy.Expr, step: sympy.Symbol, seconds: float | None) -> sympy.Expr | None:
    """The limit of ``expression`` as ``step`` (a positive symbol) falls to 0, or None when unknown.

    A monomial c·stepᵉ, and a polynomial in step, are answered at once (this is
    what one-sided quotients at kinks and cusps usually reduce to); anything else
    goes to sympy.limit within ``seconds``.  An unevaluated Limit, or an answer
    that still has free symbols, counts as unknown.
    """
    coefficient, exponent = expression.as_coeff_exponent(step)
    if not coefficient.has(step) and exponent.is_Rational and not coefficient.free_symbols:
        if exponent == 0 or coefficient == 0:
            value = coefficient
        elif exponent > 0:
            value = S.Zero if coefficient.is_finite else None
        else:
            direction = sign_of(coefficient)
            value = {1: S.Infinity, -1: S.NegativeInfinity}.get(direction)
        if value is not None and (value.is_infinite or is_finite_real(value)):
            return value
    elif expression.is_polynomial(step) and not (expression.free_symbols - {step}):
        value = expression.subs(step, 0)
        if is_finite_real(value):
            return value
    solved, value = attempt(lambda: sympy.limit(expression, step, 0, "+"), seconds)
    if not solved or value.has(sympy.Limit) or value.free_symbols:
        return None
    return value


def one_sided_limit(expression: sympy.Expr, variable: sympy.Symbol, place: sympy.Expr, side: str) -> sympy.Expr:
    """The limit from one side, approached as place ∓ ε with ε > 0.

    Substituting first lets piecewise conditions, |u| and sign(u) settle on the side's branch;
    sympy's own one-sided limit of a Piecewise can pick the wrong branch.
    """
    epsilon = sympy.Symbol("epsilon", positive=True)
    shifted = expression.xreplace({variable: place - epsilon if side == "-" else place + epsilon})
    return sympy.limit(shifted, epsilon, 0, dir="+")
