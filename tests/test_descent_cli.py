"""deriv descend through the real command line: outputs, exit statuses, JSON keys."""

import json
import re

import pytest
from sympy import Symbol

from derivcli.parsing import parse_point

JSON_KEYS = {
    "expression", "variables", "gradient", "method", "learning_rate", "momentum", "tolerance",
    "max_iterations", "every", "start", "iterations", "converged", "reason", "message", "hint",
    "warnings", "point", "at", "value", "gradient_norm", "classification", "curvature",
    "stable_learning_rate", "trace",
}


def point_of(line: str, *names: str) -> dict:
    """Read a printed point back with the tool's own --at parser (the composition contract)."""
    values = parse_point(line.strip(), [Symbol(name, real=True) for name in names])
    return {str(variable): float(value) for variable, value in values.items()}


# --- the seed's example and plain output -------------------------------------------------------


def test_the_seed_mse_example_prints_y_hat_near_five(invoke):
    result = invoke("descend", "(5 - y_hat)**2", "--wrt", "y_hat", "--from", "3", "--lr", "0.1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith("y_hat=")
    assert point_of(result.stdout, "y_hat")["y_hat"] == pytest.approx(5, abs=1e-9)
    assert result.stderr == ""


def test_variables_default_to_every_free_symbol(invoke):
    result = invoke("descend", "(x - 1)**2 + 2*(y + 3)**2", "--from", "x=0,y=0")
    assert result.exit_code == 0, result.stderr
    point = point_of(result.stdout, "x", "y")
    assert point["x"] == pytest.approx(1, abs=1e-8)
    assert point["y"] == pytest.approx(-3, abs=1e-8)


def test_other_symbols_can_be_held_fixed_by_the_start_point(invoke):
    result = invoke("descend", "(y - y_hat)**2", "--wrt", "y_hat", "--from", "y=5,y_hat=3")
    assert result.exit_code == 0, result.stderr
    assert point_of(result.stdout, "y_hat")["y_hat"] == pytest.approx(5, abs=1e-9)


@pytest.mark.parametrize("method, extra", [("gd", []), ("momentum", ["--lr", "0.01"]), ("newton", [])])
def test_every_method_finds_the_vertex(invoke, method, extra):
    result = invoke("descend", "x^2 - 4x + 7", "--from", "10", "--method", method, *extra)
    assert result.exit_code == 0, result.stderr
    assert point_of(result.stdout, "x")["x"] == pytest.approx(2, abs=1e-8)


def test_expression_may_begin_with_a_minus_sign(invoke):
    result = invoke("descend", "-exp(-x**2)", "--from", "0.5")
    assert result.exit_code == 0, result.stderr
    assert point_of(result.stdout, "x")["x"] == pytest.approx(0, abs=1e-8)


# --- exit statuses ------------------------------------------------------------------------------


def test_divergence_exits_3_with_the_learning_rate_hint_on_stderr(invoke):
    result = invoke("descend", "x**2", "--from", "3", "--lr", "1.5")
    assert result.exit_code == 3
    assert result.stdout.strip() == ""
    assert result.stderr.startswith("deriv: error: diverged")
    assert "2/c = 1" in result.stderr and "below 1" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("expression, start", [("-x**2", "1"), ("x**3", "-1"), ("x - y", "x=0,y=0")])
def test_unbounded_below_exits_3_and_never_prints_a_minimum(invoke, expression, start):
    result = invoke("descend", expression, "--from", start, "--max-iter", "100000")
    assert result.exit_code == 3
    assert result.stdout.strip() == ""
    assert "diverged" in result.stderr


def test_max_iterations_exits_3(invoke):
    result = invoke("descend", "x**4", "--from", "1", "--max-iter", "10")
    assert result.exit_code == 3
    assert "maximum of 10 iterations" in result.stderr


def test_newton_to_a_maximum_exits_3_and_warns(invoke):
    result = invoke("descend", "4x - x^2", "--from", "0", "--method", "newton")
    assert result.exit_code == 3
    assert "not a minimum" in result.stderr
    assert "Newton" in result.stderr


@pytest.mark.parametrize("expression, start, words", [
    ("ln(x)", "-1", "start point"),
    ("1/x", "0", "division by zero"),
    ("sqrt(x)", "0", "∂f/∂x"),
])
def test_undefined_start_exits_3(invoke, expression, start, words):
    result = invoke("descend", expression, "--from", start)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert words in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("args, words", [
    (["x**2", "--from", "1", "--lr", "0"], "--lr"),
    (["x**2", "--from", "1", "--lr", "-0.5"], "--lr"),
    (["x**2", "--from", "1", "--lr", "nan"], "learning rate"),
    (["x**2", "--from", "1", "--max-iter", "0"], "--max-iter"),
    (["x**2", "--from", "1", "--method", "adam"], "--method"),
    (["x**2", "--from", "1", "--momentum", "1"], "--momentum"),
    (["x**2", "--from", "1", "--every", "0"], "--every"),
    (["x**2"], "--from"),
    (["x**2 + y**2", "--from", "x=1"], "no value for y"),
    (["x**2 + y**2", "--from", "1"], "2 variable"),
    (["x**2", "--from", "z=1"], "'z' is not a variable"),
    (["x**2", "--from", "x=1,z=2"], "'z' is not a variable"),
    (["x**2", "--from", "x=1", "--wrt", "y"], "y"),
    (["x**2", "--from", "x=sqrt(-1)"], "real"),
    (["x**2", "--from", "x=oo"], "finite"),
    (["x**", "--from", "1"], ""),
    (["__import__('os')", "--from", "1"], ""),
])
def test_usage_errors_exit_2(invoke, args, words):
    result = invoke("descend", *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert words in result.stderr
    assert "Traceback" not in result.stderr


# --- JSON ---------------------------------------------------------------------------------------


def test_json_has_the_documented_keys(invoke):
    result = invoke("descend", "(5 - y_hat)**2", "--from", "3", "--json", "--every", "10")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert set(record) == JSON_KEYS
    assert record["method"] == "gd" and record["learning_rate"] == 0.1
    assert record["converged"] is True and record["reason"] == "converged"
    assert record["point"]["y_hat"] == pytest.approx(5, abs=1e-9)
    assert record["value"] == pytest.approx(0, abs=1e-15)
    assert record["gradient_norm"] < 1e-8
    trace = record["trace"]
    assert trace[0] == {"iteration": 0, "point": {"y_hat": 3.0}, "value": 4.0, "gradient_norm": 4.0, "step": 0.0}
    assert trace[-1]["iteration"] == record["iterations"]
    assert all(row["iteration"] % 10 == 0 for row in trace[:-1])
    assert set(trace[1]) == {"iteration", "point", "value", "gradient_norm", "step"}


def test_json_of_a_divergence_is_valid_json_with_a_problem(invoke):
    result = invoke("descend", "exp(x**2)", "--from", "3", "--json")
    assert result.exit_code == 3
    record = json.loads(result.stdout)  # no Infinity or NaN: the strict parser accepts it
    assert record["converged"] is False and record["reason"] == "diverged"
    assert record["problems"][0]["status"] == 3
    json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"non-standard JSON {name}"))


def test_latex_gives_the_final_point(invoke):
    result = invoke("descend", "(x - 2)**2", "--from", "0", "--latex")
    assert result.exit_code == 0
    assert result.stdout.startswith("x = ")


# --- the terminal -------------------------------------------------------------------------------


def test_terminal_shows_table_curve_final_point_and_learning_rate(invoke):
    result = invoke("descend", "(5 - y_hat)**2", "--from", "3", terminal=True)
    assert result.exit_code == 0
    screen = result.stdout
    for words in ("iteration", "f(y_hat)", "against the iteration", "final point", "converged",
                  "learning rate", "2/c = 1"):
        assert words in screen, words
    assert not re.search("\x1b\\[(3[0-8]|9[0-7])[;m]", screen)  # NO_COLOR: no colours


def test_terminal_shows_the_reason_of_a_divergence(invoke):
    result = invoke("descend", "x**2", "--from", "3", "--lr", "1.5", terminal=True)
    assert result.exit_code == 3
    assert "diverged" in result.stdout
    assert "above it" in result.stdout
    assert "diverged" in result.stderr


def test_terminal_table_is_thinned(invoke):
    result = invoke("descend", "(x - 1)**2", "--from", "0", "--lr", "0.001", "--max-iter", "100000",
                    terminal=True)
    assert result.exit_code == 0
    assert "showing" in result.stdout
    assert result.stdout.count("\n") < 80


# --- real processes -----------------------------------------------------------------------------


def test_real_process_mse_example(process):
    completed = process("descend", "(5 - y_hat)**2", "--wrt", "y_hat", "--from", "3", "--lr", "0.1")
    assert completed.returncode == 0, completed.stderr
    assert point_of(completed.stdout, "y_hat")["y_hat"] == pytest.approx(5, abs=1e-9)


def test_real_process_divergence(process):
    completed = process("descend", "x**2", "--from", "3", "--lr", "1.5")
    assert completed.returncode == 3
    assert completed.stdout.strip() == ""
    assert "must be below 1" in completed.stderr


def test_real_process_composes_with_eval(process):
    completed = process("descend", "(x - 3)**2 + 1", "--from", "0")
    assert completed.returncode == 0
    value = process("eval", "(x - 3)**2 + 1", "--at", completed.stdout.strip(), "--numeric")
    assert value.returncode == 0
    assert float(value.stdout) == pytest.approx(1, abs=1e-12)


def test_batch_lines_stay_aligned_and_the_worst_status_wins(invoke):
    lines = "(x-1)**2\n-x**2\nfoo(\n(x-3)**2\n"
    result = invoke("descend", "-", "--from", "0.5", input=lines)
    assert result.exit_code == 3
    answers = result.stdout.split("\n")[:4]
    assert point_of(answers[0], "x")["x"] == pytest.approx(1, abs=1e-8)
    assert answers[1] == "" and answers[2] == ""
    assert point_of(answers[3], "x")["x"] == pytest.approx(3, abs=1e-8)
    assert "line 2: diverged" in result.stderr
    assert "line 3:" in result.stderr
