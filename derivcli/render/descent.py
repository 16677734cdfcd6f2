"""Show a gradient descent: the iterations, the loss curve, where it ended and why.

On a terminal: a thinned table of iterations, a small text plot of f against the iteration, the
final point, the stop reason and what the learning rate means for this function.  In a pipe: the
final point in ``--at`` syntax, one line, when the descent converged (otherwise an empty line,
the reason on stderr and exit status 3).  ``--json``: everything, with the trace.
"""

from __future__ import annotations

import itertools
import math
import time

import sympy

from derivcli.descent import Comparison, DescentResult
from derivcli.render.mathtext import unicode_math

PLOT_HEIGHT = 8
UPDATE_RULES = {
    "gd": "p ← p − lr·∇f(p)",
    "momentum": "v ← β·v − lr·∇f(p),  p ← p + v",
    "newton": "p ← p − lr·H(p)⁻¹·∇f(p)",
}
ONE_VARIABLE_RULES = {
    "gd": "{v} ← {v} − lr·f′({v})",
    "momentum": "v ← β·v − lr·f′({v}),  {v} ← {v} + v",
    "newton": "{v} ← {v} − lr·f′({v})/f″({v})",
}


def update_rule(result: DescentResult) -> str:
    """The update of the method, written in the function's own variable when there is one."""
    if len(result.variables) == 1:
        return ONE_VARIABLE_RULES[result.method].format(v=result.variables[0])
    return UPDATE_RULES[result.method] + f"   with p = ({', '.join(result.variables)})"


def number(value: float, digits: int = 6) -> str:
    """A float with ``digits`` significant digits (no exponent for everyday sizes)."""
    if value == 0:
        return "0"
    return f"{value:.{digits}g}"


def point_text(result: DescentResult, point, digits: int = 12) -> str:
    return ", ".join(f"{name} = {number(v, digits)}" for name, v in zip(result.variables, point))


# --- plain, JSON, LaTeX ------------------------------------------------------------------------


def plain(result: DescentResult, output) -> list[str]:
    """The final point in ``--at`` syntax when the descent converged; nothing otherwise (the
    reason goes to stderr; in a batch the output layer keeps an empty line in its place).
    A comparison: one line a run, ``point<TAB>reason<TAB>label``."""
    if isinstance(result, Comparison):
        return [f"{run.as_point_text()}\t{run.reason}\t{label}" for run, label in zip(result.runs, result.labels)]
    for warning in result.warnings:
        output.warn(warning)
    if not result.converged:
        return []
    return [result.as_point_text()]


def _point_record(result: DescentResult, point, key: str = "at") -> dict:
    """A point of deriv/1: the floats as exact strings, with their numeric twin."""
    from derivcli.render.records import point_fields  # lazy: only --json builds records

    return point_fields(dict(zip(result.variables, point)), key)


def to_json(result: DescentResult, output) -> dict:
    """The body of descend's deriv/1 record: the start, the end point (``at``, as the other
    commands name a point; ``text`` in --at syntax) and each trace row's point, with twins; a
    comparison is ``{"runs": [one such body a run, with its label]}``."""
    from derivcli.render.records import value_fields  # lazy: only --json builds records

    if isinstance(result, Comparison):
        return {"runs": [{"label": label, **to_json(run, output)} for run, label in zip(result.runs, result.labels)]}
    record = {
        "expression": sympy.sstr(result.expression),
        "variables": list(result.variables),
        "gradient": [sympy.sstr(g) for g in result.gradient],
        "method": result.method,
        "learning_rate": result.learning_rate,
        "momentum": result.momentum if result.method == "momentum" else None,
        "tolerance": result.tolerance,
        "max_iterations": result.max_iterations,
        "every": result.every,
        **_point_record(result, result.start, "start"),
        "iterations": result.iterations,
        "converged": result.converged,
        "reason": result.reason,
        "message": result.message,
        "hint": result.hint,
        "warnings": list(result.warnings),
        "text": result.as_point_text(),
        **_point_record(result, result.point),
        **value_fields(result.value),
        "gradient_norm": result.gradient_norm,
        "classification": result.classification,
        "curvature": result.curvature,
        "stable_learning_rate": result.stable_learning_rate,
        "trace": [
            {
                "iteration": row.iteration,
                **_point_record(result, row.point),
                **value_fields(row.value),
                "gradient_norm": row.gradient_norm,
                "step": row.step,
            }
            for row in result.trace
        ],
    }
    if result.data is not None:
        record["data"] = _data_record(result)
    return record


def _data_record(result: DescentResult) -> dict:
    data = result.data
    check = data.verification
    return {
        "source": data.source, "rows": data.rows, "columns": list(data.columns), "reduction": data.reduction,
        "unit": data.unit, "batch_size": data.batch_size, "epochs": data.epochs, "seed": data.seed,
        "column_scales": dict(data.scales), "quadratic": data.quadratic,
        "verification": None if check is None else {
            "normal_equations": _point_record(result, check.weights), "difference": check.difference,
            "tolerance": check.tolerance, "agrees": check.agrees,
        },
    }


def latex(result: DescentResult, output) -> str:
    """The final point and value, e.g. ``y_{hat} = 5.0,\\ f = 1.1 \\cdot 10^{-19}``; a
    comparison: one such line a run."""
    if isinstance(result, Comparison):
        return " \\\\\n".join(rf"\text{{{label}:}}\ " + latex(run, output) for run, label in zip(result.runs, result.labels))
    if output is not None:
        for warning in result.warnings:
            output.warn(warning)
    parts = [
        rf"{sympy.latex(sympy.Symbol(name))} = {sympy.latex(sympy.Float(value, 15))}"
        for name, value in zip(result.variables, result.point)
    ]
    parts.append(rf"f = {sympy.latex(sympy.Float(result.value, 15))}")
    text = r",\ ".join(parts)
    if not result.converged:
        text += rf" \quad \text{{({result.reason.replace('_', ' ')})}}"
    return text


# --- the terminal ------------------------------------------------------------------------------


def learning_rate_story(result: DescentResult) -> str:
    """What the learning rate means here, with the 2/c stability bound at the start."""
    one = len(result.variables) == 1
    lr = number(result.learning_rate)
    if result.method == "newton":
        text = (
            f"Newton's method lets the curvature pick the step: f′/f″ is the jump to the vertex of "
            f"the parabola that fits f here; lr = {lr} scales it (1 is the full Newton step)."
            if one else
            f"Newton's method lets the curvature pick the step: H⁻¹·∇f jumps to the centre of the "
            f"quadratic that fits f here; lr = {lr} scales it (1 is the full Newton step)."
        )
        return text
    gradient = f"f′({result.variables[0]})" if one else "∇f"
    text = f"The learning rate lr = {lr} is the step size: each step moves by lr × {gradient}"
    if result.method == "momentum":
        text += f", and the velocity keeps β = {number(result.momentum)} of the previous step"
    text += "."
    c = result.curvature
    if c is None:
        return text
    curvature_name = "f″" if one else "the largest eigenvalue of the Hessian"
    formula = "2/c" if result.method == "gd" else "2(1+β)/c"
    factor = 2 if result.method == "gd" else 2 * (1 + result.momentum)

    def verdict(bound: float) -> str:
        if math.isclose(result.learning_rate, bound, rel_tol=1e-9):
            return "exactly at it, so each step overshoots by what it gains and f swings back and forth"
        if result.learning_rate > bound:
            return "above it, so each step overshoots by more than it gains"
        if result.learning_rate < bound / 50:
            return "far below it, so the steps are safe but small and progress is slow"
        return "below it, so the steps settle"

    if c > 0:
        bound = factor / c
        text += (
            f" At the start the curvature c ({curvature_name}) is {number(c)}: on a parabola with that "
            f"curvature, steps are stable while lr < {formula} = {number(bound)}; lr = {lr} is {verdict(bound)}."
        )
    elif c == 0:
        text += (
            f" At the start f does not curve ({curvature_name} = 0), so no step size is unstable there "
            f"(the bound {formula} is infinite)."
        )
    else:
        text += (
            f" At the start f curves downward ({curvature_name} = {number(c)}), where no step size is "
            "unstable: descent only gathers speed downhill."
        )
    end = result.final_curvature
    if end is not None and end > 0 and (c <= 0 or not 0.5 <= end / c <= 2):
        bound = factor / end
        text += (
            f" Where it stopped the curvature is {number(end)}, so there lr < {formula} = {number(bound)} "
            f"keeps steps stable; lr = {lr} is {verdict(bound)}."
        )
    return text


def shown_problems(result: DescentResult) -> list:
    """The problems the terminal view already states in full (the ✗ line and its hint)."""
    if isinstance(result, Comparison):
        return []
    return result.problems if not result.converged else []


def rich(result: DescentResult, output):
    return ComparisonView(result) if isinstance(result, Comparison) else DescentView(result)


class ComparisonView:
    """Several runs: their loss curves on one plot with a legend, and a table of how each ended."""

    def __init__(self, comparison: Comparison):
        self.comparison = comparison

    def __rich_console__(self, console, options):
        from rich.table import Table
        from rich.text import Text

        runs, labels = self.comparison.runs, self.comparison.labels
        first = runs[0]
        function = function_name(first)
        yield Text.assemble(("compare ", "bold"), f"{len(runs)} runs of ", (f"{function} = ", "bold"),
                            unicode_math(first.expression), f" from {point_text(first, first.start, 6)}")
        yield Text("")
        width = max(20, min(72, options.max_width - 16))
        unit = first.data.unit if first.data else "iteration"
        for line in loss_curves(list(zip(labels, (run.trace for run in runs))), width, PLOT_HEIGHT, function, unit):
            yield line
        yield Text("")
        table = Table(box=None, padding=(0, 1), header_style="bold")
        for header in ("run", f"{unit}s", "final loss" if first.data else "final f", "final point", "reason"):
            table.add_column(header, overflow="fold")
        for index, (run, label) in enumerate(zip(runs, labels)):
            marker = Text(f"{MARKERS[index % len(MARKERS)]} {label}", style=COLOURS[index % len(COLOURS)])
            reason = Text(run.reason.replace("_", " "), style="green" if run.converged else "red")
            table.add_row(marker, str(run.iterations), number(run.value, 6), point_text(run, run.point, 6), reason)
        yield table
        notes = [(f"{label}:", run.hint) for run, label in zip(runs, labels) if run.hint]
        if notes:
            yield Text("")
            yield labelled_lines(notes)


class DescentView:
    """The whole terminal picture; it measures the console to thin the table and size the plot."""

    def __init__(self, result: DescentResult):
        self.result = result

    def __rich_console__(self, console, options):
        from rich.text import Text

        result = self.result
        one = len(result.variables) == 1
        function = function_name(result)
        unit = result.data.unit if result.data else "iteration"
        yield from header_lines(result, function)
        settings = f"lr = {number(result.learning_rate)}"
        if result.method == "momentum":
            settings += f", β = {number(result.momentum)}"
        yield Text.assemble(
            "  method ", (result.method, "bold"), f": {update_rule(result)}"
        )
        yield Text(
            f"  {settings}, tolerance {number(result.tolerance)}, at most {result.max_iterations} iterations",
            style="dim",
        )
        yield Text("")

        height = console.height or 25
        budget = max(6, min(20, height - 22))
        rows = thin(result.trace, budget)
        yield iteration_table(result, rows, unit)
        if len(rows) < len(result.trace) or result.every > 1:
            kept = f"every {result.every}th iteration" if result.every > 1 else "every iteration"
            yield Text(
                f"  showing {len(rows)} of {len(result.trace)} recorded rows ({kept} recorded; "
                "choose with --every, or see them all with --json)",
                style="dim",
            )
        yield Text("")
        if len(result.trace) >= 3:
            width = max(20, min(72, options.max_width - 16))
            plot_height = PLOT_HEIGHT if height >= 36 else PLOT_HEIGHT - 3  # shorter on small screens
            for line in loss_curve(result.trace, width, plot_height, function, unit):
                yield line
            yield Text("")
        if result.data and result.data.loss_map:
            yield from path_map(result.data.loss_map, options.max_width)
            yield Text("")

        from derivcli.render.layout import Phrases  # lazy: rich only for a terminal

        loss, slope = ("L", "∇L") if result.data else ("f", "∇f")
        coordinates = [f"{name} = {number(v, 12)}" for name, v in zip(result.variables, result.point)]
        coordinates = [text + ("," if index < len(coordinates) - 1 else "") for index, text in enumerate(coordinates)]
        yield Phrases([Text("final point", style="bold"),
                       *[("  " if index == 0 else " ", text) for index, text in enumerate(coordinates)]])
        size = f"{f'|{loss}′|' if one else f'‖{slope}‖'} = {number(result.gradient_norm, 3)}"
        yield Phrases([f"  {loss} = {number(result.value, 12)}", size])
        if result.converged:
            verdict = Text.assemble(("✓ ", "green bold"), (result.message, "green"))
            if result.classification == "minimum":
                verdict.append("  (a minimum: the second-order check agrees)", style="dim")
        else:
            verdict = Text.assemble(("✗ ", "red bold"), (result.message, "red"))
        yield verdict
        if result.data and result.data.verification:
            yield verification_line(result)
        notes = [("hint:", result.hint)] if result.hint else []
        notes += [("warning:", warning) for warning in result.warnings]
        if notes:
            yield labelled_lines(notes)
        yield Text("")
        story = data_learning_rate_story(result) if result.data else learning_rate_story(result)
        yield Text(story, style="italic")


def function_name(result: DescentResult) -> str:
    """f(x, y) for a formula, L(w, b) for a loss over data."""
    return f"{'L' if result.data else 'f'}({', '.join(result.variables)})"


def header_lines(result: DescentResult, function: str):
    """The function (or the loss over the rows) and its gradient."""
    from rich.text import Text

    data = result.data
    if data is None:
        yield Text.assemble(("descend ", "bold"), (f"{function} = ", "bold"), unicode_math(result.expression))
        if len(result.variables) == 1:
            yield Text.assemble("  f′ = ", unicode_math(result.gradient[0]))
        else:
            yield Text.assemble("  ∇f = (", ", ".join(unicode_math(g) for g in result.gradient), ")")
        return
    over = f"{data.reduction} over {data.rows} rows of {data.source}"
    yield Text.assemble(("descend ", "bold"), (f"{function} = ", "bold"), f"{over}: ", unicode_math(result.expression))
    taken = "averaged" if data.reduction == "mean" else "summed"
    for name, gradient in zip(result.variables, result.gradient):
        yield Text.assemble(f"  ∂L/∂{name} = ", unicode_math(gradient), f", {taken} over {data.rows} rows")
    if data.unit == "epoch":
        yield Text(f"  mini-batches of {data.batch_size} rows, shuffled with seed {data.seed}; "
                   "the loss is shown on the full data after each epoch", style="dim")


def verification_line(result: DescentResult):
    """The fitted weights against the normal equations."""
    from rich.text import Text

    check = result.data.verification
    solution = ", ".join(f"{name} = {number(v, 12)}" for name, v in zip(result.variables, check.weights))
    if check.agrees:
        return Text.assemble(("✓ ", "green bold"), (f"agrees with the normal equations ({solution}): "
                                                     f"largest difference {check.difference:.2g}", "green"))
    return Text.assemble(("✗ ", "red bold"), (f"differs from the normal equations ({solution}) by "
                                              f"{check.difference:.3g}", "red"))


def data_learning_rate_story(result: DescentResult) -> str:
    """The learning rate on data: the bound 2/λ_max of the averaged Hessian of the loss."""
    lr = number(result.learning_rate)
    if result.method == "newton":
        return (f"Newton's method steps by H⁻¹·∇L, H the Hessian of the loss averaged over the rows; "
                f"lr = {lr} scales it (1 is the full step, which lands on the minimum of a quadratic loss).")
    text = f"The learning rate lr = {lr} is the step size: each step moves the weights by lr × ∇L."
    c = result.curvature
    if c is None or not c > 0:
        return text
    formula = "2/λ_max" if result.method == "gd" else "2(1+β)/λ_max"
    bound = result.stable_learning_rate
    where = "everywhere (the loss is quadratic in the weights)" if result.data.quadratic else "at the start"
    if math.isclose(result.learning_rate, bound, rel_tol=1e-9):
        verdict = "exactly at it, so the weights swing back and forth"
    elif result.learning_rate > bound:
        verdict = "above it, so each step overshoots by more than it gains"
    else:
        verdict = "below it, so the steps settle"
    return text + (f" The largest eigenvalue of the averaged Hessian, λ_max = {number(c)} {where}, is the "
                   f"sharpest curvature of the loss: steps are stable while lr < {formula} = {number(bound)}; "
                   f"lr = {lr} is {verdict}.")


def labelled_lines(notes):
    """Label and text side by side; long texts wrap under their own first word, not the label."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="yellow bold")
    grid.add_column()
    for label, text in notes:
        grid.add_row(Text("  " + label), Text(text))
    return grid


def iteration_table(result: DescentResult, rows, unit: str = "iteration"):
    """The iterations as a sheet: as many digits as the width allows, then without the step and
    the gradient columns, then one block an iteration (never a cut number)."""
    from derivcli.render.layout import Column, Sheet  # lazy: rich only for a terminal

    one = len(result.variables) == 1
    function = function_name(result)
    slope = ("|L′|" if one else "‖∇L‖") if result.data else ("|f′|" if one else "‖∇f‖")
    columns = [
        Column(unit, justify="right", style="dim"),
        *(Column(name, justify="right", style="cyan") for name in result.variables),
        Column(function, justify="right"),
        Column(slope, justify="right", drop=1),
        Column("step", justify="right", style="dim", drop=2),
    ]
    variants = []
    for point_digits, value_digits, small_digits in ((10, 8, 3), (7, 6, 3), (5, 4, 2), (3, 3, 2)):
        cells = [
            [str(row.iteration), *(number(v, point_digits) for v in row.point), number(row.value, value_digits),
             number(row.gradient_norm, small_digits), number(row.step, small_digits) if row.iteration else "–"]
            for row in rows
        ]
        variants.append((columns, cells))
    return Sheet(variants)


def thin(trace, budget: int):
    """At most ``budget`` rows spread evenly over the trace, always the first and the last."""
    if len(trace) <= budget:
        return list(trace)
    last = len(trace) - 1
    picks = sorted({round(i * last / (budget - 1)) for i in range(budget)})
    return [trace[i] for i in picks]


MARKERS = "•×○+◆▲■▼◇△□▽"
COLOURS = ("cyan", "magenta", "yellow", "green", "blue", "red")


def loss_curve(trace, width: int, height: int, function: str, unit: str = "iteration") -> list:
    """A small dot plot of f against the iteration (log scale when f > 0 spans decades)."""
    return loss_curves([("", trace)], width, height, function, unit)


def loss_curves(series, width: int, height: int, function: str, unit: str = "iteration") -> list:
    """The loss of several runs, ``series`` = [(label, trace)], on one dot plot with a legend
    (one marker and colour a run; log scale when f > 0 spans decades)."""
    from rich.text import Text

    values = [row.value for _, trace in series for row in trace]
    first = min(trace[0].iteration for _, trace in series)
    last = max(trace[-1].iteration for _, trace in series)
    # f > 0 spanning decades: log10(f); f < 0 spanning decades (f running off downwards): −log10(−f)
    sign = 1 if min(values) > 0 else -1 if max(values) < 0 else 0
    magnitudes = [abs(v) for v in values]
    logarithmic = sign != 0 and max(magnitudes) / min(magnitudes) > 1e3

    def height_of(v: float) -> float:
        return sign * math.log10(abs(v)) if logarithmic else v

    heights = [height_of(v) for v in values]
    low, high = min(heights), max(heights)
    span = high - low or 1.0
    grid = [[(" ", None)] * width for _ in range(height)]
    for index, (_, trace) in enumerate(series):
        mark = (MARKERS[index % len(MARKERS)], COLOURS[index % len(COLOURS)])
        for row in trace:
            position = 0 if last == first else round((row.iteration - first) / (last - first) * (width - 1))
            level = round((height_of(row.value) - low) / span * (height - 1))
            grid[height - 1 - level][position] = mark

    def label(h: float) -> str:
        if not logarithmic:
            return number(h, 3)
        exponent = sign * h
        size = f"1e{exponent:.0f}" if abs(exponent - round(exponent)) < 1e-9 else number(10**exponent, 3)
        return size if sign > 0 else "-" + size

    if logarithmic:
        top, bottom = label(high), label(low)
    else:
        from derivcli.render.textplot import distinct_labels  # lazy: rich only for a terminal

        bottom, top = distinct_labels(low, high)
    margin = max(len(top), len(bottom))
    scale = " (log scale)" if sign > 0 else f" (log scale of −{function})"
    title = f"{function} against the {unit}" + (scale if logarithmic else "")
    lines = [Text("  " + title, style="bold")]
    for index, cells in enumerate(grid):
        tick = top if index == 0 else bottom if index == height - 1 else ""
        line = Text(f"  {tick:>{margin}} ┤")
        for (character, style), run in itertools.groupby(cells):
            line.append(character * len(list(run)), style=style)
        lines.append(line)
    axis = f"  {'':>{margin}} └" + "─" * width
    lines.append(Text(axis, style="dim"))
    left, right = str(first), str(last)
    lines.append(Text(f"  {'':>{margin}}  {left}{right:>{width - len(left)}}", style="dim"))
    if len(series) > 1:
        legend = Text("  ")
        for index, (name, _) in enumerate(series):
            legend.append(f"{MARKERS[index % len(MARKERS)]} {name}", style=COLOURS[index % len(COLOURS)])
            legend.append("   ")
        lines.append(legend)
    return lines


SHADES = " .:-=+*#"


def path_map(loss_map, width: int) -> list:
    """The loss over two weights as shaded level bands (log of L − min L), with the path of the
    iterates drawn on it: S the start, E the end, • the iterates between."""
    from rich.text import Text

    values = [v for row in loss_map.values for v in row if math.isfinite(v)]
    if not values:
        return []
    columns = min(len(loss_map.values[0]), max(20, width - 12))
    lowest = min(values)
    spread = max(values) - lowest or 1.0

    def band(v: float) -> int:
        if not math.isfinite(v):
            return len(SHADES) - 1
        relative = (v - lowest) / spread  # 0 … 1, taken on a log scale so the valley shows its rings
        return min(len(SHADES) - 1, int(len(SHADES) * math.log1p(999 * relative) / math.log(1000)))

    grid = [[SHADES[band(v)] for v in row[:columns]] for row in loss_map.values]
    height = len(grid)
    (x0, x1), (y0, y1) = loss_map.first, loss_map.second

    def cell(point):
        i = round((point[0] - x0) / (x1 - x0) * (len(loss_map.values[0]) - 1))
        j = round((y1 - point[1]) / (y1 - y0) * (height - 1))
        return (j, i) if 0 <= i < columns and 0 <= j < height else None

    for point in loss_map.path[1:-1]:
        where = cell(point)
        if where:
            grid[where[0]][where[1]] = "•"
    for point, mark in ((loss_map.path[0], "S"), (loss_map.path[-1], "E")):
        where = cell(point)
        if where:
            grid[where[0]][where[1]] = mark
    first, second = loss_map.names
    lines = [Text(f"  the loss over ({first}, {second}) and the path from S to E "
                  "(darker: higher loss, bands on a log scale)", style="bold")]
    top, bottom = number(y1, 3), number(y0, 3)
    margin = max(len(top), len(bottom), len(second))
    for index, cells in enumerate(grid):
        tick = top if index == 0 else bottom if index == height - 1 else second if index == height // 2 else ""
        line = Text(f"  {tick:>{margin}} │")
        for character, run in itertools.groupby(cells):
            style = "bold red" if character in "SE" else "bold cyan" if character == "•" else "dim"
            line.append(character * len(list(run)), style=style)
        lines.append(line)
    left, right = number(x0, 3), number(x1, 3)
    lines.append(Text(f"  {'':>{margin}}  {left}{first:^{max(1, columns - len(left) - len(right))}}{right}", style="dim"))
    if loss_map.sampled_rows:
        lines.append(Text(f"  (drawn from {loss_map.sampled_rows} evenly spaced rows)", style="dim"))
    return lines


# --- progress on stderr (drawn by the worker that runs the descent) ---------------------------


class ProgressBar:
    """A rich progress bar on stderr that appears once a run has lasted half a second.

    It clears itself shortly before ``time_limit`` (the guard's --timeout), so that the guard's
    error line is not written onto the end of a bar left on the screen.
    """

    def __init__(self, delay: float = 0.5, time_limit: float | None = None):
        self.started = time.monotonic()
        self.delay = delay
        self.time_limit = time_limit
        self.progress = None
        self.task = None
        self.finished = False

    def __call__(self, done: int, total: int) -> None:
        if self.finished:
            return
        elapsed = time.monotonic() - self.started
        if self.time_limit is not None and elapsed > self.time_limit - max(0.5, self.time_limit / 10):
            self.close()
            self.finished = True
            return
        if self.progress is None:
            if elapsed < self.delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(
                TextColumn("descending"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=Console(stderr=True), transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("descent", total=total)
        self.progress.update(self.task, completed=done)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

