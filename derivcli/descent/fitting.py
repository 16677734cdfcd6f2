"""The runs of `descend --data`: full-batch steps, or shuffled mini-batches epoch by epoch.

The update rules are the ones of the formula engine (gd, momentum, Newton); the loss and its
gradient come from the Objective, over all rows or over a batch.  A run ends with a reason as a
formula run does: converged (‖∇L̄‖ below the tolerance on the full data), the iteration or epoch
limit, or diverged (a loss that is not finite, grows step after step, or weights that run off).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from derivcli.calculus import solve_linear
from derivcli.descent.loops import RUNAWAY, increase_limit
from derivcli.descent.objective import Objective
from derivcli.descent.results import CONVERGED, DIVERGED, MAX_ITERATIONS, SINGULAR_HESSIAN, TraceRow
from derivcli.descent.start import Settings
from derivcli.descent.wording import count, point_text
from derivcli.errors import UsageError


@dataclass
class Schedule:
    """How the rows are used: ``batch_size`` None is full batch (one step an iteration);
    otherwise each of ``epochs`` passes shuffles the rows with ``seed`` and steps once a batch."""

    batch_size: int | None = None
    epochs: int | None = None
    seed: int = 0

    def check(self, rows: int, method: str) -> None:
        if self.batch_size is not None and self.batch_size < 1:
            raise UsageError(f"--batch-size must be at least 1, not {self.batch_size}")
        if self.epochs is not None and self.epochs < 1:
            raise UsageError(f"--epochs must be at least 1, not {self.epochs}")
        if self.stochastic(rows) and method == "newton":
            raise UsageError("--method newton uses the full data", "--batch-size applies to gd and momentum")

    def stochastic(self, rows: int) -> bool:
        return self.batch_size is not None and self.batch_size < rows


@dataclass
class Ending:
    """Where and why a data run ended."""

    reason: str
    message: str
    iterations: int
    point: tuple[float, ...]
    value: float
    gradient_norm: float


def _finite(value, gradient, point) -> bool:
    return (math.isfinite(value) and all(math.isfinite(g) for g in gradient)
            and all(abs(p) < RUNAWAY for p in point))


class _Stepper:
    """One method's update of the weights from a gradient (and, for Newton, the Hessian)."""

    def __init__(self, objective: Objective, settings: Settings, size: int):
        self.objective, self.settings = objective, settings
        self.velocity = [0.0] * size

    def step(self, point, gradient):
        """The next point, or None when Newton's Hessian is singular."""
        rate = self.settings.learning_rate
        if self.settings.method == "gd":
            return [p - rate * g for p, g in zip(point, gradient)]
        if self.settings.method == "momentum":
            beta = self.settings.momentum
            self.velocity = [beta * v - rate * g for v, g in zip(self.velocity, gradient)]
            return [p + v for p, v in zip(point, self.velocity)]
        hessian = self.objective.hessian(point)
        direction = solve_linear(hessian, gradient) if hessian is not None else None
        if direction is None:
            return None
        return [p - rate * d for p, d in zip(point, direction)]


# The first iterates are kept for the drawn path even when --every thins the trace: the path
# bends most at the start, and a thinned trace would draw it as one straight jump.
EARLY_PATH = 200


def full_batch(objective: Objective, settings: Settings, point, trace: list[TraceRow],
               early: list | None = None) -> Ending:
    """Steps on the full data until the gradient test passes, the limit, or a divergence; the
    first EARLY_PATH points go to ``early`` too (when given), every one of them."""
    value, gradient = objective.value_and_gradient(point)
    norm, step, increases = math.hypot(*gradient), 0.0, 0
    stepper = _Stepper(objective, settings, len(point))
    limit = increase_limit(settings.method, settings.momentum)
    gate = max(settings.tolerance, math.sqrt(settings.tolerance))
    iteration = 0
    while True:
        if iteration % settings.every == 0:
            trace.append(TraceRow(iteration, tuple(point), value, norm, step))
        if early is not None and iteration < EARLY_PATH:
            early.append(tuple(point))
        if norm < settings.tolerance and (settings.method != "momentum" or step < gate):
            return _converged(iteration, point, value, norm, settings.tolerance)
        if iteration >= settings.max_iterations:
            return _at_limit(iteration, point, value, norm, settings.tolerance, "iteration")
        following = stepper.step(point, gradient)
        if following is None:
            return Ending(SINGULAR_HESSIAN, f"stopped at iteration {iteration}: the Hessian of the loss is singular "
                          f"at {point_text(objective.names, point)}, so there is no Newton step",
                          iteration, tuple(point), value, norm)
        new_value, new_gradient = objective.value_and_gradient(following)
        if not _finite(new_value, new_gradient, following):
            return _diverged(iteration, point, value, norm, following, "the loss or its gradient is not finite")
        step = math.dist(point, following)
        increases = increases + 1 if new_value > value else 0
        point, value, gradient, norm = following, new_value, new_gradient, math.hypot(*new_gradient)
        iteration += 1
        if increases >= limit:
            return _diverged(iteration, point, value, norm, None, f"the loss grew for {limit} iterations in a row")


def mini_batches(objective: Objective, settings: Settings, schedule: Schedule, point, trace: list[TraceRow]) -> Ending:
    """Epochs of shuffled mini-batches; the full-data loss and gradient after each epoch."""
    numpy = objective.numpy
    generator = numpy.random.default_rng(schedule.seed)
    value, gradient = objective.value_and_gradient(point)
    norm, rows, size = math.hypot(*gradient), objective.rows, schedule.batch_size
    stepper = _Stepper(objective, settings, len(point))
    epochs = schedule.epochs or 100
    trace.append(TraceRow(0, tuple(point), value, norm, 0.0))
    steps = 0
    for epoch in range(1, epochs + 1):
        before = point
        order = generator.permutation(rows)
        for start in range(0, rows, size):
            chosen = order[start:start + size]
            _, batch_gradient = objective.value_and_gradient(point, [column[chosen] for column in objective.arrays])
            following = stepper.step(point, batch_gradient)
            steps += 1
            if not _finite(0.0, batch_gradient, following):
                return _diverged(epoch - 1, before, value, norm, following,
                                 f"a batch gradient or the weights stopped being finite in epoch {epoch}", "epoch")
            point = following
        value, gradient = objective.value_and_gradient(point)
        if not _finite(value, gradient, point):
            return _diverged(epoch - 1, before, trace[-1].value, trace[-1].gradient_norm, point,
                             f"the loss on the full data is not finite after epoch {epoch}", "epoch")
        norm = math.hypot(*gradient)
        if epoch % settings.every == 0 or epoch == epochs:
            trace.append(TraceRow(epoch, tuple(point), value, norm, math.dist(before, point)))
        if norm < settings.tolerance:
            return _converged(epoch, point, value, norm, settings.tolerance, "epoch")
    return _at_limit(epochs, point, value, norm, settings.tolerance, "epoch")


def _converged(iterations, point, value, norm, tolerance, unit="iteration") -> Ending:
    return Ending(CONVERGED, f"converged after {count(iterations, unit)}: ‖∇L‖ = {norm:.3g} < {tolerance:g}",
                  iterations, tuple(point), value, norm)


def _at_limit(iterations, point, value, norm, tolerance, unit) -> Ending:
    return Ending(MAX_ITERATIONS, f"stopped after the maximum of {count(iterations, unit)} without converging "
                  f"(‖∇L‖ = {norm:.3g} on the full data, tolerance {tolerance:g})",
                  iterations, tuple(point), value, norm)


def _diverged(iterations, point, value, norm, bad_point, what, unit="iteration") -> Ending:
    where = "" if bad_point is None else f" (the next weights would be {', '.join(f'{p:.3g}' for p in bad_point)})"
    return Ending(DIVERGED, f"diverged: {what} after {count(iterations, unit)}{where}",
                  iterations, tuple(point), value, norm)
