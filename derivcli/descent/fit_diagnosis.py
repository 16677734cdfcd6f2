"""What a run on data means: the learning rate against the curvature of the averaged loss,
divergence and feature scaling, the closed-form check of least squares, and the loss map.

For a loss quadratic in the weights the Hessian of L̄ is the same everywhere; gradient descent
is stable exactly while lr < 2/λ_max, λ_max its largest eigenvalue (2(1+β)/λ_max with momentum).
"""

from __future__ import annotations


import sympy

from derivcli.calculus import symmetric_eigen
from derivcli.descent.diagnosis import rate_against_bound, stability
from derivcli.descent.trials import TryRate, tried_rates
from derivcli.descent.objective import Objective
from derivcli.descent.results import DIVERGED, MAX_ITERATIONS, LossMap, TraceRow, Verification
from derivcli.descent.start import Settings

# Columns whose typical sizes differ by this factor or more call for feature scaling.
SCALE_SPREAD = 100.0
# The normal-equations check passes when the weights agree to this (relative) difference.
VERIFY_TOLERANCE = 1e-6
# The loss map is drawn from at most this many rows (evenly spaced), on a grid of this size.
MAP_ROWS = 20_000
MAP_SIZE = (60, 21)


def is_quadratic(expr: sympy.Expr, weights) -> bool:
    """True when the per-sample loss is a polynomial of degree at most two in the weights."""
    return expr.is_polynomial(*weights) and sympy.Poly(expr, *weights).total_degree() <= 2


def curvatures(objective: Objective, point) -> tuple[float | None, float | None]:
    """The largest and smallest eigenvalue of the Hessian of L̄ at a point (None if undefined)."""
    hessian = objective.hessian(point)
    if hessian is None:
        return None, None
    eigenvalues = symmetric_eigen(hessian)[0]
    return eigenvalues[-1], eigenvalues[0]


def column_scales(objective: Objective) -> dict[str, float]:
    """The root-mean-square size of each used column."""
    numpy = objective.numpy
    return {str(c): float(numpy.sqrt(numpy.mean(a * a))) for c, a in zip(objective.columns, objective.arrays)}


def scaling_note(scales: dict[str, float], names, hessian) -> str | None:
    """A note when the weights' curvatures (the diagonal of the averaged Hessian, which grows with
    the square of the column a weight multiplies) differ by orders of magnitude, else None."""
    if hessian is None or len(names) < 2:
        return None
    diagonal = {name: abs(hessian[i][i]) for i, name in enumerate(names) if hessian[i][i] != 0}
    if len(diagonal) < 2:
        return None
    steep, flat = max(diagonal, key=diagonal.get), min(diagonal, key=diagonal.get)
    if diagonal[steep] < SCALE_SPREAD ** 2 * diagonal[flat]:
        return None
    sizes = ", ".join(f"{name} ≈ {size:.3g}" for name, size in scales.items())
    return (
        f"the features differ in scale by orders of magnitude (the curvature along {steep} is "
        f"{diagonal[steep]:.3g}, along {flat} {diagonal[flat]:.3g}; column sizes, root mean square: {sizes}): "
        "the largest sets the stable lr, so the other weights crawl; feature scaling (divide each column "
        "by its typical size, or standardise it) lets one lr suit every weight"
    )


def data_hint(reason: str, settings: Settings, curvature, quadratic: bool, scaling: str | None,
              try_rate: TryRate | None, stochastic: bool) -> str | None:
    """Why a run on data diverged or stalled: the bound 2/λ_max, a rate tried, feature scaling."""
    if reason not in (DIVERGED, MAX_ITERATIONS):
        return None
    stable = stability(settings.method, curvature, settings.momentum)
    parts = []
    if reason == MAX_ITERATIONS and stochastic:
        parts.append("with mini-batches the gradient of each batch does not vanish at the minimum, so the "
                     "weights keep jittering: a larger --batch-size, a smaller --lr or a looser --tol lets the test pass")
    elif reason == MAX_ITERATIONS and stable is not None and settings.learning_rate < stable / 100:
        parts.append(f"the learning rate {settings.learning_rate:g} is far below the stable bound {stable:.3g}; "
                     "a larger --lr (or a larger --max-iter) may converge")
    elif reason == DIVERGED and settings.method == "newton":
        parts.append("Newton's method can overshoot where the loss is not convex; use --method gd or a smaller --lr")
    elif reason == DIVERGED and stable is not None:
        parts.append(_bound_text(settings, curvature, stable, quadratic, try_rate))
    elif reason == DIVERGED:
        parts.append("try a smaller --lr")
    if scaling and (reason == DIVERGED or not stochastic):
        parts.append(scaling)
    return "; ".join(parts) or None


def _bound_text(settings: Settings, curvature: float, stable: float, quadratic: bool, try_rate) -> str:
    formula = "2/λ_max" if settings.method == "gd" else "2(1+β)/λ_max"
    where = "the same at every point for this quadratic loss" if quadratic else "at the start"
    words = "λ_max = {} is the largest eigenvalue of the averaged Hessian of the loss, " + where
    text = rate_against_bound(settings.learning_rate, formula, stable, curvature, False, words)
    if try_rate is None:
        return text
    return text + tried_rates(settings, stable, try_rate, False)


# --- the closed form of linear least squares ---------------------------------------------------


def least_squares_parts(expr: sympy.Expr, weights):
    """(scale, residual) when the loss is scale·r² with r affine in the weights, else None."""
    scale, rest = expr.as_coeff_Mul()
    if not (rest.is_Pow and rest.exp == 2 and scale > 0):
        return None
    residual = rest.base
    if not residual.is_polynomial(*weights) or sympy.Poly(residual, *weights).total_degree() > 1:
        return None
    return scale, residual


def verify_least_squares(objective: Objective, point, tolerance: float = VERIFY_TOLERANCE) -> Verification | None:
    """The fitted weights against numpy.linalg.lstsq on the design matrix of r = a + Σ b_j·w_j
    (each column of it computed from the residual's own coefficients); None unless least squares."""
    parts = least_squares_parts(objective.expression, objective.weights)
    if parts is None:
        return None
    numpy = objective.numpy
    _, residual = parts
    zero = {w: 0 for w in objective.weights}
    terms = [residual.xreplace(zero)] + [sympy.diff(residual, w) for w in objective.weights]
    columns = {str(c): a for c, a in zip(objective.columns, objective.arrays)}
    values = [_column_of(term, objective.columns, columns, objective.rows, numpy) for term in terms]
    design = numpy.column_stack(values[1:])
    solution = numpy.linalg.lstsq(design, -values[0], rcond=None)[0]
    difference = max(abs(p - s) / max(1.0, abs(s)) for p, s in zip(point, solution))
    return Verification(tuple(float(s) for s in solution), float(difference), tolerance, bool(difference <= tolerance))


def _column_of(term: sympy.Expr, symbols, columns, rows: int, numpy):
    """A sympy expression in the column symbols evaluated per row, with sympy.lambdify over numpy
    (an evaluation path independent of the descent's own compiled code)."""
    function = sympy.lambdify(list(symbols), term, modules="numpy")
    with numpy.errstate(all="ignore"):
        values = function(*(columns[str(s)] for s in symbols))
    return numpy.broadcast_to(numpy.asarray(values, dtype=float), (rows,))


# --- the loss over two weights -----------------------------------------------------------------


def loss_map(objective: Objective, trace: list[TraceRow], early=()) -> LossMap | None:
    """The loss on a grid around the path of a two-weight run (None for other sizes): the path
    is every one of the ``early`` points, then the trace's from where they end."""
    if len(objective.weights) != 2 or len(trace) < 2:
        return None
    numpy = objective.numpy
    path = [(p[0], p[1]) for p in early] + [(row.point[0], row.point[1]) for row in trace if row.iteration >= len(early)]
    first, second = _span([p[0] for p in path]), _span([p[1] for p in path])
    sampled = None
    arrays = objective.arrays
    if objective.rows > MAP_ROWS:
        chosen = numpy.linspace(0, objective.rows - 1, MAP_ROWS).astype(int)
        arrays, sampled = [a[chosen] for a in arrays], MAP_ROWS
    width, height = MAP_SIZE
    values = []
    for j in range(height):
        v = second[1] - (second[1] - second[0]) * j / (height - 1)
        row = [objective.value_and_gradient((first[0] + (first[1] - first[0]) * i / (width - 1), v), arrays)[0]
               for i in range(width)]
        values.append(row)
    return LossMap(objective.names, first, second, values, path, sampled)


def _span(values) -> tuple[float, float]:
    """A range holding the values with a margin (and some width when they are all equal)."""
    low, high = min(values), max(values)
    margin = (high - low) * 0.15 or max(1.0, abs(low)) * 0.5
    return low - margin, high + margin
