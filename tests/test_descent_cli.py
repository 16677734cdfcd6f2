"""deriv descend through the real command line: outputs, exit statuses, JSON keys."""

import json
import re

import pytest
from conftest import strip_ansi
from sympy import Symbol

from derivcli.parsing import parse_point

JSON_KEYS = {
    "schema", "command", "expression", "variables", "gradient", "method", "learning_rate", "momentum", "tolerance",
    "max_iterations", "every", "start", "start_numeric", "iterations", "converged", "reason", "message", "hint",
    "warnings", "text", "at", "at_numeric", "value", "value_numeric", "gradient_norm", "classification", "curvature",
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
    (["x**", "--from", "1"], "cannot parse 'x**'"),
    (["__import__('os')", "--from", "1"], "name '__import__' is not allowed"),
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
    assert record["at_numeric"]["y_hat"] == pytest.approx(5, abs=1e-9)
    assert float(record["at"]["y_hat"]) == record["at_numeric"]["y_hat"]
    assert record["value_numeric"] == pytest.approx(0, abs=1e-15)
    assert record["gradient_norm"] < 1e-8
    trace = record["trace"]
    assert trace[0] == {"iteration": 0, "at": {"y_hat": "3.0"}, "at_numeric": {"y_hat": 3.0}, "value": "4.0",
                        "value_numeric": 4.0, "gradient_norm": 4.0, "step": 0.0}
    assert trace[-1]["iteration"] == record["iterations"]
    assert all(row["iteration"] % 10 == 0 for row in trace[:-1])
    assert set(trace[1]) == {"iteration", "at", "at_numeric", "value", "value_numeric", "gradient_norm", "step"}


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
    # the whole line: x, then f there, as LaTeX numbers (a power of ten as \cdot 10^{k})
    number = r"(-?\d+(?:\.\d+)?)(?: \\cdot 10\^\{(-?\d+)\})?"
    match = re.fullmatch(rf"x = {number},\\ f = {number}\n", result.stdout)
    assert match, result.stdout
    x_mantissa, x_power, f_mantissa, f_power = match.groups()
    final = float(x_mantissa) * 10 ** int(x_power or 0)
    value = float(f_mantissa) * 10 ** int(f_power or 0)
    # the oracle: (x - 2)² has its minimum 0 at 2; f is 4 at the start, so "zero" is relative to 4
    assert final == pytest.approx(2, rel=1e-6)
    # f is (x − 2)² of that x (which, printed to 15 digits, fixes x − 2 to about 5)
    assert value == pytest.approx((final - 2) ** 2, rel=1e-3)
    assert 0 <= value <= 4e-12


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


# --- what a person reads: found by running deriv descend in a terminal ---------------------------


def test_one_variable_messages_speak_of_f_prime_not_the_gradient_norm(invoke):
    stalled = invoke("descend", "x**4", "--from", "1", "--max-iter", "10")
    assert "|f′| = " in stalled.stderr and "‖∇f‖" not in stalled.stderr
    falling = invoke("descend", "-x**2", "--from", "1")
    assert "f″ = -2 < 0" in falling.stderr and "largest curvature" not in falling.stderr
    two = invoke("descend", "x**4 + y**4", "--from", "x=1,y=1", "--max-iter", "10")
    assert "‖∇f‖ = " in two.stderr


def test_a_learning_rate_exactly_at_the_bound_is_explained_with_a_rate_that_works(invoke):
    result = invoke("descend", "x**2", "--from", "3", "--lr", "1", "--max-iter", "50")
    assert result.exit_code == 3
    assert "maximum of 50 iterations" in result.stderr
    assert "equals 2/c = 1" in result.stderr and "swings back and forth" in result.stderr
    assert "--lr 0.5 converges" in result.stderr
    screen = strip_ansi(invoke("descend", "x**2", "--from", "3", "--lr", "1", "--max-iter", "50", terminal=True).stdout)
    assert "exactly at it" in screen and "above it" not in screen


def test_a_corner_that_stops_the_gradient_test_is_named(invoke):
    result = invoke("descend", "abs(x - 1)", "--from", "0", "--max-iter", "50")
    assert result.exit_code == 3
    assert "corner" in result.stderr and "near x = 1 " in result.stderr
    screen = invoke("descend", "abs(x - 1)", "--from", "0", "--max-iter", "50", terminal=True).stdout
    screen = " ".join(strip_ansi(screen).split())  # the story wraps
    assert "does not curve (f″ = 0)" in screen
    assert "curves downward" not in screen  # f″ = 0 is no downward curve


@pytest.mark.parametrize("expression", ["x**3", "x**4"])
def test_a_run_that_stalls_on_a_flat_stretch_says_so(invoke, expression):
    result = invoke("descend", expression, "--from", "1")
    assert result.exit_code == 3
    assert "flattens out" in result.stderr and "--method newton" in result.stderr


def test_no_learning_rate_is_offered_where_f_fell_without_bound(invoke):
    result = invoke("descend", "x**3", "--from", "1", "--method", "momentum")
    assert result.exit_code == 3
    assert "fell without bound" in result.stderr
    assert "curvature grows" not in result.stderr  # f″ = 6x fell below 0 on the way
    assert "does not diverge" not in result.stderr
    # where a smaller rate really finds a (local) minimum, it is still named
    local = invoke("descend", "x**3 - 3*x", "--from", "0.5", "--lr", "2")
    assert "converges in" in local.stderr


def test_a_run_off_downwards_is_plotted_on_a_log_scale(invoke):
    screen = strip_ansi(invoke("descend", "-x**2", "--from", "1", terminal=True).stdout)
    assert "log scale of −f(x)" in screen
    assert re.search(r"-9\.\d+e\+149 ┤", screen)
    assert re.search(r"-1e0 ┤", screen)


def test_long_hints_wrap_under_their_text_not_the_label(invoke):
    screen = strip_ansi(invoke("descend", "x**2", "--from", "3", "--lr", "1.5", terminal=True, columns=70).stdout)
    lines = screen.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  hint: "))
    following = lines[start + 1]
    assert following.strip() and following.startswith(" " * len("  hint: "))


def test_at_names_the_start_point_as_in_the_other_commands(invoke):
    assert invoke("descend", "x**2", "--at", "3", "--lr", "0.5").stdout == invoke("descend", "x**2", "--from", "3", "--lr", "0.5").stdout
    assert invoke("descend", "x**2", "--at", "3", "--lr", "0.5").stdout.strip() == "x=0.0"


def test_expect_checks_where_the_descent_ends(invoke):
    assert invoke("descend", "(x - 3)**2", "--at", "0", "--expect", "3").exit_code == 0
    assert invoke("descend", "(x - 3)**2 + (y + 1)**2", "--at", "x=0,y=0", "--expect", "x=3,y=-1").exit_code == 0
    wrong = invoke("descend", "(x - 3)**2", "--at", "0", "--expect", "2.9")
    assert wrong.exit_code == 1 and "expected 2.9" in wrong.stderr and wrong.stdout.startswith("x=2.99999")
    diverged = invoke("descend", "x**2", "--at", "3", "--lr", "1.5", "--expect", "0")
    assert diverged.exit_code == 3  # no answer: nothing to compare
    assert invoke("descend", "x**2", "--at", "3", "--expect", "q=1").exit_code == 2


def test_a_terminal_reads_the_reason_once():
    """stdout and stderr on one screen: the ✗ line and its hint say it, no second copy on stderr;
    with stderr elsewhere (a log file), the one-line error is still written there."""
    from click.testing import CliRunner

    from derivcli.cli import cli
    from derivcli.output import Environment

    def run(stderr_isatty):
        environment = Environment(stdout_isatty=True, stderr_isatty=stderr_isatty, variables={"COLUMNS": "100", "NO_COLOR": "1"})
        return CliRunner().invoke(cli, ["descend", "x**2", "--from", "3", "--lr", "1.5"], obj=environment, catch_exceptions=False)

    together = run(True)
    assert together.exit_code == 3 and "✗ diverged" in strip_ansi(together.stdout)
    assert "deriv: error" not in together.stderr
    apart = run(False)
    assert apart.exit_code == 3 and apart.stderr.startswith("deriv: error: diverged")


def test_a_run_slowed_by_flattening_is_not_blamed_on_the_start_learning_rate(invoke):
    """x**4 from 2: lr = 0.1 is above 2/c at the start (c = 48), but the run settles and then crawls
    because f″ fades near 0; the hint must say that, not that each step overshoots."""
    result = invoke("descend", "x**4", "--at", "2")
    assert result.exit_code == 3
    assert "flattens out" in result.stderr and "overshoots" not in result.stderr
