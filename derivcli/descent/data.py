"""A CSV file of samples read for `descend --data`: the header names the columns, cells are numbers.

Read with the csv module and converted with float() only: a cell is never evaluated.  The file
is streamed line by line; only the columns the loss uses are kept, as arrays of doubles, so
memory grows with rows × used columns, never with the width or the text of the file, and the
limits below are named when they are hit.
"""

from __future__ import annotations

import csv
import math
from array import array
from dataclasses import dataclass

from derivcli.errors import ResourceLimitError, UsageError
from derivcli.parsing import CONSTANTS, FUNCTIONS, MAX_NAME_LENGTH, OTHERWISE_NAMES, PIECEWISE_NAMES

MAX_LINE = 1_000_000        # characters in one line of the file
MAX_COLUMNS = 10_000        # columns in the header
MAX_ROWS = 5_000_000        # data rows
MAX_VALUES = 20_000_000     # rows × used columns kept in memory (8 bytes each)


@dataclass
class Samples:
    """The used columns of a data file, as arrays of doubles, and where they came from."""

    source: str
    header: tuple[str, ...]
    columns: dict[str, array]
    rows: int


def _lines(stream, source: str):
    """The lines of a text stream, each read with a bounded length (a line with no end is refused)."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE:
            raise UsageError(f"line {number} of {source} is longer than {MAX_LINE} characters (the limit of --data)")
        yield line


def read_header(reader, source: str) -> tuple[str, ...]:
    """The column names of the first non-blank row, checked (UsageError naming the problem)."""
    for row in reader:
        if any(cell.strip() for cell in row):
            break
    else:
        raise UsageError(f"{source} is empty", "the first row must name the columns, e.g. x,y")
    if len(row) > MAX_COLUMNS:
        raise UsageError(f"{source} has {len(row)} columns, more than {MAX_COLUMNS} (the limit of --data)")
    names = tuple(cell.strip() for cell in row)
    seen = set()
    for name in names:
        _check_column_name(name, source)
        if name and name in seen:
            raise UsageError(f"the column {name!r} appears twice in the header of {source}")
        seen.add(name)
    return names


def _check_column_name(name: str, source: str) -> None:
    """A column may not be named like a function or constant of the formula language."""
    if name in FUNCTIONS or name in PIECEWISE_NAMES or name in OTHERWISE_NAMES:
        raise UsageError(f"the column {name!r} of {source} is named like a function",
                         "rename the column: in a formula that name means the function")
    if name in CONSTANTS:
        raise UsageError(f"the column {name!r} of {source} is named like a constant",
                         f"rename the column: in a formula {name} means the constant")
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(f"a column name of {source} is longer than {MAX_NAME_LENGTH} characters")


def read_samples(stream, source: str, wanted) -> Samples:
    """Read the header and the ``wanted`` columns of every row (the others are not converted).

    Errors name the line and the column: a ragged row, a cell that is not a number, a cell
    that is NaN or infinite, a file with a header and no rows, more rows than MAX_ROWS.
    """
    reader = csv.reader(_lines(stream, source))
    try:
        header = read_header(reader, source)
        return _read_rows(reader, header, source, wanted)
    except csv.Error as error:
        raise UsageError(f"{source} is not valid CSV (line {reader.line_num}: {error})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text (near line {reader.line_num + 1})") from None


def _read_rows(reader, header, source: str, wanted) -> Samples:
    positions = [(index, name) for index, name in enumerate(header) if name in wanted]
    columns = {name: array("d") for _, name in positions}
    limit = min(MAX_ROWS, MAX_VALUES // max(1, len(positions)))
    rows = 0
    for row in reader:
        if not row or not any(cell.strip() for cell in row):
            continue  # blank lines (a trailing newline, spacing) carry no sample
        if len(row) != len(header):
            raise UsageError(f"line {reader.line_num} of {source} has {len(row)} cells; the header has {len(header)}")
        rows += 1
        if rows > limit:
            raise ResourceLimitError(
                f"{source} has more than {limit} rows (the limit of --data for {len(positions)} used columns)"
            )
        for index, name in positions:
            columns[name].append(_number(row[index], name, reader.line_num, source))
    if rows == 0:
        raise UsageError(f"{source} has a header but no rows of data")
    return Samples(source, header, columns, rows)


def _number(cell: str, name: str, line: int, source: str) -> float:
    """A cell as a finite float, by float() alone."""
    try:
        value = float(cell)
    except ValueError:
        shown = cell.strip()[:40]
        raise UsageError(f"line {line} of {source}, column {name!r}: {shown!r} is not a number") from None
    if not math.isfinite(value):
        raise UsageError(f"line {line} of {source}, column {name!r}: {cell.strip()} is not a finite number",
                         "remove or fill the rows with missing values")
    return value
