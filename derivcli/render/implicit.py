"""Show an implicit derivative of `deriv diff` (derivcli.derivation.ImplicitDerivative).

On a terminal, the course's working: both sides differentiated with y as y(x) (written y, with
dy/dx where the chain rule brings it in), the dy/dx terms collected, the equation solved, and the
answer checked against −F_x/F_y; at a point, the slope of the curve and its tangent. In a pipe, the
answer alone; JSON keeps y(x) and Derivative(y(x), x), which sympy reads back.
"""

from __future__ import annotations

import dataclasses

import sympy

from derivcli.derivation import ImplicitDerivative, Step
from derivcli.render import tangent as tangent_view
from derivcli.render.derivation import _math, _plain_tree, _tree, step_record
from derivcli.render.mathtext import numeric_text, unicode_math
from derivcli.render.records import point_fields, value_fields

_SIDES = ("left side", "right side")


class _Slope(sympy.Symbol):
    """dy/dx written as one symbol, named so that it sorts after the letters: 2·y·dy/dx."""

    def _sympystr(self, printer):
        return self.name[1:]

    def _latex(self, printer):
        dependent, independent = self.name[2:].split("/d")
        return rf"\frac{{d{dependent}}}{{d{independent}}}"


def _slope_symbol(result: ImplicitDerivative) -> sympy.Symbol:
    return _Slope(f"~d{result.dependent}/d{result.independent}", real=True)


def written(result: ImplicitDerivative, expression):
    """``expression`` as a course writes it: y for y(x), the symbol dy/dx for its derivative."""
    derivative = sympy.Derivative(result.function, result.independent)
    return expression.xreplace({derivative: _slope_symbol(result)}).xreplace({result.function: result.dependent})


def written_tree(step: Step, result: ImplicitDerivative, role: str | None = None) -> Step:
    """A copy of the tree with y for y(x) and dy/dx for its derivative (built without recursion)."""

    def show(expression):
        return written(result, expression)

    def copy(node):
        return dataclasses.replace(
            node, expression=show(node.expression), result=show(node.result), substeps=[],
            parameters={key: show(value) for key, value in node.parameters.items()},
            inner=show(node.inner) if node.inner is not None else None)

    top = copy(step)
    top.role = role or step.role
    pending = [(step, top)]
    while pending:
        original, made = pending.pop()
        for child in original.substeps:
            twin = copy(child)
            made.substeps.append(twin)
            pending.append((child, twin))
    return top


def _equation(result: ImplicitDerivative, show=sympy.sstr) -> str:
    return f"{show(result.left)} = {show(result.right)}"


# --- plain ------------------------------------------------------------------------------------


def _working_lines(result: ImplicitDerivative) -> list[str]:
    lines = []
    for tree, role in zip(result.sides, _SIDES):
        lines += _plain_tree(written_tree(tree, result, role))
    slope = sympy.sstr(_slope_symbol(result))
    lines.append(f"collect the {slope} terms: ({sympy.sstr(result.coefficient)})*{slope} = {sympy.sstr(result.rest)}")
    lines.append(f"solve: {slope} = {sympy.sstr(result.solved.expression)}")
    lines += _plain_tree(result.solved)
    for tree in result.again:
        lines += _plain_tree(written_tree(tree, result))
    return lines


def plain(result: ImplicitDerivative, output) -> list[str]:
    """The derivative (its value with --at, the tangent with --tangent); --steps adds the working."""
    for note in result.notes:
        output.warn("note: " + note)
    lines = _working_lines(result) if output.show_steps else []
    if result.tangent is not None and result.tangent.asked:
        return lines + [tangent_view.plain_line(result.tangent)]
    return lines + [sympy.sstr(result.value if result.point is not None else result.result)]


# --- json -------------------------------------------------------------------------------------


def to_json(result: ImplicitDerivative, output) -> dict:
    shown = output.steps is not False
    steps = None
    if shown:
        steps = {
            "left": step_record(result.sides[0]), "right": step_record(result.sides[1]),
            "collected": {"coefficient": sympy.sstr(result.coefficient), "rest": sympy.sstr(result.rest)},
            "solved": step_record(result.solved),
            "again": [step_record(tree) for tree in result.again],
        }
    record = {
        "equation": {"left": sympy.sstr(result.left), "right": sympy.sstr(result.right)},
        "dependent": str(result.dependent), "independent": str(result.independent),
        "order": result.order, "derivative": sympy.sstr(result.result), "latex": sympy.latex(result.result),
        "first": sympy.sstr(result.first),
        "steps": steps,
        "checked": {"agrees": result.check.agrees, "method": result.check.method,
                    "against": "-F_x/F_y" if result.order == 1 else "the formula in F_x, F_y, F_xx, F_xy, F_yy"},
        **point_fields(result.point),
        **value_fields(result.value),
        "tangent": tangent_view.record(result.tangent),
        "expect": None,
        "notes": result.notes,
    }
    if result.comparison is not None:
        record["expect"] = {"expected": sympy.sstr(result.comparison.expected), "equal": bool(result.comparison.equal)}
    return record


# --- latex ------------------------------------------------------------------------------------


def _latex_name(result: ImplicitDerivative, order: int | None = None) -> str:
    order = result.order if order is None else order
    power = "" if order == 1 else f"^{{{order}}}"
    return rf"\frac{{d{power}{result.dependent}}}{{d{result.independent}{power}}}"


def latex(result: ImplicitDerivative, output) -> str:
    """The derivative; with --steps the working as aligned lines (both sides, collect, solve)."""
    def show(expression):
        return sympy.latex(written(result, expression))

    if result.tangent is not None and result.tangent.asked:
        return tangent_view.latex_line(result.tangent)
    answer = rf"{_latex_name(result)} = {show(result.result)}"
    if result.point is not None:
        where = ", ".join(f"{sympy.latex(k)}={sympy.latex(v)}" for k, v in result.point.items())
        answer = rf"\left. {_latex_name(result)} \right|_{{{where}}} = {sympy.latex(result.value)}"
    if not output.show_steps:
        return answer
    lines = [rf"\frac{{d}}{{d{result.independent}}}\left({show(tree.expression)}\right) &= {show(tree.result)} "
             rf"&& \text{{{role}}}" for tree, role in zip(result.sides, _SIDES)]
    lines.append(rf"\left({show(result.coefficient)}\right) {_latex_name(result, 1)} &= {show(result.rest)} "
                 r"&& \text{collect}")
    lines.append(rf"{_latex_name(result, 1)} &= {show(result.first)} && \text{{solve}}")
    for order, tree in enumerate(result.again, start=2):
        lines.append(rf"{_latex_name(result, order)} &= {show(tree.substeps[-1].result)} "
                     r"&& \text{differentiate again}")
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


# --- rich -------------------------------------------------------------------------------------


def _working(result: ImplicitDerivative, width: int) -> list:
    from rich.text import Text  # lazy: rich only for a terminal
    from rich.tree import Tree

    y, x = result.dependent, result.independent
    slope = unicode_math(_slope_symbol(result))
    root = Tree(Text(f"d/d{x} of both sides of {_equation(result, _math)}, with {y} a function of {x}",
                     style="bold"), guide_style="dim")
    for tree, role in zip(result.sides, _SIDES):
        root.children.append(_tree(written_tree(tree, result, role), width))
    parts = [root]
    parts.append(Text(f"collect the {slope} terms:  ({_math(result.coefficient)})·{slope} = {_math(result.rest)}"))
    parts.append(Text(f"solve:  {slope} = {_math(result.solved.expression)}"
                      + (f"  →  {_math(result.first)}" if result.first != result.solved.expression else "")))
    for order, tree in enumerate(result.again, start=2):
        parts.append(Text(f"{result.name(order)}: d/d{x} of {result.name(order - 1)} with {y} = {y}({x}), "
                          f"then {slope} = {_math(result.first)} put back", style="bold"))
        parts.append(_tree(written_tree(tree, result), width))
    return parts


def _point_lines(result: ImplicitDerivative) -> list:
    from rich.text import Text  # lazy: rich only for a terminal

    where = ", ".join(f"{k} = {unicode_math(v)}" for k, v in result.point.items())
    exact, approximate = unicode_math(result.value), numeric_text(result.value, 6)
    shown = exact if exact == approximate or result.value.is_Integer else f"{exact} ≈ {approximate}"
    if result.order == 1:
        flat = " (the curve is flat there)" if result.value == 0 else ""
        lines = [Text(f"at {where} the slope of the curve is {result.name()} = {shown}{flat}")]
    else:
        lines = [Text(f"at {where}: {result.name()} = {shown}")]
    return lines + tangent_view.rich_lines(result.tangent)


def rich(result: ImplicitDerivative, output):
    from rich.console import Group  # lazy: rich only for a terminal
    from rich.text import Text

    width = output.environment.console().width
    parts = _working(result, width) if output.show_steps else []
    answer = Text()
    answer.append(f"{result.name()} = {_math(result.result)}", style="bold")
    against = "−F_x/F_y" if result.order == 1 else "the formula in F's partial derivatives"
    if result.check.agrees:
        answer.append(f"   ✓ agrees with {against}", style="green")
    else:
        answer.append(f"   ? not confirmed against {against}", style="yellow")
    parts.append(answer)
    if result.point is not None:
        parts += _point_lines(result)
    if result.comparison is not None:
        mark, style = ("✓ as expected", "green") if result.comparison.equal else ("✗ expected", "bold red")
        parts.append(Text(f"{mark} ({_math(result.comparison.expected)})", style=style))
    for note in result.notes:
        parts.append(Text(f"note: {note}", style="dim"))
    return Group(*parts)
