"""The domain of f as written: a start outside it is refused, a path that leaves it is reported.

sympy simplifies as the formula is built (``sqrt(x)**2`` is x), so the compiled f may be defined
where the formula as typed is not; the parser records the conditions the written parts impose
(see parsing.conditions), and descent checks the start exactly and, after the run, the final
point and the recorded points of the path, so no minimum is claimed outside the domain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from derivcli.descent.results import LEFT_DOMAIN, TraceRow
from derivcli.descent.stopping import Stop
from derivcli.descent.wording import count, point_text
from derivcli.errors import NoAnswerError
from derivcli.parsing import domain_symbols, domain_violation

# The path is checked at no more than this many recorded points (and always at its end).
DOMAIN_SAMPLES = 200


@dataclass
class Domain:
    """The conditions of f as written, the variables descended along, and the values of the
    other symbols the conditions mention (held at their start value)."""

    conditions: tuple
    variables: list
    held: dict = field(default_factory=dict)

    def violation(self, values) -> str | None:
        """Why the point with these values of the variables lies outside the domain, or None."""
        return domain_violation(self.conditions, {**self.held, **dict(zip(self.variables, values))})

    def check_start(self, values) -> None:
        """NoAnswerError with the reason when the start lies outside the domain (``values`` in
        the order of the variables, exact where the user gave exact numbers)."""
        reason = self.violation(values) if self.conditions else None
        if reason is not None:
            raise NoAnswerError(f"the start point is outside the domain of f as written: {reason}",
                                "start the descent inside the domain of f")

    def check_path(self, stop: Stop, trace: list[TraceRow]) -> None:
        """Turn the stop into LEFT_DOMAIN when the end point or a recorded point of the path lies
        outside the domain (the first such point names the reason)."""
        if not self.conditions:
            return
        stride = max(1, math.ceil(len(trace) / DOMAIN_SAMPLES))
        rows = [row for row in trace[::stride] if row.iteration != stop.iterations]
        rows.append(TraceRow(stop.iterations, tuple(stop.point), stop.value, stop.gradient_norm, stop.step))
        for row in rows:
            if not all(math.isfinite(v) for v in row.point):
                continue
            reason = self.violation(row.point)
            if reason is not None:
                names = [str(v) for v in self.variables]
                where = "at the start" if row.iteration == 0 else f"by iteration {row.iteration}"
                stop.reason = LEFT_DOMAIN
                stop.message = (
                    f"the path left the domain of f as written {where} (at {point_text(names, row.point)}), "
                    f"and ended after {count(stop.iterations, 'iteration')}: {reason}"
                )
                return


# On data, the conditions that involve the columns are checked exactly row by row, up to this many rows.
DATA_ROWS = 2000


def data_domain_violation(conditions, weights, point, columns, arrays) -> tuple[str, int | None] | None:
    """(reason, data row or None) when the loss as written is undefined at the weights ``point``
    for some row (only the first DATA_ROWS rows are checked for conditions on the columns)."""
    values = dict(zip(weights, point))
    on_weights, on_rows = split_by_columns(conditions, columns)
    reason = domain_violation(on_weights, values) if on_weights else None
    if reason is not None:
        return reason, None
    if not on_rows:
        return None
    for row in range(min(DATA_ROWS, len(arrays[0]) if arrays else 0)):
        cells = {column: float(array[row]) for column, array in zip(columns, arrays)}
        reason = domain_violation(on_rows, {**values, **cells})
        if reason is not None:
            return reason, row + 1
    return None


def split_by_columns(conditions, columns) -> tuple[list, list]:
    """The conditions on the weights alone, and those that involve a column of the data."""
    columns = set(columns)
    on_rows = [condition for condition in conditions if domain_symbols([condition]) & columns]
    return [condition for condition in conditions if condition not in on_rows], on_rows
