"""deriv diff through the real command line: answers, trees, JSON, checks and exit statuses."""

import json
import os
import re

import pytest
import sympy

from conftest import ROOT, strip_ansi

SNAPSHOTS = ROOT / "tests" / "snapshots" / "diff"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

SEEDS = {
    "square": ["x**2"],
    "square_at_3": ["x**2", "--at", "3"],
    "mse": ["(y - y_hat)**2", "--wrt", "y_hat"],
    "sin_of_square": ["sin(x**2)", "--at", "1"],
    "x_exp": ["x*exp(x)"],
    "sinc": ["sin(x)/x"],
    "x_to_x": ["x**x"],
    "log_quadratic": ["log(x**2+1)"],
    "reciprocal": ["1/x**2"],
    "log_base": ["log(x, 2)"],
    "repeated": ["sin(x**2+1)*exp(sin(x**2+1))"],
    "second_order": ["x**3 - 3*x", "--order", "2"],
    "mixed_partial": ["x**2*y + exp(x*y)", "--wrt", "x", "--wrt", "y"],
    "abs_value": ["abs(x**2 - 1)"],
}


def _check_snapshot(name: str, text: str):
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"snapshot {name} was missing and has been written; run again")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_plain_tree_snapshot(invoke, name):
    result = invoke("diff", *SEEDS[name], "--steps")
    assert result.exit_code == 0, result.output
    _check_snapshot(f"{name}.txt", result.stdout)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_json_snapshot(invoke, name):
    result = invoke("diff", *SEEDS[name], "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    _check_snapshot(f"{name}.json", json.dumps(record, indent=1, ensure_ascii=False) + "\n")


def _real(text):
    """Read our own sympy-syntax output back, with real symbols as the parser makes them."""
    value = sympy.sympify(text)
    return value.xreplace({s: sympy.Symbol(s.name, real=True) for s in value.free_symbols})


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_piped_answer_reads_back_and_is_right(invoke, name):
    args = SEEDS[name]
    result = invoke("diff", *args)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    answer = _real(lines[0])
    record = json.loads(invoke("diff", *args, "--json").stdout)
    expression = _real(record["expression"])
    truth = sympy.diff(expression, *[sympy.Symbol(v, real=True) for v in record["variables"]])
    if record["at"]:
        point = {sympy.Symbol(k, real=True): sympy.sympify(v) for k, v in record["at"].items()}
        truth = truth.subs(point)
    difference = answer - truth
    for value in ("0.3", "1.7", "-2.2"):
        point = {symbol: sympy.Rational(value) + index for index, symbol in
                 enumerate(sorted(difference.free_symbols, key=str))}
        assert abs(sympy.N(difference.subs(point), 30)) < 1e-20


@pytest.mark.parametrize("args, expected", [
    (["x**2"], "2*x"),
    (["x**2", "--at", "3"], "6"),
    (["x^2", "--at", "x=3"], "6"),
    (["-x**2"], "-2*x"),
    (["x**4", "--order", "3"], "24*x"),
    (["x**3*y**2", "--wrt", "x", "--wrt", "y"], "6*x**2*y"),
    (["y**2", "--wrt", "x"], "0"),
    (["5"], "0"),
])
def test_answers(invoke, args, expected):
    result = invoke("diff", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected + "\n"


def test_mse_gradient_from_the_seed(invoke):
    result = invoke("diff", "(y - y_hat)**2", "--wrt", "y_hat")
    answer = sympy.sympify(result.stdout)
    y, y_hat = sympy.symbols("y y_hat")
    assert sympy.expand(answer - (-2 * (y - y_hat))) == 0
    value = invoke("diff", "(y - y_hat)**2", "--wrt", "y_hat", "--at", "y=5,y_hat=3")
    assert value.stdout == "-4\n"


def test_variable_absent_gives_a_note(invoke):
    result = invoke("diff", "y**2", "--wrt", "x")
    assert result.stdout == "0\n"
    assert "does not appear" in result.stderr


@pytest.mark.parametrize("order", ["0", "-1"])
def test_order_must_be_positive(invoke, order):
    result = invoke("diff", "x**2", "--order", order)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("deriv: error:")


def test_order_with_several_variables_is_a_usage_error(invoke):
    result = invoke("diff", "x*y", "--wrt", "x", "--wrt", "y", "--order", "2")
    assert result.exit_code == 2


@pytest.mark.parametrize("args, message", [
    (["abs(x)", "--at", "0"], "from the left it is -1, from the right 1"),
    (["sqrt(x)", "--at", "0"], "f′ does not exist at x = 0"),
    (["piecewise((x, x < 0), (x**2, otherwise))", "--at", "0"], "from the left it is 1"),
    (["log(x)", "--at", "0"], "does not exist"),
    (["abs(x)", "--order", "2", "--at", "0"], "does not exist"),
])
def test_undefined_slope_exits_3_and_says_why(invoke, args, message):
    result = invoke("diff", *args)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_slope_exists_where_the_formula_has_a_gap(invoke):
    # (x·|x|)′ = 2|x| exists at 0 although the product rule's raw form is 0/0 there
    result = invoke("diff", "x*abs(x)", "--at", "0")
    assert result.exit_code == 0
    assert result.stdout == "0\n"


def test_expect_passes_on_an_equivalent_form(invoke):
    result = invoke("diff", "sin(x)**2", "--expect", "2*sin(x)*cos(x)")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_expect_fails_with_both_forms_and_a_counterexample(invoke):
    result = invoke("diff", "sin(x)**2", "--expect", "2*sin(x)")
    assert result.exit_code == 1
    assert "expected 2*sin(x)" in result.stderr
    assert "got sin(2*x)" in result.stderr
    assert re.search(r"differ at x=", result.stderr)


def test_expect_with_at_compares_values(invoke):
    assert invoke("diff", "x**2", "--at", "3", "--expect", "6").exit_code == 0
    failed = invoke("diff", "x**2", "--at", "3", "--expect", "7")
    assert failed.exit_code == 1
    assert failed.stdout == "6\n"


def test_strict_rejects_table_formulas(invoke):
    assert invoke("diff", "erf(x)").exit_code == 0
    result = invoke("diff", "erf(x)", "--strict")
    assert result.exit_code == 1
    assert "known_derivative" in result.stderr and "erf" in result.stderr
    assert invoke("diff", "sin(x)*exp(x)", "--strict").exit_code == 0


def test_no_simplify_keeps_the_raw_form(invoke):
    assert invoke("diff", "x*exp(x)").stdout == "(x + 1)*exp(x)\n"
    assert invoke("diff", "x*exp(x)", "--no-simplify").stdout == "x*exp(x) + exp(x)\n"


def test_json_schema(invoke):
    record = json.loads(invoke("diff", "sin(x**2)", "--at", "1", "--json").stdout)
    for key in ("expression", "variables", "order", "derivative", "latex", "at", "value", "steps"):
        assert key in record
    assert record["value"] == "2*cos(1)"
    steps = record["steps"]
    assert steps["rule"] == "chain"
    assert {"rule", "expression", "result", "explanation", "substeps"} <= set(steps)
    assert steps["inner"] == {"symbol": "u", "expression": "x**2"}
    assert steps["substeps"][-1]["rule"] == "simplify"
    hidden = json.loads(invoke("diff", "x**2", "--json", "--no-steps").stdout)
    assert hidden["steps"] is None and hidden["passes"] is None
    assert list(record)[:12] == ["schema", "command", "expression", "variables", "order", "derivative", "latex",
                                 "at", "at_numeric", "value", "value_numeric", "steps"]


def test_latex(invoke):
    assert invoke("diff", "x**2", "--latex").stdout == "2 x\n"
    aligned = invoke("diff", "sin(x**2)", "--latex", "--steps").stdout
    assert aligned.startswith("\\begin{aligned}") and "chain rule" in aligned


def test_batch_runs_every_line_and_keeps_the_worst_status(invoke):
    text = "x**2\nnope(\nsin(x)**2 => sin(2*x)\nx**3 => 2*x\n"
    result = invoke("diff", "-", input=text)
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0] == "2*x" and lines[2] == "sin(2*x)" and lines[3] == "3*x**2"
    assert "line 2" in result.stderr and "line 4" in result.stderr


def test_a_batch_keeps_the_working_wherever_it_is_shown_or_recorded(invoke):
    """A piped batch sends only the answers back from its workers; --steps, --json and a terminal
    still get every tree."""
    text = "sin(x**2)\nx*exp(x)\n"
    assert invoke("diff", "-", input=text).stdout == "2*x*cos(x**2)\n(x + 1)*exp(x)\n"
    steps = invoke("diff", "-", "--steps", input=text).stdout
    assert "[chain rule" in steps and "[product rule" in steps
    records = [json.loads(line) for line in invoke("diff", "-", "--json", input=text).stdout.splitlines()]
    assert [record["steps"]["rule"] for record in records] == ["chain", "product"]
    assert [record["passes"] for record in records] != [None, None]
    assert all(record["steps"] is None for record in
               map(json.loads, invoke("diff", "-", "--json", "--no-steps", input=text).stdout.splitlines()))
    screen = strip_ansi(invoke("diff", "-", input=text, terminal=True).stdout)
    assert "chain rule" in screen and "product rule" in screen


def test_terminal_shows_a_tree_and_the_slope(invoke):
    result = invoke("diff", "sin(x**2)", "--at", "1", terminal=True)
    text = strip_ansi(result.stdout)
    assert "chain rule" in text and "u = x²" in text
    assert "outer" in text and "inner" in text
    assert "✓ agrees with sympy.diff" in text
    assert "at x = 1 the slope is 2·cos(1) ≈ 1.0806" in text
    seed = strip_ansi(invoke("diff", "x**2", "--at", "3", terminal=True).stdout)
    assert "at x = 3 the slope is 6: a small increase in x increases f by about 6 times that amount" in seed


@pytest.mark.parametrize("args, name", [
    (["x**5", "--order", "4"], "f⁽⁴⁾(x) = 120·x"),
    (["x**2*y", "--wrt", "x"], "∂f/∂x = 2·x·y"),
    (["x**2 + y", "--wrt", "y"], "∂f/∂y = 1"),
    (["x**3*y", "--wrt", "x", "--wrt", "y", "--wrt", "x"], "∂³f/∂x∂y∂x = 6·x"),
])
def test_terminal_names_the_derivative(invoke, args, name):
    text = strip_ansi(invoke("diff", *args, "--no-steps", terminal=True).stdout)
    assert text.startswith(name + "   ✓")


def test_partial_derivative_is_named_in_errors(invoke):
    result = invoke("diff", "log(x)*y", "--wrt", "x", "--at", "x=0,y=1")
    assert result.exit_code == 3
    assert result.stderr.startswith("deriv: error: ∂f/∂x does not exist where f does not")


def test_terminal_tree_respects_the_width(invoke):
    result = invoke("diff", "sin(cos(tan(x**2 + 1)))**3 * exp(sin(x) / (x**2 + 7))", terminal=True,
                    columns=60)
    for line in strip_ansi(result.stdout).splitlines():
        assert len(line) <= 60


def test_repeated_part_is_referred_to_on_the_terminal(invoke):
    text = strip_ansi(invoke("diff", "sin(x**2+1)*exp(sin(x**2+1))", terminal=True).stdout)
    assert "[1]" in text and "see step [1]" in text


def test_deep_nesting_runs(invoke):
    expression = "sin(" * 60 + "x" + ")" * 60
    result = invoke("diff", expression, "--at", "0")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1\n"


def test_real_process_pipes_the_answer(process):
    finished = process("diff", "x**2", "--at", "3")
    assert finished.returncode == 0
    assert finished.stdout == "6\n"
    failed = process("diff", "sin(x)**2", "--expect", "2*sin(x)")
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr


def test_real_process_no_answer(process):
    finished = process("diff", "abs(x)", "--at", "0")
    assert finished.returncode == 3
    assert finished.stdout == ""


def test_simplification_brings_in_no_new_functions(invoke):
    """The sigmoid's derivative stays in exponentials (sympy.simplify alone gives 1/(4*cosh(x/2)**2))."""
    assert invoke("diff", "1/(1 + exp(-x))").stdout.strip() == "exp(-x)/(1 + exp(-x))**2"
    assert invoke("diff", "sin(x)**2").stdout.strip() == "sin(2*x)"  # the same functions, shorter: kept
