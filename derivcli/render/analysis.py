"""Show `deriv critical` and `deriv classify` results: table and plot on a terminal, lines in a pipe.

Piped, every line of `critical` is a point in `--at` syntax (`x=-1`, `x=1,y=0`), so
`deriv classify f --at "$(deriv critical f | head -1)"` works; families end in
` (n integer)`.  Piped `classify` adds a tab and the stable words (`local maximum`).
Renderers only print: every number here was computed by the engine.
"""

from __future__ import annotations

import sympy

from derivcli.analysis import REASONS, TESTS, WORDS, ClassifyResult, CriticalResult
from derivcli.calculus import to_float
from derivcli.parsing import decimal_places, format_point
from derivcli.notation import superscript
from derivcli.render.mathtext import unicode_math

KIND_STYLES = {
    "minimum": "bold green",
    "maximum": "bold red",
    "saddle": "bold yellow",
    "inflection": "bold magenta",
    "not_critical": "cyan",
    "inconclusive": "bold white on red",
}
KIND_MARKS = {"minimum": "▼", "maximum": "▲", "saddle": "◆", "inflection": "◆", "not_critical": "○", "inconclusive": "?"}


# ---------------------------------------------------------------- text of points


def point_text(point) -> str:
    """`x=-1` or `x=1,y=0`: the --at syntax.

    A root with no closed form (CRootOf), or one written with complex radicals (three real roots
    of a cubic), is written as a 15-digit decimal, which --at can read.
    """
    coordinates = point.as_dict()
    if any(value.has(sympy.CRootOf, sympy.I) for value in coordinates.values()):
        decimals = dict(zip(point.variables, point.numeric_coordinates))
        return ",".join(f"{variable}={decimals[variable]:.15g}" for variable in coordinates)
    if any(_is_decimal(value) for value in coordinates.values()):
        return ",".join(f"{variable}={_decimal_text(value) if _is_decimal(value) else sympy.sstr(value)}" for variable, value in coordinates.items())
    return format_point(coordinates)


LONG_DECIMAL = 10**9  # how a point printed by `deriv critical` with 15 digits arrives back


def _is_decimal(value) -> bool:
    """A long terminating decimal (how `--at -1.03615473765329` arrives), written back as one."""
    return value.is_Rational and value.q >= LONG_DECIMAL and decimal_places(value) > 0


def _decimal_text(value) -> str:
    """The exact decimal digits of such a rational: -103615473765329/10**14 → -1.03615473765329."""
    places = decimal_places(value)
    scaled = abs(int(value.p)) * 10**places // int(value.q)
    whole, fraction = divmod(scaled, 10**places)
    return f"{'-' if value < 0 else ''}{whole}.{str(fraction).rjust(places, '0')}"


def family_text(family) -> str:
    """`x=pi*n + pi/2 (n integer)`; a line of points: `x=0,y=y (y real)`."""
    return family.text()


def _show(value, number=None) -> str:
    """Readable math for a terminal; a root with no closed form (CRootOf) as ≈ its decimal
    (``number``, when the engine computed it with the value)."""
    if hasattr(value, "has") and value.has(sympy.CRootOf, sympy.I):
        number = _number(value) if number is None else number
        return "—" if number is None else f"≈ {number:.10g}"
    return unicode_math(value)


def _human_point(point) -> str:
    parts = []
    for variable, value, number in zip(point.variables, point.coordinates, point.numeric_coordinates):
        shown = _show(value, number)
        parts.append(f"{unicode_math(variable)} {shown}" if shown.startswith("≈") else f"{unicode_math(variable)} = {shown}")
    return ", ".join(parts)


def _human_family(family) -> str:
    coordinates = ", ".join(
        f"{unicode_math(variable)} = {unicode_math(value)}" for variable, value in zip(family.variables, family.coordinates)
    )
    return f"{coordinates}  ({unicode_math(family.parameter)} any {family.parameter_kind})"


def _text(value) -> str:
    """A value for JSON: sympy's string syntax, or the engine's words ("does not exist")."""
    return value if isinstance(value, str) else sympy.sstr(value)


def _number(value):
    return None if isinstance(value, str) else to_float(value)


# ---------------------------------------------------------------- plain


def _warn_notes(critical: CriticalResult | None, output) -> None:
    """Piped output keeps stdout for points; what a reader must know goes to stderr."""
    if critical is None or output is None:
        return
    if critical.constant:
        output.warn("note: " + (critical.notes[-1] if critical.notes else "f is constant: no isolated critical points"))
    else:
        for note in critical.notes:
            output.warn("note: " + note)
        if not critical.complete:
            output.warn("note: the search may be incomplete: points may be missing")
        elif not critical.points and not critical.families:
            output.warn("note: no critical points" + (" in the interval" if critical.interval else ""))
        elif any(point.approximate for point in critical.points):
            output.warn("note: some points are approximate (found numerically)")


def plain(result, output) -> list[str]:
    _warn_notes(result if isinstance(result, CriticalResult) else result.critical, output)
    if isinstance(result, CriticalResult):
        return [point_text(point) for point in result.points] + [family_text(family) for family in result.families if not family.members]
    lines = []
    listed = set()
    for item in result.classifications:
        lines.append(f"{point_text(item.point)}\t{item.words}")
        listed.add((point_text(item.point), item.words))
    for item in result.family_classifications:
        lines.append(f"{family_text(item.family)}\t{item.words}")
    if result.absolute is not None and not result.absolute.applicable and output is not None:
        output.warn(f"note: no absolute extrema: {result.absolute.reason}")
    if result.absolute is not None and result.absolute.applicable:
        for point in result.absolute.minimum:
            lines.append(f"{point_text(point)}\tabsolute minimum")
        for point in result.absolute.maximum:
            lines.append(f"{point_text(point)}\tabsolute maximum")
    if result.inflections is not None:
        for point in result.inflections.points:
            if (point_text(point), WORDS["inflection"]) not in listed:
                lines.append(f"{point_text(point)}\t{WORDS['inflection']}")
        for family in result.inflections.families:
            lines.append(f"{family_text(family)}\t{WORDS['inflection']}")
    return lines


# ---------------------------------------------------------------- JSON


def _point_json(point) -> dict:
    """A point of deriv/1: its --at text, the exact coordinates with their numeric twin (the
    engine's decimals), and f's value with its number."""
    from derivcli.render.records import number  # lazy: only --json builds records

    return {
        "text": point_text(point),
        "at": {str(variable): sympy.sstr(value) for variable, value in point.as_dict().items()},
        "at_numeric": {str(variable): number(value) for variable, value in zip(point.variables, point.numeric_coordinates)},
        "value": None if point.value is None else sympy.sstr(point.value),
        "value_numeric": number(point.numeric_value),
        "approximate": point.approximate,
        "reason": point.reason,
    }


def _family_json(family) -> dict:
    return {
        "text": family_text(family),
        "at": {str(variable): sympy.sstr(value) for variable, value in zip(family.variables, family.coordinates)},
        "parameter": str(family.parameter),
        "parameter_kind": family.parameter_kind,
        "reason": family.reason,
        "members": [_point_json(point) for point in family.members],
        "members_complete": family.members_complete,
    }


def _critical_json(result: CriticalResult) -> dict:
    return {
        "expression": sympy.sstr(result.expression),
        "variables": [str(variable) for variable in result.variables],
        "derivatives": [sympy.sstr(item) for item in result.derivatives],
        "equations": [f"{sympy.sstr(equation.lhs)} = {sympy.sstr(equation.rhs)}" for equation in result.equations],
        "interval": None if result.interval is None else [sympy.sstr(end) for end in result.interval],
        "points": [_point_json(point) for point in result.points],
        "families": [_family_json(family) for family in result.families],
        "endpoints": [_point_json(point) for point in result.endpoints],
        "complete": result.complete,
        "method": result.method,
        "constant": result.constant,
        "notes": list(result.notes),
    }


def _classification_json(item) -> dict:
    record = _family_json(item.family) if item.family is not None else _point_json(item.point)
    matrix = None if item.hessian is None else [[sympy.sstr(entry) for entry in row] for row in item.hessian]
    record.update(
        kind=item.kind,
        words=item.words,
        test=item.test,
        test_name=TESTS.get(item.test, item.test),
        values={name: _text(value) for name, value in item.values.items()},
        values_numeric={name: _number(value) for name, value in item.values.items()},
        explanation=item.explanation,
        concavity=item.concavity,
        trend=item.trend,
        gradient=None if item.gradient is None else [None if value is None else sympy.sstr(value) for value in item.gradient],
        hessian=matrix,
        determinant=None if item.determinant is None else sympy.sstr(item.determinant),
        eigenvalues=None if item.eigenvalues is None else [sympy.sstr(value) for value in item.eigenvalues],
        eigenvalues_numeric=None if item.numeric_eigenvalues is None else list(item.numeric_eigenvalues),
        approximate=item.approximate,
    )
    return record


def to_json(result, output) -> dict:
    if isinstance(result, CriticalResult):
        return _critical_json(result)
    critical = _critical_json(result.critical) if result.critical is not None else None
    record = {
        "expression": sympy.sstr(result.expression),
        "variables": [str(variable) for variable in result.variables],
        "points": [_classification_json(item) for item in result.classifications],
        "families": [_classification_json(item) for item in result.family_classifications],
        "critical": critical,
        "absolute": None,
        "inflections": None,
        "notes": list(result.notes),
    }
    absolute = result.absolute
    if absolute is not None:
        record["absolute"] = {
            "interval": [sympy.sstr(end) for end in absolute.interval],
            "applicable": absolute.applicable,
            "approximate": absolute.approximate,
            "reason": absolute.reason or None,
            "minimum": _extremum_json(absolute.minimum_value, absolute.minimum),
            "maximum": _extremum_json(absolute.maximum_value, absolute.maximum),
            "candidates": [_point_json(point) for point in absolute.candidates],
        }
    inflections = result.inflections
    if inflections is not None:
        record["inflections"] = {
            "second_derivative": sympy.sstr(inflections.second_derivative),
            "points": [_point_json(point) for point in inflections.points],
            "families": [_family_json(family) for family in inflections.families],
            "rejected": [_point_json(point) for point in inflections.rejected],
            "complete": inflections.complete,
            "notes": list(inflections.notes),
        }
    return record


def _optional(value):
    return None if value is None else sympy.sstr(value)


def _extremum_json(value, points) -> dict:
    """An absolute minimum or maximum: the value with its number, and the points that reach it."""
    from derivcli.render.records import number  # lazy: only --json builds records

    return {"value": _optional(value), "value_numeric": number(value), "points": [_point_json(point) for point in points]}


# ---------------------------------------------------------------- LaTeX


def latex(result, output) -> str:
    lines = []
    if isinstance(result, CriticalResult):
        for equation in result.equations:
            lines.append(f"{sympy.latex(equation.lhs)} = {sympy.latex(equation.rhs)}")
        for point in result.points:
            lines.append(_latex_point(point.as_dict()))
        for family in result.families:
            coordinates = dict(zip(family.variables, family.coordinates))
            lines.append(rf"{_latex_point(coordinates)}, \quad {sympy.latex(family.parameter)} \in \mathbb{{{'Z' if family.parameter_kind == 'integer' else 'R'}}}")
        return "\n".join(lines)
    for item in result.classifications:
        lines.append(rf"{_latex_point(item.point.as_dict())}: \text{{{item.words}}}")
    for item in result.family_classifications:
        coordinates = dict(zip(item.family.variables, item.family.coordinates))
        lines.append(rf"{_latex_point(coordinates)},\ {sympy.latex(item.family.parameter)} \in \mathbb{{Z}}: \text{{{item.words}}}")
    return "\n".join(lines)


def _latex_point(point: dict) -> str:
    return r",\ ".join(f"{sympy.latex(variable)} = {sympy.latex(value)}" for variable, value in point.items())


# ---------------------------------------------------------------- terminal


def rich(result, output):
    from rich.console import Group

    if isinstance(result, CriticalResult):
        return Group(*_critical_parts(result, with_table=True))
    return Group(*_classify_parts(result))


def _heading(expression, variables):
    from rich.text import Text

    names = ", ".join(unicode_math(variable) for variable in variables)
    return Text.assemble(("f(" + names + ") = ", "bold"), (unicode_math(expression), "bold"))


def _critical_parts(result: CriticalResult, with_table: bool) -> list:
    from rich.table import Table
    from rich.text import Text

    parts = [_heading(result.expression, result.variables)]
    several = len(result.variables) > 1
    for variable, item in zip(result.variables, result.derivatives):
        name = f"∂f/∂{unicode_math(variable)}" if several else f"f′({unicode_math(variable)})"
        parts.append(Text.assemble((f"{name} = ", "dim"), unicode_math(item)))
    if result.constant:
        parts.append(Text(result.notes[-1] if result.notes else "f is constant: no isolated critical points", style="yellow"))
        return parts
    solved = "  and  ".join(f"{unicode_math(equation.lhs)} = 0" for equation in result.equations)
    parts.append(Text.assemble(("solve  ", "dim"), (solved, "bold")))
    if result.interval is not None:
        power = "" if len(result.variables) == 1 else superscript(str(len(result.variables))) or f"^{len(result.variables)}"
        parts.append(Text.assemble(("on  ", "dim"), f"[{unicode_math(result.interval[0])}, {unicode_math(result.interval[1])}]{power}"))
    if with_table:
        if result.points:
            table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
            table.add_column("point", style="cyan", no_wrap=True)
            table.add_column("f there", justify="right", no_wrap=True)
            table.add_column("≈", justify="right", style="dim")
            table.add_column("why", style="dim")
            for point in result.points:
                table.add_row(
                    _human_point(point) + (" (≈)" if point.approximate else ""),
                    _show(point.value, point.numeric_value) if point.value is not None else "—",
                    "" if point.value is not None and (point.value.is_Integer or point.value.has(sympy.CRootOf)) else _decimal(point.numeric_value),
                    REASONS.get(point.reason, point.reason),
                )
            parts.append(table)
        elif not result.families:
            parts.append(Text("no critical points" + (" in the interval" if result.interval else ""), style="yellow"))
        for family in result.families:
            parts.append(Text.assemble(("family  ", "dim"), (_human_family(family), "cyan"), ("   " + REASONS.get(family.reason, ""), "dim")))
        if result.endpoints:
            ends = "   ".join(
                f"f({unicode_math(point.coordinates[0])}) = {unicode_math(point.value) if point.value is not None else 'undefined'}"
                for point in result.endpoints
            )
            parts.append(Text.assemble(("interval endpoints  ", "dim"), ends))
    parts += _notes(result.notes, result.complete)
    if result.plot is not None:
        parts.append(_plot(result.plot))
    return parts


def _classify_parts(result: ClassifyResult) -> list:
    from rich.table import Table
    from rich.text import Text

    parts = []
    if result.critical is not None:
        parts += _critical_parts(result.critical, with_table=False)
    else:
        parts.append(_heading(result.expression, result.variables))
    items = list(result.classifications) + list(result.family_classifications)
    if items:
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
        table.add_column("point", style="cyan", no_wrap=True)
        table.add_column("f there", justify="right", no_wrap=True)
        table.add_column("what it is", no_wrap=True)
        table.add_column("decided by", style="dim")
        for item in items:
            where = _human_family(item.family) if item.family is not None else _human_point(item.point)
            if item.approximate:
                where += " (≈)"
            value = item.point.value
            table.add_row(
                where,
                _show(value, item.point.numeric_value) if value is not None else "—",
                Text(item.words, style=KIND_STYLES[item.kind]),
                TESTS.get(item.test, item.test),
            )
        parts.append(table)
        for item in items:
            where = _human_family(item.family) if item.family is not None else _human_point(item.point)
            extra = []
            if item.concavity:
                extra.append(item.concavity)
            values = _values_text(item)
            parts.append(Text.assemble(("  " + where + "   ", "cyan"), ("values: " if values else "", "dim"), values))
            line = Text.assemble(("    ", ""), _pretty(item.explanation, item))
            if extra:
                line.append("  (" + "; ".join(extra) + ")", style="dim")
            parts.append(line)
    elif result.critical is not None and not result.critical.constant and not result.critical.families:
        parts.append(Text("no critical points to classify" + (" in the interval" if result.critical.interval else ""), style="yellow"))
    if result.critical is not None and len(result.variables) > 1 and not result.family_classifications:
        for family in result.critical.families:
            parts.append(Text.assemble(("family  ", "dim"), (_human_family(family), "cyan"), ("   " + REASONS.get(family.reason, ""), "dim")))
    absolute = result.absolute
    if absolute is not None:
        if absolute.applicable:
            several = len(result.variables) > 1
            low = " and ".join(f"({_human_point(point)})" if several else _human_point(point) for point in absolute.minimum)
            high = " and ".join(f"({_human_point(point)})" if several else _human_point(point) for point in absolute.maximum)
            parts.append(
                Text.assemble(
                    ("on the closed interval  " if len(result.variables) == 1 else "on the closed box  ", "dim"),
                    ("absolute minimum ", "green"), f"{unicode_math(absolute.minimum_value)} at {low}",
                    ("   absolute maximum ", "red"), f"{unicode_math(absolute.maximum_value)} at {high}",
                )
            )
            if absolute.reason:
                parts.append(Text("  " + absolute.reason, style="yellow"))
        else:
            method = "closed-interval method: " if len(result.variables) == 1 else "closed-box method: "
            parts.append(Text.assemble((method, "dim"), (absolute.reason, "yellow")))
    inflections = result.inflections
    if inflections is not None:
        found = [_human_point(point) for point in inflections.points] + [_human_family(family) for family in inflections.families]
        parts.append(
            Text.assemble(
                ("inflection points (f″ = ", "dim"), (unicode_math(inflections.second_derivative), "dim"), (" changes sign)  ", "dim"),
                ("; ".join(found) if found else "none", "magenta"),
            )
        )
        if inflections.rejected:
            rejected = "; ".join(_human_point(point) for point in inflections.rejected)
            parts.append(Text(f"  f″ = 0 without a change of sign (not inflection points): {rejected}", style="dim"))
        parts += _notes(inflections.notes, inflections.complete)
    parts += _notes(result.notes, True)
    if result.plot is not None:
        parts.append(_plot(result.plot))
    return parts


def _pretty(text: str, item) -> str:
    """Engine text names points in sympy syntax (pi/2); on a terminal, π/2."""
    coordinates = item.family.coordinates if item.family is not None else item.point.coordinates
    for value in coordinates:
        plain_form = sympy.sstr(value)
        if len(plain_form) > 1:
            text = text.replace(f"({plain_form})", f"({_show(value)})")
    return text


def _values_text(item) -> str:
    shown = []
    for name, value in item.values.items():
        if name.startswith("∂f/∂") and item.kind != "not_critical" and not isinstance(value, str):
            continue
        name = _pretty(name, item)
        if isinstance(value, str):
            shown.append(f"{name}: {value}")
        else:
            text = _show(value)
            shown.append(f"{name} {text}" if text.startswith("≈") else f"{name} = {text}")
    if item.eigenvalues is not None:
        numbers = item.numeric_eigenvalues or (None,) * len(item.eigenvalues)
        shown.append("eigenvalues " + ", ".join(_show(value, number) for value, number in zip(item.eigenvalues, numbers)))
    if item.hessian is not None:
        rows = "; ".join(", ".join(_show(entry) for entry in row) for row in item.hessian)
        shown.insert(0, f"H = [{rows}]")
    return ";  ".join(shown)


def _notes(notes, complete: bool) -> list:
    from rich.text import Text

    parts = [Text("note: " + note, style="yellow" if not complete else "dim") for note in notes]
    if not complete:
        parts.append(Text("the search may be incomplete: points may be missing", style="bold yellow"))
    return parts


def _decimal(value) -> str:
    return "—" if value is None else f"{value:.6g}"


def _plot(data, height: int = 11):
    """A small character plot of f over the window, with the points marked."""
    from rich.text import Text

    values = [value for _, value in data.samples if value is not None]
    if len(values) < 2:
        return Text("")
    ordered = sorted(values)
    bottom, top = ordered[0], ordered[-1]
    marked = [value for _, value, _ in data.marks]
    if len(marked) >= 2 and max(marked) - min(marked) > 1e-9 * max(1.0, abs(max(marked))):
        # frame the marked points (with room around them) rather than the far ends of the window
        reach = max(marked) - min(marked)
        bottom, top = max(bottom, min(marked) - 0.6 * reach), min(top, max(marked) + 0.6 * reach)
    else:
        # near a pole, clip the top and bottom 5% so the rest of the picture is not flattened
        cut = len(ordered) // 20
        if (ordered[-1 - cut] - ordered[cut]) * 4 < top - bottom:
            bottom, top = ordered[cut], ordered[-1 - cut]
    for value in marked:
        bottom, top = min(bottom, value), max(top, value)
    if top - bottom < 1e-12:
        bottom, top = bottom - 1, top + 1
    width = len(data.samples)
    grid = [[" "] * width for _ in range(height)]
    styles = [[None] * width for _ in range(height)]

    def row_of(value):
        return round((top - value) / (top - bottom) * (height - 1))

    previous = None
    for column, (_, value) in enumerate(data.samples):
        if value is None or value < bottom or value > top:
            previous = None
            continue
        row = row_of(value)
        grid[row][column] = "·"
        if previous is not None and abs(previous - row) > 1:
            # a steep stretch: join it to the last column so the curve reads as one line
            step = 1 if row > previous else -1
            for between in range(previous + step, row, step):
                grid[between][column] = "·"
        previous = row
    low, high = data.window
    if bottom <= 0 <= top:
        axis = row_of(0)
        for column in range(width):
            if grid[axis][column] == " ":
                grid[axis][column] = "─"
                styles[axis][column] = "dim"
    for position, value, label in data.marks:
        if not (low <= position <= high):
            continue
        column = round((position - low) / (high - low) * (width - 1))
        row = row_of(value)
        grid[row][column] = KIND_MARKS.get(label, "●")
        styles[row][column] = KIND_STYLES.get(label, "bold cyan")
    text = Text()
    labels = [f"{top:.3g}", f"{bottom:.3g}"]
    margin = max(len(label) for label in labels) + 1
    for index, row in enumerate(grid):
        label = labels[0] if index == 0 else labels[1] if index == height - 1 else ""
        text.append(label.rjust(margin) + " │", style="dim")
        for column, character in enumerate(row):
            text.append(character, style=styles[index][column])
        text.append("\n")
    left, right = f"{low:.3g}", f"{high:.3g}"
    text.append(" " * (margin + 2) + left + " " * max(1, width - len(left) - len(right)) + right, style="dim")
    return text
