"""Show a derivation of `deriv diff`: a teacher's working on a terminal, the answer in a pipe.

Renderers only read the result: the rule tree (derivcli.derivation.step.Step), the answer and
its value. Math is written by mathtext.unicode_math on a terminal and in sympy syntax elsewhere,
so that piped answers read back with sympify.
"""

from __future__ import annotations

import sympy

from derivcli.derivation import Differentiation
from derivcli.render import tangent as tangent_view
from derivcli.render.mathtext import UnicodePrinter, numeric_text, unicode_math

LARGE_TREE = 40          # steps; above this, trivial leaves (constants, the variable) are hidden
TRIVIAL = ("constant", "variable")


# --- shared ---------------------------------------------------------------------------------


def _readable(expression):
    """f′(g) for sympy's Subs(Derivative(f(u), u), u, g): how a person writes it."""
    if not isinstance(expression, sympy.Basic) or not expression.has(sympy.Subs):
        return expression

    def rewrite(node):
        inner = node.expr
        if (isinstance(inner, sympy.Derivative) and len(node.variables) == 1
                and isinstance(inner.expr, sympy.core.function.AppliedUndef)
                and len(inner.expr.args) == 1 and inner.expr.args[0] == node.variables[0]):
            primes = "′" * sum(count for _, count in inner.variable_count)
            return sympy.Function(inner.expr.func.__name__ + primes)(node.point[0])
        return node

    return expression.replace(lambda node: isinstance(node, sympy.Subs), rewrite)


class _WorkingPrinter(UnicodePrinter):
    """The terminal's math, with pieces written as a teacher does: {1 if x < 0; 2·x otherwise}."""

    def _print_Piecewise(self, expr):
        pieces = []
        for piece in expr.args:
            value = self._print(piece.expr)
            if piece.cond is sympy.true:
                pieces.append(f"{value} otherwise")
            else:
                pieces.append(f"{value} if {self._print(piece.cond)}")
        return "{" + "; ".join(pieces) + "}"

    def _print_Relational(self, expr):
        symbols = {"<=": "≤", ">=": "≥", "!=": "≠"}
        operator = symbols.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {operator} {self._print(expr.rhs)}"

    def _print_And(self, expr):
        return " and ".join(self._print(argument) for argument in expr.args)


def _math(expression) -> str:
    return _WorkingPrinter({"order": None}).doprint(_readable(expression))


def _grouped_plain(expression) -> str:
    text = sympy.sstr(expression)
    return f"({text})" if isinstance(expression, (sympy.Add, sympy.Mul)) else text


def _grouped(expression) -> str:
    """The expression after d/dx, in brackets when it is a sum or a product: d/dx (sin(x)/x)."""
    text = _math(expression)
    if isinstance(expression, (sympy.Add, sympy.Mul)) and not text.startswith("("):
        return f"({text})"
    return text


FUNCTION_LETTERS = ("f", "h", "F", "H", "φ", "ψ")


def _letter(result: Differentiation) -> str:
    """The letter that names the function differentiated: f, unless the formula uses f itself
    (``f(x)*g(x)``), then the first of h, F, H … that it does not use."""
    expression = result.derivation.expression
    used = {str(symbol) for symbol in expression.free_symbols}
    used |= {function.func.__name__ for function in expression.atoms(sympy.core.function.AppliedUndef)}
    return next((letter for letter in FUNCTION_LETTERS if letter not in used), "f")


def _name(result: Differentiation) -> str:
    """f′, f″, ∂f/∂y … with the function's letter (see :func:`_letter`)."""
    return result.name().replace("f", _letter(result), 1)


def _function_of(result: Differentiation) -> str:
    """f′(x) for one variable, ∂f/∂y for a partial derivative."""
    name = _name(result)
    if name.startswith("∂"):
        return name
    return f"{name}({result.derivation.variables[0]})"


def _point_text(point: dict, show=_math) -> str:
    return ", ".join(f"{variable} = {show(value)}" for variable, value in point.items())


# --- plain ----------------------------------------------------------------------------------


def _plain_tree(step, prefix: str = "", last: bool = True, top: bool = True) -> list[str]:
    """An ASCII tree, one line a step: rule, expression, result, explanation."""
    lines = []
    role = f"{step.role}: " if step.role and step.role != "simplify" else ""
    number = f"[{step.number}] " if step.number else ""
    if step.rule == "simplify":
        text = (f"simplify: {sympy.sstr(step.expression)} -> {sympy.sstr(step.result)}"
                if step.result != step.expression else f"simplify: {step.note or 'unchanged'}")
    else:
        text = (f"{number}{role}d/d{step.variable} {_grouped_plain(step.expression)} = "
                f"{sympy.sstr(step.result)}  [{step.explain(sympy.sstr)}]")
    if top:
        lines.append(text)
        child_prefix = ""
    else:
        lines.append(prefix + ("`-- " if last else "|-- ") + text)
        child_prefix = prefix + ("    " if last else "|   ")
    for index, child in enumerate(step.substeps):
        lines += _plain_tree(child, child_prefix, index == len(step.substeps) - 1, False)
    return lines


def plain(result: Differentiation, output) -> list[str]:
    """The answer (the value with --at); with --steps a plain-text tree first."""
    for note in result.notes:
        output.warn("note: " + note)
    lines = []
    if output.show_steps:
        for tree in result.derivation.trees:
            lines += _plain_tree(tree)
    answer = result.value if result.point is not None else result.derivation.result
    if result.tangent is not None and result.tangent.asked:
        lines.append(tangent_view.plain_line(result.tangent))
    else:
        lines.append(sympy.sstr(answer))
    return lines


# --- json -----------------------------------------------------------------------------------


def step_record(step) -> dict:
    """One node of the tree as JSON (expressions in sympy syntax)."""
    record = {
        "rule": step.rule,
        "expression": sympy.sstr(step.expression),
        "variable": str(step.variable),
        "result": sympy.sstr(step.result),
        "explanation": step.explanation,
        "substeps": [step_record(child) for child in step.substeps],
    }
    if step.role:
        record["role"] = step.role
    if step.inner is not None:
        record["inner"] = {"symbol": str(step.inner_symbol), "expression": sympy.sstr(step.inner)}
    if step.number is not None:
        record["number"] = step.number
    if step.reference is not None:
        record["reference"] = step.reference
    return record


def to_json(result: Differentiation, output) -> dict:
    """The body of diff's deriv/1 record: the point and the value each with a numeric twin."""
    from derivcli.render.records import point_fields, value_fields  # lazy: only --json builds records

    derivation = result.derivation
    shown = output.steps is not False
    passes = [step_record(tree) for tree in derivation.trees] if shown else None
    record = {
        "expression": sympy.sstr(derivation.expression),
        "variables": [str(v) for v in derivation.variables],
        "order": derivation.order,
        "derivative": sympy.sstr(derivation.result),
        "latex": sympy.latex(derivation.result),
        **point_fields(result.point),
        **value_fields(result.value),
        "steps": passes[0] if passes else None,
        "raw": sympy.sstr(derivation.raw),
        "passes": passes,
        "checked": {"agrees": derivation.agrees,
                    "methods": [check.method for check in derivation.checks]},
        "expect": None,
        "notes": result.notes,
        "tangent": tangent_view.record(result.tangent),
    }
    if result.comparison is not None:
        record["expect"] = {"expected": sympy.sstr(result.comparison.expected),
                            "equal": bool(result.comparison.equal)}
    return record


# --- latex ----------------------------------------------------------------------------------


def _latex_derivative(expression, variable) -> str:
    return rf"\frac{{d}}{{d{sympy.latex(variable)}}}\left({sympy.latex(expression)}\right)"


def _latex_rule(step) -> str:
    return step.name.replace("_", r"\_")


def latex(result: Differentiation, output) -> str:
    """LaTeX of the answer; with --steps an aligned derivation, one line a step."""
    derivation = result.derivation
    if not output.show_steps:
        if result.tangent is not None and result.tangent.asked:
            return tangent_view.latex_line(result.tangent)
        if result.point is not None:
            where = ", ".join(f"{sympy.latex(k)}={sympy.latex(v)}" for k, v in result.point.items())
            return (rf"\left. {sympy.latex(derivation.result)} \right|_{{{where}}} = "
                    rf"{sympy.latex(result.value)}")
        return sympy.latex(derivation.result)
    lines = []
    for tree in derivation.trees:
        for step in tree.walk():
            if step.rule == "simplify":
                lines.append(rf"&= {sympy.latex(step.result)} && \text{{simplify}}")
                continue
            lines.append(rf"{_latex_derivative(step.expression, step.variable)} "
                         rf"&= {sympy.latex(step.result)} && \text{{{_latex_rule(step)}}}")
    body = " \\\\\n".join(lines)
    return "\\begin{aligned}\n" + body + "\n\\end{aligned}"


# --- rich -----------------------------------------------------------------------------------


NUMBER_CHARACTERS = set("0123456789.⁰¹²³⁴⁵⁶⁷⁸⁹")


def _splits_number(text: str, cut: int) -> bool:
    """Whether cutting ``text`` before position ``cut`` would split a number (or an exponent) in two."""
    return 0 < cut < len(text) and text[cut - 1] in NUMBER_CHARACTERS and text[cut] in NUMBER_CHARACTERS


def _shorten(text: str, limit: int) -> str:
    """A long formula with its middle left out (…), never cutting through a number."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    left, right = half, len(text) - half
    while left > 0 and _splits_number(text, left):
        left -= 1
    while right < len(text) and _splits_number(text, right):
        right += 1
    return text[:left] + "…" + text[right:]


def _label(step, width: int):
    """One node of the tree: the derivative, its result and the rule, breaking only between
    these phrases while each fits on a line."""
    from rich.text import Text

    from derivcli.render.layout import Phrases  # lazy: rich only for a terminal

    limit = max(30, width // 2)
    head = Text()
    if step.number:
        head.append(f"[{step.number}] ", style="bold magenta")
    if step.role and step.role != "simplify":
        head.append(f"{step.role}  ", style="dim")
    if step.rule == "simplify":
        head.append("simplify  ", style="bold")
        if step.result == step.expression:
            head.append(step.note or "unchanged", style="dim")
            return Phrases([head])
        head.append(_shorten(_math(step.expression), limit))
        return Phrases([head, ("  ", Text.assemble("→  ", (_shorten(_math(step.result), limit), "bold")))])
    head.append(f"d/d{unicode_math(step.variable)} ", style="cyan")
    head.append(_shorten(_grouped(step.expression), limit))
    result = Text.assemble("= ", (_shorten(_math(step.result), limit), "bold"))
    style = "green" if step.reference is None else "magenta"
    rule, with_, detail = step.explain(_math).partition(" with ")
    rule_phrases = [("   ", Text(rule, style=style))]
    if with_:
        rule_phrases.append((" ", Text("with " + detail, style=style)))
    return Phrases([head, (" ", result), *rule_phrases])


def _count(tree) -> int:
    return sum(1 for _ in tree.walk())


def _tree(step, width: int):
    """A rich Tree of the derivation, built without recursion (trees may be deep)."""
    from rich.text import Text
    from rich.tree import Tree

    hide_trivial = _count(step) > LARGE_TREE
    root = Tree(_label(step, width), guide_style="dim")
    pending = [(step, root)]
    while pending:
        current, node = pending.pop()
        hidden = 0
        for child in current.substeps:
            if hide_trivial and child.rule in TRIVIAL:
                hidden += 1
                continue
            branch = node.add(_label(child, width))
            pending.append((child, branch))
        if hidden:
            node.add(Text(f"({hidden} constant or variable step{'s' if hidden > 1 else ''} not shown)",
                          style="dim"))
    return root


def _slope_sentence(result: Differentiation) -> str:
    value = result.value
    point = result.point
    exact = unicode_math(value)
    if value.free_symbols or value.has(sympy.core.function.AppliedUndef):
        return f"at {_point_text(point)}: {_name(result)} = {exact}"  # f′(1) of an undefined f: no number to tell
    approximate = numeric_text(value, 6)
    shown = exact if exact == approximate or value.is_Integer else f"{exact} ≈ {approximate}"
    where = _point_text(point)
    name = _name(result)
    f = _letter(result)
    variables = result.derivation.variables
    order = len(variables)
    if order == 1:
        variable = variables[0]
        held = " (the others held fixed)" if len(point) > 1 else ""
        if value == 0:
            return f"at {where} the slope is 0: {f} is flat there in {variable}{held} (a critical point)"
        direction = "increases" if value.is_positive else "decreases"
        if abs(value) == 1:
            amount = "about the same amount"
        else:
            size = unicode_math(abs(value)) if abs(value).is_Integer else numeric_text(abs(value), 4)
            amount = f"about {size} times that amount"
        return f"at {where} the slope is {shown}: a small increase in {variable}{held} {direction} {f} by {amount}"
    if order == 2 and len(set(variables)) == 1:
        if value.is_positive:
            return f"at {where}: {name} = {shown} > 0, {f} curves upward there (concave up)"
        if value.is_negative:
            return f"at {where}: {name} = {shown} < 0, {f} curves downward there (concave down)"
        return f"at {where}: {name} = 0, no curvature to second order there (a possible inflection point)"
    return f"at {where}: {name} = {shown}"


def rich(result: Differentiation, output):
    """The tree of each pass, then the answer with its check, the slope and the notes."""
    from rich.console import Group
    from rich.text import Text

    from derivcli.render.layout import Phrases  # lazy: rich only for a terminal

    width = output.environment.console().width
    derivation = result.derivation
    parts = []
    if output.show_steps:
        for tree in derivation.trees:
            parts.append(_tree(tree, width))
    engines = " and ".join(sorted({check.engine for check in derivation.checks})) or "sympy.diff"
    check = (Text(f"✓ agrees with {engines}", style="green") if derivation.agrees
             else Text(f"? not confirmed by {engines}", style="yellow"))
    parts.append(Phrases([Text(f"{_function_of(result)} =", style="bold"),
                          (" ", Text(_math(derivation.result), style="bold")), ("   ", check)]))
    if result.point is not None:
        parts.append(Text(_slope_sentence(result)))
        parts += tangent_view.rich_lines(result.tangent)
    if result.comparison is not None:
        if result.comparison.equal:
            parts.append(Text(f"✓ as expected ({_math(result.comparison.expected)})", style="green"))
        else:
            parts.append(Text(f"✗ expected {_math(result.comparison.expected)}", style="bold red"))
    for note in result.notes:
        parts.append(Text(f"note: {note}", style="dim"))
    return Group(*parts)
