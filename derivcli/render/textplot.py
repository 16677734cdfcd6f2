"""Character plots for the terminal: f over a window with its points marked, sized to the console.

The samples come from the engine (``analysis.PlotData``: many more than a screen has columns);
this module only bins them into the columns there are, frames them and labels the axes. Below
:data:`MIN_COLUMNS` columns or :data:`MIN_ROWS` rows of plot the picture is left out with a
one-line note, rather than wrapped into noise.
"""

from __future__ import annotations

import math

from rich.text import Text

MIN_COLUMNS = 24   # columns of plot (not counting the labels) below which a plot is left out
MIN_ROWS = 5
MAX_ROWS = 11
MAX_COLUMNS = 120  # wider than this, a plot only gets sparser, not clearer


def tick(value: float, digits: int) -> str:
    """A tick label with ``digits`` significant digits, as short as Python writes it."""
    if value == 0:
        return "0"
    return f"{value:.{digits}g}"


def distinct_labels(low: float, high: float) -> tuple[str, str]:
    """Labels of the two ends of an axis, with as many digits as it takes to tell them apart
    (``x**2 - 1e6*x`` near its minimum spans -2.5e11 … -2.5e11 + 1)."""
    for digits in range(3, 17):
        first, second = tick(low, digits), tick(high, digits)
        if first != second or low == high:
            return first, second
    return tick(low, 17), tick(high, 17)


def plot_rows(height: int | None) -> int:
    """Rows of plot for a console of this height (a third of it, within bounds)."""
    return max(MIN_ROWS, min(MAX_ROWS, (height or 25) // 3))


def left_out(needed: int) -> Text:
    """The one line that stands for a plot too big for the screen."""
    return Text(f"(plot left out: it needs {needed} columns)", style="dim")


class FunctionPlot:
    """f over the window of ``data`` with its marked points, as wide as the console allows.

    ``marks`` maps a mark's label to (character, style, legend words).
    """

    def __init__(self, data, marks: dict, function: str = "f(x)", variable: str = "x"):
        self.data = data
        self.marks = marks
        self.function = function
        self.variable = variable

    def __rich_console__(self, console, options):
        values = [value for _, value in self.data.samples if value is not None]
        if len(values) < 2:
            return
        bottom, top = self._frame(values)
        bottom_label, top_label = distinct_labels(bottom, top)
        margin = max(len(top_label), len(bottom_label)) + 1
        columns = min(MAX_COLUMNS, options.max_width - margin - 2)
        if columns < MIN_COLUMNS:
            yield left_out(MIN_COLUMNS + margin + 2)
            return
        rows = plot_rows(options.height or console.height)
        grid, styles = self._draw(columns, rows, bottom, top)
        yield Text(f"{self.function} against {self.variable}", style="bold")
        for index, row in enumerate(grid):
            label = top_label if index == 0 else bottom_label if index == rows - 1 else ""
            line = Text(label.rjust(margin) + " │", style="dim")
            for column, character in enumerate(row):
                line.append(character, style=styles[index][column])
            yield line
        low, high = self.data.window
        left, right = distinct_labels(low, high)
        gap = max(1, columns - len(left) - len(right))
        yield Text(" " * (margin + 2) + left + " " * gap + right, style="dim")
        legend = self.legend()
        if legend is not None:
            yield legend

    def legend(self):
        from derivcli.render.layout import Phrases  # lazy: the layout policy loads with the terminal view

        present = []
        for _, _, label in self.data.marks:
            if label in self.marks and self.marks[label] not in present:
                present.append(self.marks[label])
        if not present:
            return None
        return Phrases([Text.assemble((character, style), f" {words}") for character, style, words in present],
                       gap="   ", indent="")

    def _frame(self, values) -> tuple[float, float]:
        """The range of f shown: the marked points with room around them, else all of f but a
        pole's tails."""
        ordered = sorted(values)
        bottom, top = ordered[0], ordered[-1]
        marked = [value for _, value, _ in self.data.marks]
        if len(marked) >= 2 and max(marked) - min(marked) > 1e-9 * max(1.0, abs(max(marked))):
            reach = max(marked) - min(marked)
            bottom, top = max(bottom, min(marked) - 0.6 * reach), min(top, max(marked) + 0.6 * reach)
        else:
            cut = len(ordered) // 20
            if (ordered[-1 - cut] - ordered[cut]) * 4 < top - bottom:
                bottom, top = ordered[cut], ordered[-1 - cut]
        for value in marked:
            bottom, top = min(bottom, value), max(top, value)
        if top - bottom <= 1e-15 * max(1.0, abs(top)):  # flat to the precision of a float: frame it loosely
            spread = 0.1 * max(1.0, abs(top))
            bottom, top = bottom - spread, top + spread
        return bottom, top

    def _draw(self, columns: int, rows: int, bottom: float, top: float):
        grid = [[" "] * columns for _ in range(rows)]
        styles = [[None] * columns for _ in range(rows)]
        low, high = self.data.window
        span = (high - low) or 1.0

        def row_of(value):
            return round((top - value) / (top - bottom) * (rows - 1))

        def column_of(position):
            return min(columns - 1, max(0, round((position - low) / span * (columns - 1))))

        reach: list[list[int]] = [[] for _ in range(columns)]
        for position, value in self.data.samples:
            if value is not None and bottom <= value <= top and math.isfinite(value):
                reach[column_of(position)].append(row_of(value))
        previous = None
        for column, found in enumerate(reach):
            if not found:
                previous = None
                continue
            first, last = min(found), max(found)
            if previous is not None:  # join a steep stretch to the last column: one line, not dots
                if previous < first - 1:
                    first = previous + 1
                if previous > last + 1:
                    last = previous - 1
            for row in range(first, last + 1):
                grid[row][column] = "·"
            previous = found[-1]
        if bottom <= 0 <= top:
            axis = row_of(0)
            for column in range(columns):
                if grid[axis][column] == " ":
                    grid[axis][column], styles[axis][column] = "─", "dim"
        for position, value, label in self.data.marks:
            if low <= position <= high and bottom <= value <= top:
                character, style, _ = self.marks.get(label, ("●", "bold cyan", label))
                row, column = row_of(value), column_of(position)
                grid[row][column], styles[row][column] = character, style
        return grid, styles
