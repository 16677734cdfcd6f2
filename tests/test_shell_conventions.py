"""Shell conventions, through real processes: colour is not layout, -q, DERIV_* variables, batches
that keep their line numbers, and mistyped options named as typed (issue 13, items 2 to 4)."""

import json
import re

import pytest

from conftest import strip_ansi

ESCAPE = "\x1b["


# --- colour is not layout -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "0", "true"])
def test_force_color_keeps_piped_output_plain(process, value):
    """`x=$(FORCE_COLOR=1 deriv diff "x**2" --at 3)` captures 6, whatever FORCE_COLOR says."""
    result = process("diff", "x**2", "--at", "3", env={"FORCE_COLOR": value})
    assert (result.returncode, result.stdout, result.stderr) == (0, "6\n", "")
    critical = process("critical", "x**3 - 3*x", env={"FORCE_COLOR": value})
    assert critical.stdout == "x=-1\nx=1\n"


def test_color_always_in_a_pipe_colours_the_plain_answer_and_changes_nothing_else(process):
    result = process("diff", "x**2", "--at", "3", "--color", "always")
    assert result.returncode == 0
    assert result.stdout != "6\n" and ESCAPE in result.stdout
    assert strip_ansi(result.stdout) == "6\n"
    batch = process("classify", "-", "--at", "0", "--color", "always", input="x**2\n# c\nx**3\n")
    assert ESCAPE in batch.stdout
    assert strip_ansi(batch.stdout) == "x=0\tlocal minimum\n\nx=0\tinflection point\n"


def test_color_always_wins_over_no_color_and_never_over_force_color(process):
    coloured = process("eval", "x**2", "--at", "3", "--color", "always", env={"NO_COLOR": "1"})
    assert ESCAPE in coloured.stdout and strip_ansi(coloured.stdout) == "9\n"
    plain_tree = process("eval", "x**2", "--at", "3", "--pretty", "--color", "never", env={"FORCE_COLOR": "1"})
    assert ESCAPE not in plain_tree.stdout and "f(x) = x²" in plain_tree.stdout


def test_color_never_touches_json(process):
    result = process("diff", "x**2", "--at", "3", "--json", "--color", "always")
    assert ESCAPE not in result.stdout
    assert json.loads(result.stdout)["value"] == "6"


def test_pretty_in_a_pipe_gives_the_tree_without_colour(process):
    result = process("diff", "sin(x**2)", "--at", "1", "--pretty", env={"COLUMNS": "80"})
    assert result.returncode == 0
    assert ESCAPE not in result.stdout
    assert "chain rule" in result.stdout and "└──" in result.stdout
    assert "f′(x) = 2·x·cos(x²)" in result.stdout


def test_force_color_colours_the_pretty_layout_in_a_pipe(process):
    result = process("diff", "sin(x**2)", "--pretty", env={"FORCE_COLOR": "1", "COLUMNS": "80"})
    assert ESCAPE in result.stdout
    assert "chain rule" in strip_ansi(result.stdout)


def test_plain_and_pretty_together_are_a_usage_error(process):
    result = process("diff", "x**2", "--plain", "--pretty")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("deriv: error: --plain and --pretty cannot be combined")


# --- -q / --quiet ---------------------------------------------------------------------------------


def test_quiet_prints_nothing_and_keeps_the_exit_status(process):
    passed = process("diff", "sin(x)**2", "--expect", "sin(2*x)", "-q")
    assert (passed.returncode, passed.stdout, passed.stderr) == (0, "", "")
    failed = process("diff", "sin(x)**2", "--expect", "2*sin(x)", "--quiet")
    assert (failed.returncode, failed.stdout) == (1, "")
    assert failed.stderr.count("\n") == 1 and failed.stderr.startswith("deriv: error: expected 2*sin(x)")
    undefined = process("eval", "1/x", "--at", "0", "-q")
    assert (undefined.returncode, undefined.stdout) == (3, "")


def test_quiet_batch_prints_nothing_and_names_the_failed_lines_on_stderr(process):
    result = process("diff", "-", "-q", input="x**2 => 2*x\n# c\nx +* 1\nx**3 => 2*x\n")
    assert (result.returncode, result.stdout) == (2, "")
    assert [line.split(":")[2] for line in result.stderr.splitlines()] == [" line 3", " line 4"]


def test_quiet_misuse(process):
    alone = process("diff", "-q")  # once answered -1: the derivative of the formula -q
    assert (alone.returncode, alone.stdout) == (2, "")
    assert alone.stderr == "deriv: error: missing argument 'EXPRESSION' (see 'deriv diff --help')\n"
    with_json = process("diff", "x**2", "-q", "--json")
    assert (with_json.returncode, with_json.stdout) == (2, "")
    assert with_json.stderr.startswith("deriv: error: --json and --quiet cannot be combined")


# --- DERIV_* environment variables ----------------------------------------------------------------


def test_options_from_the_environment(process):
    assert process("diff", "x**2", env={"DERIV_DIFF_AT": "3"}).stdout == "6\n"
    assert process("diff", "x**2", "--at", "5", env={"DERIV_DIFF_AT": "3"}).stdout == "10\n"  # the command line wins
    numeric = process("eval", "pi", env={"DERIV_EVAL_AT": "0", "DERIV_EVAL_NUMERIC": "1", "DERIV_EVAL_DIGITS": "5"})
    assert numeric.stdout == "3.1416\n"
    several = process("eval", "x**2", env={"DERIV_EVAL_AT": "2 3"})
    assert several.stdout == "4\n9\n"
    quiet = process("diff", "x**2", "--expect", "3*x", env={"DERIV_DIFF_QUIET": "1"})
    assert (quiet.returncode, quiet.stdout) == (1, "")
    stopped = process("descend", "x**2", "--from", "3", env={"DERIV_DESCEND_MAX_ITER": "3"})
    assert stopped.returncode == 3 and "maximum of 3 iterations" in stopped.stderr
    json_record = process("diff", "x**2", env={"DERIV_DIFF_JSON": "true"})
    assert json.loads(json_record.stdout)["derivative"] == "2*x"


def test_a_bad_value_from_the_environment_names_the_variable(process):
    result = process("diff", "x", env={"DERIV_DIFF_TIMEOUT": "soon"})
    assert result.returncode == 2
    assert "'soon'" in result.stderr and "DERIV_DIFF_TIMEOUT" in result.stderr


# --- batches keep their line numbers --------------------------------------------------------------

BATCH = [
    "# derivatives, one a line",  # 1 comment
    "x**2",                       # 2
    "",                           # 3 blank
    "x +* 1",                     # 4 cannot be parsed
    "sin(x) => cos(x)",           # 5
    "   # an indented comment",   # 6 comment
    "x**3 => 2*x",                # 7 wrong expectation: the answer is still shown
    "nope(x)",                    # 8 unknown function
    "x**4",                       # 9
]
ANSWERS = ["", "2*x", "", "", "cos(x)", "", "3*x**2", "", "4*x**3"]


def test_a_plain_batch_has_one_output_line_per_input_line(process):
    result = process("diff", "-", input="\n".join(BATCH) + "\n")
    assert result.returncode == 2
    output = result.stdout.split("\n")
    assert output[-1] == "" and len(output) - 1 == len(BATCH)
    for number, (formula, answer) in enumerate(zip(BATCH, output), start=1):  # as `paste` shows it
        assert answer == ANSWERS[number - 1], f"line {number}: {formula!r} gave {answer!r}"
    failures = re.findall(r"^deriv: error: line (\d+): ", result.stderr, flags=re.MULTILINE)
    assert failures == ["4", "7", "8"]
    assert result.stderr.count("\n") == 3


def test_a_batch_with_colour_keeps_its_lines(process):
    result = process("diff", "-", "--color", "always", input="\n".join(BATCH) + "\n")
    assert strip_ansi(result.stdout).split("\n")[:-1] == ANSWERS


def test_a_latex_batch_keeps_its_lines(process):
    result = process("diff", "-", "--latex", input="# c\nx**2\n\nx +* 1\nx**3\n")
    assert result.stdout.split("\n") == ["", "2 x", "", "", "3 x^{2}", ""]


def test_json_lines_carry_the_input_line_numbers(process):
    result = process("diff", "-", "--json", input="\n".join(BATCH) + "\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["line"] for record in records] == [2, 4, 5, 7, 8, 9]
    assert [record["input"] for record in records] == [BATCH[number - 1] for number in [2, 4, 5, 7, 8, 9]]
    assert [record.get("derivative") for record in records] == ["2*x", None, "cos(x)", "3*x**2", None, "4*x**3"]


# --- mistyped options -----------------------------------------------------------------------------


def test_an_unknown_option_is_named_as_typed(process):
    result = process("diff", "x**2", "-v")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "deriv: error: no such option: -v (see 'deriv diff --help')\n"


@pytest.mark.parametrize("args, typed, meant", [
    (["x**2", "--att", "3"], "--att", "--at"),
    (["x**2", "-at", "3"], "-at", "--at"),
    (["-at", "3"], "-at", "--at"),
    (["-jsn"], "-jsn", "--json"),
    (["-wrt", "y", "x*y"], "-wrt", "--wrt"),
    (["x**2", "-order=2"], "-order", "--order"),
])
def test_a_near_miss_of_an_option_is_a_typo_not_a_formula(process, args, typed, meant):
    result = process("diff", *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"deriv: error: no such option: {typed}; did you mean {meant}?")
    assert "\x00" not in result.stderr and "argument-" not in result.stderr


def test_an_extra_dash_led_argument_is_named_as_typed(process):
    result = process("diff", "x**2", "-2")
    assert result.returncode == 2
    assert result.stderr.startswith("deriv: error: got unexpected extra argument (-2)")


@pytest.mark.parametrize("args, expected", [
    (["diff", "-x**2"], "-2*x\n"),
    (["diff", "-x"], "-1\n"),
    (["diff", "-theta"], "-1\n"),
    (["diff", "-y_hat**2", "--at", "3"], "-6\n"),
    (["diff", "--at", "2", "-x**3"], "-12\n"),
    (["eval", "-x**2", "--at", "-3"], "-9\n"),
    (["diff", "--", "-at"], "-1\n"),
])
def test_a_formula_may_still_begin_with_a_minus_sign(process, args, expected):
    result = process(*args)
    assert (result.returncode, result.stdout) == (0, expected), result.stderr
