"""What a Hessian at a point says: its eigenvalues and how f curves there.

The signs of the eigenvalues decide the shape (all positive: positive definite, f curves up in
every direction). They are counted exactly where the signs of the characteristic polynomial's
coefficients can be decided (a real symmetric matrix has only real eigenvalues, so Descartes'
rule of signs counts the positive ones exactly); otherwise from the computed eigenvalues against
the matrix's own scale, and then the answer says it was decided numerically.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..calculus import sign_of, symmetric_eigen, to_float
from ..guard import run_with_budget

EXACT_SECONDS = 2.0
EXACT_SIZE = 3          # exact eigenvalues are tried up to 3 × 3
EXACT_OPERATIONS = 40   # and kept only when this short
RELATIVE_ZERO = 1e-12   # a computed eigenvalue this small against the largest counts as zero

MEANINGS = {
    "positive definite": "f curves up in every direction",
    "negative definite": "f curves down in every direction",
    "indefinite": "f curves up in some directions and down in others (a saddle shape)",
    "positive semidefinite": "f curves up or is flat to second order: flat along some direction",
    "negative semidefinite": "f curves down or is flat to second order: flat along some direction",
    "zero": "f has no curvature to second order here",
}


@dataclass
class Curvature:
    """Eigenvalues (ascending; exact when ``exact``, else floats), the counts of positive,
    negative and zero ones, the definiteness, and whether the signs were decided exactly."""

    eigenvalues: list
    exact: bool
    positive: int
    negative: int
    zero: int
    definiteness: str
    signs_exact: bool

    @property
    def meaning(self) -> str:
        return MEANINGS[self.definiteness]


def curvature(values: list[list]) -> Curvature | None:
    """The eigenvalues and definiteness of a symmetric matrix of exact constants (None when the
    values are not all finite reals)."""
    numbers = [[to_float(value) for value in row] for row in values]
    if any(number is None for row in numbers for number in row):
        return None
    computed, _ = symmetric_eigen(numbers)
    counts = _exact_counts(values)
    signs_exact = counts is not None
    if counts is None:
        scale = max((abs(value) for value in computed), default=0.0)
        zero = sum(1 for value in computed if abs(value) <= RELATIVE_ZERO * scale)
        positive = sum(1 for value in computed if value > RELATIVE_ZERO * scale)
        counts = (positive, len(computed) - positive - zero, zero)
    exact_values = _exact_eigenvalues(values)
    eigenvalues = exact_values if exact_values is not None else computed
    return Curvature(eigenvalues, exact_values is not None, *counts, _definiteness(*counts), signs_exact)


def _definiteness(positive: int, negative: int, zero: int) -> str:
    if positive and negative:
        return "indefinite"
    if not positive and not negative:
        return "zero"
    if zero:
        return "positive semidefinite" if positive else "negative semidefinite"
    return "positive definite" if positive else "negative definite"


def _exact_counts(values) -> tuple[int, int, int] | None:
    """(positive, negative, zero) eigenvalues from the characteristic polynomial's signs, or None."""
    variable = sympy.Dummy("lambda")
    finished, polynomial = _attempt(lambda: sympy.Matrix(values).charpoly(variable).all_coeffs())
    if not finished or polynomial is None:
        return None
    signs = [sign_of(coefficient) for coefficient in polynomial]
    if any(sign is None for sign in signs):
        return None
    zero = 0
    while signs and signs[-1] == 0:
        signs.pop()
        zero += 1
    nonzero = [sign for sign in signs if sign != 0]
    positive = sum(1 for first, second in zip(nonzero, nonzero[1:]) if first != second)
    return positive, len(values) - positive - zero, zero


def _exact_eigenvalues(values) -> list | None:
    """The eigenvalues in closed form, ascending, for small matrices with short ones; else None."""
    if len(values) > EXACT_SIZE:
        return None
    finished, found = _attempt(lambda: sympy.Matrix(values).eigenvals(multiple=True))
    if not finished or not found or len(found) != len(values):
        return None
    if any(value.has(sympy.CRootOf, sympy.I) or sympy.count_ops(value) > EXACT_OPERATIONS for value in found):
        return None
    ordered = sorted(found, key=lambda value: to_float(value) if to_float(value) is not None else 0.0)
    return ordered


def _attempt(function):
    try:
        return run_with_budget(function, EXACT_SECONDS)
    except Exception:  # sympy's linear algebra fails on odd constants: then it is decided numerically
        return False, None
