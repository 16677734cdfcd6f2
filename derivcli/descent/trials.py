"""Trial runs behind a suggestion: a learning rate (or tolerance) is named only once it was tried.

Each candidate is rounded to the three digits the hint prints before it is tried, so the rate a
person copies from the hint is exactly the rate that was seen to converge.
"""

from __future__ import annotations

from collections.abc import Callable

from derivcli.descent.results import MAX_ITERATIONS, DescentResult
from derivcli.descent.start import Settings
from derivcli.descent.wording import count

# Iterations of each trial run behind a "--lr ... converges" suggestion.
TRIAL_ITERATIONS = 20_000
# How many candidates one search tries.
TRIALS = 6

# try_rate(learning_rate, max_iterations): the same descent again with another rate, no hints.
TryRate = Callable[[float, int], DescentResult]


def printed(value: float) -> float:
    """The value as the hint prints it (three significant digits)."""
    return float(f"{value:.3g}")


def converges(rate: float, trial: DescentResult, settings: Settings) -> str:
    """``--lr 0.5 converges in 3 iterations``, naming the --max-iter it needs beyond the user's."""
    more = f" --max-iter {trial.iterations}" if trial.iterations > settings.max_iterations else ""
    return f"--lr {rate:g}{more} converges in {count(trial.iterations, 'iteration')}"


def tried_rates(settings: Settings, bound: float, try_rate: TryRate, fell_without_bound: bool,
                budget: int | None = None) -> str:
    """Try smaller rates, from below the bound down, and name one that was seen to converge, or at
    least not to diverge.  ``budget`` is the iterations of each trial (default: the run's own,
    at most TRIAL_ITERATIONS)."""
    budget = budget or min(settings.max_iterations, TRIAL_ITERATIONS)
    candidate = min(bound / 2, settings.learning_rate / 2)
    steady = None
    for _ in range(TRIALS):
        rate = printed(candidate)
        trial = try_rate(rate, budget)
        if trial.converged:
            return ": " + converges(rate, trial, settings)
        if trial.reason == MAX_ITERATIONS and steady is None and trial.gradient_norm < trial.trace[0].gradient_norm:
            steady = rate  # not converged yet, but heading downhill with a shrinking gradient
        candidate /= 4
    # Where f is known to fall without bound, a slower run that has not got there yet proves nothing.
    if steady is not None and not fell_without_bound:
        return f": --lr {steady:g} does not diverge (it had not converged after {budget} iterations)"
    return "; no smaller learning rate that was tried converged either"


def larger_rates(settings: Settings, bound: float, try_rate: TryRate) -> str:
    """Try larger rates: half the stable bound of the start first (right for a quadratic), then
    ten, a hundred, ... times the rate, staying below that; name the first that converges."""
    learning_rate = settings.learning_rate
    candidates = [bound / 2] + [learning_rate * 10 ** k for k in range(1, TRIALS) if learning_rate * 10 ** k < bound / 2]
    for candidate in candidates:
        rate = printed(candidate)
        trial = try_rate(rate, TRIAL_ITERATIONS)
        if trial.converged:
            return ": " + converges(rate, trial, settings)
    return "; no larger learning rate that was tried converged"
