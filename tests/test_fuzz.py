"""Fuzzing every command through the CLI with the guard active: whatever arrives, a documented
exit status and at most one error line, never a traceback; valid expressions never end in 70.

The default profile is small so CI stays fast; DERIV_FUZZ=long runs many more examples.
Failures found are kept below as regression cases (test_regressions).
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA

LONG = os.environ.get("DERIV_FUZZ") == "long"
settings.register_profile(
    "fuzz", max_examples=400 if LONG else 12, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ = settings.get_profile("fuzz")
DOCUMENTED = {0, 1, 2, 3, 4, 70, 130}
TIMEOUT = "4"

COMMANDS = {
    "diff": [],
    "eval": ["--at", "1/2"],
    "critical": [],
    "classify": [],
    "descend": ["--from", "1/2", "--max-iter", "50"],
}

TOKENS = [
    "x", "y", "2", "3.5", "0", "1e3", "pi", "e", "oo", "+", "-", "*", "/", "^", "**", "(", ")", ",",
    "sin", "cos", "tan", "exp", "log", "ln", "sqrt", "abs", "asin", "atanh", "sech", "erf", "gamma",
    "²", "√", "π", "·", "−", " ", "f", "=", "<", "piecewise", "otherwise",
]

ATOMS = st.sampled_from(["x", "y", "2", "3", "1/2", "pi", "e"])
UNARY = ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "atan", "sinh", "tanh", "asinh", "erf"]


def expressions():
    """Random well-formed expressions over the parser's grammar."""
    return st.recursive(
        ATOMS,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, st.sampled_from(["2", "3", "1/2", "-1"])).map(lambda t: f"({t[0]})^{t[1]}"),
            st.tuples(st.sampled_from(UNARY), inner).map(lambda t: f"{t[0]}({t[1]})"),
        ),
        max_leaves=6,
    )


def check(result, valid=False, most_errors=3):
    assert result.exit_code in DOCUMENTED, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("deriv: error:") <= most_errors
    if valid:
        assert result.exit_code != 70, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
@FUZZ
@given(text=st.text(max_size=40))
def test_random_strings(invoke, command, text):
    check(invoke(command, text, *COMMANDS[command], "--timeout", TIMEOUT))


@pytest.mark.parametrize("command", COMMANDS)
@FUZZ
@given(tokens=st.lists(st.sampled_from(TOKENS), max_size=12))
def test_random_token_sequences(invoke, command, tokens):
    check(invoke(command, "".join(tokens) or "x", *COMMANDS[command], "--timeout", TIMEOUT))


@pytest.mark.parametrize("command", COMMANDS)
@FUZZ
@given(expression=expressions())
def test_random_valid_expressions(invoke, command, expression):
    check(invoke(command, expression, *COMMANDS[command], "--timeout", TIMEOUT), valid=True)


REGRESSIONS = [line for line in (DATA / "fuzz-regressions.txt").read_text(encoding="utf-8").splitlines()
               if line and not line.startswith("#")]


@pytest.mark.parametrize("command", COMMANDS)
def test_regressions(invoke, command):
    """Inputs fuzzing once broke, through every command in one batch each."""
    result = invoke(command, "-", *COMMANDS[command], "--timeout", TIMEOUT, "--json",
                    input="\n".join(REGRESSIONS) + "\n")
    check(result, valid=True, most_errors=len(REGRESSIONS))
    assert len(result.stdout.splitlines()) == len(REGRESSIONS)


@FUZZ
@given(expressions())
def test_random_valid_expressions_on_an_interval_or_a_box(invoke, expression):
    """classify --in: the closed-interval method in one variable, the closed-box method in two."""
    check(invoke("classify", expression, "--in", "-1:1", "--timeout", TIMEOUT), valid=True)
