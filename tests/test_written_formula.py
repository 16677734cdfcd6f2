"""The formula as written, through the real `deriv`: its domain survives sympy's simplification,
names are not read silently, long flat formulas are not "deep", and an equation is never a
formula with a side dropped (issue 18, the parser's half)."""

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivcli.parsing import parse_expression, parse_family, parse_formula

x = sympy.Symbol("x", real=True)


# --- the domain of the formula as written (diff --at checks it) ---------------------------------

@pytest.mark.parametrize("formula, at, reason", [
    ("x/x", "0", "x/x is undefined at x = 0 (division by zero)"),
    ("x**3/x", "0", "x**3/x is undefined at x = 0 (division by zero)"),
    ("sqrt(x)**2", "-4", "sqrt(x) is undefined at x = -4 (even root of a negative number)"),
    ("0*log(x)", "-1", "log(x) is undefined at x = -1 (logarithm of a number that is not positive)"),
    ("log(x)**0 + x", "0", "log(x) is undefined at x = 0"),
    ("(x - 1)/(x - 1)", "1", "(x-1)/(x-1) is undefined at x = 1 (division by zero)"),
])
def test_a_cancelled_part_keeps_its_domain(invoke, formula, at, reason):
    result = invoke("diff", formula, "--at", at)
    assert result.exit_code == 3, result.output
    assert reason in result.output


def test_where_the_written_formula_is_defined_the_answer_stands(invoke):
    assert invoke("diff", "x/x", "--at", "2").stdout.strip() == "0"
    assert invoke("diff", "sqrt(x)**2", "--at", "4").stdout.strip() == "1"


def test_a_condition_inside_a_piecewise_branch_applies_only_where_the_branch_is_taken(invoke):
    """1/x sits in the branch x > 1, so x = 0 (taken by the other branch) is in the domain."""
    result = invoke("diff", "piecewise((x/x, x > 1), (x, otherwise))", "--at", "0")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1"


FACTORS = ["x**2 + 1", "cos(x)", "exp(x)", "3*x - 2", "x**3 - x"]
ROOTED = ["x - ({a})", "x**2 - ({a})**2", "sin(x - ({a}))", "exp(x - ({a})) - 1", "(x - ({a}))**3"]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FACTORS), st.sampled_from(ROOTED), st.integers(-3, 3))
def test_a_random_cancelled_factor_is_undefined_where_it_vanishes(invoke, g, h, a):
    """g·h/h is g with a hole where h = 0: diff says so at the hole, and gives g′ next to it."""
    h = h.format(a=a)
    formula = f"({g})*({h})/({h})"
    hole = invoke("diff", formula, "--at", str(a))
    assert hole.exit_code == 3, (formula, hole.output)
    assert "division by zero" in hole.output
    beside = sympy.Rational(2 * a + 1, 2)
    result = invoke("diff", formula, "--at", f"{2 * a + 1}/2", "--json")
    assert result.exit_code == 0, (formula, result.output)
    import json

    slope = sympy.diff(sympy.sympify(g).subs(sympy.Symbol("x"), x), x).subs(x, beside)
    got = sympy.Float(json.loads(result.stdout)["value_numeric"], 15)
    assert abs(got - slope.evalf(20)) <= 1e-12 * max(1, abs(slope.evalf(20)))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FACTORS), st.sampled_from(ROOTED), st.integers(-3, 3))
def test_the_parse_keeps_the_condition_of_a_cancelled_factor(g, h, a):
    h = h.format(a=a)
    formula = parse_formula(f"({g})*({h})/({h})")
    denominator = parse_expression(h)
    assert any(c.requirement == "nonzero" and c.quantity == denominator for c in formula.domain)
    assert formula.violation({x: sympy.Integer(a)}) is not None
    assert formula.violation({x: sympy.Rational(2 * a + 1, 2)}) is None


# --- names read silently ---------------------------------------------------------------------

@pytest.mark.parametrize("formula, hint", [
    ("sinx", "sin(x)"), ("cosx", "cos(x)"), ("lnx", "ln(x)"), ("sqrtx", "sqrt(x)"),
    ("2 sinx + 1", "sin(x)"), ("sin2x", "sin(2x)"), ("tantheta", "tan(theta)"),
])
def test_a_function_glued_to_its_argument_is_refused_with_the_call_to_write(invoke, formula, hint):
    result = invoke("diff", formula)
    assert result.exit_code == 2
    assert f"write {hint}" in result.output


@pytest.mark.parametrize("formula, hint", [("xy + x + y", "x*y"), ("x*y + xyz*z", "x*y*z")])
def test_letters_of_variables_run_together_are_refused(invoke, formula, hint):
    result = invoke("diff", formula)
    assert result.exit_code == 2
    assert f"write {hint}" in result.output


@pytest.mark.parametrize("formula, derivative", [
    ("theta", "1"), ("y_hat", "1"), ("xy", "1"), ("theta*x + t*h*a", "theta"),
])
def test_an_unambiguous_name_stays_one_variable(invoke, formula, derivative):
    result = invoke("diff", formula)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == derivative


def test_the_parse_says_which_names_were_read_whole():
    formula = parse_formula("theta*x + y_hat")
    assert formula.symbols == ("theta", "x", "y_hat")
    assert formula.names_read_whole() == ("theta", "y_hat")


# --- long flat formulas -------------------------------------------------------------------------

def test_a_long_polynomial_differentiates(invoke):
    polynomial = "1 + " + " + ".join(f"x**{k}" for k in range(1, 71))
    result = invoke("diff", polynomial, "--at", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(sum(range(1, 71)))  # d/dx Σ xᵏ at 1 is Σ k


def test_a_sum_of_a_hundred_terms_and_a_product_of_sixty_five_factors(invoke):
    assert invoke("diff", "+".join(["x"] * 100)).stdout.strip() == "100"
    assert invoke("diff", "*".join(["x"] * 65)).stdout.strip() == "65*x**64"
    alternating = "".join(f"{'+' if k % 2 else '-'}x/{k}" for k in range(1, 80))
    result = invoke("diff", alternating, "--at", "0")
    assert result.stdout.strip() == str(sum(sympy.Rational((-1) ** (k + 1), k) for k in range(1, 80)))


@pytest.mark.parametrize("formula, message", [
    ("(" * 70 + "x" + ")" * 70, "nests too deeply"),
    ("sin(" * 65 + "x" + ")" * 65, "nests too deeply"),
    ("**".join(["x"] * 70), "nests too deeply"),
    ("-" * 70 + "x", "nests too deeply"),
    ("+".join(["x"] * 1600), "too large"),
])
def test_real_nesting_and_size_are_still_bounded(invoke, formula, message):
    result = invoke("eval", formula, "--at", "1")
    assert result.exit_code == 2
    assert message in result.output


# --- equations are not headers ------------------------------------------------------------------

@pytest.mark.parametrize("formula", ["sin(y) = x", "y = x**2 + y", "x**2 + y**2 == 1", "z = x*z + 1"])
@pytest.mark.parametrize("command", [["eval", "--at", "1"], ["critical"]])
def test_an_equation_is_a_usage_error_that_says_so(invoke, formula, command):
    result = invoke(command[0], formula, *command[1:])
    assert result.exit_code == 2
    assert "read as an equation" in result.output and "--implicit" in result.output


@pytest.mark.parametrize("formula, status, output", [
    ("sin(y) = x", 0, "1/cos(y)"),
    ("x**2 + y**2 == 1", 0, "-x/y"),
    ("y = x**2 + y", 3, "y drops out"),  # y on the right is the same y, not a constant
    ("z = x*z + 1", 2, "--implicit"),    # no x and y: which depends on which must be said
])
def test_diff_differentiates_an_equation_implicitly(invoke, formula, status, output):
    result = invoke("diff", formula)
    assert result.exit_code == status
    assert output in (result.stdout if status == 0 else result.stderr)


def test_two_equals_signs_cannot_be_read(invoke):
    result = invoke("diff", "f(x) = x = 2")
    assert result.exit_code == 2
    assert "more than one '='" in result.output


@pytest.mark.parametrize("formula, derivative", [
    ("f(x) = x**2", "2*x"), ("y = 3x", "3"), ("g(x, t) = x*t", "t"), ("cost = x**3", "3*x**2"),
])
def test_a_header_is_dropped(invoke, formula, derivative):
    assert invoke("diff", formula).stdout.strip() == derivative


def test_an_equation_is_a_parsed_form_of_its_own():
    y = sympy.Symbol("y", real=True)
    formula = parse_formula("sin(y) = x", allow_equation=True)
    assert formula.equation == (sympy.sin(y), x)
    assert formula.expression == sympy.sin(y) - x


# --- families compose ---------------------------------------------------------------------------

def test_what_critical_prints_for_a_family_reads_back(invoke):
    line = invoke("critical", "sin(x)").stdout.splitlines()[0]
    family = parse_family(line, [x])
    assert family.kind == "integer"
    for n in range(-3, 4):
        point = family.member(n)[x]
        assert sympy.cos(point) == 0  # every member is a critical point of sin


def test_a_real_family_of_several_variables_reads_back(invoke):
    y = sympy.Symbol("y", real=True)
    line = invoke("critical", "(x-y)**2").stdout.splitlines()[0]
    family = parse_family(line, [x, y])
    assert family.kind == "real" and family.parameter == y
    assert family.member(sympy.Rational(1, 3)) == {x: sympy.Rational(1, 3), y: sympy.Rational(1, 3)}


# --- sympy's spellings and the special functions -------------------------------------------------

@pytest.mark.parametrize("formula, at, value", [
    ("Max(x, 2) + arccosh(x)", "3", 1 + sympy.sqrt(2) / 4),
    ("Min(x, 2) + arcsech(x)", "1/2", 1 - 4 / sympy.sqrt(3)),
    ("atan2(1, x)", "0", -1),  # the quotient form would be undefined at x = 0; atan2's is not
])
def test_sympy_spellings_and_atan2(invoke, formula, at, value):
    result = invoke("diff", formula, "--at", at, "--json")
    assert result.exit_code == 0, result.output
    import json

    assert sympy.sympify(json.loads(result.stdout)["value"]).equals(value)


@pytest.mark.parametrize("formula", ["polygamma(10**9, x)", "besselj(x, x)", "polygamma(1/2, x)"])
def test_orders_of_special_functions_are_bounded_numbers(invoke, formula):
    assert invoke("diff", formula).exit_code == 2
