"""Product-to-sum: products of sines and cosines (circular and hyperbolic) become sums of single
sines and cosines, equal in value (mpmath at 30 digits is the oracle), and `deriv diff` writes
the derivative of sinh·cosh as the short sum a textbook gives."""

import mpmath
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivcli.derivation.products import products_to_sums

x = sympy.Symbol("x", real=True)
FUNCTIONS = [sympy.sin, sympy.cos, sympy.sinh, sympy.cosh]
POINTS = ["0.3", "1.7", "-2.2", "0.05"]


def _value(expression, at):
    return sympy.N(expression.xreplace({x: sympy.Rational(at)}), 30)


def _trig_factors(term, family):
    count = 0
    for factor in sympy.Mul.make_args(term):
        base, exponent = factor.as_base_exp()
        if base.func in family and exponent.is_Integer and exponent > 0:
            count += int(exponent)
    return count


@st.composite
def products(draw):
    """A sum of one to three terms, each a coefficient, maybe x or e^x, and up to four sines and
    cosines of small multiples of x (plus a constant)."""
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        term = sympy.Integer(draw(st.integers(-5, 5).filter(bool)))
        term *= draw(st.sampled_from([sympy.S.One, x, sympy.exp(x)]))
        for _ in range(draw(st.integers(1, 4))):
            function = draw(st.sampled_from(FUNCTIONS))
            argument = draw(st.integers(1, 4)) * x + draw(st.sampled_from([0, 0, 1]))
            term *= function(argument)
        terms.append(term)
    return sympy.Add(*terms)


@settings(max_examples=150, deadline=None)
@given(products())
def test_a_product_becomes_a_sum_of_single_sines_and_cosines_of_equal_value(expression):
    rewritten = products_to_sums(expression)
    for at in POINTS:
        before, after = _value(expression, at), _value(rewritten, at)
        assert abs(before - after) <= mpmath.mpf(10) ** -25 * max(1, abs(before)), (expression, rewritten, at)
    for term in sympy.Add.make_args(sympy.expand(rewritten)):
        assert _trig_factors(term, (sympy.sin, sympy.cos)) <= 1, (expression, rewritten)
        assert _trig_factors(term, (sympy.sinh, sympy.cosh)) <= 1, (expression, rewritten)


def test_the_formulas_one_by_one():
    a, b = 3 * x, x
    cases = {
        sympy.sin(a) * sympy.cos(b): (sympy.sin(4 * x) + sympy.sin(2 * x)) / 2,
        sympy.cos(a) * sympy.cos(b): (sympy.cos(4 * x) + sympy.cos(2 * x)) / 2,
        sympy.sin(a) * sympy.sin(b): (sympy.cos(2 * x) - sympy.cos(4 * x)) / 2,
        sympy.sinh(a) * sympy.cosh(b): (sympy.sinh(4 * x) + sympy.sinh(2 * x)) / 2,
        sympy.cosh(a) * sympy.cosh(b): (sympy.cosh(4 * x) + sympy.cosh(2 * x)) / 2,
        sympy.sinh(a) * sympy.sinh(b): (sympy.cosh(4 * x) - sympy.cosh(2 * x)) / 2,
        2 * sympy.sin(x) * sympy.cos(x): sympy.sin(2 * x),
        sympy.sinh(x) ** 2 + sympy.cosh(x) ** 2: sympy.cosh(2 * x),
        sympy.sin(x) * sympy.sinh(x): sympy.sin(x) * sympy.sinh(x),  # two families: nothing to pair
    }
    for product, expected in cases.items():
        assert sympy.expand(products_to_sums(product) - expected) == 0, product


def test_diff_of_sinh_times_cosh_is_the_short_sum(invoke):
    result = invoke("diff", "sinh(3*x)*cosh(5*x)")
    assert result.exit_code == 0, result.stderr
    answer = sympy.sympify(result.stdout.strip()).xreplace({sympy.Symbol("x"): x})
    assert sympy.expand(answer - (4 * sympy.cosh(8 * x) - sympy.cosh(2 * x))) == 0
    assert sympy.count_ops(answer) <= sympy.count_ops(sympy.simplify(sympy.diff(sympy.sinh(3 * x) * sympy.cosh(5 * x), x)))
