"""Show the values of ``deriv eval``: a table on a terminal, one line a point in a pipe."""

from __future__ import annotations

import sympy

from derivcli.evaluation import Evaluation
from derivcli.parsing import format_point
from derivcli.notation import derivative_name
from derivcli.render.mathtext import numeric_text, unicode_math


def _column_name(order: int, variable: str, variables: list[str]) -> str:
    """f(x), f′(x), f″(x) … for one variable; f, ∂f/∂y, ∂²f/∂y² … for several."""
    if order == 0:
        return f"f({', '.join(variables)})"
    name = derivative_name([variable] * order, partial=len(variables) > 1)
    return name if len(variables) > 1 else f"{name}({variable})"


def _shown(value, result: Evaluation) -> str:
    return numeric_text(value, result.digits) if result.numeric else sympy.sstr(value)


def plain(result: Evaluation, output) -> list[str]:
    """One line a point: the value, then the derivatives, separated by tabs."""
    return [
        "\t".join(_shown(value, result) for value in entry.values)
        for entry in result.points
        if entry.error is None
    ]


def to_json(result: Evaluation, output) -> dict:
    """The body of eval's deriv/1 record: each point and value with its numeric twin; ``wrt`` is
    the variable of the derivatives."""
    from derivcli.render.records import point_fields, value_fields  # lazy: only --json builds records

    points = []
    for entry in result.points:
        record = point_fields(entry.point)
        if entry.error is not None:
            record.update(value_fields(None), derivatives=[], error=entry.error.message)
        else:
            record.update(
                value_fields(entry.values[0]),
                derivatives=[{"order": order, **value_fields(value)}
                             for order, value in enumerate(entry.values[1:], start=1)],
                error=None,
            )
        points.append(record)
    expectations = [
        {**point_fields(comparison.at), "expected": comparison.written or sympy.sstr(comparison.expected),
         "actual": sympy.sstr(comparison.actual), "equal": comparison.equal,
         "tolerance": None if comparison.tolerance is None else float(comparison.tolerance)}
        for comparison in result.comparisons
    ]
    first = result.points[0].point if result.points else {}
    return {
        "expression": sympy.sstr(result.expression),
        "variables": [str(variable) for variable in first] or [str(result.variable)],
        "wrt": str(result.variable),
        "order": result.order,
        "exact": not result.numeric,
        "digits": result.digits,
        "points": points,
        "expect": expectations or None,
    }


def latex(result: Evaluation, output) -> str:
    lines = []
    for entry in result.points:
        if entry.error is not None:
            continue
        where = ", ".join(f"{sympy.latex(v)}={sympy.latex(value)}" for v, value in entry.point.items())
        for order, value in enumerate(entry.values):
            function = sympy.latex(result.expression) if order == 0 else (
                rf"\frac{{d^{{{order}}}}}{{d{sympy.latex(result.variable)}^{{{order}}}}}"
                rf"\left({sympy.latex(result.expression)}\right)"
                if order > 1 else
                rf"\frac{{d}}{{d{sympy.latex(result.variable)}}}\left({sympy.latex(result.expression)}\right)"
            )
            shown = numeric_text(value, result.digits) if result.numeric else sympy.latex(value)
            lines.append(rf"\left. {function} \right|_{{{where}}} = {shown}")
    return "\n".join(lines)


def rich(result: Evaluation, output):
    """A sheet: the point, then each value exact and as a decimal (every requested digit shown)."""
    from rich.console import Group
    from rich.text import Text

    from derivcli.render.layout import PROSE, Column, Sheet  # lazy: rich only for a terminal

    variable = unicode_math(result.variable)
    first = result.points[0].point if result.points else {}
    variables = [unicode_math(symbol) for symbol in first] or [variable]
    title = Text.assemble((f"f({', '.join(variables)}) = ", "bold"), unicode_math(result.expression))
    columns = [Column("point", style="cyan"), Column("", style="bold"),
               Column("exact", kind=PROSE, justify="right"), Column("≈", justify="right", style="dim")]
    rows = []
    for entry in result.points:
        point = ", ".join(f"{unicode_math(v)} = {unicode_math(value)}" for v, value in entry.point.items())
        if entry.error is not None:
            rows.append([point, "", Text(entry.error.message, style="red"), ""])
            continue
        for order, value in enumerate(entry.values):
            rows.append([point if order == 0 else "", _column_name(order, variable, variables),
                         unicode_math(value), numeric_text(value, result.digits)])
    parts = [title, Sheet.of(columns, rows, heading=(0, 1))]
    for comparison in result.comparisons:
        mark = Text("✓ as expected", style="green") if comparison.equal else Text(
            f"✗ expected {unicode_math(comparison.expected)}", style="bold red"
        )
        parts.append(Text.assemble(f"at {format_point(comparison.at)}: ", mark))
    return Group(*parts)
