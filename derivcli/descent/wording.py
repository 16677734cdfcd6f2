"""Small phrases shared by the messages of descent: counts, points, why a value failed."""

from __future__ import annotations


def count(number: int, noun: str) -> str:
    """``1 iteration``, ``3 iterations``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def point_text(names, point) -> str:
    """``x = 1, y = 2.5`` (six significant digits)."""
    return ", ".join(f"{name} = {value:.6g}" for name, value in zip(names, point))


def slope_name(names) -> str:
    """The size of the slope: |f′| in one variable, ‖∇f‖ in several."""
    return "|f′|" if len(names) == 1 else "‖∇f‖"


def describe_failure(kind: str, text: str) -> str:
    """Why a numeric evaluation failed, from the exception's class name and text."""
    if kind == "ZeroDivisionError":
        return "undefined (division by zero)"
    if kind == "OverflowError":
        return "too large to compute (overflow)"
    if kind == "TypeError" and "complex" in text:
        return "not real (a complex value)"
    if kind == "ValueError" and "domain" in text:
        return "undefined (outside its domain: math domain error)"
    return f"not computable ({text or kind})"
