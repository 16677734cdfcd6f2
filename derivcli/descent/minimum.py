"""Is the end of a converged run a minimum?  Decided relative to the sizes the run met.

The gradient test (‖∇f‖ < --tol) is absolute; a minimum is claimed only where the gradient and
the curvature also pass relative to f's own scale (see path.Scales), never against a fixed
epsilon.  ‖∇f‖ must be small against its largest size along the path; a positive definite
Hessian decides at once where it is not negligible against the curvature met (or the quadratic
model puts the stationary point within a tiny fraction of the run's length scale) and H stays
positive definite a few Newton steps around: exp(-x) far out has H > 0 and ∇f ≈ 0 in absolute
terms, yet H is negligible and the model minimum is always one unit further on.  Otherwise f is compared with nearby
points: measurably higher on every side is a minimum, measurably lower anywhere is not, and no
measurable change at all is a flat stretch (a plateau, or f tending to a limit), not a minimum.
"""

from __future__ import annotations

import math

from derivcli.calculus import solve_linear, symmetric_eigen
from derivcli.descent.compiling import Functions
from derivcli.descent.path import Scales
from derivcli.descent.results import NOT_A_MINIMUM
from derivcli.descent.start import Start
from derivcli.descent.stopping import Stop
from derivcli.descent.wording import slope_name

# An eigenvalue smaller than this fraction of the largest curvature seen counts as zero.
FLAT = 1e-3
# Where H is small against the curvature met, the quadratic model's stationary point must lie
# within this fraction of the run's length scale for H > 0 to decide.
OFFSET = 1e-4
# At a minimum ‖∇f‖ is at most this share of the largest ‖∇f‖ met along the path.
GRADIENT_SHARE = 1e-2
# Nearby points are probed at these fractions of the run's length scale (and past the model's
# stationary point).
PROBE_RADII = (1e-3, 1e-2)
# ... and at least this fraction of the point's size (thousands of times the double precision).
RESOLUTION = 1e-12

# Classifications besides "minimum".
MAXIMUM, SADDLE, LOWER_NEARBY, FLAT_HERE, INCONCLUSIVE = (
    "maximum", "saddle point", "not a minimum", "flat", "inconclusive",
)


def check_minimum(stop: Stop, functions: Functions, start: Start, scales: Scales, tolerance: float,
                  warnings: list[str]) -> str | None:
    """Classify a converged end point; one that is not a minimum turns the stop into
    NOT_A_MINIMUM.  Returns the classification (None when the run did not converge)."""
    if not stop.converged:
        return None
    classification, note = classify(functions, stop.point, stop.value, start.curvature, scales)
    if classification != "minimum":
        stop.reason = NOT_A_MINIMUM
        slope = slope_name(functions.names)
        stop.message = (
            f"stopped where {slope} = {stop.gradient_norm:.3g} < {tolerance:g}, but this is not a minimum: {note}"
        )
    elif note:
        warnings.append(note)
    return classification


def classify(functions: Functions, point, value, start_curvature, scales: Scales):
    """(classification, note) of a point where the gradient test passed: ∇f against its size
    along the path, then H, then nearby points."""
    size = functions.compiled.size
    value_and_gradient = functions.value_and_gradient(*point)
    gradient, norm = value_and_gradient[1:], math.hypot(*value_and_gradient[1:])
    if norm > GRADIENT_SHARE * scales.gradient:
        return LOWER_NEARBY, (
            f"{slope_name(functions.names)} = {norm:.3g} is below --tol but not small against its size "
            f"along the path (up to {scales.gradient:.3g}): in f's own units the slope is not zero here"
        )
    hessian = functions.hessian_at(point)
    if hessian is None:
        axes = [[1.0 if i == j else 0.0 for j in range(size)] for i in range(size)]
        return _nearby(functions, point, value, axes, [], scales, "the second derivatives have no value here")
    eigenvalues, vectors = symmetric_eigen(hessian)
    flat = FLAT * max([abs(e) for e in eigenvalues] + [abs(start_curvature or 0.0)])
    if eigenvalues[-1] < -flat:
        if size == 1:
            return MAXIMUM, f"f″ = {eigenvalues[0]:.6g} < 0 here (a maximum)"
        return MAXIMUM, "f curves downward in every direction here (a maximum)"
    if eigenvalues[0] < -flat:
        return SADDLE, "f curves up in one direction and down in another (a saddle point)"
    offset = solve_linear(hessian, gradient) if eigenvalues[0] > 0 else None
    if offset is not None and not all(math.isfinite(d) for d in offset):
        offset = None
    distance = math.hypot(*offset) if offset is not None else None
    # H > 0 decides where it is not negligible against the curvature met, or where the quadratic
    # model puts the stationary point right here on the run's own scale
    decisive = distance is not None and (eigenvalues[0] > flat or distance <= OFFSET * scales.length)
    if decisive and _stays_convex(functions, point, offset, eigenvalues[0]):
        return "minimum", None
    radii = [10 * distance] if distance else []
    return _nearby(functions, point, value, vectors, radii, scales,
                   "the second-derivative test is inconclusive here (f is flat)")


def _stays_convex(functions: Functions, point, offset, lowest) -> bool:
    """True when H stays clearly positive definite three Newton steps to either side."""
    for sign in (3.0, -3.0):
        nearby = functions.hessian_at(tuple(p - sign * d for p, d in zip(point, offset)))
        if nearby is None or not symmetric_eigen(nearby)[0][0] > lowest / 2:
            return False
    return True


def _nearby(functions: Functions, point, value, directions, radii, scales: Scales, why: str):
    """Compare f with points along each direction, on both sides: lower by more than rounding
    anywhere is not a minimum; higher by more than rounding on every side is; no measurable
    change anywhere is a flat stretch; anything between is inconclusive."""
    noise = scales.noise
    # no radius so small that the probe is the point itself in floating point
    least = RESOLUTION * math.hypot(*point)
    radii = [max(radius, least) for radius in [*radii, *(fraction * scales.length for fraction in PROBE_RADII)]]
    risen = set()
    for radius in radii:
        for index, vector in enumerate(directions):
            for sign in (1.0, -1.0):
                probe = tuple(p + sign * radius * v for p, v in zip(point, vector))
                nearby_value = _value(functions, probe)
                if nearby_value is None:
                    continue
                if nearby_value < value - noise:
                    where = ", ".join(f"{p:.6g}" for p in probe)
                    return LOWER_NEARBY, (f"{why}, and f is lower nearby (f = {nearby_value:.6g} at ({where})): "
                                          "the minimum, if there is one, lies further on")
                if nearby_value > value + noise:
                    risen.add((index, sign))
    if len(risen) == 2 * len(directions):
        return "minimum", f"{why}; f is higher at nearby points on every side, so this is taken as a minimum"
    if not risen:
        return FLAT_HERE, (
            f"f is flat here (numerically constant: within {max(radii):.3g} of this point f changes by less "
            f"than {noise:.3g}, against |f| up to {scales.value:.3g} along the path; f = {value + 0.0:.3g} here): "
            "f has a plateau here or tends to a limit"
        )
    return INCONCLUSIVE, (f"{why}; f rises nearby in some directions but is numerically constant in others, "
                          "so a minimum cannot be confirmed (inconclusive)")


def _value(functions: Functions, probe) -> float | None:
    """f at a probe point, or None where it has no finite real value."""
    try:
        nearby_value = functions.value_and_gradient(*probe)[0]
    except (ArithmeticError, ValueError, TypeError):
        return None
    if isinstance(nearby_value, complex) or not math.isfinite(nearby_value):
        return None
    return nearby_value
