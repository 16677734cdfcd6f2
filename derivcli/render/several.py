"""Show a gradient, a Hessian or a Jacobian of `deriv diff`: a tree per entry and the matrix on a
terminal; one component (or one row) a line in a pipe; nested arrays in JSON; pmatrix in LaTeX.

A terminal shows the trees of the first few entries and the first rows of a matrix, then says how
many more there are, so a gradient of 50 variables stays a screenful; JSON and plain lines give
everything.
"""

from __future__ import annotations

import sympy

from derivcli.derivation import Differentiation, Gradient, Hessian, Jacobian
from derivcli.render import tangent as tangent_view
from derivcli.render.derivation import _math, _plain_tree, _tree, step_record
from derivcli.render.mathtext import numeric_text, unicode_math
from derivcli.render.records import list_fields, matrix_fields, point_fields, value_fields

SHOWN_TREES = 6   # entries whose rule trees a terminal shows
SHOWN_ROWS = 12   # rows (and columns) of a vector or matrix a terminal shows
MAX_CELL = 30     # characters a column is given when the terminal decides how many fit
_CRITICAL_KINDS = {"positive definite": "a local minimum", "negative definite": "a local maximum",
                   "indefinite": "a saddle point"}


# --- plain ------------------------------------------------------------------------------------


def _row(values) -> str:
    return "[" + ", ".join(sympy.sstr(value) for value in values) + "]"


def _matrix_lines(rows, one_line: bool) -> list[str]:
    if one_line:
        return ["[" + ", ".join(_row(row) for row in rows) + "]"]
    return [_row(row) for row in rows]


def _trees(result) -> list:
    """Every derivation of the result in order: the components, or the entries row by row."""
    if isinstance(result, Gradient):
        return [component.derivation for component in result.components]
    if isinstance(result, Hessian):
        return [component.derivation for component in result.gradient] + [e.derivation for e in result.entries]
    return [entry.derivation for row in result.rows for entry in row]


def _notes(result) -> list[str]:
    """The notes of the entries (a variable f does not depend on, an unconfirmed check), once each."""
    notes = []
    entries = (result.components if isinstance(result, Gradient) else result.gradient if isinstance(result, Hessian)
               else [entry for row in result.rows for entry in row])
    for entry in entries:
        notes += [note for note in entry.notes if note not in notes]
    return notes


def plain(result, output) -> list[str]:
    """One component a line (a row a line for a matrix); one line ``[…]`` with --vector or in a
    batch, which keeps one record a line; --tangent prints the tangent plane."""
    for note in _notes(result):
        output.warn("note: " + note)
    lines = []
    if output.show_steps:
        for derivation in _trees(result):
            for tree in derivation.trees:
                lines += _plain_tree(tree)
    one_line = result.one_line or output.line is not None
    if isinstance(result, Gradient):
        if result.tangent is not None and result.tangent.asked:
            return lines + [tangent_view.plain_line(result.tangent)]
        values = result.values if result.point is not None else result.derivatives
        return lines + ([_row(values)] if one_line else [sympy.sstr(value) for value in values])
    rows = result.values() if result.point is not None else result.matrix()
    return lines + _matrix_lines(rows, one_line)


# --- json -------------------------------------------------------------------------------------


def _component_record(name: str, component: Differentiation, shown: bool) -> dict:
    derivation = component.derivation
    return {
        "variable": str(derivation.variables[-1]),
        "name": name,
        "derivative": sympy.sstr(derivation.result),
        "steps": step_record(derivation.trees[0]) if shown else None,
        **value_fields(component.value),
        "agrees": derivation.agrees,
    }


def _nested(rows) -> list[list[str]] | None:
    return None if rows is None else [[sympy.sstr(value) for value in row] for row in rows]


def _common(result, output) -> dict:
    """The point (exact and numeric) and the --expect comparison, shared by the three forms."""
    record = {**point_fields(result.point), "expect": None}
    if result.comparison is not None:
        record["expect"] = {"expected": [sympy.sstr(v) for v in _flat(result.comparison.expected)],
                            "equal": bool(result.comparison.equal)}
    return record


def _flat(nested) -> list:
    return [v for row in nested for v in row] if nested and isinstance(nested[0], list) else list(nested)


def to_json(result, output) -> dict:
    shown = output.steps is not False
    variables = [str(v) for v in result.variables]
    if isinstance(result, Gradient):
        components = [_component_record(name, component, shown)
                      for name, component in zip(result.names(), result.components)]
        return {"expression": sympy.sstr(result.expression), "variables": variables, "gradient": components,
                **value_fields(result.norm, "norm"),
                "tangent": tangent_view.record(result.tangent), **_common(result, output)}
    if isinstance(result, Hessian):
        return _hessian_record(result, shown, variables, output)
    rows = [[_component_record(f"∂f{i}/∂{v}", entry, shown) for v, entry in zip(variables, row)]
            for i, row in enumerate(result.rows, start=1)]
    return {"functions": [sympy.sstr(f) for f in result.functions], "variables": variables,
            "jacobian": _nested(result.matrix()), **matrix_fields(result.values(), "values"), "entries": rows,
            **_common(result, output)}


def _hessian_record(result: Hessian, shown: bool, variables, output) -> dict:
    entries = [{"row": variables[e.row], "column": variables[e.column], "derivative": sympy.sstr(e.result),
                "steps": step_record(e.derivation.trees[0]) if shown else None,
                **value_fields(e.value)} for e in result.entries]
    curvature = result.curvature
    return {
        "expression": sympy.sstr(result.expression), "variables": variables,
        "hessian": _nested(result.matrix()), "symmetric": result.symmetric,
        "gradient": [_component_record(name, c, shown) for name, c in
                     zip((f"∂f/∂{v}" for v in variables), result.gradient)],
        "entries": entries, **matrix_fields(result.values(), "values"),
        **list_fields(_eigenvalues(curvature), "eigenvalues"),
        "definiteness": curvature.definiteness if curvature else None,
        "signs_exact": curvature.signs_exact if curvature else None,
        **_common(result, output),
    }


def _eigenvalues(curvature) -> list | None:
    """The eigenvalues, exact when they could be found exactly, else the computed floats (which
    the record writes as their shortest repr, with the same float as the numeric twin)."""
    if curvature is None:
        return None
    return list(curvature.eigenvalues) if curvature.exact else [float(v) for v in curvature.eigenvalues]


# --- latex ------------------------------------------------------------------------------------


def _pmatrix(rows) -> str:
    body = r" \\ ".join(" & ".join(sympy.latex(value) for value in row) for row in rows)
    return r"\begin{pmatrix} " + body + r" \end{pmatrix}"


def latex(result, output) -> str:
    """∇f as a column, H and J as matrices; at a point, their values."""
    if isinstance(result, Gradient):
        if result.tangent is not None and result.tangent.asked:
            return tangent_view.latex_line(result.tangent)
        values = result.values if result.point is not None else result.derivatives
        return r"\nabla f = " + _pmatrix([[value] for value in values])
    rows = result.values() if result.point is not None else result.matrix()
    return ("H = " if isinstance(result, Hessian) else "J = ") + _pmatrix(rows)


# --- rich -------------------------------------------------------------------------------------


def _heading(text: str):
    from rich.rule import Rule  # lazy: rich only for a terminal

    return Rule(text, align="left", style="dim")


def _tree_parts(named_derivations, width) -> list:
    """A heading and a tree for each of the first SHOWN_TREES entries, then how many are left."""
    from rich.text import Text  # lazy: rich only for a terminal

    parts = []
    for name, derivation in named_derivations[:SHOWN_TREES]:
        parts.append(_heading(name))
        parts += [_tree(tree, width) for tree in derivation.trees]
    hidden = len(named_derivations) - SHOWN_TREES
    if hidden > 0:
        parts.append(Text(f"({hidden} more trees not shown: --json has every one)", style="dim"))
    return parts


def _check_line(derivations):
    """✓ when every entry's tree agreed with sympy.diff, ? when one could not be confirmed."""
    from rich.text import Text  # lazy: rich only for a terminal

    if all(derivation.agrees for derivation in derivations):
        return Text("✓ every entry agrees with sympy.diff", style="green")
    return Text("? some entries could not be confirmed by sympy.diff", style="yellow")


def _matrix_table(rows, row_names, column_names, title: str, width: int, labels=None, symmetric=False) -> list:
    """A title and a table of the first rows and of the columns that fit the width (at most
    SHOWN_ROWS of each), then how many entries are left out. When too few columns fit, the
    entries one a line instead, named by ``labels`` (those below the diagonal left out when
    ``symmetric``)."""
    from rich.table import Table  # lazy: rich only for a terminal
    from rich.text import Text

    cells = [[_math(value) for value in row[:SHOWN_ROWS]] for row in rows[:SHOWN_ROWS]]
    names = row_names[:SHOWN_ROWS]
    first = max((len(name) for name in names), default=0) + 2
    widest = max([len(text) for row in cells for text in row] + [len(name) for name in column_names[:SHOWN_ROWS]])
    fit = max(1, (width - first) // (min(widest, MAX_CELL) + 2))
    if fit < min(len(column_names), SHOWN_ROWS) and labels is not None:
        return [Text(title, style="bold")] + _entry_lines(rows, labels, symmetric)
    shown_rows, shown_columns = len(cells), min(len(column_names), SHOWN_ROWS, fit)
    table = Table(show_edge=False, box=None, padding=(0, 2, 0, 0))
    table.add_column("", no_wrap=True)
    for name in column_names[:shown_columns]:
        table.add_column(name, overflow="fold")
    for name, row in zip(names, cells):
        table.add_row(name, *row[:shown_columns])
    parts = [Text(title, style="bold"), table]
    hidden = len(rows) * len(column_names) - shown_rows * shown_columns
    if hidden:
        parts.append(Text(f"(the first {shown_rows} of {len(rows)} rows and {shown_columns} of "
                          f"{len(column_names)} columns: {hidden} more entries in --json or piped)", style="dim"))
    return parts


def _entry_lines(rows, labels, symmetric: bool) -> list:
    """``∂²f/∂y∂x = 3`` one a line, for the first SHOWN_ROWS entries; then how many more."""
    from rich.text import Text  # lazy: rich only for a terminal

    entries = [(labels[i][j], value) for i, row in enumerate(rows) for j, value in enumerate(row)
               if not (symmetric and j < i)]
    lines = [Text(f"  {label} = {_math(value)}") for label, value in entries[:SHOWN_ROWS]]
    if len(entries) > SHOWN_ROWS:
        lines.append(Text(f"  (… and {len(entries) - SHOWN_ROWS} more entries in --json or piped)", style="dim"))
    return lines


def _value_text(value) -> str:
    exact = unicode_math(value)
    approximate = numeric_text(value, 6)
    return exact if exact == approximate or value.is_Integer else f"{exact} ≈ {approximate}"


def _gradient_view(result: Gradient, output, width) -> list:
    from rich.text import Text  # lazy: rich only for a terminal

    parts = []
    derivations = [component.derivation for component in result.components]
    if output.show_steps:
        parts += _tree_parts(list(zip(result.names(), derivations)), width)
    for name, derivation in list(zip(result.names(), derivations))[:SHOWN_ROWS]:
        line = Text()
        line.append(f"{name} = ", style="bold")
        line.append(_math(derivation.result), style="bold")
        parts.append(line)
    if len(derivations) > SHOWN_ROWS:
        parts.append(Text(f"… and {len(derivations) - SHOWN_ROWS} more components", style="dim"))
    parts.append(_check_line(derivations))
    if result.point is not None:
        where = ", ".join(f"{k} = {unicode_math(v)}" for k, v in result.point.items())
        values = ", ".join(_value_text(value) for value in result.values[:SHOWN_ROWS])
        more = ", …" if len(result.values) > SHOWN_ROWS else ""
        parts.append(Text(f"at {where}: ∇f = ({values}{more}), |∇f| = {_value_text(result.norm)}"))
        if all(value == 0 for value in result.values):
            parts.append(Text("∇f = 0: a critical point (deriv classify tells which kind)"))
        parts += tangent_view.rich_lines(result.tangent)
    return parts


def _hessian_view(result: Hessian, output, width) -> list:
    from rich.text import Text  # lazy: rich only for a terminal

    names = [str(v) for v in result.variables]
    parts = []
    first = [(f"∂f/∂{v}", c.derivation) for v, c in zip(names, result.gradient)]
    second = [(f"{result.name(e.row, e.column)} = ∂/∂{names[e.column]} (∂f/∂{names[e.row]})", e.derivation)
              for e in result.entries]
    if output.show_steps:
        parts += _tree_parts(first + second, width)
    labels = [[result.name(i, j) for j in range(len(names))] for i in range(len(names))]
    parts += _matrix_table(result.matrix(), names, names, "Hessian H:", width, labels, result.symmetric)
    if result.symmetric and len(names) > 1:
        parts.append(Text("symmetric (second partials of a smooth formula commute): each pair "
                          "∂²f/∂x∂y = ∂²f/∂y∂x derived once", style="dim"))
    elif len(names) > 1:
        parts.append(Text("the formula has corners or pieces: every entry derived on its own", style="dim"))
    parts.append(_check_line([d for _, d in first + second]))
    if result.point is not None:
        where = ", ".join(f"{k} = {unicode_math(v)}" for k, v in result.point.items())
        parts += _matrix_table(result.values(), names, names, f"at {where}:", width, labels, result.symmetric)
        parts += _curvature_lines(result)
    return parts


def _curvature_lines(result: Hessian) -> list:
    from rich.text import Text  # lazy: rich only for a terminal

    curvature = result.curvature
    if curvature is None:
        return [Text("the eigenvalues could not be computed: some entries are not finite reals there")]
    shown = curvature.eigenvalues[:SHOWN_ROWS]
    values = ", ".join(_value_text(v) if curvature.exact else numeric_text(sympy.Float(v), 6) for v in shown)
    more = ", …" if len(curvature.eigenvalues) > SHOWN_ROWS else ""
    how = "" if curvature.signs_exact else " (signs decided numerically)"
    lines = [Text(f"eigenvalues: {values}{more}"),
             Text(f"{curvature.definiteness}{how}: {curvature.meaning}", style="bold")]
    if all(component.value == 0 for component in result.gradient):
        kind = _CRITICAL_KINDS.get(curvature.definiteness, "the second-derivative test is inconclusive")
        lines.append(Text(f"∇f = 0 here, so this critical point is {kind}"))
    return lines


def _jacobian_view(result: Jacobian, output, width) -> list:
    names = [str(v) for v in result.variables]
    functions = [f"f{i} = {_math(f)}" for i, f in enumerate(result.functions, start=1)]
    parts = []
    if output.show_steps:
        named = [(f"∂f{i}/∂{v}", entry.derivation) for i, row in enumerate(result.rows, start=1)
                 for v, entry in zip(names, row)]
        parts += _tree_parts(named, width)
    labels = [[f"∂f{i}/∂{v}" for v in names] for i in range(1, len(result.rows) + 1)]
    parts += _matrix_table(result.matrix(), functions, names, "Jacobian J (a row a function):", width, labels)
    parts.append(_check_line([e.derivation for row in result.rows for e in row]))
    if result.point is not None:
        where = ", ".join(f"{k} = {unicode_math(v)}" for k, v in result.point.items())
        parts += _matrix_table(result.values(), functions, names, f"at {where}:", width, labels)
    return parts


def rich(result, output):
    """The trees of the first entries, the vector or matrix, and its values at the point."""
    from rich.console import Group  # lazy: rich only for a terminal
    from rich.text import Text

    width = output.environment.console().width
    if isinstance(result, Gradient):
        parts = _gradient_view(result, output, width)
    elif isinstance(result, Hessian):
        parts = _hessian_view(result, output, width)
    else:
        parts = _jacobian_view(result, output, width)
    if result.comparison is not None:
        if result.comparison.equal:
            parts.append(Text("✓ as expected", style="green"))
        else:
            parts.append(Text(f"✗ {result.comparison.failure().message}", style="bold red"))
    parts += [Text(f"note: {note}", style="dim") for note in _notes(result)]
    return Group(*parts)
