"""Every function of the whitelist, through `deriv diff` and `deriv eval`: no internal error, and
the answers agree with oracles outside deriv (sympy.diff of sympy's own reading of the formula,
and a central difference of sympy's values at 40 digits)."""

import json

import mpmath
import pytest
import sympy
from sympy.parsing.sympy_parser import parse_expr

from derivcli.parsing import FUNCTIONS

X = sympy.Symbol("x", real=True)
POINT = sympy.Rational(3, 10)  # every formula below is defined and smooth near x = 0.3

# deriv's text -> sympy's spelling of the same formula (where it differs), the oracle's input
SPELLINGS = {
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arccot": "acot", "arcsec": "asec",
    "arccsc": "acsc", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
    "arccoth": "acoth", "arcsech": "asech", "arccsch": "acsch", "arsinh": "asinh",
    "arcosh": "acosh", "artanh": "atanh", "arcoth": "acoth", "arsech": "asech", "arcsch": "acsch",
    "arctan2": "atan2", "ln": "log", "abs": "Abs", "min": "Min", "max": "Max",
}
# the argument list each function is called with at x = 0.3 (x alone unless its domain needs more)
ARGUMENTS = {
    "asec": "x + 1", "acsc": "x + 1", "acosh": "x + 1", "acoth": "x + 1",
    "atan2": "x, x**2 - 2", "root": "x, 4", "log": "x, 3", "min": "x, x**2", "max": "x, x**2",
    "polygamma": "1, x", "lowergamma": "1/2, x", "uppergamma": "1/2, x", "expint": "2, x",
    "besselj": "2, x", "bessely": "2, x", "besseli": "2, x", "besselk": "2, x",
    "jn": "1, x", "yn": "1, x", "polylog": "3, x", "elliptic_f": "x, 1/2",
}
# sympy cannot evaluate erfcinv numerically: its definition erfinv(1 - u) stands in
OTHER_ORACLES = {"log10": "log(x, 10)", "log2": "log(x, 2)", "erfcinv": "erfinv(1 - x)"}


def canonical(name: str) -> str:
    """The sympy name of a whitelisted name (its own when sympy spells it the same)."""
    return SPELLINGS.get(name, SPELLINGS.get(name.lower(), name))


def formulas():
    """(deriv's formula, sympy's formula) for every name of the whitelist."""
    pairs = []
    for name in sorted(FUNCTIONS):
        sympy_name = canonical(name)
        arguments = ARGUMENTS.get(sympy_name.lower(), "x")
        if arguments.count(",") + 1 not in FUNCTIONS[name][1]:
            arguments = "x"
        oracle = OTHER_ORACLES.get(name, f"{sympy_name}({arguments})")
        pairs.append((f"{name}({arguments})", oracle))
    return pairs


FORMULAS = formulas()


def oracle(text: str) -> sympy.Expr:
    return parse_expr(text, local_dict={"x": X})  # trusted test text, never user input


def central_difference(function: sympy.Expr, at, digits: int = 40) -> mpmath.mpf:
    """(f(a + h) − f(a − h))/(2h) at 40 digits with h = 1e-12: error about h²·f‴/6."""
    with mpmath.workdps(digits):
        h = mpmath.mpf(10) ** -12
        def value(t):
            return mpmath.mpf(sympy.Float(function.subs(X, sympy.Float(t, digits)).evalf(digits), digits))
        return (value(at + h) - value(at - h)) / (2 * h)


def close(first, second, scale, places=15) -> bool:
    return abs(first - second) <= mpmath.mpf(10) ** -places * max(1, abs(scale))


@pytest.fixture(scope="module")
def records(request):
    """One batch run of each command over every formula: {command: [JSON record per line]}."""
    from click.testing import CliRunner

    from derivcli.cli import cli

    lines = "\n".join(text for text, _ in FORMULAS) + "\n"
    found = {}
    for command in ("diff", "eval"):
        result = CliRunner().invoke(cli, [command, "-", "--at", "0.3", "--json"], input=lines,
                                    catch_exceptions=False)
        found[command] = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
        assert result.exit_code == 0, result.output[-2000:]
    return found


def test_the_table_covers_every_name_of_the_whitelist():
    assert {text.split("(")[0] for text, _ in FORMULAS} == set(FUNCTIONS)


@pytest.mark.parametrize("index", range(len(FORMULAS)), ids=[text for text, _ in FORMULAS])
def test_every_function_differentiates_and_evaluates(records, index):
    text, sympy_text = FORMULAS[index]
    function = oracle(sympy_text)
    derivative = sympy.diff(function, X)
    at = mpmath.mpf(3) / 10
    differentiated, evaluated = records["diff"][index], records["eval"][index]
    assert "error" not in differentiated and "error" not in evaluated, (differentiated, evaluated)
    value = mpmath.mpf(sympy.Float(function.subs(X, POINT).evalf(30), 30))
    slope = mpmath.mpf(sympy.Float(derivative.subs(X, POINT).evalf(30), 30))
    scale = max(abs(value), abs(slope))
    printed = oracle(differentiated["derivative"]).subs(X, POINT).evalf(30)
    assert close(mpmath.mpf(sympy.Float(printed, 30)), slope, scale, places=25), (text, printed, slope)
    assert close(central_difference(function, at), slope, scale), text
    assert close(mpmath.mpf(differentiated["value_numeric"]), slope, scale, places=12), (text, differentiated["value_numeric"])
    assert close(mpmath.mpf(evaluated["points"][0]["value_numeric"]), value, scale, places=12), text
