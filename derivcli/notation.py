"""How deriv writes names in prose: superscripts and derivatives (f′, f″, f⁽⁴⁾, ∂²f/∂y∂x).

A module of its own, with no sympy, because the engines write these names into their messages
and the renderers into tables: both import it, and neither imports the other for it.
"""

from __future__ import annotations

_SUPERSCRIPT = str.maketrans(
    "0123456789+-()=abcdefghijklmnoprstuvwxyz",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾⁼ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
)
_RAISABLE = set("0123456789+-()=abcdefghijklmnoprstuvwxyz")


def superscript(text: str) -> str | None:
    """``text`` in superscript characters, or None when some character has none."""
    compact = text.replace(" ", "")
    if compact and all(character in _RAISABLE for character in compact):
        return compact.translate(_SUPERSCRIPT)
    return None


def derivative_name(variables, partial: bool = False) -> str:
    """f′, f″, f‴, f⁽⁴⁾ for one variable; ∂f/∂x, ∂²f/∂y∂x for partial derivatives."""
    order = len(variables)
    if len(set(variables)) == 1 and not partial:
        return {1: "f′", 2: "f″", 3: "f‴"}.get(order, f"f⁽{superscript(str(order))}⁾")
    if order == 1:
        return f"∂f/∂{variables[0]}"
    runs: list[list] = []
    for variable in reversed(variables):
        if runs and runs[-1][0] == variable:
            runs[-1][1] += 1
        else:
            runs.append([variable, 1])
    below = "".join(f"∂{v}{superscript(str(count)) if count > 1 else ''}" for v, count in runs)
    return f"∂{superscript(str(order))}f/{below}"
