"""Vectors and matrices as written on a command line: ``[x*y, x + y]``, ``[[2, 0], [0, 2]]``.

A vector of functions is what ``diff --jacobian`` differentiates, and a vector or a matrix is what
``--expect`` compares a gradient, a Jacobian or a Hessian with. The brackets and the commas
between elements are split here (commas inside a call such as ``log(x, 2)`` stay with their
element); each element is then read by the formula parser like any other formula.
"""

from __future__ import annotations

from derivcli.errors import ParseError

from .vocabulary import MAX_LENGTH

MAX_ELEMENTS = 400  # a 20 × 20 matrix
_OPENING, _CLOSING = "([", ")]"


def is_vector(text: str) -> bool:
    """Whether ``text`` is written as a bracketed list: ``[f1, f2]``."""
    return isinstance(text, str) and text.strip().startswith("[")


def split_elements(text: str) -> list[str]:
    """The elements of ``[a, b, …]`` (or of ``a, b, …`` without brackets) as texts; a nested
    element keeps its own brackets. A ParseError names unbalanced brackets or an empty element."""
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the vector is too long ({len(text)} characters; the limit is {MAX_LENGTH})")
    inner = text.strip()
    if inner.startswith("["):
        if not inner.endswith("]") or _closing_of(inner, 0) != len(inner) - 1:
            raise ParseError(f"the brackets of {_short(text)} do not match", hint="write a vector as [f1, f2]")
        inner = inner[1:-1]
    parts, depth, start = [], 0, 0
    for index, character in enumerate(inner):
        if character in _OPENING:
            depth += 1
        elif character in _CLOSING:
            depth -= 1
            if depth < 0:
                raise ParseError(f"the brackets of {_short(text)} do not match")
        elif character == "," and depth == 0:
            parts.append(inner[start:index])
            start = index + 1
    if depth != 0:
        raise ParseError(f"the brackets of {_short(text)} do not match")
    parts.append(inner[start:])
    parts = [part.strip() for part in parts]
    if any(not part for part in parts):
        raise ParseError(f"{_short(text)} has an empty element", hint="write a vector as [f1, f2]")
    if len(parts) > MAX_ELEMENTS:
        raise ParseError(f"the vector has {len(parts)} elements; the limit is {MAX_ELEMENTS}")
    return parts


def parse_matrix(text: str, read) -> list[list]:
    """``[[a, b], [c, d]]`` as rows of elements each read by ``read``; every row as long as the first."""
    texts = split_elements(text)
    if not is_vector(text) or any(not is_vector(row) for row in texts):
        raise ParseError(f"{_short(text)} is not a matrix", hint="write a matrix row by row: [[a, b], [c, d]]")
    rows = [[read(element) for element in split_elements(row)] for row in texts]
    if len({len(row) for row in rows}) > 1:
        raise ParseError(f"the rows of {_short(text)} have different lengths")
    return rows


def _closing_of(text: str, start: int) -> int:
    """The index of the bracket that closes the one at ``start`` (-1 when none does)."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] in _OPENING:
            depth += 1
        elif text[index] in _CLOSING:
            depth -= 1
            if depth == 0:
                return index
    return -1


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
