"""The safe parser: the notation it accepts, and what it refuses."""

import pytest
import sympy

from derivcli.errors import NoAnswerError, ParseError, UsageError
from derivcli.parsing import (
    MAX_DEPTH, choose_variables, format_point, parse_expression, parse_point, parse_value,
)

x, y = sympy.symbols("x y", real=True)
y_hat = sympy.Symbol("y_hat", real=True)
theta = sympy.Symbol("theta", real=True)


@pytest.mark.parametrize("text, expected", [
    ("x**2", x**2),
    ("x^2", x**2),
    ("2x", 2 * x),
    ("2 sin(x)", 2 * sympy.sin(x)),
    ("e^x", sympy.exp(x)),
    ("exp(x)", sympy.exp(x)),
    ("ln(x)", sympy.log(x)),
    ("log(x, 2)", sympy.log(x) / sympy.log(2)),
    ("log10(x)", sympy.log(x) / sympy.log(10)),
    ("sqrt(x)", sympy.sqrt(x)),
    ("abs(x)", sympy.Abs(x)),
    ("pi", sympy.pi),
    ("e", sympy.E),
    ("oo", sympy.oo),
    ("(y - y_hat)**2", (y - y_hat) ** 2),
    ("theta**2", theta**2),
    ("x²", x**2),
    ("x³ + 3x²", x**3 + 3 * x**2),
    ("x⁻¹", 1 / x),
    ("π", sympy.pi),
    ("2·x", 2 * x),
    ("2×x", 2 * x),
    ("√x", sympy.sqrt(x)),
    ("√(x+1)", sympy.sqrt(x + 1)),
    ("f(x) = x^2", x**2),
    ("y = 3x", 3 * x),
    ("-x**2", -x**2),
    ("x − 1", x - 1),
    ("0.1*x", x / 10),
    ("1e3", sympy.Integer(1000)),
    ("3.5e-2", sympy.Rational(7, 200)),
    ("x(x+1)", x * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("x y", x * y),
    ("arcsin(x)", sympy.asin(x)),
    ("sech(x)", sympy.sech(x)),
    ("acsch(x)", sympy.acsch(x)),
    ("piecewise((-x, x < 0), (x, otherwise))", sympy.Piecewise((-x, x < 0), (x, True))),
])
def test_accepted_notation(text, expected):
    assert parse_expression(text) == expected


def test_symbols_are_real():
    assert all(symbol.is_real for symbol in parse_expression("x*y + theta").free_symbols)


def test_undefined_functions_only_when_allowed():
    expression = parse_expression("f(x)*g(x)", allow_undefined_functions=True)
    assert {function.func.__name__ for function in expression.atoms(sympy.Function)} == {"f", "g"}
    with pytest.raises(ParseError, match="undefined function"):
        parse_expression("f(x)")


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("   ", "empty"),
    ("foo(x)", "unknown function 'foo'"),
    ("factorial(10**9)", "unknown function 'factorial'"),
    ("__import__('os')", "not allowed"),
    ("x.subs", "unexpected character '.'"),
    ("x[0]", "unexpected character"),
    ("'(' * 201", "unexpected character"),
    ("lambda: 1", "not allowed"),
    ("x if x else 1", "not allowed"),
    ("2**10**10", "too large"),
    ("9**9**9", "too large"),
    ("((9**99)**99)**99", "too large"),
    ("1e1000000000", "out of range"),
    ("(13/10)**6472416997", "too large"),
    ("x +", "cannot parse"),
    ("sin(", "cannot parse"),
    ("sin", "is a function"),
    ("sin(x, y)", "takes 1"),
    ("x < 1", "comparison"),
    ("x % 2", "unexpected character '%'"),
    ("x // 2", "cannot parse"),
    ("x" * 40, "too long"),
    ("x+" * 2500 + "x", "too long"),
    ("(" * 70 + "x" + ")" * 70, "nests too deeply"),
    ("-" * 100 + "x", "nests too deeply"),
    ("x\x00", "control characters"),
])
def test_rejected(text, message):
    with pytest.raises(ParseError, match=message):
        parse_expression(text)


def test_nesting_at_the_limit_is_accepted():
    depth = MAX_DEPTH - 2
    assert parse_expression("sin(" * depth + "x" + ")" * depth).has(sympy.sin)


def test_division_by_literal_zero_has_no_answer():
    with pytest.raises(NoAnswerError):
        parse_expression("1/0")


@pytest.mark.parametrize("text, expected", [
    ("3", {x: 3}),
    ("x=3", {x: 3}),
    ("x = -1/3", {x: sympy.Rational(-1, 3)}),
    ("pi/4", {x: sympy.pi / 4}),
])
def test_points_of_one_variable(text, expected):
    assert parse_point(text, [x]) == expected


def test_points_of_several_variables():
    assert parse_point("x=1,y=2", [x, y]) == {x: 1, y: 2}
    assert parse_point("y=log(8, 2), x=0", [x, y]) == {x: 0, y: 3}
    assert parse_point("1, 2", [x, y]) == {x: 1, y: 2}


@pytest.mark.parametrize("text, message", [
    ("x=1", "no value for y"),
    ("z=1,x=1,y=1", "'z' is not a variable"),
    ("x=1,x=2,y=1", "twice"),
    ("3", "1 value"),
    ("x=y,y=1", "not a constant"),
    ("x=oo,y=1", "not a finite real"),
    ("", "empty"),
])
def test_bad_points(text, message):
    with pytest.raises(UsageError, match=message):
        parse_point(text, [x, y])


def test_point_round_trip():
    point = {x: sympy.Rational(-1, 2), y: sympy.pi / 4}
    assert parse_point(format_point(point), [x, y]) == point


def test_choose_variables():
    assert choose_variables(parse_expression("x*y")) == [x]
    assert choose_variables(parse_expression("y_hat**2")) == [y_hat]
    assert choose_variables(parse_expression("7")) == [x]
    assert choose_variables(parse_expression("x*y"), several=True) == [x, y]
    assert choose_variables(parse_expression("x"), ["y_hat"]) == [y_hat]
    with pytest.raises(UsageError, match="several variables"):
        choose_variables(parse_expression("a*b"))
    with pytest.raises(UsageError, match="not a valid variable"):
        choose_variables(parse_expression("x"), ["__class__"])


def test_constant_values():
    assert parse_value("1/3") == sympy.Rational(1, 3)
    with pytest.raises(ParseError):
        parse_value("x")


def test_intervals():
    from derivcli.parsing import parse_interval

    assert parse_interval("0:2*pi") == (0, 2 * sympy.pi)
    assert parse_interval("-oo:1/2") == (-sympy.oo, sympy.Rational(1, 2))
    assert parse_interval(None) is None
    for text, message in [("1", "not of the form"), ("2:1", "empty"), ("0:x", "not a constant"), (":1", "not of the form")]:
        with pytest.raises(UsageError, match=message):
            parse_interval(text)


def test_decimal_places_read_back_a_decimal_literal():
    from derivcli.parsing import decimal_places

    assert decimal_places(parse_value("-1.03615473765329")) == 14
    assert decimal_places(parse_value("0.5")) == 1
    assert decimal_places(parse_value("1/3")) == 0
    assert decimal_places(parse_value("7")) == 0


def test_common_notations_that_are_refused_say_how_to_write_them():
    from derivcli.errors import ParseError

    with pytest.raises(ParseError) as squared:
        parse_expression("sin^2(x)")
    assert "sin(x)^2" in squared.value.hint and "asin(x)" in squared.value.hint
    with pytest.raises(ParseError) as bars:
        parse_expression("ln|x|")
    assert bars.value.hint == "write |x| as abs(x)"


# --- the domain of the formula as written (parsing.conditions) -------------------------------------

from derivcli.parsing import undecided_conditions  # noqa: E402
from derivcli.parsing import is_family, parse_family, parse_formula  # noqa: E402


@pytest.mark.parametrize("text, outside, inside", [
    ("1/x", 0, 1),
    ("x**(-2)", 0, -1),
    ("x**(1/2)", -1, 0),
    ("x**0.25", -1, 0),
    ("x**(-1/2)", 0, 1),
    ("x**pi", -1, 0),
    ("x**(1/3)", None, -8),  # odd roots are real roots
    ("log(x)", 0, 1),
    ("log(x, x)", 1, 2),
    ("log(2, x)", -2, 3),
    ("tan(x)", sympy.pi / 2, 0),
    ("cot(x)", 0, 1),
    ("asin(x)", 2, 1),
    ("acosh(x)", 0, 1),
    ("atanh(x)", 1, 0),
    ("acoth(x)", 1, 2),
    ("asec(x)", 0, -1),
    ("asech(x)", 0, 1),
    ("gamma(x)", -2, -sympy.Rational(5, 2)),
    ("polygamma(1, x)", 0, sympy.pi),
    ("loggamma(x)", 0, 1),
    ("LambertW(x)", -1, -sympy.exp(-1)),
    ("erfinv(x)", 1, 0),
    ("atan2(x, x)", 0, 1),
    ("li(x)", 1, 0),
    ("x**x", -sympy.Rational(1, 2), -1),  # (−1)**(−1) is real
    ("0**x", -1, 0),
    ("piecewise((1/x, x > 1), (0, otherwise))", None, 0),
])
def test_domain_conditions_of_the_written_parts(text, outside, inside):
    formula = parse_formula(text)
    if outside is not None:
        assert formula.violation({x: outside}) is not None, formula.domain
    assert formula.violation({x: inside}) is None, formula.domain


def test_a_violation_names_the_part_the_point_and_the_reason():
    assert parse_formula("sin(x) + 1/(x - 2)").violation({x: 2}) == \
        "1/(x-2) is undefined at x = 2 (division by zero)"
    assert parse_formula("sqrt(log(x))").violation({x: sympy.Rational(1, 2)}) == \
        "sqrt(log(x)) is undefined at x = 1/2 (even root of a negative number)"


def test_the_innermost_part_is_blamed_first():
    assert parse_formula("sqrt(log(x))").violation({x: -1}).startswith("log(x) is undefined")


def test_constant_parts_that_always_hold_leave_no_condition():
    assert parse_formula("x**2/2 + sqrt(2)*x + 2**x + log(3)").domain == ()


def test_a_zero_sympy_cannot_prove_is_undecided_not_satisfied():
    """1/(sin(x)**2 + cos(x)**2 - 1) at x = pi/7: the denominator is 0, which neither sympy's
    exact test nor a 30-digit evaluation can confirm; the condition is undecided."""
    formula = parse_formula("1/(sin(x)**2 + cos(x)**2 - 1)")
    point = {x: sympy.pi / 7}
    assert formula.violation(point) is None
    assert len(undecided_conditions(formula.domain, point)) == 1


def test_the_domain_symbols_include_cancelled_variables():
    formula = parse_formula("y/y + x")
    assert {str(symbol) for symbol in formula.domain_symbols()} == {"y"}


# --- headers and equations ----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("f(x) = x^2", x**2),
    ("f(x, y) = x*y", x * y),
    ("y = 3x", 3 * x),
    ("loss = (y - y_hat)**2", (y - y_hat) ** 2),
])
def test_headers(text, expected):
    assert parse_expression(text) == expected


@pytest.mark.parametrize("text", [
    "sin(y) = x", "y = x + y", "pi = x", "e = x", "x**2 = 4", "f(2) = x", "f(x) = 2*f(x)", "x == 1",
])
def test_equations_are_not_headers(text):
    with pytest.raises(UsageError, match="read as an equation"):
        parse_expression(text, allow_undefined_functions=True)
    assert parse_formula(text, allow_undefined_functions=True, allow_equation=True).equation is not None


@pytest.mark.parametrize("text, message", [
    ("x = y = 1", "more than one"), ("= x", "nothing stands before"), ("x**2 =", "nothing stands after"),
    ("f(x) =", "empty expression"),
])
def test_malformed_equals_signs(text, message):
    with pytest.raises(ParseError, match=message):
        parse_expression(text)


# --- names --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "sinx", "cosx", "lnx", "sqrtx", "expx", "arcsinx", "sinhx", "log10x", "sinθ", "sinpi", "absx",
    "sintheta", "sinab + ab",
])
def test_glued_function_names_are_refused(text):
    with pytest.raises(ParseError, match="glued"):
        parse_expression(text)


@pytest.mark.parametrize("text", [
    "sinusoid", "cosine_rule", "expected", "theta", "signal", "x_y + x + y", "ab + a", "y_hat*x",
])
def test_names_that_only_resemble_others_stay_variables(text):
    parse_expression(text)


# --- sizes --------------------------------------------------------------------------------------

def test_a_flat_chain_is_one_level_deep():
    assert parse_expression(" + ".join(f"x**{k}" for k in range(200))) == sum(x**k for k in range(200))
    assert parse_expression("*".join(["x"] * 500)) == x**500
    assert parse_expression("/".join(["x"] * 100)) == x**-98


def test_a_long_chain_of_huge_numbers_is_refused_before_it_is_multiplied_out():
    with pytest.raises(ParseError, match="too large"):
        parse_expression("*".join(["10**3900"] * 400))
    with pytest.raises(ParseError, match="too large"):
        parse_expression("+".join(["1/3**8000"] * 200))


# --- families -----------------------------------------------------------------------------------

def test_families_of_points():
    n = sympy.Symbol("n", integer=True)
    family = parse_family("x=pi*n + pi/2 (n integer)", [x])
    assert family.point == {x: sympy.pi * n + sympy.pi / 2} and family.parameter == n
    assert family.member(2) == {x: 5 * sympy.pi / 2}
    assert parse_family("x=pi*n,y=0 (n integer)", [x, y]).member(1) == {x: sympy.pi, y: 0}
    assert is_family("x=y,y=y (y real)") and not is_family("x=1")


@pytest.mark.parametrize("text, message", [
    ("x=pi*m (n integer)", "only on the parameter n"),
    ("x=1,y=2 (n integer)", "does not depend on its parameter"),
    ("x=n (x integer)", "also a variable"),
    ("x=1,y=y (t real)", "must be one of the variables"),
    ("x=1", "not a family"),
])
def test_bad_families(text, message):
    with pytest.raises(UsageError, match=message):
        parse_family(text, [x, y])


def test_a_family_given_as_one_point_names_a_member():
    with pytest.raises(UsageError, match="infinitely many points") as error:
        parse_point("x=pi*n + pi/2 (n integer)", [x])
    assert error.value.hint == "give one of them, such as x=pi/2"
    assert parse_point("x=pi (n integer)", [x]) == {x: sympy.pi}
