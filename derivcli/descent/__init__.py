"""The engine of `deriv descend`: gradient descent, momentum and Newton's method on compiled code.

The seed's story made runnable: take the derivative, step the other way, repeat; the learning
rate is the step size; Newton's method uses f'' for better steps.  The gradient (and the Hessian)
are computed by sympy once; the iteration runs on plain Python floats in a loop generated from
sympy's own code printer (never from user text).  Every iteration checks for overflow, NaN,
complex values and domain errors; a run ends with a stated reason, and a "minimum" is only
claimed where the gradient and the curvature pass relative to the sizes the run met (or nearby
points are measurably higher), and never outside the domain of the formula as written.

The wing, one job a module: ``results`` (the result objects and stop reasons), ``compiling``
(sympy → Python functions), ``loops`` (the methods' generated loops and the driver), ``start``
(settings, the start point, f at the start), ``stopping`` (the loop's stop as reason and
message), ``path`` (the scales a run met, steady falls, swings, the curvature along the path),
``minimum`` (minimum or not, relative to those scales), ``domain`` (the formula as written: the
start and the path checked against its domain), ``diagnosis`` (divergence, stall, tolerance and
learning-rate hints), ``trials`` (the trial runs behind a suggested rate), ``engine``
(``gradient_descent``, the story of a run).
On data (``descend --data``): ``data`` (the CSV read, cells by float() only), ``objective`` (the
per-sample loss averaged over the rows, vectorised with numpy), ``fitting`` (full-batch and
mini-batch runs), ``fit_diagnosis`` (2/λ_max, feature scaling, the normal equations, the loss
map), ``training`` (``train`` and ``compare``, the stories).

Exports: gradient_descent, DescentResult, TraceRow, METHODS, the reasons CONVERGED,
MAX_ITERATIONS, STALLED, DIVERGED, NOT_A_MINIMUM, SINGULAR_HESSIAN, LEFT_DOMAIN, and LOOP_NAMES and newton_direction
(the generated loop's names and its Newton step); for data and comparisons objective_from_data,
train, compare, Schedule, Comparison, DataFit, LossMap, Verification, read_settings, Settings.
Outside code imports only these, from here.
"""

from derivcli.descent.engine import gradient_descent
from derivcli.descent.fitting import Schedule
from derivcli.descent.loops import LOOP_NAMES, newton_direction
from derivcli.descent.objective import objective_from_data
from derivcli.descent.results import (
    CONVERGED, DIVERGED, LEFT_DOMAIN, MAX_ITERATIONS, METHODS, NOT_A_MINIMUM, SINGULAR_HESSIAN, STALLED, Comparison,
    DataFit, DescentResult, LossMap, TraceRow, Verification,
)
from derivcli.descent.start import Settings, read_settings
from derivcli.descent.training import compare, train

__all__ = [
    "CONVERGED", "DIVERGED", "LEFT_DOMAIN", "LOOP_NAMES", "MAX_ITERATIONS", "METHODS", "NOT_A_MINIMUM", "SINGULAR_HESSIAN",
    "STALLED", "Comparison", "DataFit", "DescentResult", "LossMap", "Schedule", "Settings", "TraceRow", "Verification",
    "compare", "gradient_descent", "newton_direction", "objective_from_data", "read_settings", "train",
]
