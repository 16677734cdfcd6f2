"""After the last step: the loop's stop code turned into a reason and a message.

The loop only says how it stopped ('gradient', 'stalled', 'paused', 'singular', 'grew', 'far',
'error', 'runaway'); this module reads that in the user's terms: converged (the gradient test, the
only one), stalled (the point no longer moves), stopped at the limit, diverged (and how: undefined, overflow, f unbounded below, f linear).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy

from derivcli.descent.compiling import Functions
from derivcli.descent.loops import RUNAWAY, Run, increase_limit
from derivcli.descent.path import falls_steadily
from derivcli.descent.results import (
    CONVERGED, DIVERGED, MAX_ITERATIONS, NOT_A_MINIMUM, SINGULAR_HESSIAN, STALLED, TraceRow,
)
from derivcli.descent.start import Settings, Start
from derivcli.descent.wording import count, describe_failure, point_text, slope_name

# A gradient grown this many times over while f fell counts as running off (at the iteration limit).
RUNAWAY_GROWTH = 1e8


@dataclass
class Stop:
    """Where and why a run ended; ``fell_without_bound`` when f itself went below -RUNAWAY
    (no learning rate makes a minimum of that)."""

    reason: str
    message: str
    iterations: int
    point: tuple[float, ...]
    value: float
    gradient_norm: float
    step: float
    fell_without_bound: bool = False

    @property
    def converged(self) -> bool:
        return self.reason == CONVERGED


def read_stop(run: Run, functions: Functions, settings: Settings, start: Start) -> Stop:
    """The reason and message for how the loop stopped, at the last good point."""
    if run.code in ("error", "runaway"):
        stop = _failed(run, functions)
    else:
        stop = _ended(run, functions.names, settings, start)
    stop.point = tuple(float(v) for v in stop.point)
    stop.value, stop.gradient_norm = float(stop.value), float(stop.gradient_norm)
    return stop


def _failed(run: Run, functions: Functions) -> Stop:
    """A step led to an undefined, infinite or runaway value: the run ends on the last good
    point, and the message tells what happened one step later."""
    iterations, point, value, norm, step, bad_point = run.state[:6]
    where = point_text(functions.names, bad_point)
    stop = Stop(DIVERGED, "", iterations, point, value, norm, step)
    if run.code == "error":
        found = functions.undefined_part(bad_point)
        problem = found[1] if found else f"f is {describe_failure(*run.detail)}"
        stop.message = f"diverged: at iteration {iterations + 1} {problem} at {where}"
        return stop
    bad_value, bad_norm = run.state[6:8]
    if not (math.isfinite(bad_value) and math.isfinite(bad_norm)):
        stop.message = f"diverged: at iteration {iterations + 1} f or its gradient overflowed to infinity or NaN at {where}"
    else:
        stop.fell_without_bound = True
        stop.message = (
            f"diverged: at iteration {iterations + 1} f fell below {-RUNAWAY:g} (at {where}): "
            "f appears unbounded below"
        )
    return stop


def _ended(run: Run, names, settings: Settings, start: Start) -> Stop:
    """The loop stopped by one of its tests, at the limit, or on a singular Hessian."""
    iterations, point, _, value, _, norm, step = run.state[:7]
    trace = run.trace
    stop = Stop(DIVERGED, "", iterations, point, value, norm, step)
    code, tolerance = run.code, settings.tolerance
    if code == "gradient":
        stop.reason = CONVERGED
        stop.message = f"converged after {count(iterations, 'iteration')}: {slope_name(names)} = {norm:.3g} < {tolerance:g}"
    elif code == "stalled":
        stop.reason = STALLED
        stop.message = (
            f"stalled after {count(iterations, 'iteration')}: the step fell below the spacing of the "
            f"floating-point numbers near the point, so it no longer moves, while {slope_name(names)} = "
            f"{norm:.3g} is still above the tolerance {tolerance:g}"
        )
    elif code == "paused":
        _at_the_limit(stop, names, settings, start, trace)
    elif code == "singular":
        stop.reason = SINGULAR_HESSIAN
        stop.message = (
            f"stopped at iteration {iterations}: the Hessian is singular at "
            f"{point_text(names, point)}, so there is no Newton step"
        )
    elif code == "grew":
        _grew(stop, names, settings, run.nonpositive_steps)
    else:  # far
        stop.message = f"diverged: a coordinate passed {RUNAWAY:g} in size by iteration {iterations}"
    return stop


def _at_the_limit(stop: Stop, names, settings: Settings, start: Start, trace: list[TraceRow]) -> None:
    """The iteration limit: not converged, or diverged when f fell while ∇f grew huge."""
    stop.reason = MAX_ITERATIONS
    stop.message = (
        f"stopped after the maximum of {count(settings.max_iterations, 'iteration')} without converging "
        f"({slope_name(names)} = {stop.gradient_norm:.3g}, tolerance {settings.tolerance:g})"
    )
    # "unbounded below" only on evidence: f fell at every recorded step of the last half, far
    # below where it started, while the gradient grew (an oscillation or a crawl over a plateau
    # towards a basin is no such evidence)
    if not trace or trace[-1].iteration != stop.iterations:
        trace = [*trace, TraceRow(stop.iterations, tuple(stop.point), stop.value, stop.gradient_norm, stop.step)]
    if not falls_steadily(trace, start.value):
        return
    growth = stop.gradient_norm / start.gradient_norm if start.gradient_norm > 0 else math.inf
    if growth > RUNAWAY_GROWTH:
        stop.reason = DIVERGED
        stop.message = (
            f"diverged: f kept falling while the gradient grew {growth:.3g}-fold "
            f"in {count(stop.iterations, 'iteration')}: f appears unbounded below"
        )
    else:
        stop.message += "; f kept falling while the gradient grew: f may be unbounded below"


def _grew(stop: Stop, names, settings: Settings, nonpositive_steps: int) -> None:
    """f rose too many times in a row: Newton climbing where H ≤ 0, or a divergence."""
    limit = increase_limit(settings.method, settings.momentum)
    if settings.method == "newton" and nonpositive_steps:
        stop.reason = NOT_A_MINIMUM
        curving = "f″ ≤ 0" if len(names) == 1 else "the Hessian is not positive definite"
        stop.message = (
            f"stopped: f grew for {limit} Newton steps in a row (up to iteration {stop.iterations}) "
            f"where {curving}: Newton's method is climbing towards a maximum, a saddle or an "
            "inflection point, not a minimum"
        )
    else:
        stop.message = f"diverged: f grew for {limit} iterations in a row (up to iteration {stop.iterations})"


def finish_trace(trace: list[TraceRow], stop: Stop) -> None:
    """Record the last iteration in the trace when the thinning skipped it."""
    if not trace or trace[-1].iteration != stop.iterations:
        trace.append(TraceRow(stop.iterations, stop.point, stop.value, stop.gradient_norm, float(stop.step)))


def rule_out_linear(stop: Stop, expr: sympy.Expr, variables) -> None:
    """A linear f with a nonzero slope falls for ever: at the limit that is a divergence."""
    if stop.reason == MAX_ITERATIONS and stop.gradient_norm > 0 and _is_linear(expr, variables):
        stop.reason = DIVERGED
        stop.message = (
            f"diverged: f is linear, so it falls without bound along −∇f and has no minimum "
            f"(stopped after {count(stop.iterations, 'iteration')})"
        )


def _is_linear(expr, variables) -> bool:
    """True when f is a polynomial of degree at most one in the variables."""
    if not expr.is_polynomial(*variables):
        return False
    return sympy.Poly(expr, *variables).total_degree() <= 1


def newton_warnings(warnings: list[str], names, settings: Settings, stop: Stop, nonpositive_steps: int) -> None:
    """Warn how often Newton's method stepped where H was not positive definite."""
    if settings.method == "newton" and nonpositive_steps and not warnings:
        what = "f″ was ≤ 0" if len(names) == 1 else "the Hessian was not positive definite"
        warnings.append(f"{what} at {nonpositive_steps} of {stop.iterations} Newton steps")
