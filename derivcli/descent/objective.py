"""The objective of `descend --data`: a per-sample loss averaged (or summed) over the rows.

The symbols of the loss are split into weights (what descent moves) and columns (read from the
data); the gradient and Hessian of the per-sample loss are derived once by sympy and evaluated
over all rows at once with numpy (see compiling.Vectorised).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy

from derivcli.descent.compiling import Vectorised, no_numeric_form
from derivcli.descent.data import Samples, read_samples
from derivcli.descent.wording import point_text
from derivcli.errors import NoAnswerError, UsageError


def split_symbols(expr: sympy.Expr, wrt, header) -> tuple[list, list]:
    """(weights, columns) of the loss: columns are the symbols the header names; weights are
    the --wrt names (default: every other symbol).  A weight that is also a column, or a symbol
    that is neither, is a UsageError."""
    named = {str(s): s for s in expr.free_symbols}
    columns = [named[name] for name in header if name in named]
    column_names = {str(c) for c in columns}
    clash = [name for name in wrt if name in header]
    if clash:
        raise UsageError(f"{clash[0]} is both a weight (--wrt) and a column of the data",
                         "rename the column or the weight")
    if wrt:
        weights = [named[name] if name in named else sympy.Symbol(name, real=True) for name in wrt]
        unused = [name for name in wrt if name not in named]
        if unused:
            raise UsageError(f"the loss does not depend on {', '.join(unused)}", "--wrt names a weight of the loss")
    else:
        weights = sorted((s for s in expr.free_symbols if str(s) not in column_names), key=str)
    others = sorted(str(s) for s in expr.free_symbols if s not in weights and str(s) not in column_names)
    if others:
        raise UsageError(f"the loss uses {', '.join(others)}, which is neither a column of the data nor a weight",
                         "name the weights with --wrt; the data's columns are " + ", ".join(n for n in header if n))
    if not weights:
        raise UsageError("every symbol of the loss is a column of the data: there is no weight to fit",
                         "name the weights with --wrt")
    return weights, columns


@dataclass
class Objective:
    """The loss over the data: L̄(w) = factor · Σ_rows L(w; row), and its gradient and Hessian."""

    expression: sympy.Expr
    weights: list
    columns: list
    samples: Samples
    reduction: str   # "mean" or "sum"

    def __post_init__(self):
        try:
            compiled = Vectorised(self.expression, self.weights, self.columns)
            self.compiled = compiled
            outputs = [compiled.expression, *compiled.gradient]
            self._value_and_gradient = compiled.reduced("objective", outputs)
            self._hessian = compiled.reduced("hessian", [h for row in compiled.hessian for h in row])
            self._per_sample = compiled.per_sample("per_sample", outputs)
        except Exception as error:  # a function numpy cannot apply to a column
            raise no_numeric_form(error) from None
        numpy = compiled.numpy
        self.numpy = numpy
        self.arrays = [numpy.frombuffer(self.samples.columns[str(c)], dtype=float) for c in self.columns]
        self.rows = self.samples.rows
        self.names = tuple(str(w) for w in self.weights)

    def gradient_expressions(self) -> tuple[sympy.Expr, ...]:
        """∂L/∂w for each weight, per sample, in the caller's symbols."""
        return tuple(sympy.diff(self.expression, w) for w in self.weights)

    def factor(self, count: int) -> float:
        """The weight of a sum over ``count`` rows: 1/count for the mean, rows/count for the sum
        (a batch of ``count`` rows stands for all of them)."""
        return 1 / count if self.reduction == "mean" else self.rows / count

    def value_and_gradient(self, weights, arrays=None) -> tuple[float, list[float]]:
        """L̄ and ∇L̄ at the weights, over all rows or over the given columns of a batch."""
        arrays = self.arrays if arrays is None else arrays
        count = len(arrays[0]) if arrays else self.rows
        value, *gradient = self._value_and_gradient(*weights, *arrays, count, self.factor(count))
        return float(value), [float(g) for g in gradient]

    def hessian(self, weights) -> list[list[float]] | None:
        """The Hessian of L̄ over all rows as rows of floats, or None where it is not finite."""
        flat = [float(h) for h in self._hessian(*weights, *self.arrays, self.rows, self.factor(self.rows))]
        if not all(math.isfinite(h) for h in flat):
            return None
        n = len(self.weights)
        return [flat[i * n:(i + 1) * n] for i in range(n)]

    def check_start(self, point) -> None:
        """NoAnswerError naming the first row where the loss or its gradient has no finite value."""
        value, gradient = self.value_and_gradient(point)
        if math.isfinite(value) and all(math.isfinite(g) for g in gradient):
            return
        labels = ["the loss"] + [f"∂L/∂{name}" for name in self.names]
        for label, values in zip(labels, self._per_sample(*point, *self.arrays)):
            values = self.numpy.broadcast_to(values, (self.rows,))
            bad = self.numpy.flatnonzero(~self.numpy.isfinite(values))
            if len(bad):
                raise NoAnswerError(
                    f"{label} has no finite value at the start point {point_text(self.names, point)} "
                    f"for {len(bad)} of {self.rows} rows (the first is data row {bad[0] + 1})",
                    "start where the loss is defined for every row, or check those rows",
                )
        raise NoAnswerError(f"the {self.reduction} of the loss over the rows overflows at the start point")


def objective_from_data(expr: sympy.Expr, wrt, stream, source: str, reduction: str) -> Objective:
    """Read the columns the loss uses from a CSV stream and build the objective over them."""
    samples = read_samples(stream, source, {str(s) for s in expr.free_symbols})
    weights, columns = split_symbols(expr, tuple(wrt), samples.header)
    return Objective(expr, weights, columns, samples, reduction)
