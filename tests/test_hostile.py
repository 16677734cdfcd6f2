"""Hostile input through a real process: exit 2 or 4, fast, one line, nothing executed."""

import json

import pytest

from conftest import DATA

TIMEOUT = 3


def hostile_lines():
    lines = []
    for name in ("hostile-inputs.txt", "hostile-extra.txt"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


HOSTILE = hostile_lines()
ARGUMENT_LIMIT = 100_000  # longer lines cannot be one argv word; they go through stdin


def check(result, label):
    assert result.returncode in (2, 4), f"{label!r}: exit {result.returncode} {result.stderr}"
    assert "Traceback" not in result.stderr, label
    assert result.stderr.startswith("deriv: error: "), label
    assert result.stderr.count("\n") == 1, label


def test_every_hostile_line_through_eval(invoke, process, tmp_path, monkeypatch):
    """Each line as the EXPRESSION word, through the whole command line (click's parsing, the
    guard's worker, the exit mapping) in this process; then all of them through one real
    process's stdin, and a few as a real process's argv. A real process per line (one Python and
    sympy start-up each) cost about 50 s and checked nothing more: the lines are ASCII, so argv
    decoding does not depend on them."""
    monkeypatch.chdir(tmp_path)
    short = [line for line in HOSTILE if len(line) < ARGUMENT_LIMIT]
    for line in short:
        result = invoke("eval", line, "--at", "1", "--timeout", str(TIMEOUT))
        assert result.exit_code in (2, 4), f"{line!r}: exit {result.exit_code} {result.stderr}"
        assert result.stdout == "", line
        assert result.stderr.startswith("deriv: error: ") and result.stderr.count("\n") == 1, line
        assert "Traceback" not in result.stderr, line
    assert all(line.isascii() and line.isprintable() for line in short)
    batch = process("eval", "-", "--at", "1", "--timeout", str(TIMEOUT), "--json",
                    input="\n".join(short) + "\n", timeout=len(short) * (TIMEOUT + 1) + 60)
    records = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [record["input"] for record in records] == short
    assert all(record["error"]["status"] in (2, 4) for record in records), records
    assert "Traceback" not in batch.stderr and len(batch.stderr.splitlines()) == len(short)
    for line in (short[0], max(short, key=len), next(line for line in short if line.startswith("-"))):
        result = process("eval", line, "--at", "1", "--timeout", str(TIMEOUT), timeout=TIMEOUT + 30)
        check(result, line)
        assert result.stdout == ""
    assert not (tmp_path / "DERIV_PWNED").exists()


def test_long_hostile_lines_through_stdin(process):
    long_lines = [line for line in HOSTILE if len(line) >= ARGUMENT_LIMIT]
    assert long_lines, "the corpus has its 200 000-character line"
    for line in long_lines:
        result = process("eval", "-", "--at", "1", "--timeout", str(TIMEOUT), input=line + "\n")
        assert result.returncode in (2, 4)
        assert "Traceback" not in result.stderr
        assert "too long" in result.stderr


BATCH_ARGUMENTS = {
    "diff": [],
    "critical": [],
    "classify": ["--at", "1"],
    "descend": ["--from", "1"],
}


@pytest.mark.parametrize("command", BATCH_ARGUMENTS)
def test_the_corpus_through_every_other_command(process, tmp_path, monkeypatch, command):
    """One real process a command reads the whole corpus on stdin: every line gets its own
    error record (exit 2 or 4), in order, and nothing runs. (The process's own timeout bounds
    the run at the guard's limit plus a second a line; no wall-clock assertion here.)"""
    monkeypatch.chdir(tmp_path)
    result = process(command, "-", *BATCH_ARGUMENTS[command], "--timeout", str(TIMEOUT), "--json",
                     input="\n".join(HOSTILE) + "\n", timeout=len(HOSTILE) * (TIMEOUT + 1) + 60)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["line"] for record in records] == list(range(1, len(HOSTILE) + 1))
    assert all(record["error"]["status"] in (2, 4) for record in records), records
    assert result.returncode in (2, 4)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == len(HOSTILE)
    assert not (tmp_path / "DERIV_PWNED").exists()


def test_payloads_that_would_write_a_file_do_nothing(process, tmp_path):
    marker = tmp_path / "executed"
    payloads = [
        f"__import__('os').system('touch {marker}')",
        f"__import__('pathlib').Path('{marker}').touch()",
        f"open('{marker}', 'w')",
        f"exec(\"open('{marker}','w')\")",
        f"Symbol('x').__class__.__init__.__globals__['__builtins__']['open']('{marker}','w')",
    ]
    for payload in payloads:
        result = process("eval", payload, "--at", "1")
        check(result, payload)
    assert not marker.exists()


@pytest.mark.parametrize("line", ["x" * 2, "sin(x)"])
def test_control_inputs_do_run(process, line):
    assert process("eval", line, "--at", "1").returncode == 0


EXPECTING = {
    "critical": [],
    "classify": ["--at", "0"],
    "descend": ["--from", "1"],
}


@pytest.mark.parametrize("command", EXPECTING)
def test_the_corpus_as_expected_answers(process, tmp_path, monkeypatch, command):
    """Every corpus line as the EXPECTED of `x**2 => EXPECTED`: read by the same safe parser as
    points and kinds, so each record fails its check or is refused (exit 1, 2 or 4), and nothing runs."""
    monkeypatch.chdir(tmp_path)
    lines = [f"x**2 => {line}" for line in HOSTILE if line.strip()]
    result = process(command, "-", *EXPECTING[command], "--timeout", str(TIMEOUT), "--json",
                     input="\n".join(lines) + "\n", timeout=len(lines) * (TIMEOUT + 1) + 60)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["line"] for record in records] == list(range(1, len(lines) + 1))
    statuses = [record["error"]["status"] if "error" in record else max((problem["status"] for problem in record.get("problems", [])), default=0)
                for record in records]
    assert all(status in (1, 2, 4) for status in statuses), list(zip(lines, statuses))
    assert "Traceback" not in result.stderr
    assert all(len(line) < 2000 for line in result.stderr.splitlines())  # no echo of a 200 000-character line
    assert not (tmp_path / "DERIV_PWNED").exists()
