"""Numerical root search: the fallback when the symbolic solver gives up.

Every root found here is approximate, and the search can miss roots (outside the
window, or closer together than the grid), so callers must say the answer may be
incomplete.  Functions are compiled from sympy expressions, never from text.
"""

from __future__ import annotations

import itertools
import math

import mpmath
import sympy

from derivcli.calculus import derivative, solve_linear

DIGITS = 30


def _compile_float(expr, variables):
    """A fast float function for sampling; None where it is undefined or not real."""
    compiled = sympy.lambdify(variables, expr, modules=["math", "mpmath"])  # mpmath for what math lacks (polygamma)

    def call(*arguments):
        try:
            value = compiled(*arguments)
        except Exception:  # undefined here (a pole, a negative root, a function math lacks)
            return None
        if isinstance(value, complex):
            if abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
                return None
            value = value.real
        try:
            value = float(value)
        except (TypeError, ValueError):
            return None
        return value if math.isfinite(value) else None

    return call


def _compile_precise(expr, variables):
    """An mpmath function for refining roots to many digits."""
    return sympy.lambdify(variables, expr, modules=["mpmath"])


def roots_on_interval(expr, variable, low: float, high: float, samples: int = 1500, sink: list | None = None,
                      flats: list | None = None) -> list[float]:
    """Approximate real roots of expr(variable) = 0 on [low, high].

    Sign changes on a grid are refined by bisection (and rejected when they are
    poles); grid points where |expr| dips are polished by Newton's method, to
    catch roots where the sign does not change (double roots).  Each root is also
    appended to ``sink`` as soon as it is found, so a caller whose time runs out
    keeps what was found so far.  Where expr is exactly 0 at several grid points in a row (f′ on a
    stretch where f is constant), those are no roots to list one by one: the run's first and last
    grid points go to ``flats`` instead.
    """
    found: list[float] = [] if sink is None else sink
    sample = _compile_float(expr, [variable])
    precise = _compile_precise(expr, [variable])
    step = (high - low) / samples
    grid = [low + index * step for index in range(samples + 1)]
    values = [sample(point) for point in grid]
    finite = [abs(value) for value in values if value is not None]
    if not finite:
        return []
    scale = max(1.0, max(finite))
    zero_runs = _zero_runs(values)
    in_run = {index for start, end in zero_runs for index in range(start, end + 1)}
    if flats is not None:
        flats += [(_edge(sample, grid, start, -1), _edge(sample, grid, end, 1)) for start, end in zero_runs]
    for index in range(samples):
        left, right = values[index], values[index + 1]
        if left is None or right is None or index in in_run:
            continue
        if left == 0:
            found.append(grid[index])
            continue
        if left * right < 0:
            root = _bisect(sample, grid[index], grid[index + 1], left)
            if root is not None:
                found.append(root)
    if values[-1] == 0 and samples not in in_run:
        found.append(grid[-1])
    for index in range(1, samples):
        here, before, after = values[index], values[index - 1], values[index + 1]
        if None in (here, before, after) or index in in_run:
            continue
        if abs(here) <= abs(before) and abs(here) <= abs(after) and abs(here) < 1e-2 * scale:
            root = _polish(precise, grid[index])
            if root is not None and low - 1e-9 <= root <= high + 1e-9:
                found.append(root)
    return distinct(sorted(found), tolerance=max(1e-7, 1e-9 * (high - low)))


def _zero_runs(values) -> list[tuple[int, int]]:
    """(first, last) indices of each run of two or more grid values that are exactly 0."""
    runs, start = [], None
    for index, value in enumerate(values + [None]):
        if value == 0 and value is not None:
            start = index if start is None else start
            continue
        if start is not None and index - start >= 2:
            runs.append((start, index - 1))
        start = None
    return runs


def _edge(sample, grid, index: int, direction: int) -> float:
    """Where a run of exact zeros ends, between grid[index] (0) and its neighbour, by bisection."""
    inside, outside = grid[index], grid[index + direction] if 0 <= index + direction < len(grid) else None
    if outside is None:
        return inside
    for _ in range(60):
        middle = (inside + outside) / 2
        if middle in (inside, outside):
            break
        if sample(middle) == 0:
            inside = middle
        else:
            outside = middle
    return inside


def _bisect(sample, low: float, high: float, low_value: float) -> float | None:
    """Bisection on a sign change; None when it closes in on a pole or a jump."""
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        value = sample(middle)
        if value is None:
            return None
        if value == 0:
            return middle
        if (value < 0) == (low_value < 0):
            low, low_value = middle, value
        else:
            high = middle
    root = (low + high) / 2
    value = sample(root)
    neighbourhood = [sample(root - 1e-3), sample(root + 1e-3)]
    if value is None or any(item is None for item in neighbourhood):
        return None
    size = max(abs(item) for item in neighbourhood)
    if abs(value) > 1e-6 * max(1.0, size):
        return None  # a pole or a jump, not a root
    return root


def _polish(precise, start: float) -> float | None:
    """Newton (secant) from a start point; accepted only when the residual is tiny."""
    with mpmath.workdps(DIGITS):
        try:
            root = mpmath.findroot(precise, mpmath.mpf(start), tol=mpmath.mpf(10) ** (-2 * DIGITS // 3), maxsteps=100, verify=False)
            residual = abs(precise(root))
        except Exception:  # no convergence from this start
            return None
        if isinstance(root, mpmath.mpc) or not mpmath.isfinite(residual) or residual > mpmath.mpf(10) ** -12:
            return None
        try:
            nearby = min(abs(precise(root - mpmath.mpf("1e-4"))), abs(precise(root + mpmath.mpf("1e-4"))))
        except Exception:
            return None
        if nearby < 1000 * residual or nearby < mpmath.mpf(10) ** -20:
            return None  # a flat tail (exp(-x**2) far out), not an isolated root
        return float(root)


def distinct(values: list[float], tolerance: float) -> list[float]:
    """Sorted values with near-duplicates (within a relative tolerance) merged."""
    result: list[float] = []
    for value in values:
        if not result or abs(value - result[-1]) > tolerance * max(1.0, abs(value)):
            result.append(value)
    return result


def roots_in_box(exprs, variables, box: tuple[float, float], budget_points: int = 200, sink: list | None = None) -> list[tuple[float, ...]]:
    """Approximate real solutions of exprs = 0 in the box [low, high]^n.

    Newton's method in floats from a grid of starts, nearest the box's centre first (so a search
    cut short by its budget has looked where roots usually are), then each root polished at
    30 digits and kept only when the residual is tiny there.  Roots found so far are appended
    to ``sink`` as they come, for a caller whose budget may end the search.
    """
    count = len(variables)
    per_axis = max(3, int(round(budget_points ** (1.0 / count)))) | 1  # odd: the centre is a start
    low, high = box
    axis = [low + (high - low) * (index + 0.5) / per_axis for index in range(per_axis)]
    centre = (low + high) / 2
    starts = sorted(itertools.product(axis, repeat=count), key=lambda start: sum((value - centre) ** 2 for value in start))

    # (derivative drops the DiracDelta terms of kinks, which no numeric library knows)
    jacobian_expr = sympy.Matrix([[derivative(item, variable) for variable in variables] for item in exprs])
    fast_system = [_compile_float(item, list(variables)) for item in exprs]
    fast_jacobian = [[_compile_float(entry, list(variables)) for entry in row] for row in jacobian_expr.tolist()]
    system = _compile_precise(list(exprs), list(variables))
    jacobian = _compile_precise(jacobian_expr, list(variables))
    found: list[tuple[float, ...]] = [] if sink is None else sink
    for start in starts:
        rough = _float_newton(fast_system, fast_jacobian, start)
        if rough is None or any(max(abs(a - b) for a, b in zip(rough, other)) < 1e-6 for other in found):
            continue
        root = _newton_system(system, jacobian, rough)
        if root is None:
            continue
        if all(low - 1e-9 <= value <= high + 1e-9 for value in root):
            if not any(max(abs(a - b) for a, b in zip(root, other)) < 1e-7 for other in found):
                found.append(root)
    return sorted(found)


def _float_newton(system, jacobian, start, steps: int = 50) -> tuple[float, ...] | None:
    """Newton's method in floats (a small Gaussian elimination a step); None when it fails."""
    point = list(start)
    for _ in range(steps):
        values = [function(*point) for function in system]
        if any(value is None for value in values):
            return None
        if max(abs(value) for value in values) < 1e-13:
            return tuple(point)
        matrix = [[entry(*point) for entry in row] for row in jacobian]
        if any(entry is None for row in matrix for entry in row):
            return None
        step = solve_linear(matrix, [-value for value in values])
        if step is None:
            return None
        point = [value + change for value, change in zip(point, step)]
        if not all(math.isfinite(value) and abs(value) < 1e12 for value in point):
            return None
        if max(abs(change) for change in step) < 1e-14 * max(1.0, max(abs(value) for value in point)):
            return tuple(point)
    values = [function(*point) for function in system]
    if any(value is None for value in values) or max(abs(value) for value in values) > 1e-8:
        return None
    return tuple(point)


def _newton_system(system, jacobian, start) -> tuple[float, ...] | None:
    with mpmath.workdps(DIGITS):
        try:
            root = mpmath.findroot(
                lambda *point: system(*point),
                [mpmath.mpf(value) for value in start],
                J=lambda *point: jacobian(*point),
                tol=mpmath.mpf(10) ** (-2 * DIGITS // 3),
                maxsteps=60,
                verify=False,
            )
            point = [root] if not hasattr(root, "tolist") else [item[0] if isinstance(item, list) else item for item in root.tolist()]
            residual = max(abs(value) for value in _flat(system(*point)))
        except Exception:  # a singular Jacobian, a pole, a function mpmath lacks: this start fails
            return None
        if any(isinstance(value, mpmath.mpc) for value in point):
            return None
        if not mpmath.isfinite(residual) or residual > mpmath.mpf(10) ** -12:
            return None
        if not _isolated(system, point, residual):
            return None
        return tuple(float(value) for value in point)


def _isolated(system, point, residual) -> bool:
    """A true root, not a flat stretch where the functions are merely tiny (x·y·e^(−(x²+y²)/2) far
    out): a small step away must make them many orders of magnitude larger than at the point."""
    nearby = mpmath.mpf(0)
    for index in range(len(point)):
        step = mpmath.mpf(10) ** -6 * max(1, abs(point[index]))
        moved = list(point)
        moved[index] += step
        try:
            nearby = max(nearby, max(abs(value) for value in _flat(system(*moved))))
        except Exception:  # undefined just beside the point: not a root to report
            return False
    return nearby > 0 and residual <= mpmath.mpf(10) ** -10 * nearby


def _flat(values):
    if hasattr(values, "tolist"):
        values = values.tolist()
    for value in values:
        if isinstance(value, (list, tuple)):
            yield from _flat(value)
        else:
            yield value


def identify(value: float, check) -> sympy.Expr | None:
    """A closed form for a numeric root, accepted only when ``check(candidate)`` proves it."""
    if abs(value) < 1e-12:
        return sympy.Integer(0) if check(sympy.Integer(0)) else None
    try:
        candidate = sympy.nsimplify(sympy.Float(value, 17), [sympy.pi], tolerance=1e-10)
    except Exception:
        return None
    if candidate.is_Float or sympy.count_ops(candidate) > 12:
        return None
    if abs(float(candidate.evalf(17)) - value) > 1e-8 * max(1.0, abs(value)):
        return None
    return candidate if check(candidate) else None
