"""Benchmark: `gradient_descent` against a hand-written loop over the same math functions.

Runs 100 000 iterations of plain gradient descent on
    f(x, y) = (x - 1)**2 + 2*(y + 1/2)**2 + sin(x*y)/10
from (3, -2) with learning rate 0.1, in the same process, and prints the time ratio
deriv / hand-written.  The target (issue 5) is a ratio of at most 1.5.  Two hand-written loops
are timed: one that tracks f and the gradient norm as any real descent loop does (the fair
baseline), and a bare one that only steps (a lower bound no checked loop can reach).

Run: python bench/bench_descent.py [--iterations N] [--repeat R]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from math import cos, hypot, sin
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sympy  # noqa: E402

from derivcli.descent import gradient_descent  # noqa: E402


def hand_written(x: float, y: float, learning_rate: float, iterations: int, tolerance: float):
    """A careful descent loop written by hand: f, gradient, norm test, step."""
    value = gnorm = 0.0
    for _ in range(iterations):
        product = x * y
        s, c = sin(product), cos(product)
        value = (x - 1) ** 2 + 2 * (y + 0.5) ** 2 + s / 10
        gx = 2 * (x - 1) + y * c / 10
        gy = 4 * (y + 0.5) + x * c / 10
        gnorm = hypot(gx, gy)
        if gnorm < tolerance or not math.isfinite(value):
            break
        x, y = x - learning_rate * gx, y - learning_rate * gy
    return x, y, value, gnorm


def bare(x: float, y: float, learning_rate: float, iterations: int):
    """The least a loop can do: the gradient and the step, no f, no checks."""
    for _ in range(iterations):
        c = cos(x * y)
        gx = 2 * (x - 1) + y * c / 10
        gy = 4 * (y + 0.5) + x * c / 10
        x, y = x - learning_rate * gx, y - learning_rate * gy
    return x, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    n = options.iterations

    x, y = sympy.symbols("x y", real=True)
    f = (x - 1) ** 2 + 2 * (y + sympy.Rational(1, 2)) ** 2 + sympy.sin(x * y) / 10

    def tool(every: int):
        # tolerance 0: no early stop, so both sides run exactly n iterations
        return lambda: gradient_descent(f, [x, y], [3, -2], learning_rate=0.1, max_iterations=n,
                                        tolerance=0.0, every=every)

    def tool_setup_only():
        return gradient_descent(f, [x, y], [3, -2], learning_rate=0.1, max_iterations=1, tolerance=0.0)

    # Interleave the contenders within each round so that a busy machine slows all alike.
    thin = max(1, n // 1000)
    contenders = {
        "hand": lambda: hand_written(3.0, -2.0, 0.1, n, 0.0),
        "bare": lambda: bare(3.0, -2.0, 0.1, n),
        "setup": tool_setup_only,
        thin: tool(thin),
        1: tool(1),
    }
    best = {name: math.inf for name in contenders}
    results = {}
    for _ in range(options.repeat):
        for name, run in contenders.items():
            started = time.perf_counter()
            results[name] = run()
            best[name] = min(best[name], time.perf_counter() - started)
    hand_time, bare_time, setup_time = best["hand"], best["bare"], best["setup"]
    hand_result = results["hand"]
    rows = []
    for every in (thin, 1):
        result = results[every]
        assert result.iterations == n, result.message
        assert abs(result.point[0] - hand_result[0]) < 1e-9 and abs(result.point[1] - hand_result[1]) < 1e-9
        rows.append((every, best[every]))

    print(f"{n} iterations of gd on (x-1)**2 + 2*(y+1/2)**2 + sin(x*y)/10, best of {options.repeat}")
    print(f"  hand-written loop (f, gradient, norm test): {hand_time * 1e3:8.1f} ms")
    print(f"  bare loop (gradient and step only):         {bare_time * 1e3:8.1f} ms")
    print(f"  deriv setup (sympy gradient, Hessian, compile; 1 iteration): {setup_time * 1e3:8.1f} ms")
    for every, tool_time in rows:
        print(
            f"  gradient_descent, trace every {every:>4}:      {tool_time * 1e3:8.1f} ms   "
            f"ratio {tool_time / hand_time:.2f}x hand-written, {tool_time / bare_time:.2f}x bare, "
            f"loop only {(tool_time - setup_time) / hand_time:.2f}x hand-written"
        )
    ratio = rows[0][1] / hand_time
    print(f"ratio (trace every {rows[0][0]}, default thinning) = {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
