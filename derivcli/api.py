"""The Python API: deriv's commands as functions, for notebooks and tests.

``import derivcli`` makes these available lazily (``derivcli.derivative`` loads this module,
and sympy, only when first used). Each function takes text, as the command line does, reads it
with deriv's own parser (never ``sympify``), runs the command's job and returns the same result
object the command renders: a failed ``expect`` is listed in ``result.problems``, and a failure
with no answer raises the :class:`derivcli.errors.DerivError` the command would report (its
``status`` is the exit status). With ``guarded=True`` the work runs in a separate process under
the guard's time and memory limits, as on the command line; by default it runs in the caller's
process, which a hostile formula could keep busy.
"""

from __future__ import annotations

from derivcli import jobs
from derivcli.guard import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Guard

__all__ = ["derivative", "evaluate", "critical_points", "classify", "descend"]


def _run(job, request, guarded: bool, timeout: float, memory: int):
    if not guarded:
        return job(request)
    with Guard(timeout, memory) as guard:
        return guard.run(job, request)


def _point_text(point) -> str | None:
    """A point as deriv reads it: text (``"x=1,y=2"``), a number, or a mapping of names to values."""
    if point is None or isinstance(point, str):
        return point
    if isinstance(point, dict):
        return ",".join(f"{name}={value}" for name, value in point.items())
    return str(point)


def _names(wrt) -> tuple:
    if wrt is None:
        return ()
    return (wrt,) if isinstance(wrt, str) else tuple(wrt)


def derivative(expression, wrt=(), order: int = 1, at=None, expect=None, simplify: bool = True,
               strict: bool = False, guarded: bool = False, timeout: float = DEFAULT_TIMEOUT,
               memory: int = DEFAULT_MEMORY_MB):
    """``deriv diff``: the derivative rule by rule (``result.derivation.result``, the tree in
    ``result.derivation.trees``), and its value at ``at`` (``result.value``).

    ``wrt`` is a variable or a sequence of them (mixed partials, in order).
    """
    request = jobs.DifferentiationRequest(str(expression), _names(wrt), order, _point_text(at),
                                          None if expect is None else str(expect), strict, simplify)
    return _run(jobs.differentiate, request, guarded, timeout, memory)


def evaluate(expression, at, wrt=None, order: int = 0, numeric: bool = False, digits: int = 15, expect=None,
             tolerance: float | None = None, guarded: bool = False, timeout: float = DEFAULT_TIMEOUT,
             memory: int = DEFAULT_MEMORY_MB):
    """``deriv eval``: f (and f′ … up to ``order``) at a point or a list of points; each entry of
    ``result.points`` has ``point``, ``values`` (exact) or ``error``."""
    points = at if isinstance(at, (list, tuple)) else [at]
    request = jobs.EvaluationRequest(str(expression), tuple(_point_text(point) for point in points), wrt, order,
                                     numeric, digits, None if expect is None else str(expect), tolerance)
    return _run(jobs.evaluate, request, guarded, timeout, memory)


def critical_points(expression, wrt=(), interval: str | None = None, expect=None, guarded: bool = False,
                    timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY_MB):
    """``deriv critical``: ``result.points`` (each with ``as_dict()``) and ``result.families``;
    ``interval`` is ``"A:B"``. The symbolic solvers get a share of ``timeout``."""
    request = jobs.CriticalRequest(str(expression), _names(wrt), interval, timeout, False, expect)
    return _run(jobs.find_critical_points, request, guarded, timeout, memory)


def classify(expression, at=None, wrt=(), interval: str | None = None, inflections: bool = False, expect=None,
             guarded: bool = False, timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY_MB):
    """``deriv classify``: ``result.classifications``, each with ``point``, ``kind`` (minimum,
    maximum, saddle, inflection, not_critical, inconclusive) and the ``test`` that decided."""
    request = jobs.ClassifyRequest(str(expression), _point_text(at), _names(wrt), interval, inflections, timeout,
                                   False, expect)
    return _run(jobs.classify_points, request, guarded, timeout, memory)


def descend(expression, start, wrt=(), learning_rate: float | None = None, max_iterations: int = 1000,
            tolerance: float = 1e-10, method: str = "gd", momentum: float = 0.9, every: int | None = None,
            expect=None, guarded: bool = False, timeout: float = DEFAULT_TIMEOUT, memory: int = DEFAULT_MEMORY_MB):
    """``deriv descend``: gradient descent (``method`` gd, momentum or newton) from ``start``;
    ``result.point``, ``result.converged``, ``result.reason`` and the ``trace``."""
    rates = () if learning_rate is None else (learning_rate,)
    request = jobs.DescentRequest(str(expression), _point_text(start), _names(wrt), rates, max_iterations,
                                  tolerance, (method,), momentum, every, False, timeout,
                                  None if expect is None else _point_text(expect))
    return _run(jobs.descend, request, guarded, timeout, memory)
