"""The shared exact helpers (calculus) and one-sided forms (sides): quick limits, real roots."""

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Abs, Rational, S, Symbol, exp, log, oo, pi, sin, sqrt

from derivcli.calculus import (
    STEP,
    clear_caches,
    derivative,
    limit_from_above,
    localize,
    real_branch,
    real_function,
    sign_near_zero,
)

h = STEP
x = Symbol("x", real=True)


@pytest.mark.parametrize(
    "expression",
    [
        h ** Rational(-1, 3),  # a cusp's right quotient: the quick path
        -3 * h ** Rational(-2, 5),
        pi * h ** Rational(1, 2),
        Abs(-h) / (-h),
        S(7),
        h**2 - 3 * h + 2,  # a polynomial in h
        sin(h) / h,  # not a monomial: sympy.limit
        h * log(h),
        exp(-1 / h),
        (1 - sympy.cos(h)) / h**2,
        1 / h - 1 / sin(h),
    ],
)
def test_limit_from_above_agrees_with_sympy(expression):
    assert limit_from_above(expression, h, 5.0) == sympy.limit(expression, h, 0, "+")


def test_limit_from_above_says_unknown_rather_than_guess():
    a = Symbol("a", real=True)
    assert limit_from_above(a * h ** Rational(-1, 3), h, 5.0) is None  # the sign of a decides
    assert limit_from_above(sin(1 / h), h, 5.0) is None or limit_from_above(sin(1 / h), h, 5.0).has(sympy.AccumBounds)


pieces = st.sampled_from(
    [
        x ** Rational(1, 3),
        x ** Rational(2, 3),
        (x**2 - 1) ** Rational(1, 3),
        (x - 2) ** Rational(4, 5),
        sympy.cbrt(x) * sin(x),
        exp(x ** Rational(1, 3)),
        x ** Rational(1, 3) / (1 + x ** Rational(2, 3)),
        Abs(x) ** Rational(1, 3) * x ** Rational(1, 5),
        x * (x - 1) ** Rational(2, 3),
        sqrt(x**2 + 1),
    ]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(pieces, min_size=1, max_size=3), st.sampled_from([-2.7, -1.3, -0.4, 0.6, 1.45, 3.2]), st.integers(1, 2))
def test_derivative_of_a_real_reading_matches_finite_differences(chosen, point, order):
    """derivative() differentiates the formula as written and reads the result with real roots:
    it must be the derivative of the real reading (checked by central differences at 40 digits)."""
    clear_caches()
    expr = sum(chosen, S.Zero)
    real = real_function(expr)
    computed = derivative(real, x, order)
    function = sympy.lambdify([x], real_branch(expr), modules="mpmath")
    value = sympy.lambdify([x], computed, modules="mpmath")
    with mpmath.workdps(40):
        point = mpmath.mpf(point)  # every operation at 40 digits, none in floats
        step = mpmath.mpf("1e-12")
        if order == 1:
            estimate = (function(point + step) - function(point - step)) / (2 * step)
        else:
            estimate = (function(point + step) - 2 * function(point) + function(point - step)) / step**2
        exact = value(point)
        assert abs(exact - estimate) <= mpmath.mpf("1e-8") * max(1, abs(exact)), (expr, computed, point)
    assert not computed.has(sympy.DiracDelta)


def test_derivative_of_a_real_reading_has_no_sign_squared():
    clear_caches()
    assert derivative(real_function(x ** Rational(1, 3)), x) == 1 / (3 * Abs(x) ** Rational(2, 3))
    assert oo not in derivative(real_function(x ** Rational(5, 3)), x).atoms()


def test_localize_settles_absolute_values_signs_and_min_max_near_zero():

    assert localize(h + Abs(2 - h)) == 2
    assert localize(sympy.sign(h - 3)) == -1
    assert localize(sympy.Min(1, (1 + h) ** 2)) == 1
    assert localize(sympy.Max(1, (1 - h) ** 2)) == 1
    assert localize(Abs(sin(h))) == Abs(sin(h))  # 0 at h = 0 and not a polynomial: left alone
    assert sign_near_zero(h**3 - h**2) == -1
    assert sign_near_zero(h - h) == 0
    assert sign_near_zero(sin(h)) is None


_numbers = st.sampled_from([S(2), S(3), Rational(1, 2), Rational(-3, 4), sqrt(2), sqrt(3), 2 ** Rational(1, 3), pi,
                            sympy.E, sympy.exp(2), sympy.cos(1), sympy.log(2)])
_functions = st.sampled_from([sympy.cos, sympy.sin, sympy.exp, sympy.atan, sympy.sinh, sympy.tan, sympy.sqrt])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_numbers, min_size=1, max_size=3), min_size=1, max_size=3),
       st.tuples(_functions, st.sampled_from([S(1), S(2), Rational(1, 3)]), st.integers(0, 2)), st.integers(1, 3))
def test_tidy_skips_simplify_only_where_simplify_finds_nothing_shorter(terms, function, power):
    """A value of numbers with one function of a number, which tidy leaves as it is without
    calling sympy.simplify, is one that simplify itself cannot shorten."""
    from derivcli.calculus.constants import _already_simple, tidy

    apply, argument, term = function
    products = [sympy.Mul(*factors) for factors in terms]
    products[term % len(products)] *= apply(argument) ** power
    value = sympy.Add(*products)
    if not _already_simple(value):
        return
    assert tidy(value) == value
    assert sympy.count_ops(sympy.simplify(value)) >= sympy.count_ops(value), value
