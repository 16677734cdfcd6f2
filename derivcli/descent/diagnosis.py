"""Why a run failed, in the user's terms, with a remedy that was tried.

A divergence is explained by the stability bound of the learning rate (2/c for gd, 2(1+β)/c for
momentum, c the largest curvature at the start, or met along the path where f began to rise),
with a rate that was tried and seen to work; f is called unbounded below only on evidence (it
fell without bound, or fell steadily while the gradient grew), never because f curves downward
at the start.  A run at the iteration limit is explained by f swinging up and down (the rate
against the curvature along the path), by a rate far below the bound (larger rates tried), a
corner or a flat stretch; a stalled run by the tolerance; an end that is no minimum by the
overshoot that threw it there, or by the tolerance.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from derivcli.calculus import symmetric_eigen
from derivcli.descent.compiling import Functions
from derivcli.descent.minimum import FLAT, FLAT_HERE, GRADIENT_SHARE, INCONCLUSIVE, LOWER_NEARBY
from derivcli.descent.path import Scales, path_curvature, rose, swings
from derivcli.descent.results import DIVERGED, LEFT_DOMAIN, MAX_ITERATIONS, NOT_A_MINIMUM, STALLED, TraceRow
from derivcli.descent.start import Settings, Start
from derivcli.descent.stopping import Stop
from derivcli.descent.trials import TRIAL_ITERATIONS, TryRate, larger_rates, tried_rates
from derivcli.descent.wording import count, point_text, slope_name


class Course(NamedTuple):
    """What a run met on its way: the recorded rows, the scales of f, and the classification of
    its end (None when it did not converge)."""

    trace: list[TraceRow]
    scales: Scales
    classification: str | None


class Bound(NamedTuple):
    """The stability bound of the curvature met along the path: the bound, the curvature, where."""

    rate: float
    curvature: float
    point: tuple[float, ...]


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


# --- why a run failed ---------------------------------------------------------------------------


def hint_for(stop: Stop, functions: Functions, settings: Settings, start: Start, stable: float | None,
             final_curvature: float | None, try_rate: TryRate | None, course: Course) -> str | None:
    """A hint for a run that did not end at a minimum (None otherwise).  ``try_rate`` runs
    trials of other learning rates (and, with ``tolerance=``, tolerances); None skips them."""
    if stop.reason == DIVERGED:
        along = None if stop.fell_without_bound else path_bound(functions, settings, course.trace)
        return divergence_hint(functions.names, settings, start, stable, try_rate, stop.fell_without_bound, along)
    if stop.reason == MAX_ITERATIONS:
        return _stall_hint(stop, functions, settings, start, stable, final_curvature, try_rate, course)
    if stop.reason == STALLED and stop.gradient_norm > GRADIENT_SHARE * course.scales.gradient:
        return _tiny_step_hint(settings, stable, try_rate)
    if stop.reason == STALLED:
        return _tolerance_hint(stop, functions.names, settings, try_rate)
    if stop.reason == NOT_A_MINIMUM and course.classification in (FLAT_HERE, LOWER_NEARBY, INCONCLUSIVE):
        return _thrown_hint(functions, settings, start, try_rate, course)
    if stop.reason == LEFT_DOMAIN:
        return ("descent runs on f as sympy simplified it, which is defined where the formula as written is "
                "not; a minimum must lie inside the domain: start elsewhere, or write f without that part")
    return None


def path_bound(functions: Functions, settings: Settings, trace: list[TraceRow]) -> Bound | None:
    """The stability bound of the largest curvature met along the path (gd and momentum only)."""
    if settings.method == "newton":
        return None
    found = path_curvature(functions, trace)
    if found is None:
        return None
    curvature, point = found
    return Bound(stability(settings.method, curvature, settings.momentum), curvature, point)


def divergence_hint(names, settings: Settings, start: Start, stable: float | None,
                    try_rate: TryRate | None, fell_without_bound: bool = False, along: Bound | None = None) -> str:
    """Why a run diverged (or swung without settling) and, for gd and momentum, a learning rate
    that was tried and works.  ``along`` is the bound of the curvature met along the path, which
    explains a run the curvature of the start does not (f curving downward there)."""
    method, learning_rate, curvature = settings.method, settings.learning_rate, start.curvature
    if method == "newton":
        return (
            "Newton's method can overshoot far from a minimum or where f″ ≤ 0; "
            "start closer to the minimum, use a damped step (--lr below 1) or use --method gd"
        )
    if along is not None and (stable is None or learning_rate < stable) and learning_rate >= along.rate * (1 - 1e-9):
        return overshoot_along_path(settings, along, try_rate)
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
    return text + tried_rates(settings, stable, try_rate, fell_without_bound, TRIAL_ITERATIONS)


def overshoot_along_path(settings: Settings, along: Bound, try_rate: TryRate | None) -> str:
    """The learning rate against the bound of the curvature met along the path, and a rate tried."""
    formula = "2/c" if settings.method == "gd" else "2(1+β)/c"
    words = "c = {} is the largest curvature of f along the path, up to where f began to rise"
    text = rate_against_bound(settings.learning_rate, formula, along.rate, along.curvature, False, words)
    if try_rate is None:
        return text
    return text + tried_rates(settings, along.rate, try_rate, False, TRIAL_ITERATIONS)


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


def _stall_hint(stop: Stop, functions: Functions, settings: Settings, start: Start, stable, final_curvature,
                try_rate: TryRate | None, course: Course) -> str | None:
    """Why a run reached the iteration limit, where that can be told: a learning rate at the
    stability bound, f swinging up and down (the rate against the curvature along the path), a
    rate far below the bound (tiny steps), a corner (the slope jumps) or a flat stretch (the
    slope fades)."""
    curvature, learning_rate, names = start.curvature, settings.learning_rate, functions.names
    # the curvature has faded since the start (x**4 from 2): the bound 2/c of the start says
    # nothing about why the run is slow now
    faded = (curvature is not None and curvature > 0 and final_curvature is not None
             and abs(final_curvature) < curvature / 100)
    if stable is not None and learning_rate >= stable * (1 - 1e-9) and not faded:
        return divergence_hint(names, settings, start, stable, try_rate)
    if stable is not None and learning_rate < stable / 100:
        text = (
            f"the learning rate {learning_rate:g} is far below the stable bound {stable:.3g} of the start; "
            "a larger --lr (or a larger --max-iter) may converge"
        )
        return text + larger_rates(settings, stable, try_rate) if try_rate is not None else text
    if settings.method != "newton":
        corner = _corner_hint(functions, stop.point, learning_rate, stop.gradient_norm, final_curvature)
        if corner:
            return corner
    swinging = _swing_hint(functions, settings, try_rate, course)
    if swinging:
        return swinging
    if faded and _no_minimum_ahead(stop, start, final_curvature):
        return (
            f"f keeps falling ever more slowly: Newton's estimate of the distance to a stationary point, "
            f"|slope|/curvature, is {stop.gradient_norm / final_curvature:.3g} here, no nearer than the "
            f"{start.gradient_norm / curvature:.3g} of the start, so f seems to have no minimum that way "
            "(it tends to a limit, as exp(x) does towards −∞); more iterations would not find one"
        )
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


def _no_minimum_ahead(stop: Stop, start: Start, final_curvature) -> bool:
    """f flattened without closing in on a stationary point: the Newton distance |∇f|/c has not
    shrunk (exp(x): 1 at every x), where near a flat minimum it does (x**4: |x|/3)."""
    if not (final_curvature and final_curvature > 0 and start.curvature and start.gradient_norm > 0):
        return False
    return stop.gradient_norm / final_curvature >= 0.5 * start.gradient_norm / start.curvature


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


def _swing_hint(functions: Functions, settings: Settings, try_rate: TryRate | None, course: Course) -> str | None:
    """f stopped settling and swings up and down: the rate is too large for the curvature met
    along the path (a small enough step always lowers f), and a smaller rate that was tried."""
    if settings.method == "newton":
        return None
    swung = swings(course.trace, course.scales)
    if not swung:
        return None
    rows = len(course.trace) - len(course.trace) // 2 - 1
    text = f"f swings up and down without settling (it rose at {swung} of the last {rows} recorded steps)"
    along = path_bound(functions, settings, course.trace)
    if along is not None and settings.learning_rate >= along.rate * (1 - 1e-9):
        return f"{text}: {overshoot_along_path(settings, along, try_rate)}"
    text += ": the steps are too long for the curvature here"
    if try_rate is None:
        return text
    return text + tried_rates(settings, settings.learning_rate, try_rate, False, TRIAL_ITERATIONS)


def _tolerance_hint(stop: Stop, names, settings: Settings, try_rate: TryRate | None) -> str:
    """A stalled run: --tol asks for a gradient smaller than floating point can reach here."""
    slope = slope_name(names)
    looser = 10.0 ** math.ceil(math.log10(stop.gradient_norm) + 1e-9)
    text = (
        f"--tol bounds {slope} in f's own units, and here {slope} cannot get smaller in floating point "
        f"(the steps no longer change the point); a --tol above {stop.gradient_norm:.3g} accepts it"
    )
    if try_rate is None:
        return text
    trial = try_rate(settings.learning_rate, settings.max_iterations, tolerance=looser)
    if trial.converged:
        return f"{text}: --tol {looser:g} converges in {count(trial.iterations, 'iteration')} (at a minimum)"
    return f"{text}; with --tol {looser:g}: {trial.message}"


def _tiny_step_hint(settings: Settings, stable: float | None, try_rate: TryRate | None) -> str:
    """A stall far from any stationary point: the learning rate is too small to move the point."""
    text = (f"the learning rate {settings.learning_rate:g} is too small to move the point in floating point "
            "while the gradient is still large; a larger --lr")
    if try_rate is None or stable is None:
        return text
    return text + larger_rates(settings, stable, try_rate)


def _thrown_hint(functions: Functions, settings: Settings, start: Start, try_rate: TryRate | None,
                 course: Course) -> str | None:
    """An end where f is flat or lower nearby: a rate that overshot and threw the run there (f
    rose on the way), or a tolerance that is loose in f's own units."""
    if settings.method != "newton" and rose(course.trace, start.value, course.scales.noise):
        along = path_bound(functions, settings, course.trace)
        if along is not None and settings.learning_rate >= along.rate * (1 - 1e-9):
            return ("f rose on the way, so the steps overshot and threw the run here: "
                    + overshoot_along_path(settings, along, try_rate))
        return "f rose on the way, so the steps overshot and threw the run here; try a smaller --lr"
    if course.classification == LOWER_NEARBY:
        slope = slope_name(functions.names)
        return (
            f"the gradient test passed only in absolute terms: --tol bounds {slope} in f's own units, and "
            f"{slope} was at most {course.scales.gradient:.3g} on this path; a smaller --tol lets the descent go on"
        )
    return None
