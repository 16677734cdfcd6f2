"""Batches on every core: the worker pool keeps input order, streams, reads lazily, gives each
job the guard's limits, replaces only the worker a job ended; and through real processes,
``--jobs 2`` answers exactly as ``--jobs 1``, and Ctrl-C, SIGTERM and a closed pipe leave no
process behind."""

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import DATA, deriv_command
from derivcli.errors import NoAnswerError, ResourceLimitError
from derivcli.workers import WINDOW_PER_WORKER, Outcome, Pool

HERE = Path(__file__).resolve().parent
LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="PR_SET_CHILD_SUBREAPER, /proc and sched_setaffinity are Linux's")


def pause_then_echo(argument):
    """Sleep, then give back the argument: a late item finishes after the ones behind it."""
    seconds, value = argument
    time.sleep(seconds)
    return value


def worker_id(_):
    return os.getpid()


def refuse(_):
    raise NoAnswerError("no answer here")


def spin_and_say_who(path):
    """Write this worker's process id to ``path``, then run past any time limit."""
    Path(path).write_text(str(os.getpid()))
    while True:
        pass


def allocate(size):
    return len(bytearray(size))


def _gone(process_id: int) -> bool:
    """Ended and reaped: no zombie left either."""
    return not Path(f"/proc/{process_id}").exists()


def test_outcomes_come_in_input_order_whatever_finishes_first():
    items = [(index, (0.05 * (5 - index), f"line {index}")) for index in range(6)]
    with Pool(jobs=3, timeout=10) as pool:
        results = list(pool.map(pause_then_echo, items))
    assert [tag for tag, _ in results] == list(range(6))
    assert [outcome.value for _, outcome in results] == [f"line {index}" for index in range(6)]


def test_an_outcome_passes_through_in_its_place_and_errors_cross_back():
    failure = ResourceLimitError("decided before running")
    items = [("a", (0, 1)), ("comment", Outcome()), ("b", (0, 2)), ("bad", Outcome(error=failure))]
    with Pool(jobs=2, timeout=10) as pool:
        results = dict(pool.map(pause_then_echo, items))
        refused = list(pool.map(refuse, [("r", None)]))
    assert results == {"a": Outcome(value=1), "comment": Outcome(), "b": Outcome(value=2),
                       "bad": Outcome(error=failure)}
    [(_, outcome)] = refused
    assert isinstance(outcome.error, NoAnswerError) and outcome.error.message == "no answer here"


def test_jobs_are_spread_over_the_workers_and_every_worker_ends():
    with Pool(jobs=2, timeout=10) as pool:
        seen = {outcome.value for _, outcome in pool.map(worker_id, ((index, None) for index in range(40)))}
    assert len(seen) == 2 and os.getpid() not in seen
    assert all(_gone(process_id) for process_id in seen)


def test_a_job_past_the_time_limit_ends_only_its_own_worker(tmp_path):
    """The spinning worker is killed and replaced; the other goes on (its sympy caches warm).
    The job that waited in the spinning worker's pipe moves to another worker and is answered."""
    marker = tmp_path / "spinner"
    items = ([(index, (pause_and_say_who, 0.2)) for index in range(4)] + [(4, (spin_and_say_who, str(marker)))]
             + [(index, (pause_and_say_who, 0)) for index in range(5, 30)])
    with Pool(jobs=2, timeout=1) as pool:
        results = list(pool.map(_call, items))
    assert [tag for tag, _ in results] == list(range(30))
    spinner = int(marker.read_text())
    timed_out = results[4][1].error
    assert isinstance(timed_out, ResourceLimitError) and "1 s limit" in timed_out.message
    assert all(outcome.error is None for _, outcome in results[:4] + results[5:])
    before = {outcome.value for _, outcome in results[:4]}
    after = {outcome.value for _, outcome in results[5:]}
    assert len(before) == 2 and spinner in before, "both workers ran the first jobs (0.2 s each)"
    assert spinner not in after and _gone(spinner)
    assert before - {spinner} <= after, "the worker that did not time out should have gone on"


def pause_and_say_who(seconds):
    time.sleep(seconds)
    return os.getpid()


def _call(pair):
    function, argument = pair
    return function(argument)


def open_pipes(_):
    """The pipes this worker holds beyond its standard streams."""
    links = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            links.append(os.readlink(f"/proc/self/fd/{fd}") if int(fd) > 2 else "")
        except FileNotFoundError:  # the descriptor listdir itself used
            pass
    return sorted(link for link in links if link.startswith("pipe:"))


@LINUX_ONLY
def test_a_worker_holds_only_its_own_pipes_not_the_readers():
    """A worker forked while the batch's reader thread runs must not hold the reader's wake-up
    pipe: the pool waits for that pipe's end once the input is read, and a worker keeping its
    writing end open made a file of mostly comments and bad lines hang (deriv check, 1 run in 4)."""
    answered = threading.Event()

    def items():
        yield 0, None
        answered.wait(30)  # the reader thread stays alive (pipe open) until the worker has answered
        for number in range(1, 3 * WINDOW_PER_WORKER):
            yield number, Outcome()

    before = set(open_pipes(None))  # the test process's own (pytest's captures among them)
    with Pool(jobs=1, timeout=20) as pool:
        outcomes = []
        for tag, outcome in pool.map(open_pipes, items()):
            outcomes.append(outcome)
            answered.set()
    assert outcomes[0].error is None, outcomes[0].error
    pipes = [pipe for pipe in outcomes[0].value if pipe not in before]
    assert len(pipes) == len(set(pipes)) == 3, pipes  # its job channel both ways and its lifeline, one end each
    assert len(outcomes) == 3 * WINDOW_PER_WORKER


def test_when_no_more_processes_can_start_the_pool_goes_on_with_those_it_has(monkeypatch):
    import derivcli.workers as workers

    started, real_worker = [], workers.Worker

    def first_only(*arguments):
        if started:
            raise ResourceLimitError("cannot start a worker process: Resource temporarily unavailable")
        started.append(real_worker(*arguments))
        return started[-1]

    monkeypatch.setattr(workers, "Worker", first_only)
    with Pool(jobs=3, timeout=10) as pool:
        results = list(pool.map(pause_and_say_who, ((index, 0.01) for index in range(10))))
    assert [outcome.error for _, outcome in results] == [None] * 10
    assert {outcome.value for _, outcome in results} == {started[0].process_id}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="macOS does not enforce RLIMIT_AS")
def test_the_memory_limit_holds_in_every_worker():
    items = [(index, 2 * 1024**3 if index % 2 else 1024) for index in range(6)]
    with Pool(jobs=2, timeout=20, memory_mb=512) as pool:
        results = list(pool.map(allocate, items))
    for index, outcome in results:
        if index % 2:
            assert isinstance(outcome.error, ResourceLimitError) and "memory" in outcome.error.message
        else:
            assert outcome == Outcome(value=1024)


def test_the_input_is_read_only_a_bounded_way_ahead():
    """Memory stays flat over any number of lines: an endless input is read no further than the
    window (plus the reader's queue) ahead of the answers taken."""
    pulled = itertools.count()

    def endless():
        for index in pulled:
            yield index, (0, index)

    with Pool(jobs=2, timeout=10) as pool:
        answers = pool.map(pause_then_echo, endless())
        taken = [outcome.value for _, outcome in itertools.islice(answers, 10)]
        time.sleep(0.3)  # let the reader run ahead as far as it may
        read = next(pulled)
        answers.close()
    assert taken == list(range(10))
    assert read <= 10 + 2 * (2 * WINDOW_PER_WORKER) + 2, f"{read} lines read for 10 answers"


def test_an_answer_is_given_before_the_input_ends():
    """Answers stream: the first comes while the input is still open (here: blocked until the
    test has seen it, or 30 s, after which the input says it was kept waiting)."""
    seen_first = threading.Event()

    def slow_input():
        yield 1, (0, "first")
        yield 2, (0, "answered before the input went on" if seen_first.wait(30) else "the pool waited for the input")

    with Pool(jobs=2, timeout=10) as pool:
        answers = pool.map(pause_then_echo, slow_input())
        assert next(answers)[1].value == "first"
        seen_first.set()
        assert next(answers)[1].value == "answered before the input went on"


@LINUX_ONLY
def test_the_default_is_the_usable_cores():
    code = "from derivcli.workers import usable_cores; print(usable_cores())"
    one_core = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                              preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    assert one_core.stdout == "1\n"
    every_core = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert every_core.stdout == f"{len(os.sched_getaffinity(0))}\n"


# --- through real processes ---------------------------------------------------------------------


def mixed_batch(count: int) -> bytes:
    """Cheap lines with bad ones mixed in: parse errors, hostile text, unknown names, failed and
    passed expectations, comments, blank lines, a line that is not UTF-8."""
    bad = [b"x +* 1", b"__import__('os').getpid()", b"foo(x)", b"x**3 => 2*x", b"x**3 => 3*x**2", b"# a comment",
           b"", b"\xff\xfe x", b"-", b"x =>", b"y**2 + x*y", b"open('/etc/hostname').read()", b"1/x"]
    lines = []
    for index in range(count):
        if index % 7 == 3:
            lines.append(bad[(index // 7) % len(bad)])
        else:
            lines.append(f"x**{index % 9 + 1} + {index % 13}*x".encode())
    return b"\n".join(lines) + b"\n"


def test_jobs_2_answers_byte_for_byte_as_jobs_1(tmp_path):
    batch = mixed_batch(2000)
    runs = {}
    for jobs, mode in (("1", "--json"), ("2", "--json"), ("2", "--plain")):
        runs[jobs, mode] = subprocess.run(deriv_command() + ["diff", "-", "--no-simplify", mode, "--jobs", jobs],
                                          input=batch, capture_output=True, timeout=300, cwd=tmp_path)
    one, two = runs["1", "--json"], runs["2", "--json"]
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout and one.stderr == two.stderr
    plain = runs["2", "--plain"]  # the answers written in the workers: one line a line, failures blank
    by_line = {record["line"]: record.get("derivative", "") for record in map(json.loads, one.stdout.splitlines())}
    expected = [by_line.get(number, "") for number in range(1, len(batch.splitlines()) + 1)]
    assert plain.returncode == 2 and plain.stdout.decode().splitlines() == expected
    assert plain.stderr.decode().splitlines() == [line for line in one.stderr.decode().splitlines()]
    records = [json.loads(line) for line in one.stdout.splitlines()]
    answered = [number for number, line in enumerate(batch.split(b"\n")[:-1], start=1)
                if line.strip() and not line.startswith(b"#")]  # every line but comments and blanks
    assert [record["line"] for record in records] == answered
    assert records[0]["derivative"] == "1" and records[1]["derivative"] == "2*x + 1"
    assert sum("error" in record for record in records) > 100  # the bad lines are there, and reported
    assert "Traceback" not in one.stderr.decode()


@pytest.mark.parametrize("command", [["diff"], ["diff", "--gradient"], ["eval", "--at", "2", "--order", "1"], ["classify"]])
def test_a_piped_batch_writes_each_line_as_the_single_command_does(process, command):
    """The workers of a piped batch write the answers themselves: each line's answer is what the
    command prints for that formula alone (a gradient as with --vector, one line), and a note
    names its line."""
    formulas = ["x**3 - 3*x", "x*exp(x)", "x/x"]
    batch = process(command[0], "-", *command[1:], input="\n".join(formulas) + "\n")
    alone = command[1:] + (["--vector"] if "--gradient" in command else [])  # a batch's vector is one line
    single = [process(command[0], formula, *alone) for formula in formulas]
    assert batch.returncode == max(run.returncode for run in single)
    assert batch.stdout == "".join(run.stdout if run.stdout else "\n" for run in single)
    for number, run in enumerate(single, start=1):
        for note in run.stderr.splitlines():
            assert note.replace("deriv: ", f"deriv: line {number}: ", 1) in batch.stderr.splitlines()


def test_hostile_text_runs_nothing_in_any_worker(tmp_path):
    lines = [line for name in ("hostile-inputs.txt", "hostile-extra.txt")
             for line in (DATA / name).read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#") and len(line) < 100_000]
    result = subprocess.run(deriv_command() + ["diff", "-", "--json", "--jobs", "3", "--timeout", "3"],
                            input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=600, cwd=tmp_path)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["input"] for record in records] == lines
    assert all(record["error"]["status"] in (2, 4) for record in records), records
    assert result.returncode in (2, 4) and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == len(lines)
    assert list(tmp_path.iterdir()) == [], "a hostile line created a file"


def test_jobs_must_be_a_positive_count(process):
    result = process("diff", "-", "--jobs", "0", input="x**2\n")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("deriv: error: invalid value for '--jobs'")
    from_environment = process("diff", "-", input="x**2\n", env={"DERIV_DIFF_JOBS": "1"})
    assert (from_environment.returncode, from_environment.stdout) == (0, "2*x\n")


def orphan_watch(runs: list[dict]) -> dict:
    """Run deriv under tests/orphan_watch.py, a parent that adopts whatever deriv leaves behind."""
    plan = json.dumps({"deriv": deriv_command(), "runs": runs})
    result = subprocess.run([sys.executable, str(HERE / "orphan_watch.py"), plan],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


LONG_BATCH = {"args": ["descend", "-", "--from", "3", "--lr", "1e-7", "--max-iter", "1000000000",
                       "--timeout", "60", "--jobs", "2"],
              "input": "x**2\nx**2 + 1\nx**2 + 2\nx**2 + 3\n"}


@LINUX_ONLY
def test_ctrl_c_and_sigterm_end_every_worker():
    """Two workers busy with long descents: Ctrl-C (SIGINT to the terminal's process group, the
    workers included) ends deriv with 130, SIGTERM with 143, and no process is left behind."""
    report = orphan_watch([
        {**LONG_BATCH, "signal": "SIGINT", "workers": 2, "group": True},
        {**LONG_BATCH, "signal": "SIGINT", "workers": 2},
        {**LONG_BATCH, "signal": "SIGTERM", "workers": 2},
    ])
    assert report["statuses"] == [130, 130, 143]
    assert report["adopted"] == []


@LINUX_ONLY
def test_a_closed_pipe_is_quiet_and_leaves_no_process():
    lines = "".join(f"x**{index % 9 + 2}\n" for index in range(3000))
    report = orphan_watch([{"args": ["diff", "-", "--jobs", "2"], "input": lines, "head": 1}])
    assert report["statuses"] == [0]
    assert report["errors"] == [""]
    assert report["adopted"] == []
