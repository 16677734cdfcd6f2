"""``--expect`` for a gradient, a Jacobian or a Hessian: the answer and the expectation compared
element by element, each by the same equivalence as a single derivative."""

from __future__ import annotations

from dataclasses import dataclass

from ..calculus import compare, compare_values
from ..errors import ExpectationFailed, UsageError


@dataclass
class ElementwiseComparison:
    """The outcome of comparing every element; ``first`` is the first that differs (None: all agree)."""

    expected: list
    equal: bool
    first: object | None = None
    name: str = ""

    def failure(self) -> ExpectationFailed:
        """The error of the first element that differs, named (∂f/∂y, row 2 column 1)."""
        error = self.first.failure()
        return ExpectationFailed(f"{self.name}: {error.message}", hint=error.hint)


def shape(nested) -> tuple:
    """(n,) for a vector, (rows, columns) for a matrix given as lists."""
    if nested and isinstance(nested[0], list):
        return (len(nested), len(nested[0]))
    return (len(nested),)


def compare_elements(actual: list, expected: list, names: list, point: dict | None) -> ElementwiseComparison:
    """Compare ``actual`` with ``expected`` (flat lists of the same length, ``names`` saying which
    element is which): symbolically, or as values at ``point``."""
    if len(actual) != len(expected):
        raise UsageError(f"--expect gives {len(expected)} elements; the answer has {len(actual)}")
    for value, wanted, name in zip(actual, expected, names):
        comparison = compare(value, wanted) if point is None else compare_values(value, wanted, point)
        if not comparison.equal:
            return ElementwiseComparison(expected, False, comparison, name)
    return ElementwiseComparison(expected, True)


def flatten(nested) -> list:
    """The elements of a vector, or of a matrix row by row."""
    if nested and isinstance(nested[0], list):
        return [element for row in nested for element in row]
    return list(nested)


def check_shape(expected, wanted: tuple, what: str) -> None:
    """A usage error when --expect is not shaped like the answer (a vector of 3 for a gradient of 3)."""
    if shape(expected) != wanted:
        given = " × ".join(map(str, shape(expected)))
        needed = " × ".join(map(str, wanted))
        raise UsageError(f"--expect gives a {given} {'matrix' if len(shape(expected)) > 1 else 'vector'}; "
                         f"the {what} is {needed}")



def expect_elements(result, expected) -> None:
    """--expect of a gradient, Hessian or Jacobian: every element of ``result`` (its values at
    its point, if any) against the nested list ``expected``; a failure joins its problems."""
    comparison = compare_elements(result.elements(), flatten(expected), result.names(), result.point)
    result.comparison = comparison
    if not comparison.equal:
        result.problems.append(comparison.failure())
