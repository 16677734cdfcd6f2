"""A batch through `deriv diff -` against a bare Python loop doing the same sympy work.

2 000 varied expressions (a fixed random sample over the rule table) are written to a file.
Contenders, timed as whole processes in one run, interleaved, best of a few:

- deriv:  ``deriv diff - < file > /dev/null`` (piped, no steps): parse, rule tree, cross-check,
          simplification, plain output, all in deriv's guarded worker;
- bare:   one Python process that, for each line, parses with deriv's parser, calls sympy.diff,
          applies the same final simplification deriv applies, and prints str() of it.

The target is a ratio of at most 1.5. Run: python bench/bench_batch.py [count] [rounds]
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
DERIV = str(Path(PYTHON).with_name("deriv"))
ATOMS = ["x", "2", "3", "1/2", "pi", "y"]
UNARY = ["sin", "cos", "tan", "exp", "log", "sqrt", "atan", "sinh", "cosh", "tanh", "asin", "abs"]
BARE_LOOP = r"""
import sys
import sympy
from derivcli.parsing import choose_variables, parse_expression
from derivcli.derivation.simplification import simplify_result

for line in open(sys.argv[1]):
    try:
        function = parse_expression(line.strip(), allow_undefined_functions=True)
        (variable,) = choose_variables(function)
        raw = sympy.diff(function, variable)
        print(str(simplify_result(raw, function)))
    except Exception as error:  # deriv reports such a line and goes on; so does the loop
        print(f"error: {error}", file=sys.stderr)
"""


def expression(generator: random.Random, depth: int = 0) -> str:
    if depth >= 3 or generator.random() < 0.25:
        return generator.choice(ATOMS)
    kind = generator.random()
    if kind < 0.35:
        operator = generator.choice(["+", "-", "*", "/"])
        return f"({expression(generator, depth + 1)} {operator} {expression(generator, depth + 1)})"
    if kind < 0.55:
        return f"({expression(generator, depth + 1)})**{generator.choice(['2', '3', '1/2', '-1', 'x'])}"
    return f"{generator.choice(UNARY)}({expression(generator, depth + 1)})"


def corpus(count: int) -> list[str]:
    generator = random.Random(2026)
    lines = []
    while len(lines) < count:
        text = expression(generator)
        if "x" in text:
            lines.append(text)
    return lines


def elapsed(command: list[str], stdin_path: Path | None = None) -> float:
    started = time.perf_counter()
    with open(stdin_path or "/dev/null") as source:
        completed = subprocess.run(command, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if completed.returncode not in (0, 2, 3):
        raise SystemExit(f"{' '.join(command)} failed with exit {completed.returncode}")
    return time.perf_counter() - started


def main(count: int = 2000, rounds: int = 3) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "expressions.txt"
        path.write_text("\n".join(corpus(count)) + "\n", encoding="utf-8")
        script = Path(directory) / "bare_loop.py"
        script.write_text(BARE_LOOP, encoding="utf-8")
        times = {"deriv diff -": [], "bare loop": []}
        for _ in range(rounds):
            times["deriv diff -"].append(elapsed([DERIV, "diff", "-", "--timeout", "60"], path))
            times["bare loop"].append(elapsed([PYTHON, str(script), str(path)]))
    best = {name: min(values) for name, values in times.items()}
    for name, value in best.items():
        print(f"{name:14s} best of {rounds}: {value:7.2f} s   ({value / count * 1000:.2f} ms a line)")
    print(f"ratio deriv / bare loop: {best['deriv diff -'] / best['bare loop']:.2f} (target <= 1.5)")


if __name__ == "__main__":
    arguments = [int(value) for value in sys.argv[1:]]
    main(*arguments)
