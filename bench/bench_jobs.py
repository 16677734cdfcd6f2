"""A batch on every core: ``deriv diff -`` with ``--jobs 1`` and with the default ``--jobs``,
against the bare loop a new user would write.

The same varied one-variable expressions (polynomials, products, quotients, trig powers,
exp·trig, logs, roots, atan, hyperbolic: a fixed corpus, 300 by default) go to three contenders,
each a whole process reading the file:

- bare loop: one Python process that, for each line, calls ``sympy.parse_expr``,
  ``sympy.diff`` and ``str`` (no simplification, no checks, no limits; trusted text only);
- ``deriv diff - --jobs 1``: the default ``diff`` (rule tree, cross-check, simplification) in
  one guarded worker;
- ``deriv diff -``: the same on the default number of workers (the usable cores).

They run interleaved, round after round; each round's ratio to the bare loop is taken, and
the median of those is printed (the machine is shared and its speed drifts, so only ratios
within a round mean something). Target: the default ``--jobs`` on 2 cores at most
0.8× the bare loop. Each deriv run's output is also checked against the bare loop's answers by
sympy (the same derivative, whatever the form), so a fast wrong answer cannot pass for a speed-up.
Run: python bench/bench_jobs.py [count] [rounds]
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import compile_package  # noqa: E402

PYTHON = sys.executable
DERIV = str(Path(PYTHON).with_name("deriv"))
BARE_LOOP = r"""
import sys
import sympy

x = sympy.Symbol("x")
for line in open(sys.argv[1]):
    print(str(sympy.diff(sympy.parse_expr(line.strip()), x)))
"""
FAMILIES = [
    "{a}*x**{n} + {b}*x**{m} - {c}*x + {d}",            # polynomials
    "({a}*x**2 + {b})*({c}*x - {d})",                     # products
    "(x + {a})/(x**2 + {b})",                             # quotients
    "({a}*x - {b})/({c}*x**{n} + {d})",
    "sin(x)**{n}*cos(x)**{m}",                            # trig powers
    "tan({a}*x)**{n}",
    "exp({a}*x)*sin({b}*x)",                              # exp·trig
    "exp(-x**2/{a})*cos({b}*x + {c})",
    "log({a}*x**2 + {b})",                                # logs
    "x**{n}*log({a}*x)",
    "sqrt({a}*x**2 + {b})",                               # roots
    "({a}*x + {b})**(1/{n})",
    "atan({a}*x**{n})",                                   # atan
    "sinh({a}*x)*cosh({b}*x)",                            # hyperbolic
    "tanh(x**{n} + {a})",
]


def corpus(count: int) -> list[str]:
    generator = random.Random(2026)
    lines = []
    while len(lines) < count:
        family = FAMILIES[len(lines) % len(FAMILIES)]
        lines.append(family.format(a=generator.randint(2, 9), b=generator.randint(1, 9), c=generator.randint(2, 9),
                                   d=generator.randint(1, 9), n=generator.randint(2, 5), m=generator.randint(2, 4)))
    return lines


def timed(command: list[str], stdin_path: Path) -> tuple[float, str]:
    started = time.perf_counter()
    with open(stdin_path) as source:
        completed = subprocess.run(command, stdin=source, capture_output=True, text=True)
    took = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {completed.returncode}: {completed.stderr[:500]}")
    return took, completed.stdout


def check_answers(name: str, answers: str, expected: str) -> None:
    """Each deriv answer equals the bare loop's derivative: their values agree to 20 digits,
    relative to their size, at sample points where both are real (sympy evaluates, at 30 digits)."""
    import sympy

    x = sympy.Symbol("x")
    given, wanted = answers.splitlines(), expected.splitlines()
    if len(given) != len(wanted):
        raise SystemExit(f"{name}: {len(given)} answers for {len(wanted)} lines")
    for number, (mine, theirs) in enumerate(zip(given, wanted), start=1):
        difference = sympy.parse_expr(mine, local_dict={"x": x}) - sympy.parse_expr(theirs, local_dict={"x": x})
        compared = 0
        for point in ("3/10", "7/10", "13/10", "21/10", "-3/5"):
            values = [sympy.N(side.subs(x, sympy.Rational(point)), 30) for side in (difference, sympy.parse_expr(theirs))]
            if not all(value.is_real and value.is_finite for value in values):
                continue
            compared += 1
            if abs(values[0]) > sympy.Float("1e-20") * max(1, abs(values[1])):
                raise SystemExit(f"{name}: line {number} answers {mine}, the bare loop {theirs} (x = {point})")
        if compared < 2:
            raise SystemExit(f"{name}: line {number}: too few points to compare {mine} with {theirs}")


def main(count: int = 300, rounds: int = 5) -> None:
    compile_package()  # as pip install does: see installed.py
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "expressions.txt"
        path.write_text("\n".join(corpus(count)) + "\n", encoding="utf-8")
        script = Path(directory) / "bare_loop.py"
        script.write_text(BARE_LOOP, encoding="utf-8")
        contenders = {
            "bare loop": [PYTHON, str(script), str(path)],
            "deriv diff - --jobs 1": [DERIV, "diff", "-", "--jobs", "1", "--timeout", "60"],
            f"deriv diff - (--jobs {cores})": [DERIV, "diff", "-", "--timeout", "60"],
        }
        times = {name: [] for name in contenders}
        outputs = {}
        for _ in range(rounds):
            for name, command in contenders.items():
                took, outputs[name] = timed(command, path)
                times[name].append(took)
    for name in contenders:
        if name != "bare loop":
            check_answers(name, outputs[name], outputs["bare loop"])
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        # the ratio round by round (each deriv run against the bare loop just before it), then its
        # median: the machine's speed drifts between rounds, far less within one
        paired = statistics.median(mine / bare for mine, bare in zip(times[name], times["bare loop"]))
        print(f"{name:26s} median of {rounds}: {value:7.2f} s  ({value / count * 1000:6.1f} ms a line)  "
              f"ratio to the bare loop {paired:5.2f}")
    single, spread = list(times.values())[1:]
    print(f"--jobs {cores} / --jobs 1: {statistics.median(a / b for a, b in zip(spread, single)):.2f}   "
          f"(target: --jobs on 2 cores <= 0.80x the bare loop)")


if __name__ == "__main__":
    main(*[int(value) for value in sys.argv[1:]])
