"""The engine of `deriv critical` and `deriv classify`.

What it does: finds every critical point (f′ = 0 and where f′ does not exist; ∇f = 0 in several
variables), exactly where sympy can and by a numeric search where it cannot; says what each point
is by the test that decides (second-derivative, higher-order, sign change, Hessian, paths);
adds the closed-interval (and closed-box) method, inflection points and the data of plots (also
the samples of the ``--plot`` pictures of every command); and
reads what ``--expect`` names.  It never prints and never exits.

Modules: ``critical`` (finding points), ``classification`` (the tests), ``extrema`` (closed
intervals and boxes), ``inflections``, ``numeric_search`` (the numeric fallback), ``plot``,
``report`` (what the commands answer), ``expectations``, ``results`` (the result objects).
Import from the package, not from the modules.
"""

from .classification import classify_point
from .critical import critical_points
from .expectations import compare_kind, expected_kind
from .extrema import absolute_extrema, absolute_extrema_on_box
from .inflections import inflection_points
from .plot import Curve, Figure, Mark, Panel, Surface, plot_data, real_value, sample, sample_grid, window_around
from .report import classify_critical_points, classify_report, critical_report
from .results import (
    KINDS,
    REASONS,
    TESTS,
    WORDS,
    AbsoluteExtrema,
    Classification,
    ClassifyResult,
    CriticalPoint,
    CriticalResult,
    Equation,
    Family,
    InflectionResult,
    PlotData,
)

__all__ = [
    "KINDS", "REASONS", "TESTS", "WORDS",
    "AbsoluteExtrema", "Classification", "ClassifyResult", "CriticalPoint", "CriticalResult",
    "Equation", "Family", "InflectionResult", "PlotData",
    "absolute_extrema", "absolute_extrema_on_box", "classify_critical_points", "classify_point",
    "classify_report", "compare_kind", "critical_points", "critical_report", "expected_kind",
    "inflection_points", "plot_data",
    "Curve", "Figure", "Mark", "Panel", "Surface", "real_value", "sample", "sample_grid", "window_around",
]
