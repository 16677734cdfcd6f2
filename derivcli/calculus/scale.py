"""The scale of a quantity near a point, for zero tests that do not depend on units.

At a point known only approximately (a root found by a numeric search), f′ is never exactly 0,
and whether f″ "is 0" cannot be read off its digits alone.  Whether such a value counts as zero
depends on how large the same quantity is nearby: f and 10¹²·f must get the same verdict, and
so must f and f + 7.  The scale of a derivative is therefore taken from the derivative itself,
sampled around the point, never from a fixed epsilon.
"""

from __future__ import annotations

import mpmath
import sympy

from .branches import real_branch

RELATIVE_ZERO = 1e-8  # a value this small against its scale counts as zero at an approximate point
_OFFSETS = (-1.0, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 1.0)  # in units of the radius
_DIGITS = 30


def local_scale(expressions, variables, point: dict, radius: float | None = None) -> float | None:
    """The largest |value| the expressions take at the point and at a few points around it (each
    coordinate moved alone, up to ``radius``, by default a hundredth of the point's size but at least
    0.01); None when none of them has a finite real value there, or all are 0."""
    variables = list(variables)
    centre = [float(sympy.N(point[variable], 20)) for variable in variables]
    radius = radius or max(0.01, 0.01 * max(abs(value) for value in centre))
    functions = [sympy.lambdify(variables, real_branch(item), modules="mpmath") for item in expressions]
    largest = mpmath.mpf(0)
    with mpmath.workdps(_DIGITS):
        for probe in _probes(centre, radius):
            for function in functions:
                value = _real(function, probe)
                if value is not None:
                    largest = max(largest, abs(value))
    return float(largest) if largest > 0 else None


def negligible(value, scale: float | None) -> bool:
    """Whether a value at an approximate point counts as zero against the quantity's scale."""
    number = _float(value)
    if number is None:
        return False
    if scale is None:
        return number == 0
    return abs(number) <= RELATIVE_ZERO * scale


def tolerance_for(scale: float | None) -> float | None:
    """The absolute tolerance (for calculus.sign_of) that RELATIVE_ZERO means at this scale."""
    return None if scale is None else RELATIVE_ZERO * scale


def _probes(centre, radius):
    yield centre
    for index in range(len(centre)):
        for offset in _OFFSETS:
            moved = list(centre)
            moved[index] += offset * radius
            yield moved


def _real(function, probe):
    try:
        value = function(*[mpmath.mpf(item) for item in probe])
    except (ValueError, TypeError, ArithmeticError):  # ZeroDivisionError and OverflowError included
        return None
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > mpmath.mpf(10) ** -20 * max(1, abs(value.real)):
            return None
        value = value.real
    if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value):
        return None
    return value


def _float(value) -> float | None:
    try:
        number = complex(sympy.sympify(value, strict=True).evalf(20))
    except (TypeError, ValueError):
        return None
    return None if number.imag else number.real
