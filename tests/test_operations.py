"""The simplifier's operation count is sympy.count_ops's number, on the shapes it measures: the
raw derivatives and their rewritten forms, signs, fractions, exponentials, roots, piecewise and
unevaluated products included. sympy.count_ops is the oracle."""

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivcli.derivation import rewrites
from derivcli.derivation.operations import count_operations
from derivcli.derivation.step import freeze, thaw

x = sympy.Symbol("x", real=True)
y = sympy.Symbol("y")
LEAVES = [x, y, x + 1, x - y, sympy.Integer(2), sympy.Integer(-3), sympy.Rational(-2, 7), sympy.Rational(1, 3),
          sympy.pi, sympy.E, sympy.Float(0.5), sympy.S.One, sympy.S.NegativeOne]
FUNCTIONS = [sympy.sin, sympy.cos, sympy.exp, sympy.log, sympy.sqrt, sympy.atan, sympy.Abs, sympy.cosh,
             lambda u: sympy.Max(u, 0), lambda u: sympy.Piecewise((u, x > 0), (-u, True))]


@st.composite
def expressions(draw, depth=0):
    if depth >= 3 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(LEAVES))
    kind = draw(st.integers(0, 5))
    left, right = draw(expressions(depth + 1)), draw(expressions(depth + 1))
    if kind == 0:
        return left + right
    if kind == 1:
        return left - right
    if kind == 2:
        return left * right
    if kind == 3:
        return left / right if right != 0 else left
    if kind == 4:
        return left ** draw(st.sampled_from([2, 3, -1, -2, sympy.Rational(1, 2), sympy.Rational(-3, 2), y]))
    try:
        return draw(st.sampled_from(FUNCTIONS))(left)
    except (ValueError, TypeError):  # Max of a non-real number
        return left


@settings(max_examples=300, deadline=None)
@given(expressions())
def test_the_count_is_count_ops_for_any_expression(expression):
    assert count_operations(expression) == sympy.count_ops(expression)


@settings(max_examples=80, deadline=None)
@given(expressions())
def test_the_count_is_count_ops_for_every_form_of_a_derivative(expression):
    """What the simplifier measures: the raw derivative, its forms, and a form frozen and thawed
    as it crosses from the worker (unevaluated products and sums)."""
    raw = sympy.diff(expression, x)
    forms = [raw, thaw(freeze(raw)), rewrites.common_factors(raw), *rewrites.quotient_forms(raw)]
    for form in forms:
        assert count_operations(form) == sympy.count_ops(form), form


def test_the_count_of_written_shapes():
    """A few shapes, by hand and by count_ops: −x⁻¹ is NEG and DIV; x − y one SUB; −x − y NEG and SUB;
    a product of three factors two MUL; e^(−x) EXP, NEG."""
    cases = {-1 / x: 2, x - y: 1, -x - y: 2, 2 * x * y: 2, sympy.exp(-x): 2, sympy.Rational(-1, 2): 2,
             sympy.Mul(-2, x + 1, evaluate=False): None, sympy.Eq(x, 1): None}
    for expression, expected in cases.items():
        assert count_operations(expression) == sympy.count_ops(expression)
        if expected is not None:
            assert count_operations(expression) == expected
