"""Batch streams and many processes: every line answered in order, memory flat, no shared state."""

import json
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import deriv_command


def test_every_line_one_record_in_order_even_when_some_time_out():
    lines = ["x**2", "gamma(10**8)", "1/x", "foo(x)", "x**3", "gamma(10**8)", "x"]
    result = subprocess.run(deriv_command() + ["eval", "-", "--at", "2", "--json", "--timeout", "1"],
                            input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["line"] for record in records] == list(range(1, len(lines) + 1))
    assert [record["input"] for record in records] == lines
    kinds = [record.get("error", {}).get("kind") for record in records]
    assert kinds == [None, "resource_limit", None, "usage", None, "resource_limit", None]
    assert records[4]["points"][0]["value"] == "8"
    assert result.returncode == 4


def test_answers_stream_before_the_input_ends():
    process = subprocess.Popen(deriv_command() + ["eval", "-", "--at", "3"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        process.stdin.write("x**2\n")
        process.stdin.flush()
        answer = []
        reader = threading.Thread(target=lambda: answer.append(process.stdout.readline()))
        reader.start()
        reader.join(timeout=60)
        assert answer == ["9\n"], "the first answer should arrive while stdin is still open"
        process.stdin.write("x**3\n")
        process.stdin.close()
        assert process.stdout.read() == "27\n"
    finally:
        process.kill()
        process.wait()


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process and its children, in KiB."""
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                pending += [int(word) for word in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def _peak_memory(line_count: int) -> int:
    lines = "".join(f"x**{index % 50 + 1} + {index}\n" for index in range(line_count))
    process = subprocess.Popen(deriv_command() + ["eval", "-", "--at", "3"], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    feeder = threading.Thread(target=lambda: (process.stdin.write(lines), process.stdin.close()))
    feeder.start()
    while process.poll() is None:
        peak = max(peak, _tree_rss_kib(process.pid))
        time.sleep(0.05)
    feeder.join()
    assert process.returncode == 0
    return peak


def test_memory_stays_flat_from_1000_to_10000_lines():
    small = _peak_memory(1000)
    large = _peak_memory(10000)
    assert large <= small * 1.25 + 20_000, f"peak RSS {small} KiB for 1000 lines, {large} KiB for 10000"


def test_32_answers_from_processes_at_once():
    """Processes running side by side share no state: 8 at once (on 2 cores every one overlaps
    every other, as 32 did), each a batch of 4 lines, and each of the 32 answers is its own.
    Eight start-ups instead of 32 keep the overlap and cost a quarter."""
    def run(batch):
        lines = "".join(f"x**2 + {4 * batch + line}\n" for line in range(4))
        return subprocess.run(deriv_command() + ["eval", "-", "--at", "3"], input=lines,
                              capture_output=True, text=True, timeout=300)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(8)))
    assert [result.returncode for result in results] == [0] * 8
    assert [result.stderr for result in results] == [""] * 8
    answers = [line for result in results for line in result.stdout.splitlines()]
    assert answers == [str(9 + index) for index in range(32)]


def test_a_progress_counter_on_a_terminal_stderr_while_stdout_is_a_file(tmp_path):
    """`deriv diff - < formulas > answers` at a terminal: the count shows on stderr only."""
    formulas = tmp_path / "formulas.txt"
    formulas.write_text("".join(f"x**{index}\n" for index in range(1, 41)), encoding="utf-8")
    answers = tmp_path / "answers.txt"
    command = " ".join(f"'{part}'" for part in deriv_command())
    screen = subprocess.run(
        ["script", "-qec", f"{command} diff - < {formulas} > {answers}", "/dev/null"],
        capture_output=True, text=True, timeout=300,
    ).stdout
    assert "40 lines" in screen and "0 failed" in screen
    assert answers.read_text().splitlines() == ["1"] + [f"{index}*x**{index - 1}" if index > 2 else "2*x"
                                                       for index in range(2, 41)]
