"""The pieces of every JSON record of schema deriv/1 (schema/deriv-1.schema.json).

One rule for every command: a point is an object of exact strings (``"at": {"x": "pi/2"}``) with
a numeric twin of floats (``"at_numeric": {"x": 1.5707963267948966}``); a value is an exact string
(``"value": "2*cos(1)"``) with a number beside it (``"value_numeric": 1.0806…``). A number that is
not a finite real (an exact value with no real decimal, a float that overflowed) is null.
"""

from __future__ import annotations

import math

import sympy

from derivcli.calculus import to_float


def exact(value) -> str | None:
    """sympy's string syntax of a value; a float (a descent's numbers) as its shortest exact repr."""
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, str)):
        return str(value)
    return sympy.sstr(value)


def number(value) -> float | None:
    """A finite float for JSON (which has no NaN nor infinity), else None."""
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    return to_float(value)


def point_fields(point: dict | None, key: str = "at") -> dict:
    """``{key: {name: exact}, key_numeric: {name: float}}``; both null without a point."""
    if point is None:
        return {key: None, f"{key}_numeric": None}
    return {key: {str(name): exact(value) for name, value in point.items()},
            f"{key}_numeric": {str(name): number(value) for name, value in point.items()}}


def value_fields(value, key: str = "value") -> dict:
    """``{key: exact, key_numeric: float}``; both null without a value."""
    return {key: exact(value), f"{key}_numeric": number(value)}


def list_fields(values, key: str) -> dict:
    """``{key: [exact, …], key_numeric: [float, …]}``: a vector and its numeric twin; both null
    without one."""
    if values is None:
        return {key: None, f"{key}_numeric": None}
    return {key: [exact(value) for value in values], f"{key}_numeric": [number(value) for value in values]}


def matrix_fields(rows, key: str) -> dict:
    """``{key: [[exact, …], …], key_numeric: [[float, …], …]}``: a matrix and its numeric twin;
    both null without one."""
    if rows is None:
        return {key: None, f"{key}_numeric": None}
    return {key: [[exact(value) for value in row] for row in rows],
            f"{key}_numeric": [[number(value) for value in row] for row in rows]}
