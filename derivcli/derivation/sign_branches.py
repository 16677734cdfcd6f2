"""Forms that hold for x > 0 and for x < 0 separately: radicals merged and |x| resolved.

For real x, sympy keeps √(x⁷), |x| and √(1 − 1/x²) as they are, since x may be negative. The
function's real domain often settles the sign (√(x⁷) is real only for x ≥ 0), and otherwise each
sign can be treated apart: the rewrites run once with x = p and once with x = −p (p > 0), where
sympy merges √(p⁷) into p^(7/2). A sign whose branch of f is provably not real is left out; the
forms of the other signs must then coincide, so the result is one expression, not a piecewise.
"""

from __future__ import annotations

import sympy


def sign_sensitive(expression, variable) -> bool:
    """Whether the variable's sign could shorten ``expression``: an |·| or sign(·), or a root of
    something other than a polynomial in the variable (√(x⁷), √(1 − 1/x²))."""
    if expression.has(sympy.Abs, sympy.sign):
        return True
    for power in expression.atoms(sympy.Pow):
        if power.exp.is_Integer or variable not in power.base.free_symbols:
            continue
        if not power.base.is_polynomial(variable) or power.base.is_Pow or power.base.is_Mul:
            return True
    return False


def _outside_domain(function) -> bool:
    """True when sympy proves the branch of f is not real (√(−p⁷), log(−p) for p > 0)."""
    return function.is_extended_real is False


def branch_forms(raw, function, variable, rewrite) -> list:
    """The form ``rewrite`` gives on each sign of ``variable``, when those agree on every sign in
    f's domain (or only one sign is in it); [] otherwise. ``rewrite`` maps an expression to its
    shortest form."""
    positive = sympy.Dummy("p", positive=True)
    forms = []
    for sign in (1, -1):
        place = sign * positive
        if _outside_domain(function.xreplace({variable: place})):
            continue
        form = rewrite(raw.xreplace({variable: place}))
        forms.append(form.xreplace({positive: sign * variable}))
    if not forms or any(form != forms[0] for form in forms[1:]) or forms[0].has(positive):
        return []
    return forms[:1]
