"""What a descent returns: the recorded iterations, the result object and the reasons it stops.

Plain data, picklable: a result crosses the guard's process boundary and the renderers only
read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import sympy

from derivcli.errors import NoAnswerError
from derivcli.parsing import format_point

METHODS = ("gd", "momentum", "newton")

# Reasons a run stops (``DescentResult.reason``).
CONVERGED = "converged"
MAX_ITERATIONS = "max_iterations"
STALLED = "stalled"  # the steps no longer move the point while ‖∇f‖ is still above the tolerance
LEFT_DOMAIN = "left_domain"  # the start or the path lies outside the domain of f as written
DIVERGED = "diverged"
NOT_A_MINIMUM = "not_a_minimum"
SINGULAR_HESSIAN = "singular_hessian"


class TraceRow(NamedTuple):
    """One recorded iteration: the point x_k, f(x_k), |grad f(x_k)| and |x_k - x_(k-1)|."""

    iteration: int
    point: tuple[float, ...]
    value: float
    gradient_norm: float
    step: float


@dataclass
class Verification:
    """Fitted weights against the normal-equations solution of linear least squares."""

    weights: tuple[float, ...]        # the normal-equations solution (numpy.linalg.lstsq)
    difference: float                 # max |fitted − solution| / max(1, |solution|)
    tolerance: float
    agrees: bool


@dataclass
class LossMap:
    """The loss on a grid of two weights (rows of values, top row the largest second weight)
    and the path of the iterates over it: a contour sketch for the renderer to draw."""

    names: tuple[str, str]
    first: tuple[float, float]        # the range of the first weight (left to right)
    second: tuple[float, float]       # the range of the second weight (bottom to top)
    values: list[list[float]]
    path: list[tuple[float, float]]
    sampled_rows: int | None = None   # the rows the map was drawn from, when fewer than all


@dataclass
class DataFit:
    """What a run on data adds to a descent: the rows, how they were used, and the checks."""

    source: str
    rows: int
    columns: tuple[str, ...]
    reduction: str                    # "mean" or "sum"
    unit: str                         # "iteration" (full batch) or "epoch" (mini-batches)
    batch_size: int | None
    epochs: int | None
    seed: int | None
    scales: dict[str, float]          # root-mean-square size of each used column
    quadratic: bool                   # the loss is quadratic in the weights (constant Hessian)
    verification: Verification | None = None
    loss_map: LossMap | None = None


@dataclass
class DescentResult:
    """Everything a renderer needs to show a descent; plain data, picklable."""

    expression: sympy.Expr
    variables: tuple[str, ...]
    gradient: tuple[sympy.Expr, ...]
    method: str
    learning_rate: float
    momentum: float
    tolerance: float
    max_iterations: int
    every: int
    start: tuple[float, ...]
    point: tuple[float, ...]
    value: float
    gradient_norm: float
    iterations: int
    converged: bool
    reason: str
    message: str
    hint: str | None = None
    warnings: list[str] = field(default_factory=list)
    trace: list[TraceRow] = field(default_factory=list)
    curvature: float | None = None
    stable_learning_rate: float | None = None
    classification: str | None = None
    final_curvature: float | None = None
    data: DataFit | None = None

    expectation: Exception | None = None  # a failed --expect check (exit 1)

    @property
    def problems(self) -> list:
        """Why there is no answer (exit status 3) when the descent did not converge, or why the
        answer is not the expected one (exit 1)."""
        if not self.converged:
            return [NoAnswerError(self.message, self.hint)]
        return [self.expectation] if self.expectation is not None else []

    def as_point_text(self) -> str:
        """The final point in ``--at`` syntax: ``x=1.0,y=2.0``."""
        return format_point(dict(zip(self.variables, self.point)))


@dataclass
class Comparison:
    """Several runs from the same start, one a learning rate or method: compared side by side."""

    runs: list[DescentResult]
    labels: list[str]

    @property
    def problems(self) -> list:
        """No answer (exit 3) only when no run converged; otherwise each run's reason is shown."""
        if any(run.converged for run in self.runs):
            return [run.expectation for run in self.runs if run.expectation is not None]
        return [NoAnswerError(f"none of the {len(self.runs)} runs converged",
                              "see each run's reason in the table")]
