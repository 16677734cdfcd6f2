"""Show a tangent line or plane (derivcli.derivation.Tangent) in each output form: the line a
learner draws next (``tangent: y = 6·x - 9``) and the estimate it gives a step away."""

from __future__ import annotations

import sympy

from derivcli.derivation import Tangent
from derivcli.render.mathtext import numeric_text, unicode_math


def equation_text(tangent: Tangent) -> str:
    """``y = 6·x - 9`` (``z = …`` for a plane), in terminal math."""
    return f"{tangent.dependent} = {unicode_math(tangent.line)}"


def rich_lines(tangent: Tangent | None) -> list:
    """The tangent and the linear approximation as terminal lines (none without a tangent)."""
    from rich.text import Text  # lazy: rich only for a terminal

    if tangent is None:
        return []
    kind = "tangent plane" if tangent.plane else "tangent"
    lines = [Text(f"{kind}: {equation_text(tangent)}")]
    sentence = approximation_sentence(tangent)
    if sentence:
        lines.append(Text(sentence))
    return lines


def approximation_sentence(tangent: Tangent) -> str | None:
    """``near x = 3, f(3.1) ≈ 9.6; the true value is 9.61``: the tangent used as an estimate."""
    if tangent.near is None or tangent.estimate is None:
        return None
    here = ", ".join(f"{variable} = {unicode_math(tangent.point[variable])}" for variable in tangent.variables)
    there = ", ".join(_decimal(tangent.near[variable]) for variable in tangent.variables)
    sentence = f"near {here}, f({there}) ≈ {_decimal(tangent.estimate)}"
    if tangent.actual is None:
        return sentence + " (f has no value there to compare with)"
    return sentence + f"; the true value is {_decimal(tangent.actual)}"


def _decimal(value) -> str:
    text = numeric_text(value, 6)
    return text[:-2] if text.endswith(".0") else text


def record(tangent: Tangent | None) -> dict | None:
    """The tangent as JSON: the line (sympy syntax), the point, f there, the slopes, the estimate."""
    if tangent is None:
        return None
    return {
        "line": sympy.sstr(tangent.line),
        "dependent": tangent.dependent,
        "variables": [str(variable) for variable in tangent.variables],
        "value": sympy.sstr(tangent.value),
        "slopes": [sympy.sstr(slope) for slope in tangent.slopes],
        "near": ({str(k): sympy.sstr(v) for k, v in tangent.near.items()} if tangent.near else None),
        "estimate": sympy.sstr(tangent.estimate) if tangent.estimate is not None else None,
        "actual": sympy.sstr(tangent.actual) if tangent.actual is not None else None,
    }


def plain_line(tangent: Tangent) -> str:
    """The tangent's right-hand side, readable back by sympify: ``6*x - 9``."""
    return sympy.sstr(tangent.line)


def latex_line(tangent: Tangent) -> str:
    return f"{tangent.dependent} = {sympy.latex(tangent.line)}"
