"""What the recorded path of a run shows: the sizes it met, how f moved, the curvature on the way.

Every zero test of descent is relative: a difference of f is measured against the largest |f|
the run met, a step against the size of the region it covered.  These yardsticks come from the
start and the recorded trace (see :class:`Scales`).  The same rows tell whether f fell steadily
(evidence that f is unbounded below) or swung up and down (a learning rate too large for the
curvature met along the way, which :func:`path_curvature` finds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from derivcli.calculus import symmetric_eigen
from derivcli.descent.compiling import Functions
from derivcli.descent.results import TraceRow

# Differences of f below this fraction of the largest |f| met are rounding, not shape: a few
# thousand times the double precision, so that the rounding of f's own terms stays below it.
NOISE = 1e-12
# A gradient below this share of the largest one met along the path has settled.
SETTLED = 1e-6
# The curvature along the path is read at no more than this many recorded points.
CURVATURE_SAMPLES = 200


@dataclass(frozen=True)
class Scales:
    """The yardsticks of one run: the largest |f| and ‖∇f‖ met at the start and along the
    recorded path, and its length scale: the distance the run covered (|start| for a run that
    did not move; 1 when that is 0 too, the unit of the coordinates)."""

    value: float
    gradient: float
    length: float

    @property
    def noise(self) -> float:
        """A change of f smaller than this cannot be told from rounding."""
        return NOISE * self.value


def scales_of(start_point, start_value: float, start_gradient: float, trace: list[TraceRow], point) -> Scales:
    """The scales of a run from its start, its recorded rows and its end point."""
    values = [abs(start_value)] + [abs(row.value) for row in trace if math.isfinite(row.value)]
    gradients = [start_gradient] + [row.gradient_norm for row in trace if math.isfinite(row.gradient_norm)]
    moved = math.dist(start_point, point) if all(math.isfinite(p) for p in point) else math.inf
    length = moved if 0 < moved < math.inf else math.hypot(*start_point)
    return Scales(max(values), max(gradients), length if 0 < length < math.inf else 1.0)


def _last_half(trace: list[TraceRow]) -> list[TraceRow]:
    return trace[len(trace) // 2:]


def falls_steadily(trace: list[TraceRow], start_value: float) -> bool:
    """Evidence that f is unbounded below along the path: over the last half of the recorded
    rows f fell at every row by more than rounding (of the values compared), it ended well
    below where it started (by more than half its size), and the gradient grew instead of fading."""
    rows = _last_half(trace)
    if len(rows) < 2:
        return False
    for before, after in zip(rows, rows[1:]):
        if not after.value < before.value - NOISE * max(abs(before.value), abs(after.value)):
            return False
    end = trace[-1]
    dropped = start_value - end.value > max(abs(start_value), abs(end.value)) / 2
    return dropped and end.gradient_norm >= trace[0].gradient_norm


def swings(trace: list[TraceRow], scales: Scales) -> int:
    """How many steps of the last half of the recorded rows f rose by more than rounding (or all
    of them when f stays put there, a cycle the thinning of the trace hides), as long as the
    gradient is neither fading nor negligible against its size along the path: the sign of a
    learning rate too large for the curvature here, since a small enough step always lowers f.
    0 when f settles."""
    rows = _last_half(trace)
    if len(rows) < 4:
        return 0
    middle = len(rows) // 2
    earlier, later = rows[:middle], rows[middle:]
    if max(row.gradient_norm for row in later) < max(row.gradient_norm for row in earlier) / 2:
        return 0  # the gradient is fading: a slow descent, not a swing
    if min(row.gradient_norm for row in rows) <= SETTLED * scales.gradient:
        return 0  # f has settled (at a minimum, or as far as floating point goes)
    noise = scales.noise
    risen = sum(1 for before, after in zip(rows, rows[1:]) if after.value > before.value + noise)
    values = [row.value for row in rows]
    if not risen and max(values) - min(values) <= noise:
        return len(rows) - 1  # f is the same at every recorded row while the gradient is not small
    return risen


def rose(trace: list[TraceRow], start_value: float, noise: float) -> bool:
    """True when f went measurably above its lowest value after reaching it."""
    values = [start_value] + [row.value for row in trace]
    lowest = min(range(len(values)), key=values.__getitem__)
    return any(value > values[lowest] + noise for value in values[lowest + 1:])


def path_curvature(functions: Functions, trace: list[TraceRow]) -> tuple[float, tuple[float, ...]] | None:
    """The largest curvature (largest eigenvalue of H) at the recorded points from the start up
    to the one after f's lowest value, where f began to rise, and the point it was met at; None
    without a positive one.  Past that point a run that overshoots meets ever steeper walls,
    whose curvature says nothing about the rate that would have settled."""
    finite = [row for row in trace if math.isfinite(row.value)]
    if not finite:
        return None
    lowest = min(range(len(finite)), key=lambda i: finite[i].value)
    candidates = trace[: trace.index(finite[lowest]) + 2]
    stride = max(1, math.ceil(len(candidates) / CURVATURE_SAMPLES))
    rows = candidates[::stride] + ([candidates[-1]] if (len(candidates) - 1) % stride else [])
    best = None
    for row in rows:
        hessian = functions.hessian_at(row.point)
        if hessian is None:
            continue
        curvature = symmetric_eigen(hessian)[0][-1]
        if math.isfinite(curvature) and curvature > 0 and (best is None or curvature > best[0]):
            best = (curvature, row.point)
    return best
