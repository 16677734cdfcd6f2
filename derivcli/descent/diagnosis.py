"""What the end of a run means: is it a minimum, and if the run failed, why.

A "minimum" is only claimed after the second-order test (or, where that is inconclusive, a look
at nearby points) agrees.  A divergence is explained by the stability bound of the learning rate
(2/c for gd, 2(1+β)/c for momentum, c the largest curvature at the start), with a smaller rate
that was tried and seen to work; a stall by the rate, a corner or a flat stretch.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from derivcli.calculus import solve_linear, symmetric_eigen
from derivcli.descent.compiling import Functions
from derivcli.descent.results import DIVERGED, MAX_ITERATIONS, NOT_A_MINIMUM, DescentResult
from derivcli.descent.start import Settings, Start
from derivcli.descent.stopping import Stop
from derivcli.descent.wording import count, point_text

# An eigenvalue smaller than this fraction of the largest curvature seen counts as zero.
FLAT = 1e-3
# Iterations of each trial run behind a "--lr ... converges" suggestion.
TRIAL_ITERATIONS = 20_000

# try_rate(learning_rate, max_iterations): the same descent again with another rate, no hints.
TryRate = Callable[[float, int], DescentResult]


def stability(method: str, curvature: float | None, momentum: float) -> float | None:
    """The largest stable learning rate on a quadratic with this curvature (None if no bound)."""
    if curvature is None or not curvature > 0:
        return None
    if method == "gd":
        return 2 / curvature
    if method == "momentum":
        return 2 * (1 + momentum) / curvature
    return None


def largest_curvature(functions: Functions, point) -> float | None:
    """The largest eigenvalue of the Hessian at a point (None where it has no value)."""
    hessian = functions.hessian_at(point)
    return symmetric_eigen(hessian)[0][-1] if hessian is not None else None


# --- is it a minimum? ---------------------------------------------------------------------------


def check_minimum(stop: Stop, functions: Functions, start: Start, warnings: list[str]) -> str | None:
    """Classify a converged end point; one that is not a minimum turns the stop into
    NOT_A_MINIMUM.  Returns the classification (None when the run did not converge)."""
    if not stop.converged:
        return None
    classification, note = classify(functions, stop.point, stop.value, start.curvature)
    if classification in ("maximum", "saddle point", "not a minimum"):
        stop.reason = NOT_A_MINIMUM
        slope = "f′ = 0" if len(functions.names) == 1 else "∇f = 0"
        stop.message = f"stopped where {slope}, but this is not a minimum: {note}"
    elif note:
        warnings.append(note)
    return classification


def classify(functions: Functions, point, value, start_curvature):
    """Is the stationary point a minimum?  (classification, note) from H, then nearby points.

    A positive definite Hessian is trusted only when it stays so a few Newton steps around the
    point (x**3 near 0 has f'' > 0 on one side and f'' < 0 on the other); otherwise f itself is
    compared with nearby points, far enough away to step over the point's own inaccuracy.
    """
    size = functions.compiled.size
    hessian = functions.hessian_at(point)
    if hessian is None:
        axes = [[1.0 if i == j else 0.0 for j in range(size)] for i in range(size)]
        lower = _lower_nearby(functions.value_and_gradient, point, value, axes, [])
        if lower:
            return "not a minimum", lower
        return "minimum", (
            "the second derivatives have no value here; f is not lower at nearby points, "
            "so this is taken as a minimum"
        )
    eigenvalues, vectors = symmetric_eigen(hessian)
    scale = max([abs(e) for e in eigenvalues] + [abs(start_curvature or 0.0)])
    flat = FLAT * scale
    if eigenvalues[-1] < -flat:
        if size == 1:
            return "maximum", f"f″ = {eigenvalues[0]:.6g} < 0 here (a maximum)"
        return "maximum", "f curves downward in every direction here (a maximum)"
    if eigenvalues[0] < -flat:
        return "saddle point", "f curves up in one direction and down in another (a saddle point)"
    gradient = functions.value_and_gradient(*point)[1:]
    offset = solve_linear(hessian, gradient) if eigenvalues[0] > 0 else None
    if offset is not None and _stays_convex(functions, point, offset, eigenvalues[0]):
        return "minimum", None
    # The second-derivative test is inconclusive: compare f with nearby points along each
    # eigenvector, further away than the distance to the predicted stationary point.
    radii = []
    if offset is not None and all(math.isfinite(d) for d in offset):
        radii.append(10 * math.hypot(*offset))
    lower = _lower_nearby(functions.value_and_gradient, point, value, vectors, radii)
    if lower:
        return "not a minimum", "f is flat here (the second-derivative test is inconclusive) and " + lower
    return "minimum", "the second-derivative test is inconclusive here (f is flat); f is not lower at nearby points"


def _stays_convex(functions: Functions, point, offset, lowest) -> bool:
    """True when H stays clearly positive definite three Newton steps to either side."""
    robust = True
    for sign in (3.0, -3.0):
        nearby = functions.hessian_at(tuple(p - sign * d for p, d in zip(point, offset)))
        if nearby is None or not symmetric_eigen(nearby)[0][0] > lowest / 2:
            robust = False
    return robust


def _lower_nearby(value_and_gradient, point, value, directions, radii) -> str | None:
    """A note naming a nearby point (along a direction, at a radius) where f is lower, or None."""
    size = max(1.0, math.hypot(*point))
    for radius in [*radii, 1e-3 * size, 1e-2 * size]:
        for vector in directions:
            for sign in (1.0, -1.0):
                probe = tuple(p + sign * radius * v for p, v in zip(point, vector))
                try:
                    nearby_value = value_and_gradient(*probe)[0]
                except (ArithmeticError, ValueError, TypeError):
                    continue
                if isinstance(nearby_value, complex) or not math.isfinite(nearby_value):
                    continue
                if nearby_value < value - 1e-12 * max(1.0, abs(value)):
                    where = ", ".join(f"{p:.6g}" for p in probe)
                    return (
                        f"f is lower nearby (f = {nearby_value:.6g} at ({where})); "
                        "f may be unbounded below, or the minimum lies further on"
                    )
    return None


# --- why a run failed ---------------------------------------------------------------------------


def hint_for(stop: Stop, functions: Functions, settings: Settings, start: Start, stable: float | None,
             final_curvature: float | None, try_rate: TryRate | None) -> str | None:
    """A hint for a run that diverged or reached the iteration limit (None otherwise).
    ``try_rate`` runs trials of smaller learning rates; None skips them."""
    if stop.reason == DIVERGED:
        return divergence_hint(functions.names, settings, start, stable, try_rate, stop.fell_without_bound)
    if stop.reason == MAX_ITERATIONS:
        return _stall_hint(stop, functions, settings, start, stable, final_curvature, try_rate)
    return None


def divergence_hint(names, settings: Settings, start: Start, stable: float | None,
                    try_rate: TryRate | None, fell_without_bound: bool = False) -> str:
    """Why a run diverged (or swung without settling) and, for gd and momentum, a learning rate
    that was tried and works."""
    method, learning_rate, curvature = settings.method, settings.learning_rate, start.curvature
    if method == "newton":
        return (
            "Newton's method can overshoot far from a minimum or where f″ ≤ 0; "
            "start closer to the minimum, use a damped step (--lr below 1) or use --method gd"
        )
    if curvature is None:
        return "try a smaller --lr"
    if curvature < 0:
        downward = f"f″ = {curvature:.3g} < 0" if len(names) == 1 else f"largest curvature {curvature:.3g} < 0"
        return (
            f"f curves downward at the start ({downward}): "
            "there may be no minimum in the direction of descent (f unbounded below)"
        )
    if curvature == 0:
        return "f does not curve at the start, so no learning rate is too large there; f itself keeps falling"
    formula = "2/c" if method == "gd" else "2(1+β)/c"
    if start.lowest_curvature < -FLAT * curvature and learning_rate < stable:
        return (
            f"lr = {learning_rate:g} is below {formula} = {stable:.6g}, but f curves downward along some "
            f"direction at the start (smallest curvature {start.lowest_curvature:.3g} < 0, a saddle shape): "
            "descent gathers speed that way, and f may be unbounded below"
        )
    text = rate_against_bound(learning_rate, formula, stable, curvature, fell_without_bound)
    if try_rate is None:
        return text
    return text + tried_rates(settings, stable, try_rate, fell_without_bound)


def rate_against_bound(learning_rate, formula, bound, curvature, fell_without_bound,
                       curvature_words: str = "c = {} is the curvature of f at the start") -> str:
    """The learning rate compared with the stability bound of the start (``curvature_words``
    names the curvature, with {} for its value)."""
    at_start = "(" + curvature_words.format(f"{curvature:.6g}") + ")"
    if math.isclose(learning_rate, bound, rel_tol=1e-9):
        return (
            f"lr = {learning_rate:g} equals {formula} = {bound:.6g} {at_start}, so each step overshoots "
            f"by exactly what it gains and f swings back and forth; lr must be below {bound:.6g}"
        )
    if learning_rate > bound:
        return (
            f"lr = {learning_rate:g} exceeds {formula} = {bound:.6g} {at_start}, "
            f"so each step overshoots more than it gains; lr must be below {bound:.6g}"
        )
    if fell_without_bound:
        return (
            f"lr = {learning_rate:g} is below {formula} = {bound:.6g} at the start, but the path left the "
            "region where f curves upward, and there f fell without bound"
        )
    return (
        f"lr = {learning_rate:g} is below {formula} = {bound:.6g} at the start, "
        "but the curvature grows along the path"
    )


def tried_rates(settings: Settings, bound: float, try_rate: TryRate, fell_without_bound: bool) -> str:
    """Try smaller rates (each run short enough that the trials stay cheap) and name one that
    was seen to converge, or at least not to diverge."""
    budget = min(settings.max_iterations, TRIAL_ITERATIONS)
    candidate = min(bound / 2, settings.learning_rate / 2)
    steady = None
    for _ in range(6):
        trial = try_rate(candidate, budget)
        if trial.converged:
            return f": --lr {candidate:.3g} converges in {count(trial.iterations, 'iteration')}"
        if trial.reason == MAX_ITERATIONS and steady is None and trial.gradient_norm < trial.trace[0].gradient_norm:
            steady = candidate  # not converged yet, but heading downhill with a shrinking gradient
        candidate /= 4
    # Where f is known to fall without bound, a slower run that has not got there yet proves nothing.
    if steady is not None and not fell_without_bound:
        return f": --lr {steady:.3g} does not diverge (it had not converged after {budget} iterations)"
    return "; no smaller learning rate that was tried converged either"


def _stall_hint(stop: Stop, functions: Functions, settings: Settings, start: Start, stable, final_curvature,
                try_rate: TryRate | None) -> str | None:
    """Why a run reached the iteration limit, where that can be told: a learning rate at the
    stability bound (f swings), far below it (tiny steps), a corner (the slope jumps) or a flat
    stretch (the slope fades)."""
    curvature, learning_rate, names = start.curvature, settings.learning_rate, functions.names
    # the curvature has faded since the start (x**4 from 2): the bound 2/c of the start says
    # nothing about why the run is slow now
    faded = (curvature is not None and curvature > 0 and final_curvature is not None
             and abs(final_curvature) < curvature / 100)
    if stable is not None and learning_rate >= stable * (1 - 1e-9) and not faded:
        return divergence_hint(names, settings, start, stable, try_rate)
    if stable is not None and learning_rate < stable / 100:
        return (
            f"the learning rate {learning_rate:g} is far below the stable bound {stable:.3g}; "
            "a larger --lr (or a larger --max-iter) may converge"
        )
    if settings.method != "newton":
        corner = _corner_hint(functions, stop.point, learning_rate, stop.gradient_norm, final_curvature)
        if corner:
            return corner
    if faded:
        fading = (
            f"f″ = {final_curvature:.3g} here, {curvature:.3g} at the start" if len(names) == 1
            else f"the largest curvature falls from {curvature:.3g} at the start to {final_curvature:.3g} here"
        )
        others = "--method gd" if settings.method == "newton" else "--method newton"
        return (
            f"f flattens out along the way ({fading}), so the steps shrink with the slope; "
            f"{others} or a larger --max-iter may get further (a flat point need not be a minimum: "
            "x**3 at 0 is not)"
        )
    return None


def _corner_hint(functions: Functions, point, learning_rate, final_norm, final_curvature) -> str | None:
    """A hint when the slope flips sign within one step without getting smaller: a corner (|x|)."""
    if not final_norm > 0:
        return None
    if final_curvature is not None and learning_rate * abs(final_curvature) >= 0.5:
        return None  # a smooth bend this sharp could turn the slope round by itself
    value_and_gradient = functions.value_and_gradient
    try:
        gradient = value_and_gradient(*point)[1:]
        after = value_and_gradient(*(p - learning_rate * g for p, g in zip(point, gradient)))[1:]
    except (ArithmeticError, ValueError, TypeError):
        return None
    if any(isinstance(v, complex) or not math.isfinite(v) for v in [*gradient, *after]):
        return None
    if not any(g * a < 0 and abs(a) > abs(g) / 2 for g, a in zip(gradient, after)):
        return None
    one = len(functions.names) == 1
    slope = "f′" if one else "a partial derivative"
    size = f"|f′| stays about {final_norm:.3g}" if one else f"‖∇f‖ stays about {final_norm:.3g}"
    return (
        f"{slope} flips sign within one step near {point_text(functions.names, point)} without getting "
        f"smaller ({size}): f seems to have a corner there (as |x| has at 0), where the slope jumps and "
        "never becomes small, so the gradient test cannot pass; deriv critical finds such points exactly"
    )
