"""The engine of ``deriv eval``: f and its derivatives at points, exact or decimal.

The values themselves, and the reasons there are none (division by zero, 0/0 with its limit,
not real, a derivative that does not exist at a corner), come from the exact-math base; this
engine gathers them per point, refuses exact values too long to print, and checks ``--expect``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from derivcli.calculus import ExpectedValue, compare_expected, derivative_value_at, value_at
from derivcli.errors import DerivError, NoAnswerError, ResourceLimitError
from derivcli.notation import derivative_name
from derivcli.parsing import domain_violation


MAX_EXACT_BITS = 13_000


def _check_printable(values: list) -> None:
    """Exact values beyond ~4000 digits cannot be shown (nor read back): ask for decimals."""
    for value in values:
        for number in value.atoms(sympy.Rational):
            if max(abs(number.p).bit_length(), number.q.bit_length()) > MAX_EXACT_BITS:
                raise ResourceLimitError(
                    "the exact value has more than 4000 digits", hint="use --numeric for a decimal"
                )


@dataclass
class PointValues:
    """f and its derivatives at one point, or the reason there are none."""

    point: dict
    values: list = field(default_factory=list)
    error: DerivError | None = None


@dataclass
class Evaluation:
    """The answer of ``deriv eval``: values at each point, exact and decimal."""

    expression: sympy.Expr
    variable: sympy.Symbol
    order: int
    points: list
    numeric: bool
    digits: int
    comparisons: list = field(default_factory=list)

    @property
    def problems(self) -> list:
        """The errors to report on stderr; they set the exit status."""
        found = [entry.error for entry in self.points if entry.error is not None]
        found += [comparison.failure() for comparison in self.comparisons if not comparison.equal]
        return found


def evaluate(expression, variable, points, order=0, numeric=False, digits=15,
             expected: ExpectedValue | None = None, domain=()) -> Evaluation:
    """Values of f, f′ … f⁽ᵒʳᵈᵉʳ⁾ at each point; with ``expected``, compare f's values to it
    (exactly, or within the tolerance it carries).

    ``domain`` holds the conditions of the formula as written (parsing.Formula.domain): a point
    outside it has no value, nor derivatives, even where sympy's simplified expression has one."""
    derivatives = [expression]
    for _ in range(order):
        derivatives.append(sympy.diff(derivatives[-1], variable))
    results = []
    comparisons = []
    for point in points:
        entry = PointValues(point)
        try:
            value = value_at(expression, point)  # its reasons first: they say more (0/0 and its limit)
            outside = domain_violation(domain, point)
            if outside is not None:
                raise NoAnswerError(outside)
            entry.values = [value] + [
                derivative_value_at(derivative, point, derivative_name([variable] * order),
                                    derivatives[order - 1])
                for order, derivative in enumerate(derivatives[1:], start=1)
            ]
            if not numeric:
                _check_printable(entry.values)
        except NoAnswerError as error:
            entry.values, entry.error = [], error
        results.append(entry)
        if expected is not None and entry.error is None:
            comparisons.append(compare_expected(entry.values[0], expected, point))
    return Evaluation(expression, variable, order, results, numeric, digits, comparisons)
