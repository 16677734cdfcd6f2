"""Benchmark: `descend --data` against a hand-written numpy loop doing the same updates.

10 000 rows of y = 3x + 2 + noise, 1 000 full-batch gradient-descent iterations of the linear
model (y - (w*x + b))**2 from w = b = 0 with lr 0.1, tolerance 0 (no early stop).  Timed two
ways, in one run: whole processes (`deriv descend ... --data FILE --json` against `python
hand.py`, both reading the same CSV), and in process (the training run against the loop alone,
after both have read the data).  Also: the peak memory of 1 000 and 10 000 iterations (flat in
the iterations: the trace is thinned by --every), and 1 000 000 rows read through --data.
The target (issue 16) is a ratio of at most 1.5.

Run: python bench/bench_data.py [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from installed import compile_package  # noqa: E402

ROWS, ITERATIONS, RATE = 10_000, 1_000, 0.1

HAND = """
import csv, sys, numpy
with open(sys.argv[1], newline="") as stream:
    reader = csv.reader(stream); next(reader)
    rows = [(float(a), float(b)) for a, b in reader]
x = numpy.array([r[0] for r in rows]); y = numpy.array([r[1] for r in rows])
w = b = 0.0
for _ in range(int(sys.argv[2])):
    r = y - (w * x + b)
    loss = numpy.mean(r * r)
    gw, gb = -2 * numpy.mean(r * x), -2 * numpy.mean(r)
    w, b = w - float(sys.argv[3]) * gw, b - float(sys.argv[3]) * gb
print(w, b, loss)
"""


def write_data(path: Path, rows: int) -> None:
    import random

    generator = random.Random(1)
    with open(path, "w") as stream:
        stream.write("x,y\n")
        for _ in range(rows):
            x = generator.random()
            stream.write(f"{x!r},{3 * x + 2 + generator.gauss(0, 0.1)!r}\n")


def deriv(*arguments) -> list[str]:
    script = Path(sys.executable).with_name("deriv")
    return [str(script) if script.exists() else sys.executable, *([] if script.exists() else ["-m", "derivcli"]),
            *arguments]


def timed(command) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done.stdout


def hand_loop(x, y, iterations: int):
    import numpy

    w = b = 0.0
    for _ in range(iterations):
        r = y - (w * x + b)
        loss = numpy.mean(r * r)
        gw, gb = -2 * numpy.mean(r * x), -2 * numpy.mean(r)
        w, b = w - RATE * gw, b - RATE * gb
    return w, b, loss


def in_process(path: Path, repeat: int):
    """(best training time, best hand-loop time, fitted weights, hand weights)."""
    import numpy

    from derivcli import descent
    from derivcli.parsing import parse_expression

    expression = parse_expression("(y - (w*x + b))**2")
    with open(path, newline="") as stream:
        objective = descent.objective_from_data(expression, ("w", "b"), stream, str(path), "mean")
    x, y = (numpy.asarray(objective.arrays[i]) for i in range(2))
    settings = descent.read_settings("gd", RATE, 0.9, ITERATIONS, 0.0, 1)
    best_tool = best_hand = math.inf
    for _ in range(repeat):
        started = time.perf_counter()
        result = descent.train(objective, [0.0, 0.0], settings, descent.Schedule(), suggest=False)
        best_tool = min(best_tool, time.perf_counter() - started)
        started = time.perf_counter()
        hand = hand_loop(x, y, ITERATIONS)
        best_hand = min(best_hand, time.perf_counter() - started)
    return best_tool, best_hand, result, hand


def main() -> None:
    compile_package()  # as pip install does: see installed.py
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data, hand = Path(folder) / "points.csv", Path(folder) / "hand.py"
        write_data(data, ROWS)
        hand.write_text(HAND)
        command = deriv("descend", "(y - (w*x + b))**2", "--data", str(data), "--wrt", "w", "--wrt", "b",
                        "--from", "w=0,b=0", "--lr", str(RATE), "--max-iter", str(ITERATIONS), "--tol", "0", "--json")
        tool_runs, hand_runs = [], []
        for _ in range(options.repeat):
            tool_runs.append(timed(command))
            hand_runs.append(timed([sys.executable, str(hand), str(data), str(ITERATIONS), str(RATE)]))
        tool_time, tool_out = min(tool_runs)
        hand_time, hand_out = min(hand_runs)
        record = json.loads(tool_out)
        w, b, _ = (float(v) for v in hand_out.split())
        assert record["iterations"] == ITERATIONS, record["message"]
        assert abs(record["at_numeric"]["w"] - w) < 1e-9 and abs(record["at_numeric"]["b"] - b) < 1e-9, (record["at_numeric"], w, b)
        loop_tool, loop_hand, result, _ = in_process(data, options.repeat)
        print(f"{ROWS} rows x {ITERATIONS} full-batch gd iterations of (y - (w*x + b))**2, best of {options.repeat}")
        floor_time = min(timed([sys.executable, "-c", "import sympy, numpy"])[0] for _ in range(options.repeat))
        print(f"  whole process: deriv {tool_time * 1e3:7.0f} ms, hand-written numpy script {hand_time * 1e3:7.0f} ms"
              f"   ratio {tool_time / hand_time:.2f}; importing sympy and numpy alone takes {floor_time * 1e3:.0f} ms"
              f" ({floor_time / hand_time:.2f}x the script)")
        print(f"  in process (after reading): train {loop_tool * 1e3:7.1f} ms, hand loop {loop_hand * 1e3:7.1f} ms"
              f"   ratio {loop_tool / loop_hand:.2f} (target <= 1.5)")
        peaks = []
        for iterations in (1_000, 10_000):
            peak = deriv("descend", "(y - (w*x + b))**2", "--data", str(data), "--from", "w=0,b=0", "--lr", "0.1",
                         "--max-iter", str(iterations), "--tol", "0", "--json")
            done = subprocess.run(["/usr/bin/time", "-f", "%M", *peak], capture_output=True, text=True)
            peaks.append(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?")
        print(f"  peak memory (KiB, max RSS of the biggest process): 1 000 iterations {peaks[0]}, "
              f"10 000 iterations {peaks[1]}")
        big = Path(folder) / "million.csv"
        write_data(big, 1_000_000)
        seconds, out = timed(deriv("descend", "(y - (w*x + b))**2", "--data", str(big), "--from", "w=0,b=0",
                                   "--lr", "0.5", "--max-iter", "50", "--tol", "0", "--json"))
        point = json.loads(out)["at_numeric"]
        print(f"  1 000 000 rows, 50 iterations: {seconds:.1f} s (ended at w = {point['w']:.4f}, b = {point['b']:.4f})")


if __name__ == "__main__":
    main()
