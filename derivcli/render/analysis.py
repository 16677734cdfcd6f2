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


APPROXIMATE_DIGITS = 10  # a numerically found coordinate on a terminal (piped, all 15 for --at)


def _coordinate(value, number, approximate: bool) -> str:
    """A coordinate: ≈ 10 digits when found numerically, a long decimal as the decimal it was
    typed as (1.00000000000001, not 100000000000001/100000000000000), else its exact form."""
    if approximate and number is not None:
        return f"≈ {number:.{APPROXIMATE_DIGITS}g}"
    if _is_decimal(value):
        return _decimal_text(value)
    return _show(value, number)


def _human_point(point) -> str:
    parts = []
    for variable, value, number in zip(point.variables, point.coordinates, point.numeric_coordinates):
        shown = _coordinate(value, number, point.approximate)
        parts.append(f"{unicode_math(variable)} {shown}" if shown.startswith("≈") else f"{unicode_math(variable)} = {shown}")
    return ", ".join(parts)


def _human_family(family) -> str:
    if family.parameter_kind == "interval":  # a flat stretch: -1 ≤ x ≤ 1 (x ≤ 0 where it runs on)
        low = "" if not family.low.is_finite else f"{unicode_math(family.low)} ≤ "
        high = "" if not family.high.is_finite else f" ≤ {unicode_math(family.high)}"
        return f"{low}{unicode_math(family.parameter)}{high}"
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
        _warn_inflection_notes(result.inflections, output)
    return lines


def _warn_inflection_notes(inflections, output) -> None:
    """An answer that may be incomplete says so, on stderr, whatever the output mode."""
    if output is None:
        return
    for note in inflections.notes:
        output.warn("note: " + note)
    if not inflections.complete:
        output.warn("note: the search for inflection points may be incomplete: some may be missing")


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
            lines.append(_latex_family(family))
        return "\n".join(lines)
    for item in result.classifications:
        lines.append(rf"{_latex_point(item.point.as_dict())}: \text{{{item.words}}}")
    for item in result.family_classifications:
        lines.append(rf"{_latex_family(item.family)}: \text{{{item.words}}}")
    return "\n".join(lines)


def _latex_family(family) -> str:
    r"""x = \pi n + \frac{\pi}{2}, \quad n \in \mathbb{Z}; a flat stretch: -1 \le x \le 1."""
    if family.parameter_kind == "interval":
        low = "" if not family.low.is_finite else rf"{sympy.latex(family.low)} \le "
        high = "" if not family.high.is_finite else rf" \le {sympy.latex(family.high)}"
        return f"{low}{sympy.latex(family.parameter)}{high}"
    coordinates = dict(zip(family.variables, family.coordinates))
    field = "Z" if family.parameter_kind == "integer" else "R"
    return rf"{_latex_point(coordinates)}, \quad {sympy.latex(family.parameter)} \in \mathbb{{{field}}}"


def _latex_point(point: dict) -> str:
    return r",\ ".join(f"{sympy.latex(variable)} = {sympy.latex(value)}" for variable, value in point.items())


# ---------------------------------------------------------------- terminal

SHORT = 24          # characters: an exact form longer than this is shown as its decimal
DECIMAL_DIGITS = 6  # significant digits of a value that came from a numeric search
MARKS = {
    "minimum": ("▼", KIND_STYLES["minimum"], WORDS["minimum"]),
    "maximum": ("▲", KIND_STYLES["maximum"], WORDS["maximum"]),
    "saddle": ("◇", KIND_STYLES["saddle"], WORDS["saddle"]),
    "inflection": ("◆", KIND_STYLES["inflection"], WORDS["inflection"]),
    "not_critical": ("○", KIND_STYLES["not_critical"], WORDS["not_critical"]),
    "inconclusive": ("?", "bold red", WORDS["inconclusive"]),
    "critical": ("●", "bold cyan", "critical point"),
    "endpoint": ("■", "bold blue", "end of the interval"),
}


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
    from rich.text import Text

    from derivcli.render.layout import Phrases  # lazy: rich only for a terminal

    parts = [_heading(result.expression, result.variables)]
    several = len(result.variables) > 1
    for variable, item in zip(result.variables, result.derivatives):
        name = f"∂f/∂{unicode_math(variable)}" if several else f"f′({unicode_math(variable)})"
        parts.append(Text.assemble((f"{name} = ", "dim"), unicode_math(item)))
    if result.constant:
        parts.append(Text(result.notes[-1] if result.notes else "f is constant: no isolated critical points", style="yellow"))
        return parts
    equations = [Text(f"{unicode_math(equation.lhs)} = 0", style="bold") for equation in result.equations]
    parts.append(Phrases([Text("solve", style="dim"), *_joined(equations, "and")], gap="  ", indent="  "))
    if result.interval is not None:
        power = "" if len(result.variables) == 1 else superscript(str(len(result.variables))) or f"^{len(result.variables)}"
        parts.append(Text.assemble(("on  ", "dim"), f"[{unicode_math(result.interval[0])}, {unicode_math(result.interval[1])}]{power}"))
    if with_table:
        if result.points:
            parts.append(_critical_table(result))
        elif not result.families:
            parts.append(Text("no critical points" + (" in the interval" if result.interval else ""), style="yellow"))
        for family in result.families:
            parts.append(_family_line(family))
        if result.endpoints:
            ends = [
                Text(f"f({unicode_math(point.coordinates[0])}) = {unicode_math(point.value) if point.value is not None else 'undefined'}")
                for point in result.endpoints
            ]
            parts.append(Phrases([Text("interval endpoints", style="dim"), *ends], gap="   ", indent="  "))
    parts += _notes(result.notes, result.complete)
    if result.plot is not None:
        parts.append(_plot(result.plot, result.variables[0]))
    return parts


def _joined(texts, word: str) -> list:
    """Phrases with ``word`` between them, kept at the end of the phrase before it."""
    from rich.text import Text

    joined = []
    for index, text in enumerate(texts):
        if index < len(texts) - 1:
            text = Text.assemble(text, (word if word in ",;" else f"  {word}", "dim"))
        joined.append(text)
    return joined


def _family_line(family):
    from rich.text import Text

    from derivcli.render.layout import Phrases  # lazy: rich only for a terminal

    return Phrases([Text("family", style="dim"), Text(_human_family(family), style="cyan"),
                    Text(REASONS.get(family.reason, ""), style="dim")], gap="  ", indent="  ")


def _critical_table(result: CriticalResult):
    """point, f there, its decimal and why: the decimal goes first on a narrow screen, then the why."""
    from derivcli.render.layout import PROSE, Column, Sheet  # lazy: rich only for a terminal

    columns = [
        Column("point", style="cyan"),
        Column("f there", justify="right"),
        Column("≈", justify="right", style="dim", drop=2),
        Column("why", kind=PROSE, style="dim", drop=1),
    ]
    rows = []
    for point in result.points:
        exact_number = point.value is not None and (point.value.is_Integer or point.value.has(sympy.CRootOf))
        rows.append([
            _human_point(point),
            _point_value(point),
            "" if exact_number or point.approximate else _decimal(point.numeric_value),
            REASONS.get(point.reason, point.reason),
        ])
    return Sheet.of(columns, rows)


def _point_value(point) -> str:
    """f at a point: exact where exact and short, else its decimal."""
    if point.value is None:
        return "—"
    return _measured(point.value, point.numeric_value, point.approximate)


def _classify_table(items):
    from rich.text import Text

    from derivcli.render.layout import PROSE, Column, Sheet  # lazy: rich only for a terminal

    columns = [
        Column("point", style="cyan"),
        Column("f there", justify="right"),
        Column("what it is"),
        Column("decided by", kind=PROSE, style="dim"),
    ]
    rows = []
    for item in items:
        where = _human_family(item.family) if item.family is not None else _human_point(item.point)
        value = "—" if item.point.value is None else _point_value(item.point)
        rows.append([where, value, Text(item.words, style=KIND_STYLES[item.kind]), TESTS.get(item.test, item.test)])
    return Sheet.of(columns, rows)


def _classify_parts(result: ClassifyResult) -> list:
    from rich.text import Text

    parts = []
    if result.critical is not None:
        parts += _critical_parts(result.critical, with_table=False)
    else:
        parts.append(_heading(result.expression, result.variables))
    items = list(result.classifications) + list(result.family_classifications)
    if items:
        parts.append(_classify_table(items))
        for item in items:
            parts += _working(item)
    elif result.critical is not None and not result.critical.constant and not result.critical.families:
        parts.append(Text("no critical points to classify" + (" in the interval" if result.critical.interval else ""), style="yellow"))
    if result.critical is not None and len(result.variables) > 1 and not result.family_classifications:
        parts += [_family_line(family) for family in result.critical.families]
    if result.absolute is not None:
        parts += _absolute_parts(result.absolute, len(result.variables) > 1)
    if result.inflections is not None:
        parts += _inflection_parts(result.inflections)
    parts += _notes(result.notes, True)
    if result.plot is not None:
        parts.append(_plot(result.plot, result.variables[0]))
    return parts


def _working(item) -> list:
    """The values a test used and what it concluded, under the point they are about."""
    from rich.padding import Padding
    from rich.text import Text

    from derivcli.render.layout import Phrases  # lazy: rich only for a terminal

    where = _human_family(item.family) if item.family is not None else _human_point(item.point)
    values = _values(item)
    if values:
        values[0] = Text.assemble(("values: ", "dim"), values[0])
    line = Text(_pretty(item.explanation, item))
    if item.concavity:
        line.append(f"  ({item.concavity})", style="dim")
    return [Phrases([Text("  " + where, style="cyan"), *_joined(values, ";")], gap="  ", indent="    "),
            Padding(line, (0, 0, 0, 4), expand=False)]


def _absolute_parts(absolute, several: bool) -> list:
    from rich.text import Text

    from derivcli.render.layout import Phrases  # lazy: rich only for a terminal

    if not absolute.applicable:
        method = "closed-box method: " if several else "closed-interval method: "
        return [Text.assemble((method, "dim"), (absolute.reason, "yellow"))]
    low = " and ".join(f"({_human_point(point)})" if several else _human_point(point) for point in absolute.minimum)
    high = " and ".join(f"({_human_point(point)})" if several else _human_point(point) for point in absolute.maximum)
    parts = [Phrases([
        Text("on the closed box" if several else "on the closed interval", style="dim"),
        Text.assemble(("absolute minimum ", "green"), f"{_measured(absolute.minimum_value, None, absolute.approximate)} at {low}"),
        Text.assemble(("absolute maximum ", "red"), f"{_measured(absolute.maximum_value, None, absolute.approximate)} at {high}"),
    ], gap="   ", indent="  ")]
    if absolute.reason:
        parts.append(Text("  " + absolute.reason, style="yellow"))
    return parts


def _inflection_parts(inflections) -> list:
    from rich.text import Text

    from derivcli.render.layout import Phrases  # lazy: rich only for a terminal

    found = [_human_point(point) for point in inflections.points] + [_human_family(family) for family in inflections.families]
    parts = [Phrases([
        Text(f"inflection points (f″ = {unicode_math(inflections.second_derivative)} changes sign)", style="dim"),
        *[Text(text + (";" if index < len(found) - 1 else ""), style="magenta") for index, text in enumerate(found)],
        *([] if found else [Text("none", style="magenta")]),
    ], gap="  ", indent="  ")]
    if inflections.rejected:
        rejected = "; ".join(_human_point(point) for point in inflections.rejected)
        parts.append(Text(f"  f″ = 0 without a change of sign (not inflection points): {rejected}", style="dim"))
    return parts + _notes(inflections.notes, inflections.complete)


def _pretty(text: str, item) -> str:
    """Engine text names points in sympy syntax (pi/2); on a terminal, π/2."""
    if item.family is not None:
        coordinates = zip(item.family.coordinates, [None] * len(item.family.coordinates))
    else:
        coordinates = zip(item.point.coordinates, item.point.numeric_coordinates)
    for value, number in coordinates:
        plain_form = sympy.sstr(value)
        if len(plain_form) > 1:
            shown = _coordinate(value, number, item.family is None and item.point.approximate)
            text = text.replace(f"({plain_form})", f"({shown.removeprefix('≈ ')})")
    return text


def _values(item) -> list:
    """The values of the test, each a phrase: exact where exact and short, else decimals."""
    from rich.text import Text

    shown = []
    approximate = item.approximate
    for name, value in item.values.items():
        if name.startswith("∂f/∂") and item.kind != "not_critical" and not isinstance(value, str):
            continue
        name = _pretty(name, item)
        if isinstance(value, str):
            shown.append(f"{name}: {value}")
        else:
            text = _measured(value, None, approximate, scale=_scale(item) if approximate else None)
            shown.append(f"{name} {text}" if text.startswith("≈") else f"{name} = {text}")
    if item.hessian is not None:
        rows = "; ".join(", ".join(_measured(entry, None, approximate, bare=True) for entry in row) for row in item.hessian)
        shown.insert(0, f"H {'≈' if _any_decimal(item) else '='} [{rows}]")
    if item.eigenvalues is not None:
        numbers = item.numeric_eigenvalues or (None,) * len(item.eigenvalues)
        shown.append("eigenvalues " + _listed([_measured(value, number, approximate) for value, number in zip(item.eigenvalues, numbers)]))
    return [Text(text) for text in shown]


def _listed(values: list[str]) -> str:
    """Values side by side, with one ``≈`` in front when any of them is a decimal."""
    if not any(value.startswith("≈ ") for value in values):
        return ", ".join(values)
    return "≈ " + ", ".join(value.removeprefix("≈ ") for value in values)


def _any_decimal(item) -> bool:
    return any(_measured(entry, None, item.approximate).startswith("≈") for row in item.hessian for entry in row)


def _scale(item) -> float:
    """The size of the numbers about a point: a value this much smaller than it is zero to rounding."""
    sizes = [1.0] + [abs(number) for number in item.point.numeric_coordinates if number is not None]
    for value in item.values.values():
        number = _number(value)
        if number is not None:
            sizes.append(abs(number))
    return max(sizes)


def _measured(value, number=None, approximate: bool = False, scale: float | None = None, bare: bool = False) -> str:
    """A value for a terminal: its exact form where that is exact and short (``-12``, ``π/2``), else
    ``≈`` and its decimal with the digits that mean something (a numeric search's 6; 10 for an
    exact value too long to read). ``bare`` leaves out the ``≈`` (inside a matrix marked once)."""
    exact = None if approximate or isinstance(value, str) else _show(value, number)
    if exact is not None and len(exact) <= SHORT:
        return exact
    number = _number(value) if number is None else number
    if number is None:
        return exact or "—"
    digits = DECIMAL_DIGITS if approximate else 10
    if scale is not None and abs(number) <= 1e-12 * scale:
        text = "0"
    else:
        text = f"{number:.{digits}g}"
    return text if bare else f"≈ {text}"


def _notes(notes, complete: bool) -> list:
    from rich.text import Text

    parts = [Text("note: " + note, style="yellow" if not complete else "dim") for note in notes]
    if not complete:
        parts.append(Text("the search may be incomplete: points may be missing", style="bold yellow"))
    return parts


def _decimal(value) -> str:
    return "—" if value is None else f"{value:.6g}"


def _plot(data, variable):
    """A character plot of f over the window, sized to the console, with its marks explained."""
    from derivcli.render.textplot import FunctionPlot  # lazy: rich only for a terminal

    name = unicode_math(variable)
    return FunctionPlot(data, MARKS, function=f"f({name})", variable=name)
