"""What a person at a terminal sees (issue 17): plots that fit and explain their marks, decimals
where values came from a numeric search, names that do not clash, and a spinner on long work."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from conftest import strip_ansi
from derivcli import output as output_module
from derivcli.cli import cli
from derivcli.output import Environment

PLOT_ROW = re.compile(r"^ *(\S*) │")


def plot_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if "│" in line]


def test_the_function_plot_follows_the_width(invoke):
    narrow = plot_rows(strip_ansi(invoke("classify", "x**3 - 3*x", terminal=True, columns=60).stdout))
    wide = plot_rows(strip_ansi(invoke("classify", "x**3 - 3*x", terminal=True, columns=160).stdout))
    assert narrow and wide
    assert max(map(cell_len, narrow)) <= 60 < max(map(cell_len, wide))


def test_the_plot_explains_its_marks_and_labels_its_ends_apart(invoke):
    text = strip_ansi(invoke("critical", "x**2 - 1e6*x", terminal=True, columns=80).stdout)
    rows = plot_rows(text)
    top, bottom = PLOT_ROW.match(rows[0]).group(1), PLOT_ROW.match(rows[-1]).group(1)
    assert top != bottom and float(top) > float(bottom)
    axis = text.splitlines()[text.splitlines().index(rows[-1]) + 1].split()
    assert len(axis) == 2 and float(axis[0]) < 500000 < float(axis[1])  # the window around x = 500000
    assert "● critical point" in text


def test_a_plot_too_narrow_to_read_is_left_out_with_a_note(invoke):
    # f runs from 10¹⁴ to 10¹⁴ + 1: 15-digit labels leave fewer than 24 columns of plot in 40
    text = strip_ansi(invoke("critical", "x**2 + 1e14", terminal=True, columns=40).stdout)
    assert not plot_rows(text)
    assert "(plot left out: it needs 42 columns)" in text.splitlines()
    wider = strip_ansi(invoke("critical", "x**2 + 1e14", terminal=True, columns=60).stdout)
    assert plot_rows(wider) and "left out" not in wider


def test_values_from_a_numeric_search_are_decimals(invoke):
    text = strip_ansi(invoke("classify", "x**4 + y**4 + sin(x*y) + x", terminal=True, columns=100).stdout)
    working = [line for line in text.splitlines() if "det H" in line or "eigenvalues" in line]
    assert working
    for line in working:
        assert "/" not in line and "√" not in line, line
    assert "det H ≈ 23.8596" in text  # (6.37754·3.83375 − 0.768312²) of the Hessian at the minimum


def test_a_typed_decimal_point_stays_a_decimal(invoke):
    text = strip_ansi(invoke("classify", "x**3 - 3*x + y**2", "--at", "x=1.00000000000001,y=0.0000001",
                             terminal=True, columns=100).stdout)
    assert "x = 1.00000000000001, y = 1/10000000" in text
    assert "∂f/∂x ≈ 6e-14" in text  # 3(1 + 1e-14)² − 3, not rounded away: the point is exact


def test_the_answer_is_not_named_after_a_function_of_the_formula(invoke):
    text = strip_ansi(invoke("diff", "f(x)*g(x)", terminal=True, columns=100).stdout)
    assert "h′(x) = f(x)·g′(x) + g(x)·f′(x)" in text
    assert "\nf′(x) =" not in "\n" + text


def test_an_infinite_derivative_is_named_as_such(invoke):
    result = invoke("diff", "x**(1/3)", "--at", "0")
    assert result.exit_code == 3
    assert "1/(3*x**(2/3)) goes to infinity there" in result.stderr
    assert "the function goes" not in result.stderr


def test_a_formula_that_fits_a_line_is_not_broken_by_what_comes_before_it(invoke):
    lines = strip_ansi(invoke("diff", "sin(x**2)", "--at", "1", terminal=True, columns=60).stdout).splitlines()
    assert lines[:2] == ["d/dx sin(x²) = 2·x·cos(x²)   chain rule: (f∘g)′ = f′(g)·g′", "  with u = x²"]


def both_terminals(**variables) -> Environment:
    return Environment(stdout_isatty=True, stderr_isatty=True, variables={"COLUMNS": "80", **variables})


@pytest.fixture
def spinning(monkeypatch):
    """A spinner that draws at once (rather than after half a second), so a test need not wait."""
    monkeypatch.setattr(output_module.Spinner, "DELAY", 0)


def test_the_spinner_says_what_it_is_doing_and_clears_itself(spinning):
    result = CliRunner().invoke(cli, ["diff", "x**2", "--at", "3", "--no-steps"], obj=both_terminals())
    assert result.exit_code == 0
    assert "differentiating" in result.stderr and result.stderr.endswith("\r\x1b[2K")
    assert "the slope is 6" in result.stdout and "\r" not in result.stdout


def test_the_worker_tells_the_spinner_its_stage(spinning):
    result = CliRunner().invoke(cli, ["classify", "x**3 - 3*x + y**2"], obj=both_terminals())
    assert result.exit_code == 0
    assert output_module.current_stage() == "solving ∇f = 0 and classifying each point"


@pytest.mark.parametrize("arguments, environment", [
    (("diff", "x**2", "--json"), both_terminals()),
    (("diff", "x**2"), Environment(stdout_isatty=False, stderr_isatty=True)),
    (("diff", "x**2", "-q"), both_terminals()),
])
def test_no_spinner_in_a_pipe_with_json_or_quiet(spinning, arguments, environment):
    result = CliRunner().invoke(cli, list(arguments), obj=environment)
    assert result.exit_code == 0
    assert result.stderr == ""
