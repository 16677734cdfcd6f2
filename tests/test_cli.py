"""The command-line contract shared by every command: help, version, streams, signals, statuses."""

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, deriv_command, strip_ansi
from derivcli import __version__
from derivcli.errors import ExitStatus

COMMANDS = ["diff", "eval", "critical", "classify", "descend"]


def test_exit_status_table():
    assert {status.name: int(status) for status in ExitStatus} == {
        "SUCCESS": 0, "EXPECTATION_FAILED": 1, "USAGE": 2, "NO_ANSWER": 3,
        "RESOURCE_LIMIT": 4, "INTERNAL": 70, "INTERRUPTED": 130,
    }


def test_version(invoke):
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output == f"deriv {__version__}\n"


def test_help_lists_the_five_commands(invoke):
    result = invoke("--help")
    assert result.exit_code == 0
    listed = result.output.split("Commands:")[1]
    for command in COMMANDS:
        assert f"  {command} " in listed


def test_unknown_command_is_a_usage_error(invoke):
    result = invoke("integrate", "x")
    assert result.exit_code == 2
    assert result.stderr.startswith("deriv: error: ")


def test_internal_errors_are_one_line_and_traceback_with_debug(invoke, monkeypatch):
    from derivcli import evaluation

    def broken(*args, **kwargs):
        raise ZeroDivisionError("planted bug")

    monkeypatch.setattr(evaluation, "evaluate", broken)
    result = invoke("eval", "x", "--at", "1")
    assert result.exit_code == 70
    assert result.stderr.count("\n") == 1
    assert "internal error (ZeroDivisionError: planted bug)" in result.stderr
    debug = invoke("eval", "x", "--at", "1", "--debug")
    assert debug.exit_code == 70
    assert "Traceback" in debug.stderr


def test_timeout_exits_4(process):
    slow = process("eval", "gamma(10**7)", "--at", "0", "--timeout", "1")
    assert slow.returncode == 4
    assert "exceeded the 1 s limit" in slow.stderr and "--timeout" in slow.stderr


def test_memory_limit_exits_4(process):
    result = process("eval", "x**(10**9)", "--at", "2", "--numeric", "--memory", "512", "--timeout", "60")
    assert result.returncode == 4, result.stderr
    assert "ran out of memory" in result.stderr and "--memory" in result.stderr
    assert "Traceback" not in result.stderr


def test_closed_pipe_ends_quietly():
    command = " ".join(f"'{part}'" for part in deriv_command())
    lines = "\\n".join(["x**2"] * 3000)
    result = subprocess.run(
        f"printf '{lines}\\n' | {command} eval - --at 2 | head -1",
        shell=True, capture_output=True, text=True, timeout=120,
    )
    assert result.stdout == "4\n"
    assert result.stderr == ""


def test_full_disk_is_a_clear_error():
    with open("/dev/full", "w") as full:
        result = subprocess.run(deriv_command() + ["eval", "x", "--at", "1"], stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 4
    assert result.stderr.startswith("deriv: error: cannot write the output")
    assert "Traceback" not in result.stderr


def test_non_utf8_line_is_exit_2_and_the_rest_still_run():
    result = subprocess.run(deriv_command() + ["eval", "-", "--at", "1"], input=b"x+1\n\xff\xfe\nx+2\n",
                            capture_output=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout.decode().splitlines() == ["2", "", "3"]
    assert b"line 2: the line is not valid UTF-8" in result.stderr


def _children(parent: int) -> list[int]:
    path = f"/proc/{parent}/task/{parent}/children"
    try:
        with open(path) as handle:
            return [int(word) for word in handle.read().split()]
    except FileNotFoundError:
        return []


@pytest.mark.parametrize("signal_number, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signals_end_the_worker_too(signal_number, status):
    process = subprocess.Popen(deriv_command() + ["eval", "gamma(10**8)", "--at", "0", "--timeout", "60"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    workers = []
    while time.monotonic() < deadline and not workers:
        time.sleep(0.1)
        workers = _children(process.pid)
    assert workers, "the guarded worker never started"
    time.sleep(0.3)
    process.send_signal(signal_number)
    _, error = process.communicate(timeout=30)
    assert process.returncode == status
    assert "Traceback" not in error
    time.sleep(0.3)
    for worker in workers:
        assert not os.path.exists(f"/proc/{worker}") or _is_zombie(worker)


def _is_zombie(process_id: int) -> bool:
    try:
        with open(f"/proc/{process_id}/stat") as handle:
            return handle.read().split(") ")[1].startswith("Z")
    except FileNotFoundError:
        return True


def test_a_real_terminal_gets_rich_output():
    command = " ".join(f"'{part}'" for part in deriv_command())
    result = subprocess.run(
        ["script", "-qec", f"{command} eval 'x^2' --at 1/3", "/dev/null"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "80", "TERM": "xterm"},
    )
    assert result.returncode == 0
    screen = strip_ansi(result.stdout)
    assert "f(x) = x²" in screen
    assert "0.111111111111111" in screen
    assert "\x1b[" in result.stdout


def test_importing_the_cli_loads_neither_sympy_nor_rich():
    code = "import sys, derivcli.cli; print('sympy' in sys.modules, 'rich' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.split() == ["False", "False"]


def printed_then_loaded(arguments, module):
    """What deriv prints for ``arguments`` in a fresh Python, then whether ``module`` got loaded."""
    code = (
        "import sys\nfrom derivcli.cli import cli\n"
        f"try:\n    cli.main({list(arguments)!r})\n"
        "except SystemExit:\n    pass\n"
        f"print({module!r} in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    return result.stdout.split()


def test_piped_eval_does_not_load_rich():
    assert printed_then_loaded(["eval", "x**2", "--at", "3"], "rich") == ["9", "False"]


def test_a_piped_diff_does_not_load_sympys_tensors():
    """Every sum sympy builds asks sympy.tensor.tensor whether a term is a tensor; deriv's stand-in
    answers without loading it (and sympy.combinatorics under it: a tenth of a short command)."""
    assert printed_then_loaded(["diff", "x**3 + sin(x) + 1", "--at", "0"], "sympy.combinatorics") == ["1", "False"]


def test_a_program_that_uses_tensors_after_deriv_gets_the_real_ones():
    """The stand-in gives way to the real module the first time anything else is asked of it, and
    every later import, sympy's own sums included, then sees the real classes."""
    code = (
        "import sys, derivcli\n"
        "r = derivcli.derivative('x**2 + x + 1')\n"
        "from sympy.tensor.toperators import PartialDerivative\n"
        "from sympy.tensor.tensor import TensorIndexType, tensor_indices, TensorHead, TensExpr, TensAdd\n"
        "import sympy.tensor.toperators as operators\n"
        "L = TensorIndexType('L'); i = tensor_indices('i', L)\n"
        "total = TensorHead('A', [L])(i) + TensorHead('B', [L])(i)\n"
        "print(r.derivation.result, type(total).__name__, isinstance(total, TensExpr),"
        " operators.TensExpr is TensExpr, 'sympy.combinatorics' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.split() == ["2*x", "+", "1", "TensAdd", "True", "True", "True"], result.stderr


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "derivcli", "eval", "x**2", "--at", "3"],
                            capture_output=True, text=True, timeout=60)
    assert result.stdout == "9\n"


def test_plain_deriv_shows_the_help_and_exits_2(invoke):
    result = invoke()
    assert result.exit_code == 2
    assert "Commands:" in result.stderr and "Usage:" in result.stderr
    assert "deriv: error" not in result.stderr


def test_plain_forces_the_piped_form_on_a_terminal(invoke):
    result = invoke("eval", "x**2", "--at", "3", "--plain", terminal=True)
    assert result.output == "9\n"


def test_no_color_on_a_terminal_drops_colours():
    command = " ".join(f"'{part}'" for part in deriv_command())
    coloured = re.compile(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;[0-9;]+)m")
    runs = {}
    for name, extra in {"colour": {}, "no colour": {"NO_COLOR": "1"}}.items():
        base = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
        environment = {**base, "COLUMNS": "80", "TERM": "xterm", **extra}
        runs[name] = subprocess.run(["script", "-qec", f"{command} eval 'x^2' --at 1/3", "/dev/null"],
                                    capture_output=True, text=True, timeout=60, env=environment).stdout
    assert coloured.search(runs["colour"])
    assert not coloured.search(runs["no colour"])
    assert "f(x) = x²" in strip_ansi(runs["no colour"])
