"""deriv diff on an equation: dy/dx by implicit differentiation, through the real command line.

Oracles other than the code under test: −F_x/F_y from sympy.diff, the second-derivative formula
differentiated independently here, and finite differences of y(x) along the curve, whose points
are found by root-finding (mpmath.findroot). A property test draws polynomials in x and y.
"""

import json

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import strip_ansi

x, y, r, t = (sympy.Symbol(name, real=True) for name in "xyrt")


def _real(text):
    value = sympy.sympify(text)
    return value.xreplace({s: sympy.Symbol(s.name, real=True) for s in value.free_symbols})


def _minus_fx_over_fy(equation):
    return -sympy.diff(equation, x) / sympy.diff(equation, y)


def _answer(invoke, *arguments):
    result = invoke("diff", *arguments)
    assert result.exit_code == 0, result.output
    return _real(result.stdout.strip())


@pytest.mark.parametrize("text, equation", [
    ("x**2 + y**2 = 1", x**2 + y**2 - 1),
    ("x**2 + y**2 == 1", x**2 + y**2 - 1),
    ("sin(y) = x", sympy.sin(y) - x),
    ("x**3 + y**3 = 6*x*y", x**3 + y**3 - 6 * x * y),
    ("exp(x*y) = x + y", sympy.exp(x * y) - x - y),
    ("y**5 + y = x**2 - 3", y**5 + y - x**2 + 3),
])
def test_dy_dx_is_minus_f_x_over_f_y(invoke, text, equation):
    answer = _answer(invoke, text, "--implicit", "y")
    assert sympy.simplify(answer - _minus_fx_over_fy(equation)) == 0
    assert _answer(invoke, text) == answer  # y is the default when the equation has x and y


def test_sin_y_equals_x_gives_one_over_cos_y(invoke):
    assert invoke("diff", "sin(y) = x").stdout.strip() == "1/cos(y)"


def test_y_on_the_right_is_not_held_constant(invoke):
    result = invoke("diff", "y = x**2 + y")
    assert result.exit_code == 3
    assert "y drops out" in result.stderr


@pytest.mark.parametrize("text, x0, guess", [
    ("x**3 + y**3 = 6*x*y", 1.0, 2.8),
    ("exp(y) + x*y = 3", 0.5, 1.0),
    ("y**5 + y = x**2 - 3", 2.5, 1.1),
    ("sin(x*y) + y = 1.5", 0.3, 1.0),
])
def test_the_slope_matches_finite_differences_along_the_curve(invoke, text, x0, guess):
    answer = _answer(invoke, text)
    left, right = (_real(side) for side in text.split("="))
    residual = sympy.lambdify((x, y), left - right, "mpmath")
    mpmath.mp.dps = 30
    try:
        def y_at(place):
            return mpmath.findroot(lambda value: residual(place, value), guess)

        y0, step = y_at(x0), mpmath.mpf("1e-8")
        difference = (y_at(x0 + step) - y_at(x0 - step)) / (2 * step)
        slope = sympy.N(answer.subs({x: sympy.Float(x0, 30), y: sympy.Float(y0, 30)}), 30)
        assert abs(residual(x0, y0)) < mpmath.mpf("1e-20")
        assert abs(float(slope) - float(difference)) <= 1e-9 * max(1.0, abs(float(difference)))
    finally:
        mpmath.mp.dps = 15


def test_the_second_derivative_is_the_first_differentiated_along_the_curve(invoke):
    for text, equation in [("x**2 + y**2 = 1", x**2 + y**2 - 1), ("y**3 + x*y = 2", y**3 + x * y - 2)]:
        first = _minus_fx_over_fy(equation)
        truth = sympy.diff(first, x) + sympy.diff(first, y) * first  # d/dx g(x, y(x)) = g_x + g_y·y′
        second = _answer(invoke, text, "--order", "2")
        assert sympy.simplify(second - truth) == 0


def test_the_slope_at_a_point_of_the_circle(invoke):
    assert invoke("diff", "x**2 + y**2 = 1", "--at", "x=0,y=1").stdout.strip() == "0"
    assert invoke("diff", "x**2 + y**2 = 1", "--at", "x=3/5,y=4/5").stdout.strip() == "-3/4"
    tangent = invoke("diff", "x**2 + y**2 = 1", "--at", "x=3/5,y=4/5", "--tangent").stdout.strip()
    assert sympy.simplify(_real(tangent) - (sympy.Rational(4, 5) - sympy.Rational(3, 4) * (x - sympy.Rational(3, 5)))) == 0


def test_a_point_off_the_curve_says_how_far_off(invoke):
    result = invoke("diff", "x**2 + y**2 = 1", "--at", "x=0,y=2")
    assert result.exit_code == 3
    assert "not on the curve" in result.stderr and "off by 3" in result.stderr


def test_a_vertical_tangent_and_a_singular_point_have_no_slope(invoke):
    vertical = invoke("diff", "x**2 + y**2 = 1", "--at", "x=1,y=0")
    assert vertical.exit_code == 3 and "vertical" in vertical.stderr and "x = 1" in vertical.stderr
    singular = invoke("diff", "y**2 = x**3", "--at", "x=0,y=0")
    assert singular.exit_code == 3 and "singular point" in singular.stderr


def test_other_letters_are_constants_and_wrt_names_the_independent_variable(invoke):
    answer = _answer(invoke, "x**2 + y**2 = r**2", "--at", "x=0,y=2,r=2")
    assert answer == 0
    by_t = _answer(invoke, "t**2 + y**2 = 4", "--implicit", "y", "--wrt", "t")
    assert sympy.simplify(by_t + t / y) == 0


def test_the_terminal_shows_each_step_of_the_method(invoke):
    output = strip_ansi(invoke("diff", "x**2 + y**2 = 1", "--at", "x=0,y=1", terminal=True).stdout)
    assert "d/dx of both sides of x² + y² = 1, with y a function of x" in output
    assert "inner  d/dx y = dy/dx" in output  # the chain rule brings in dy/dx
    assert "collect the dy/dx terms:  (2·y)·dy/dx = -2·x" in output
    assert "dy/dx = -x/y   ✓ agrees with −F_x/F_y" in output
    assert "tangent: y = 1" in output


def test_json_keeps_the_working_and_latex_writes_dy_dx(invoke):
    record = json.loads(invoke("diff", "x**2 + y**2 = 1", "--json").stdout)
    assert record["derivative"] == "-x/y" and record["dependent"] == "y" and record["independent"] == "x"
    assert record["steps"]["left"]["result"] == "2*x + 2*y(x)*Derivative(y(x), x)"
    assert record["checked"]["agrees"] is True
    latex = invoke("diff", "x**2 + y**2 = 1", "--latex", "--steps").stdout
    assert r"\left(2 y\right) \frac{dy}{dx} &= - 2 x && \text{collect}" in latex


def test_expect_and_batches(invoke):
    assert invoke("diff", "x**2 + y**2 = 1", "--expect", "-x/y").exit_code == 0
    assert invoke("diff", "x**2 + y**2 = 1", "--expect", "x/y").exit_code == 1
    assert invoke("diff", "x**2 + y**2 = 1", "--at", "x=0,y=1", "--expect", "0").exit_code == 0
    result = invoke("diff", "-", input="x**2 + y**2 = 1 => -x/y\nx**3\nsin(y) = x => cos(y)\n")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["-x/y", "3*x**2", "1/cos(y)"]


@pytest.mark.parametrize("arguments, message", [
    (["x**2 + y", "--implicit", "y"], "has no '='"),
    (["x = y = 1", "--implicit", "y"], "more than one '='"),
    (["x**2 + y**2 = 1", "--implicit", "z"], "z is not in the equation"),
    (["z = x*z + 1"], "--implicit"),
    (["x**2 + y**2 = 1", "--wrt", "x", "--wrt", "y"], "one variable"),
])
def test_bad_equations_are_usage_errors_that_name_the_problem(invoke, arguments, message):
    result = invoke("diff", *arguments)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


polynomials = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(-5, 5).filter(bool)), min_size=1, max_size=4)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(terms=polynomials, constant=st.integers(-4, 4))
def test_property_polynomial_curves_give_minus_f_x_over_f_y(invoke, terms, constant):
    # x⁴ and y⁵ are beyond the terms' degrees: both variables stay in the equation
    polynomial = sum((c * x**i * y**j for i, j, c in terms), sympy.Integer(0)) + x**4 + y**5
    text = f"{sympy.sstr(polynomial)} = {constant}"
    result = invoke("diff", text, "--implicit", "y")
    assert result.exit_code == 0, result.output
    answer = _real(result.stdout.strip())
    assert sympy.simplify(answer - _minus_fx_over_fy(polynomial - constant)) == 0
