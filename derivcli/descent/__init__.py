"""The engine of `deriv descend`: gradient descent, momentum and Newton's method on compiled code.

The seed's story made runnable: take the derivative, step the other way, repeat; the learning
rate is the step size; Newton's method uses f'' for better steps.  The gradient (and the Hessian)
are computed by sympy once; the iteration runs on plain Python floats in a loop generated from
sympy's own code printer (never from user text).  Every iteration checks for overflow, NaN,
complex values and domain errors; a run ends with a stated reason, and a "minimum" is only
claimed after the second-order test (or a look at nearby points) agrees.

The wing, one job a module: ``results`` (the result objects and stop reasons), ``compiling``
(sympy → Python functions), ``loops`` (the methods' generated loops and the driver), ``start``
(settings, the start point, f at the start), ``stopping`` (the loop's stop as reason and
message), ``diagnosis`` (minimum or not; divergence, stall and learning-rate hints), ``engine``
(``gradient_descent``, the story of a run), ``base`` (what descent takes from the exact-math base).
On data (``descend --data``): ``data`` (the CSV read, cells by float() only), ``objective`` (the
per-sample loss averaged over the rows, vectorised with numpy), ``fitting`` (full-batch and
mini-batch runs), ``fit_diagnosis`` (2/λ_max, feature scaling, the normal equations, the loss
map), ``training`` (``train`` and ``compare``, the stories).

Exports: gradient_descent, DescentResult, TraceRow, METHODS, the reasons CONVERGED,
MAX_ITERATIONS, DIVERGED, NOT_A_MINIMUM, SINGULAR_HESSIAN, and LOOP_NAMES and newton_direction
(the generated loop's names and its Newton step); for data and comparisons objective_from_data,
train, compare, Schedule, Comparison, DataFit, LossMap, Verification, read_settings, Settings.
Outside code imports only these, from here.
"""

from derivcli.descent.engine import gradient_descent
from derivcli.descent.fitting import Schedule
from derivcli.descent.loops import LOOP_NAMES, newton_direction
from derivcli.descent.objective import objective_from_data
from derivcli.descent.results import (
    CONVERGED, DIVERGED, MAX_ITERATIONS, METHODS, NOT_A_MINIMUM, SINGULAR_HESSIAN, Comparison, DataFit,
    DescentResult, LossMap, TraceRow, Verification,
)
from derivcli.descent.start import Settings, read_settings
from derivcli.descent.training import compare, train

__all__ = [
    "CONVERGED", "DIVERGED", "LOOP_NAMES", "MAX_ITERATIONS", "METHODS", "NOT_A_MINIMUM", "SINGULAR_HESSIAN",
    "Comparison", "DataFit", "DescentResult", "LossMap", "Schedule", "Settings", "TraceRow", "Verification",
    "compare", "gradient_descent", "newton_direction", "objective_from_data", "read_settings", "train",
]
