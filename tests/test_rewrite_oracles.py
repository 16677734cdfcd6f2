"""The simplifier's own rewrites give sympy's expression, tree for tree (not only an equal value):
its common factors are sympy.factor_terms's, and its expansion is expand_mul and
expand_multinomial applied at every product and power of a sum, as a plain walk applies them.
On random expressions, on derivatives and their quotient forms, and on the shapes handed back
to sympy."""

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivcli.derivation import factoring, rewrites

x = sympy.Symbol("x", real=True)
y = sympy.Symbol("y")
LEAVES = [x, y, x + 1, 2 * x + 2, x - y, 3 * x**2 - 6, sympy.Integer(2), sympy.Integer(-3), sympy.Rational(-2, 7),
          sympy.Rational(3, 4), sympy.sqrt(2), sympy.pi, sympy.E]
FUNCTIONS = [sympy.sin, sympy.cos, sympy.exp, sympy.log, sympy.sqrt, sympy.atan, sympy.Abs, sympy.cosh,
             lambda u: sympy.exp(-u / 3), lambda u: sympy.Piecewise((u, x > 0), (-u, True))]
EXPONENTS = [2, 3, -1, -2, sympy.Rational(1, 2), sympy.Rational(-3, 2), sympy.Rational(2, 3), y]


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
        return left ** draw(st.sampled_from(EXPONENTS))
    try:
        return draw(st.sampled_from(FUNCTIONS))(left)
    except (ValueError, TypeError):
        return left


def _same(expression):
    expected = sympy.factor_terms(expression)
    found = factoring.factor_terms(expression)
    assert sympy.srepr(found) == sympy.srepr(expected), (expression, found, expected)


@settings(max_examples=300, deadline=None)
@given(expressions())
def test_the_factors_are_factor_terms_for_any_expression(expression):
    _same(expression)


@settings(max_examples=100, deadline=None)
@given(expressions())
def test_the_factors_are_factor_terms_for_every_form_of_a_derivative(expression):
    """What the simplifier factors: raw derivatives, expanded, and over one fraction bar."""
    raw = sympy.diff(expression, x)
    for form in [raw, rewrites.expanded(raw), *rewrites.quotient_forms(raw)]:
        _same(form)


def test_the_shapes_a_course_meets():
    """By hand: content and a common power out, a minus sign out, a fraction's content kept on
    a term that stays integral, roots and exponentials as bases, sums as bases losing content."""
    cases = {
        2 * x * sympy.exp(x) + x**2 * sympy.exp(x): "x*(x + 2)*exp(x)",
        -6 * x**2 - 4 * x: "-2*x*(3*x + 2)",
        x / 3 + sympy.Rational(2, 3): "(x + 2)/3",
        (2 * x + 2)**2 * sympy.sin(x) + (x + 1) * sympy.cos(x): None,
        sympy.sqrt(x) * sympy.sin(x) + sympy.sqrt(x)**3: None,
        -2 * x * sympy.exp(-x**2 / 3) / 3 - 4 * sympy.exp(-x**2 / 3) * sympy.sin(x): None,
    }
    for expression, expected in cases.items():
        _same(expression)
        if expected is not None:
            assert str(factoring.factor_terms(expression)) == expected


def test_shapes_left_to_sympy_are_still_factored():
    """Floating coefficients, i and unevaluated exponents go to sympy.factor_terms itself."""
    z = sympy.Symbol("z")
    for expression in [0.5 * x**2 + 1.5 * x, sympy.I * x + sympy.I * x**2, z * sympy.I + 2 * z,
                       sympy.exp(sympy.Mul(-2, x + 1, evaluate=False)) + sympy.exp(x),
                       sympy.Sum(2 * x * y, (y, 1, 3)) + 4 * x]:
        _same(expression)


def _distributed_by_sympy(expression):
    """The expansion's definition: every product and power of a sum rebuilt and expanded by sympy."""
    if expression.is_Add:
        return sympy.Add(*[_distributed_by_sympy(term) for term in expression.args])
    if expression.is_Mul:
        return sympy.expand_mul(sympy.Mul(*[_distributed_by_sympy(factor) for factor in expression.args]), deep=False)
    if expression.is_Pow and expression.exp.is_Integer and expression.exp > 0 and expression.base.is_Add:
        return sympy.expand_multinomial(expression.func(_distributed_by_sympy(expression.base), expression.exp),
                                        deep=False)
    return expression


@settings(max_examples=200, deadline=None)
@given(expressions())
def test_the_expansion_is_sympys_for_any_expression_and_its_derivative(expression):
    """The expansion skips products with nothing to multiply out; it must give what rebuilding them gives."""
    for form in [expression, sympy.diff(expression, x)]:
        assert sympy.srepr(rewrites._distributed(form)) == sympy.srepr(_distributed_by_sympy(form)), form


def test_a_denominator_of_sums_is_multiplied_out_as_expand_mul_does():
    """expand_mul multiplies out a product of sums below the bar: the shortcut must not skip it."""
    expression = x / ((x + 1) * (x + 2))
    assert rewrites._distributed(expression) == _distributed_by_sympy(expression) == x / (x**2 + 3 * x + 2)
