"""Derivatives for the analysis: away from isolated kinks, of the formula as written, remembered.

Finding critical points and classifying them ask for the same derivatives again and again, and
for the first one that is not zero at a point (the higher-order test); both are answered here.
"""

from __future__ import annotations

import functools

import sympy
from sympy import DiracDelta, S

from .branches import forget_textbook_forms, real_branch, remember_textbook, textbook_form
from .constants import sign_of
from .sides import beside
from .values import real_value

HIGHEST_ORDER = 12  # the higher-order tests look no further than the 12th derivative


@functools.lru_cache(maxsize=512)
def derivative(expr: sympy.Expr, variable: sympy.Symbol, order: int = 1) -> sympy.Expr:
    """The derivative away from isolated kinks: DiracDelta terms are dropped.

    d/dx sign(x) is 2*DiracDelta(x), which is zero everywhere but at 0; the
    points where such terms live are checked separately, by one-sided limits.
    Remembered, because finding and classifying points ask for the same ones.
    """
    if order > 1:
        return derivative(derivative(expr, variable, order - 1), variable)
    textbook = textbook_form(expr)
    if textbook is not None:
        written = derivative(textbook, variable)
        result = real_branch(written)
        if result != written:
            remember_textbook(result, written)
        return result
    if expr.is_polynomial(variable):
        # much faster than diff on a cold cache, which the higher-order test pays for
        return sympy.Poly(expr, variable).diff(variable).as_expr()
    result = sympy.diff(expr, variable)
    if result.has(DiracDelta):
        result = result.replace(lambda node: isinstance(node, DiracDelta), lambda node: S.Zero)
    return result


def derivative_values(expression: sympy.Expr, variable: sympy.Symbol, point: sympy.Expr, orders):
    """(n, value of the n-th derivative at point) for each n in ``orders``; None where it does not exist."""
    for order in orders:
        yield order, real_value(derivative(expression, variable, order), {variable: point})


def first_nonzero_derivative(expression: sympy.Expr, variable: sympy.Symbol, point: sympy.Expr, orders) -> tuple[int, int] | None:
    """(n, sign) of the first derivative among ``orders`` that is not 0 at ``point``.

    None when all are 0, or when one does not exist or has a sign that cannot be
    told before a non-zero one is reached (the test then cannot decide).
    """
    for order, value in derivative_values(expression, variable, point, orders):
        value_sign = sign_of(value)
        if value_sign is None:
            return None
        if value_sign != 0:
            return order, value_sign
    return None


def clear_caches() -> None:
    """Forget remembered derivatives and sides (benchmarks clear them with sympy's cache)."""
    derivative.cache_clear()
    beside.cache_clear()
    forget_textbook_forms()
