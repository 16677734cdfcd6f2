"""Show a gradient descent: the iterations, the loss curve, where it ended and why.

On a terminal: a thinned table of iterations, a small text plot of f against the iteration, the
final point, the stop reason and what the learning rate means for this function.  In a pipe: the
final point in ``--at`` syntax, one line, when the descent converged (otherwise an empty line,
the reason on stderr and exit status 3).  ``--json``: everything, with the trace.
"""

from __future__ import annotations

import math
import time

import sympy

from derivcli.descent import DescentResult
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
    reason goes to stderr; in a batch the output layer keeps an empty line in its place)."""
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
    commands name a point; ``text`` in --at syntax) and each trace row's point, with twins."""
    from derivcli.render.records import value_fields  # lazy: only --json builds records

    return {
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


def latex(result: DescentResult, output) -> str:
    """The final point and value, e.g. ``y_{hat} = 5.0,\\ f = 1.1 \\cdot 10^{-19}``."""
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
    return result.problems if not result.converged else []


def rich(result: DescentResult, output):
    return DescentView(result)


class DescentView:
    """The whole terminal picture; it measures the console to thin the table and size the plot."""

    def __init__(self, result: DescentResult):
        self.result = result

    def __rich_console__(self, console, options):
        from rich.text import Text

        result = self.result
        one = len(result.variables) == 1
        function = f"f({', '.join(result.variables)})"
        yield Text.assemble(("descend ", "bold"), (f"{function} = ", "bold"), unicode_math(result.expression))
        if one:
            yield Text.assemble("  f′ = ", unicode_math(result.gradient[0]))
        else:
            yield Text.assemble("  ∇f = (", ", ".join(unicode_math(g) for g in result.gradient), ")")
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
        yield iteration_table(result, rows, options.max_width)
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
            for line in loss_curve(result.trace, width, plot_height, function):
                yield line
            yield Text("")

        yield Text.assemble(("final point  ", "bold"), point_text(result, result.point))
        yield Text.assemble(
            ("  f = ", ""), number(result.value, 12), f"   ‖∇f‖ = {number(result.gradient_norm, 3)}"
            if not one else f"   |f′| = {number(result.gradient_norm, 3)}",
        )
        if result.converged:
            verdict = Text.assemble(("✓ ", "green bold"), (result.message, "green"))
            if result.classification == "minimum":
                verdict.append("  (a minimum: the second-order check agrees)", style="dim")
        else:
            verdict = Text.assemble(("✗ ", "red bold"), (result.message, "red"))
        yield verdict
        notes = [("hint:", result.hint)] if result.hint else []
        notes += [("warning:", warning) for warning in result.warnings]
        if notes:
            yield labelled_lines(notes)
        yield Text("")
        yield Text(learning_rate_story(result), style="italic")


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


def iteration_table(result: DescentResult, rows, width: int):
    """The iterations as a table, with as many digits as the width allows (never cut with …)."""
    from rich.table import Table

    one = len(result.variables) == 1
    function = f"f({', '.join(result.variables)})"
    headers = ["iteration", *result.variables, function, "|f′|" if one else "‖∇f‖", "step"]
    for point_digits, value_digits, small_digits, padding in ((10, 8, 3, 2), (7, 6, 3, 2), (5, 4, 2, 1), (3, 3, 2, 1)):
        cells = [
            [str(row.iteration), *(number(v, point_digits) for v in row.point), number(row.value, value_digits),
             number(row.gradient_norm, small_digits), number(row.step, small_digits) if row.iteration else "–"]
            for row in rows
        ]
        widths = [max(len(headers[i]), *(len(line[i]) for line in cells)) for i in range(len(headers))]
        if sum(widths) + 2 * padding * len(widths) <= width:
            break
    table = Table(box=None, padding=(0, padding), header_style="bold")
    styles = ["dim", *["cyan"] * len(result.variables), "", "", "dim"]
    for header, style in zip(headers, styles):
        table.add_column(header, justify="right", style=style or None, no_wrap=True, overflow="fold")
    for line in cells:
        table.add_row(*line)
    return table


def thin(trace, budget: int):
    """At most ``budget`` rows spread evenly over the trace, always the first and the last."""
    if len(trace) <= budget:
        return list(trace)
    last = len(trace) - 1
    picks = sorted({round(i * last / (budget - 1)) for i in range(budget)})
    return [trace[i] for i in picks]


def loss_curve(trace, width: int, height: int, function: str) -> list:
    """A small dot plot of f against the iteration (log scale when f > 0 spans decades)."""
    from rich.text import Text

    values = [row.value for row in trace]
    first, last = trace[0].iteration, trace[-1].iteration
    # f > 0 spanning decades: log10(f); f < 0 spanning decades (f running off downwards): −log10(−f)
    sign = 1 if min(values) > 0 else -1 if max(values) < 0 else 0
    magnitudes = [abs(v) for v in values]
    logarithmic = sign != 0 and max(magnitudes) / min(magnitudes) > 1e3
    heights = [sign * math.log10(v) for v in magnitudes] if logarithmic else values
    low, high = min(heights), max(heights)
    span = high - low or 1.0
    columns: list[list[float]] = [[] for _ in range(width)]
    for row, h in zip(trace, heights):
        position = 0 if last == first else round((row.iteration - first) / (last - first) * (width - 1))
        columns[position].append(h)
    grid = [[" "] * width for _ in range(height)]
    for position, column in enumerate(columns):
        for h in column:
            level = round((h - low) / span * (height - 1))
            grid[height - 1 - level][position] = "•"
    def label(h: float) -> str:
        if not logarithmic:
            return number(h, 3)
        exponent = sign * h
        size = f"1e{exponent:.0f}" if abs(exponent - round(exponent)) < 1e-9 else number(10**exponent, 3)
        return size if sign > 0 else "-" + size

    top, bottom = label(high), label(low)
    margin = max(len(top), len(bottom))
    scale = " (log scale)" if sign > 0 else f" (log scale of −{function})"
    title = f"{function} against the iteration" + (scale if logarithmic else "")
    lines = [Text("  " + title, style="bold")]
    for index, cells in enumerate(grid):
        tick = top if index == 0 else bottom if index == height - 1 else ""
        lines.append(Text.assemble(f"  {tick:>{margin}} ┤", ("".join(cells), "cyan")))
    axis = f"  {'':>{margin}} └" + "─" * width
    lines.append(Text(axis, style="dim"))
    left, right = str(first), str(last)
    lines.append(Text(f"  {'':>{margin}}  {left}{right:>{width - len(left)}}", style="dim"))
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

