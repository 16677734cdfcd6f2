"""The one layout policy of the terminal: how tables and long lines give way to a narrow screen.

A number is never cut. Below the width a table needs, its optional columns go first (those
with the highest ``drop`` rank), then each row becomes a block of ``label: value`` lines (the
stacked layout), then, where even a label beside its value does not fit, plain lines with the
value under its label. Numbers and verdict words (``WHOLE`` cells) are never wrapped inside;
prose (``PROSE`` cells) wraps between words; a value wider than the screen folds onto the next
line, whole. Every renderer lays its tables out through :class:`Sheet` and its long lines
through :class:`Phrases`, so every command gives way in the same order.

The decision is made when rich draws (``__rich_console__``), with the width actually available,
so a table inside a tree or a panel fits where it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text

WHOLE, PROSE = "whole", "prose"
PADDINGS = (2, 1)            # spaces each side of a cell: roomy first, then tight
STACK_INDENT = 2             # a stacked block's lines under its heading
NARROWEST_VALUE = 12         # below this, a stacked value goes under its label (plain lines)
NARROWEST_PROSE = 14         # prose is wrapped no narrower than this (or its longest word)


@dataclass(frozen=True)
class Column:
    """One column: its header, how its cells may break, and how soon it may be left out.

    ``drop`` 0 means always shown; among the others the highest rank is left out first.
    In the stacked layout every column is shown again, dropped ones included.
    """

    header: str
    kind: str = WHOLE
    drop: int = 0
    justify: str = "left"
    style: str | None = None


def width_of(cell) -> int:
    """Columns a cell takes on one line."""
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


def narrowest(cell, kind: str) -> int:
    """The fewest columns a cell can take without a cut: its whole width, or (prose) its longest
    word, and no fewer than :data:`NARROWEST_PROSE` (a short phrase is not broken up)."""
    if kind == WHOLE:
        return width_of(cell)
    text = cell.plain if isinstance(cell, Text) else str(cell)
    longest = max((cell_len(word) for word in text.split()), default=0)
    return max(longest, min(width_of(cell), NARROWEST_PROSE))


def needed(columns, rows, padding: int) -> int:
    """The width a table of these columns needs with whole cells whole and prose at its narrowest."""
    total = 0
    for index, column in enumerate(columns):
        cells = [column.header] + [row[index] for row in rows]
        total += max(narrowest(cell, column.kind) for cell in cells) + 2 * padding
    return total


def _as_text(cell, style: str | None = None) -> Text:
    if isinstance(cell, Text):
        return cell
    return Text(str(cell), style=style or "")


@dataclass
class Sheet:
    """A table that gives way as the policy says; ``variants`` are (columns, rows) from the most
    detailed (e.g. more digits) to the most compact, all describing the same rows."""

    variants: list
    heading: tuple = (0,)  # the columns whose cells head a row's block when stacked

    @classmethod
    def of(cls, columns, rows, heading: tuple = (0,)) -> Sheet:
        return cls([(list(columns), [list(row) for row in rows])], heading)

    def arrange(self, width: int):
        """The renderable for this width: a table, a thinner table, stacked blocks or plain lines."""
        variants = [_without_empty_columns(columns, rows) for columns, rows in self.variants]
        for columns, rows in variants:
            for padding in PADDINGS:
                if needed(columns, rows, padding) <= width:
                    return _table(columns, rows, padding)
        columns, rows = variants[-1]
        droppable = sorted({column.drop for column in columns if column.drop}, reverse=True)
        for rank in droppable:
            kept = [index for index, column in enumerate(columns) if not column.drop or column.drop < rank]
            narrower = [columns[index] for index in kept]
            cut_rows = [[row[index] for index in kept] for row in rows]
            if needed(narrower, cut_rows, PADDINGS[-1]) <= width:
                return _table(narrower, cut_rows, PADDINGS[-1])
        return _stacked(columns, rows, self.heading, width)

    def __rich_console__(self, console, options):
        yield self.arrange(options.max_width)


def _is_empty(cell) -> bool:
    return not _as_text(cell).plain.strip()


def _without_empty_columns(columns, rows):
    """A column with nothing in any row is not shown at all (a header over blanks says nothing)."""
    kept = [index for index in range(len(columns)) if not all(_is_empty(row[index]) for row in rows)]
    return [columns[index] for index in kept], [[row[index] for index in kept] for row in rows]


def _table(columns, rows, padding: int) -> Table:
    table = Table(box=None, padding=(0, padding), header_style="bold", show_header=True)
    for index, column in enumerate(columns):
        cells = [column.header] + [row[index] for row in rows]
        table.add_column(
            column.header, justify=column.justify, style=column.style, no_wrap=column.kind == WHOLE,
            overflow="fold",  # should rich ever be short of room, a number folds: never "…"
            min_width=max(narrowest(cell, column.kind) for cell in cells),
        )
    for row in rows:
        table.add_row(*(_as_text(cell) for cell in row))
    return table


def _stacked(columns, rows, heading: tuple, width: int):
    """One block a row: its heading cells, then ``label: value`` for every other column; a value
    too wide to stand beside its label goes on the lines under it (folded only if wider than
    the screen, so still whole)."""
    heading = tuple(index for index in heading if index < len(columns))
    labels = [column.header for index, column in enumerate(columns) if index not in heading]
    label_width = max((cell_len(label) + 1 for label in labels if label), default=0)
    room = width - STACK_INDENT - label_width - 1
    parts = []
    for row in rows:
        title = [_as_text(row[index], columns[index].style) for index in heading if not _is_empty(row[index])]
        if title:
            parts.append(Text("  ").join(title))
        for index, column in enumerate(columns):
            if index in heading or _is_empty(row[index]):
                continue
            label = (f"{column.header}:" if column.header else "").ljust(label_width)
            value = _as_text(row[index], column.style)
            if room >= NARROWEST_VALUE and value.cell_len <= room:
                parts.append(Text.assemble((" " * STACK_INDENT + label, "dim"), " ", value))
            else:
                parts.append(Text(" " * STACK_INDENT + label.rstrip(), style="dim"))
                parts.append(Text.assemble(" " * (2 * STACK_INDENT), value, overflow="fold"))
    return Group(*parts)


class Phrases:
    """A line made of phrases (a formula, its rule, a check mark) that breaks only between
    phrases while each fits on a line of its own; a phrase wider than the line wraps inside.

    A phrase is a Text (or string), or a (gap, phrase) pair to set the space before it. Later
    lines start with ``indent``. So a formula that fits on a line is never split in two because
    something came before it.
    """

    def __init__(self, phrases, gap: str = "   ", indent: str = "  "):
        self.phrases = []
        for phrase in phrases:
            before, phrase = phrase if isinstance(phrase, tuple) else (gap, phrase)
            phrase = phrase if isinstance(phrase, Text) else Text(str(phrase))
            if phrase.plain:
                self.phrases.append((before, phrase))
        self.indent = indent

    def lines(self, console, width: int) -> Text:
        """The phrases laid on lines of ``width``: a phrase goes to a new line when it does not
        fit on this one and either fits on a line of its own or this line is well filled; a
        phrase too long for any line wraps (rich's word wrap) with the later lines indented."""
        finished, current = [], None
        for before, phrase in self.phrases:
            if current is not None and current.cell_len + len(before) + phrase.cell_len <= width:
                current = Text.assemble(current, before, phrase)
                continue
            if current is None:
                current = phrase.copy()
            elif len(self.indent) + phrase.cell_len <= width or current.cell_len > width // 2:
                finished.append(current)
                current = Text.assemble(self.indent, phrase)
            else:
                current = Text.assemble(current, before, phrase)
            if current.cell_len > width:
                wrapped = list(current.wrap(console, max(1, width - len(self.indent))))
                finished += [wrapped[0]] + [Text.assemble(self.indent, line) for line in wrapped[1:-1]]
                current = Text.assemble(self.indent, wrapped[-1]) if len(wrapped) > 1 else wrapped[-1]
        if current is not None:
            finished.append(current)
        return Text("\n").join(finished)

    def __rich_console__(self, console, options):
        yield self.lines(console, options.max_width)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        whole = sum(len(before) + phrase.cell_len for before, phrase in self.phrases)
        longest = max((phrase.cell_len for _, phrase in self.phrases), default=0)
        return Measurement(min(longest, options.max_width), min(whole, options.max_width))
