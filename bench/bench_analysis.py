"""Benchmark: `classify` (critical points + classification) vs the bare sympy solve call.

For every truth-table case, both are timed in the same run, interleaved, with sympy's
cache (and ours) cleared before each repetition; the ratio is what counts (target: under 2x).
Run: python bench/bench_analysis.py [repetitions]
"""

from __future__ import annotations

import statistics
import sys
import time

import sympy
from sympy import Abs, Rational, S, Symbol, exp, log, pi, sin
from sympy.core.cache import clear_cache

from derivcli.analysis import classify_critical_points
from derivcli.calculus import clear_caches

x = Symbol("x", real=True)
y = Symbol("y", real=True)

CASES = [
    ("x**3 - 3*x", x**3 - 3 * x, [x], None),
    ("x**4", x**4, [x], None),
    ("x**3", x**3, [x], None),
    ("x*exp(-x)", x * exp(-x), [x], None),
    ("x**2*exp(-x)", x**2 * exp(-x), [x], None),
    ("x + 1/x", x + 1 / x, [x], None),
    ("sin(x) on 0:2pi", sin(x), [x], (0, 2 * pi)),
    ("abs(x)", Abs(x), [x], None),
    ("x**(2/3)", x ** Rational(2, 3), [x], None),
    ("ln(x) - x", log(x) - x, [x], None),
    ("x**2 + y**2", x**2 + y**2, [x, y], None),
    ("x**2 - y**2", x**2 - y**2, [x, y], None),
    ("x**3 - 3*x + y**2", x**3 - 3 * x + y**2, [x, y], None),
    ("x**4 + y**4", x**4 + y**4, [x, y], None),
    ("rosenbrock", (1 - x) ** 2 + 100 * (y - x**2) ** 2, [x, y], None),
    ("x*y*exp(-(x^2+y^2)/2)", x * y * exp(-(x**2 + y**2) / 2), [x, y], None),
]


def bare(expr, variables, interval):
    """The equivalent bare sympy call: solveset(f′, x) or solve(∇f)."""
    if len(variables) == 1:
        domain = S.Reals if interval is None else sympy.Interval(*interval)
        return sympy.solveset(sympy.diff(expr, variables[0]), variables[0], domain)
    return sympy.solve([sympy.diff(expr, variable) for variable in variables], variables, dict=True)


def ours(expr, variables, interval):
    return classify_critical_points(expr, variables, interval)


def once(function, *arguments) -> float:
    clear_cache()
    clear_caches()
    started = time.perf_counter()
    function(*arguments)
    return time.perf_counter() - started


def timed_pair(expr, variables, interval, repetitions: int) -> tuple[float, float]:
    """Both contenders, interleaved run by run; the least disturbed run of each (the machine is shared)."""
    bare_times, our_times = [], []
    for _ in range(repetitions):
        bare_times.append(once(bare, expr, variables, interval))
        our_times.append(once(ours, expr, variables, interval))
    return min(bare_times), min(our_times)


def main() -> int:
    repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"{'case':<26} {'bare sympy':>11} {'classify':>11} {'ratio':>7}")
    ratios = []
    for name, expr, variables, interval in CASES:
        ours(expr, variables, interval)  # warm up imports
        base, mine = timed_pair(expr, variables, interval, repetitions)
        ratio = mine / base
        ratios.append(ratio)
        flag = "" if ratio < 2 else "  > 2x"
        print(f"{name:<26} {base * 1000:>9.1f}ms {mine * 1000:>9.1f}ms {ratio:>6.2f}x{flag}")
    print(f"median ratio {statistics.median(ratios):.2f}x, worst {max(ratios):.2f}x, over 2x: {sum(r >= 2 for r in ratios)} of {len(ratios)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
