"""The terminal at every width (issue 17): no cut number, no line wider than the screen, verdicts
whole. Each case runs once with --json (the oracle of what every printed number stands for)
and on a pretend terminal of 40, 60, 80, 120 and 200 columns."""

from __future__ import annotations

import json
import pickle
import re
from decimal import Decimal, InvalidOperation

import pytest
import sympy
from rich.cells import cell_len

from conftest import strip_ansi
from derivcli import cli as cli_module
from derivcli.guard import Guard

WIDTHS = (40, 60, 80, 120, 200)
CASES = {
    "diff-chain": ("diff", "sin(x**2)", "--at", "1"),
    "diff-quotient": ("diff", "x**3*sin(x)*exp(x**2)/(1+x**2)", "--at", "1"),
    "diff-functions": ("diff", "f(x)*g(x)"),
    "eval-digits": ("eval", "exp(x)", "--at", "1", "--numeric", "--digits", "40"),
    "eval-orders": ("eval", "x**3", "--at", "1/3", "--at", "2", "--order", "2"),
    "critical-radicals": ("critical", "x**3 - 6*x**2 + 3*x + 1"),
    "critical-roots": ("critical", "x**4 - 3*x**3 + x + 1"),
    "critical-large": ("critical", "x**2 - 1e6*x"),
    "classify-two": ("classify", "x**3 - 3*x + y**2"),
    "classify-one": ("classify", "x**3 - 3*x", "--inflections"),
    "classify-interval": ("classify", "sin(x)", "--in", "0:2*pi"),
    "descend-one": ("descend", "x**2", "--from", "3"),
    "descend-two": ("descend", "(x - 1)**2 + 10*(y + 2)**2", "--from", "x=0,y=0"),
}
DECIMAL = re.compile(r"(?<![\w.′″])-?\d+(?:\.\d+)?(?:e[-+]?\d+)|(?<![\w.′″])-?\d+\.\d+")
CUT = re.compile(r"\d(?:\.\d*)?e[-+]?(?![-+\d])|\d\.?…|\d\.(?!\d)")
PLOT = ("│", "┤", "└")


def numbers_in(record) -> list[Decimal]:
    """Every number the JSON holds: numbers, decimals written in its strings, and the values of
    its strings that are constant expressions (2 - sqrt(3), -42708575062271/2000000000000)."""
    found = []
    if isinstance(record, dict):
        for value in record.values():
            found += numbers_in(value)
    elif isinstance(record, list):
        for value in record:
            found += numbers_in(value)
    elif isinstance(record, bool) or record is None:
        pass
    elif isinstance(record, (int, float)):
        found.append(Decimal(repr(record)))
    elif isinstance(record, str):
        found += [Decimal(text) for text in DECIMAL.findall(record)]
        found += _constant(record)
    return found


def _constant(text: str) -> list[Decimal]:
    """The value of deriv's own output string when it is a constant (test code reading the
    program's output back, as the README says scripts may)."""
    if "=" in text or len(text) > 200 or not re.fullmatch(r"[-+*/() .\w]+", text):
        return []
    try:
        value = sympy.sympify(text)
    except (sympy.SympifyError, SyntaxError, TypeError, ValueError):
        return []
    if not isinstance(value, sympy.Expr) or value.free_symbols or not value.is_number:
        return []
    number = sympy.N(value, 50)
    if not number.is_real:
        number = sympy.re(number)
    try:
        return [Decimal(str(number))]
    except InvalidOperation:
        return []


def stands_for(token: str, values: list[Decimal]) -> bool:
    """Whether a printed decimal is some JSON value rounded to the digits printed."""
    printed = Decimal(token)
    exponent = printed.as_tuple().exponent
    half_unit = Decimal(5) * Decimal(10) ** (exponent - 1)
    return any(abs(value - printed) <= half_unit * Decimal("1.000001") for value in values)


def unfolded(lines: list[str], width: int) -> list[str]:
    """Lines with a number folded at the screen's edge joined again (a fold keeps it whole)."""
    joined = []
    for line in lines:
        if joined and cell_len(joined[-1]) == width and joined[-1][-1:].isdigit() and line.strip()[:1].isdigit():
            joined[-1] += line.strip()
        else:
            joined.append(line)
    return joined


def prose_lines(text: str) -> list[str]:
    """The lines that are not a plot (a plot's ticks frame samples, not values in the JSON)."""
    lines = text.splitlines()
    kept, after_plot = [], False
    for line in lines:
        if any(mark in line for mark in PLOT):
            after_plot = True
            continue
        if after_plot:  # the x-axis labels under a plot
            after_plot = False
            continue
        kept.append(line)
    return kept


class RememberingGuard(Guard):
    """The real guard, which runs each distinct request once: the five widths of a case differ
    only in how the same result is drawn, so the worker's answer is reused (a fresh copy each
    time, as from the worker)."""

    answers: dict = {}

    def run(self, function, argument, **options):
        key = (function.__name__, repr(argument))
        if key not in self.answers:
            self.answers[key] = pickle.dumps(super().run(function, argument, **options))
        return pickle.loads(self.answers[key])


@pytest.fixture(autouse=True, scope="module")
def remembered():
    patch = pytest.MonkeyPatch()
    patch.setattr(cli_module, "Guard", RememberingGuard)
    yield
    patch.undo()


@pytest.fixture(scope="module")
def oracle(remembered):
    """The --json record of every case, computed once."""
    from click.testing import CliRunner

    records = {}
    for name, arguments in CASES.items():
        result = CliRunner().invoke(cli_module.cli, [*arguments, "--json"], catch_exceptions=False)
        records[name] = json.loads(result.stdout.splitlines()[0])
    return records


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(CASES))
def test_every_number_is_whole_and_every_line_fits(name, width, invoke, oracle):
    result = invoke(*CASES[name], terminal=True, columns=width)
    text = strip_ansi(result.stdout)
    lines = text.splitlines()
    assert lines, result.stderr
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, f"{len(too_wide)} lines wider than {width}:\n" + "\n".join(too_wide)
    values = numbers_in(oracle[name])
    for line in unfolded(prose_lines(text), width):
        assert not CUT.search(line), f"a cut number in: {line!r}"
        for token in DECIMAL.findall(line):
            assert stands_for(token, values), f"{token} in {line!r} is no value of the JSON"
    for record in oracle[name].get("points", []):
        if "words" in record:
            assert any(record["words"] in line for line in lines), f"{record['words']!r} not whole"
