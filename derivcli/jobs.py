"""The work each command sends through the guard: parse the request's text, run the engine.

Everything here runs inside the guarded worker, so parsing (which may build large numbers) is
limited like the mathematics. Requests and results are plain picklable dataclasses; each job is a
top-level function of one request. Every request has ``expression`` (``-`` reads stdin lines) and,
where the command checks answers, ``expect``.
"""

from __future__ import annotations

from dataclasses import dataclass

from derivcli import evaluation
from derivcli.parsing import choose_variables, parse_expression, parse_point, parse_value, sorted_symbols


@dataclass
class EvaluationRequest:
    """``deriv eval``: values of f and its derivatives at points."""

    expression: str
    points: tuple = ()
    wrt: str | None = None
    order: int = 0
    numeric: bool = False
    digits: int = 15
    expect: str | None = None


def evaluate(request: EvaluationRequest) -> evaluation.Evaluation:
    expression = parse_expression(request.expression)
    variable = choose_variables(expression, [request.wrt] if request.wrt else ())[0]
    variables = sorted_symbols(expression.free_symbols | {variable})
    if request.order == 0:
        variables = sorted_symbols(expression.free_symbols) or [variable]
    points = [parse_point(text, variables) for text in request.points]
    expected = parse_value(request.expect) if request.expect else None
    return evaluation.evaluate(
        expression, variable, points, request.order, request.numeric, request.digits, expected
    )
