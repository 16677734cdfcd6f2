"""Benchmark of `deriv diff`'s engine against sympy.diff, measured in one run.

    python bench/bench_diff.py

1. A corpus of varied expressions: the time to build the rule tree plus its cross-check
   (final simplification excluded) over the time of sympy.diff alone; target ≤ 3×.
2. A family of growing sizes: time against the size of the result.
3. The bound on the final simplification: the whole derivation (tree, check, simplify) never
   above 2 s for an expression that sympy.diff handles within 0.1 s.

sympy's cache is cleared before every timed call, so neither side profits from the other.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sympy  # noqa: E402
from sympy import (  # noqa: E402
    Abs, Function, Max, Piecewise, Rational, Symbol, acos, acosh, acot, acoth, acsc, acsch, asec,
    asech, asin, asinh, atan, atanh, cos, cosh, cot, coth, csc, csch, erf, exp, gamma, log, sec, sech, sin, sinh, sqrt, tan, tanh,
)
from sympy.core.cache import clear_cache  # noqa: E402

from derivcli.derivation.differentiation import check, differentiate  # noqa: E402
from derivcli.derivation.engine import derive_tree  # noqa: E402

x = Symbol("x", real=True)
y = Symbol("y", real=True)
y_hat = Symbol("y_hat", real=True)
f = Function("f")
REPEATS = 3

FUNCTIONS = [sin, cos, tan, cot, sec, csc, asin, acos, atan, acot, asec, acsc, sinh, cosh, tanh,
             coth, sech, csch, asinh, acosh, atanh, acoth, asech, acsch, exp, log, sqrt, Abs]
INNERS = [x, x**2 + 1, 3 * x - 2, x / (x**2 + 4), sqrt(x**2 + 2), exp(-x) * x]


def corpus() -> list:
    """At least 200 expressions over the whole rule table, from one-liners to nested ones."""
    items = [
        x**2, (y - y_hat) ** 2, sin(x**2), x * exp(x), sin(x) / x, x**x, log(x**2 + 1),
        1 / x**2, log(x, 2), x**3 - 3 * x, 7 * x**5 - 2 * x**3 + x - 9, (x + 1) / (x - 1),
        x ** Rational(2, 3), sqrt(x) * log(x), sin(x) ** x, (x**2 + 1) ** sin(x), 2**x * x**2,
        Piecewise((x**2, x < 0), (sin(x), True)), Max(x, x**2), f(x**2) * x, f(x) * sin(x),
        erf(x**2), gamma(x + 1), x**2 * y + exp(x * y), log(sin(x) ** 2 + 2) / (x**4 + 1),
        atan(1 / x) + acot(x), exp(sin(cos(x))), (sin(x) + cos(x)) ** 5, x**10 * exp(-x**2),
        tanh(x) ** 3 * cosh(x), sqrt(1 - x**2) * asin(x), abs(x**3 - x) + x,
    ]
    for function in FUNCTIONS:
        for inner in INNERS:
            items.append(function(inner))
    for index, function in enumerate(FUNCTIONS):
        other = FUNCTIONS[(index * 7 + 3) % len(FUNCTIONS)]
        items.append(function(x) * other(x**2 + 1))
        items.append(function(x + 2) / (x**2 + other(x) + 3))
    return items


def best_time(action) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        clear_cache()
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def tree_and_check(expression):
    tree = derive_tree(expression, x)
    check(tree, expression, x)
    return tree


def measure_corpus(items):
    diff_times, tree_times, ratios, methods = [], [], [], {}
    alone = 0.0
    for expression in items:
        diff_time = best_time(lambda: sympy.diff(expression, x))
        tree_time = best_time(lambda: tree_and_check(expression))
        alone += best_time(lambda: derive_tree(expression, x))
        diff_times.append(diff_time)
        tree_times.append(tree_time)
        ratios.append(tree_time / diff_time)
        method = check(derive_tree(expression, x), expression, x).method
        methods[method] = methods.get(method, 0) + 1
    print(f"  the tree alone            total {alone * 1000:9.1f} ms")
    return diff_times, tree_times, ratios, methods


def family(n):
    """A sum of n products of growing powers and trig functions: the result grows like n."""
    return sum((x**k * sin(k * x) + exp(k * x) / (x**2 + k) for k in range(1, n + 1)), sympy.Integer(0))


def nested(n):
    """sin(sin(…sin(x)…)) n deep: the result has n factors of growing depth (size ~ n²)."""
    expression = x
    for _ in range(n):
        expression = sin(expression)
    return expression


def size(expression) -> int:
    return sum(1 for _ in sympy.preorder_traversal(expression))


def main() -> None:
    items = corpus()
    print(f"corpus: {len(items)} expressions, best of {REPEATS} runs each, cache cleared per run")
    diff_times, tree_times, ratios, methods = measure_corpus(items)
    total_diff, total_tree = sum(diff_times), sum(tree_times)
    print(f"  sympy.diff alone          total {total_diff * 1000:9.1f} ms")
    print(f"  tree + cross-check        total {total_tree * 1000:9.1f} ms")
    print(f"  ratio of totals           {total_tree / total_diff:6.2f}x   (target <= 3x)")
    print(f"  median per-expression     {statistics.median(ratios):6.2f}x")
    print(f"  90th percentile           {sorted(ratios)[int(0.9 * len(ratios))]:6.2f}x")
    print(f"  cross-check methods       {methods}")

    print("\ngrowing sizes (tree + cross-check vs sympy.diff; time per node of the result)")
    print(f"  {'family':8} {'n':>4} {'result nodes':>12} {'diff ms':>9} {'tree+check ms':>14} "
          f"{'ratio':>6} {'µs/node':>8}")
    for name, build, sizes in (("sum", family, (5, 10, 20, 40, 80)),
                               ("nested", nested, (4, 8, 16, 32, 64))):
        for n in sizes:
            expression = build(n)
            result = sympy.diff(expression, x)
            nodes = size(result)
            diff_time = best_time(lambda: sympy.diff(expression, x))
            tree_time = best_time(lambda: tree_and_check(expression))
            print(f"  {name:8} {n:>4} {nodes:>12} {diff_time * 1000:>9.2f} {tree_time * 1000:>14.2f} "
                  f"{tree_time / diff_time:>6.2f} {tree_time / nodes * 1e6:>8.1f}")

    print("\nsimplification bound: whole derivation (tree, check, simplify), once per expression")
    whole = []
    for expression, diff_time in zip(items, diff_times):
        clear_cache()
        start = time.perf_counter()
        differentiate(expression, [x])
        whole.append((time.perf_counter() - start, diff_time, expression))
    eligible = [entry for entry in whole if entry[1] <= 0.1]
    slowest = max(eligible, key=lambda entry: entry[0])
    print(f"  expressions with sympy.diff <= 0.1 s: {len(eligible)}")
    print(f"  median {statistics.median(e[0] for e in eligible) * 1000:.1f} ms, "
          f"max {slowest[0] * 1000:.1f} ms (limit 2000 ms) for {slowest[2]}")
    over = [entry for entry in eligible if entry[0] > 2.0]
    print(f"  over 2 s: {len(over)}")


if __name__ == "__main__":
    main()
