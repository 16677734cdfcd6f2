"""Before the first step: the settings checked, the start point read, f looked at where it starts.

A run that cannot start says why in the user's terms: a setting out of range, a start value that
is not a finite real number, f undefined at the start (with deriv eval's exact reason where one
can be had), or a Newton step that does not exist there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import sympy

from derivcli.calculus import is_positive_definite, solve_linear, symmetric_eigen, value_at
from derivcli.descent.compiling import Functions
from derivcli.descent.results import METHODS
from derivcli.descent.wording import point_text
from derivcli.errors import NoAnswerError, UsageError


class Settings(NamedTuple):
    """The checked settings of one run (momentum is 0 for the methods without one)."""

    method: str
    learning_rate: float
    momentum: float
    max_iterations: int
    tolerance: float
    every: int


def read_settings(method, learning_rate, momentum, max_iterations, tolerance, every) -> Settings:
    """The settings checked (UsageError naming the bad one), with the default learning rate:
    0.1 for gd and momentum, 1 (the full Newton step) for newton."""
    if learning_rate is None:
        learning_rate = 1.0 if method == "newton" else 0.1
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}", "use one of: " + ", ".join(METHODS))
    if not (isinstance(learning_rate, (int, float)) and math.isfinite(learning_rate) and learning_rate > 0):
        raise UsageError(f"the learning rate must be a positive number, not {learning_rate}")
    if not (isinstance(momentum, (int, float)) and 0 <= momentum < 1):
        raise UsageError(f"the momentum must be at least 0 and below 1, not {momentum}")
    if not isinstance(max_iterations, int) or max_iterations < 1:
        raise UsageError(f"the maximum number of iterations must be at least 1, not {max_iterations}")
    if not (isinstance(tolerance, (int, float)) and tolerance >= 0 and math.isfinite(tolerance)):
        raise UsageError(f"the tolerance must be a finite number of at least 0, not {tolerance}")
    if not isinstance(every, int) or every < 1:
        raise UsageError(f"--every must be at least 1, not {every}")
    momentum = float(momentum) if method == "momentum" else 0.0
    return Settings(method, float(learning_rate), momentum, max_iterations, tolerance, every)


def check_variables(expr: sympy.Expr, variables) -> list:
    """The variables as a list: at least one, none twice, and every free symbol of f among them."""
    variables = list(variables)
    if not variables:
        raise UsageError("there is no variable to descend along")
    if len(set(variables)) != len(variables):
        raise UsageError("a variable is listed twice")
    extra = sorted(str(s) for s in expr.free_symbols - set(variables))
    if extra:
        raise UsageError(
            "f also depends on " + ", ".join(extra),
            "list every variable to descend along, or give the others a value",
        )
    return variables


def _start_values(start, variables) -> list:
    """The start values in the order of the variables, from a mapping or a sequence."""
    if isinstance(start, Mapping):
        missing = [str(v) for v in variables if v not in start]
        if missing:
            raise UsageError("the start point gives no value for " + ", ".join(missing))
        return [start[v] for v in variables]
    values = list(start)
    if len(values) != len(variables):
        raise UsageError(f"the start point has {len(values)} coordinates for {len(variables)} variables")
    return values


def start_point(start, variables) -> tuple[float, ...]:
    """The start as a tuple of finite floats (UsageError naming a value that is not one)."""
    point = []
    for variable, value in zip(variables, _start_values(start, variables)):
        try:
            number = complex(value)
        except (TypeError, ValueError):
            raise UsageError(f"the start value of {variable} is not a number: {value}") from None
        if number.imag != 0 or not math.isfinite(number.real):
            raise UsageError(f"the start value of {variable} must be a finite real number, not {value}")
        point.append(float(number.real))
    return tuple(point)


def check_defined_at_start(functions: Functions, point, start) -> None:
    """NoAnswerError when f or its gradient is undefined, not real or infinite at the start.

    The reason comes from an exact evaluation where one is possible ("log(x) is not real at
    x = -1: the logarithm of a negative number"), else from the numeric failure.
    """
    problem = functions.undefined_part(point)
    if problem is None:
        return
    index, reason = problem
    names = functions.names
    message = f"{reason} at the start point {point_text(names, point)}"
    part = functions.expression if index == 0 else functions.compiled.original_gradient()[index - 1]
    exact = _exact_reason(part, functions.variables, start)
    if exact:
        label = "f" if index == 0 else f"∂f/∂{names[index - 1]}"
        message = f"{label} has no value at the start point: {exact}"
    raise NoAnswerError(message, "start the descent where f and its gradient are defined, real and finite")


def _exact_reason(expr, variables, start) -> str | None:
    """Why ``expr`` has no exact real value at the start (deriv eval's words), or None."""
    values = [start[v] for v in variables] if isinstance(start, Mapping) else list(start)
    exact = {
        v: value if isinstance(value, sympy.Basic) else sympy.Float(float(value))
        for v, value in zip(variables, values)
    }
    try:
        value_at(expr, exact)
    except NoAnswerError as error:
        return error.message
    except Exception:  # no exact reason to be had; the numeric one stands
        return None
    return None


class Start(NamedTuple):
    """f at the start: its value, gradient and Hessian, the largest and smallest curvature
    (None without a Hessian), and warnings about the start."""

    point: tuple[float, ...]
    value: float
    gradient: list[float]
    gradient_norm: float
    hessian: list | None
    curvature: float | None
    lowest_curvature: float | None
    warnings: list[str]


def look_at_start(functions: Functions, point, settings: Settings) -> Start:
    """f, ∇f and the curvature at the start; for Newton, a step that exists (else NoAnswerError)."""
    value, *gradient = functions.value_and_gradient(*point)
    gradient_norm = math.hypot(*gradient)
    hessian = functions.hessian_at(point)
    curvature = lowest_curvature = None
    if hessian is not None:
        eigenvalues = symmetric_eigen(hessian)[0]
        curvature, lowest_curvature = eigenvalues[-1], eigenvalues[0]
    warnings: list[str] = []
    if settings.method == "newton":
        _check_newton_start(functions.names, point, hessian, gradient, gradient_norm, settings.tolerance, warnings)
    return Start(point, value, gradient, gradient_norm, hessian, curvature, lowest_curvature, warnings)


def _check_newton_start(names, point, hessian, gradient, gradient_norm, tolerance, warnings) -> None:
    """NoAnswerError without a Hessian or with a singular one; a warning where H ≤ 0."""
    if hessian is None:
        raise NoAnswerError(f"the Hessian of f is undefined at the start point {point_text(names, point)}")
    if solve_linear(hessian, gradient) is None and gradient_norm >= tolerance:
        raise NoAnswerError(
            f"the Hessian of f is singular at the start point {point_text(names, point)}, so there is no Newton step",
            "start elsewhere, or use --method gd",
        )
    if not is_positive_definite(hessian):
        what = "f″ ≤ 0" if len(names) == 1 else "the Hessian is not positive definite"
        warnings.append(
            f"{what} at the start: Newton's method then heads for a maximum or a saddle point, not a minimum"
        )
