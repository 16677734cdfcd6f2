"""Derivative tables of the named functions, each written in the argument u (textbook forms).

Each entry maps a sympy function class to (formula text, derivative of f at u). The forms are the
ones a teacher writes (sec²u, 1/(|u|·√(u²−1))); they hold on the real domain of the function,
which is where the cross-check compares them with sympy.diff.
"""

from sympy import (
    Abs, acos, acosh, acot, acoth, acsc, acsch, asec, asech, asin, asinh, atan, atanh, cos, cosh,
    cot, coth, csc, csch, sec, sech, sin, sinh, sqrt, tan, tanh,
)

TRIG = {
    sin: ("(sin u)′ = cos u", lambda u: cos(u)),
    cos: ("(cos u)′ = −sin u", lambda u: -sin(u)),
    tan: ("(tan u)′ = sec²u", lambda u: sec(u) ** 2),
    cot: ("(cot u)′ = −csc²u", lambda u: -csc(u) ** 2),
    sec: ("(sec u)′ = sec u·tan u", lambda u: sec(u) * tan(u)),
    csc: ("(csc u)′ = −csc u·cot u", lambda u: -csc(u) * cot(u)),
}

INVERSE_TRIG = {
    asin: ("(asin u)′ = 1/√(1 − u²)", lambda u: 1 / sqrt(1 - u**2)),
    acos: ("(acos u)′ = −1/√(1 − u²)", lambda u: -1 / sqrt(1 - u**2)),
    atan: ("(atan u)′ = 1/(1 + u²)", lambda u: 1 / (1 + u**2)),
    acot: ("(acot u)′ = −1/(1 + u²)", lambda u: -1 / (1 + u**2)),
    asec: ("(asec u)′ = 1/(|u|·√(u² − 1))", lambda u: 1 / (Abs(u) * sqrt(u**2 - 1))),
    acsc: ("(acsc u)′ = −1/(|u|·√(u² − 1))", lambda u: -1 / (Abs(u) * sqrt(u**2 - 1))),
}

HYPERBOLIC = {
    sinh: ("(sinh u)′ = cosh u", lambda u: cosh(u)),
    cosh: ("(cosh u)′ = sinh u", lambda u: sinh(u)),
    tanh: ("(tanh u)′ = sech²u", lambda u: sech(u) ** 2),
    coth: ("(coth u)′ = −csch²u", lambda u: -csch(u) ** 2),
    sech: ("(sech u)′ = −sech u·tanh u", lambda u: -sech(u) * tanh(u)),
    csch: ("(csch u)′ = −csch u·coth u", lambda u: -csch(u) * coth(u)),
}

INVERSE_HYPERBOLIC = {
    asinh: ("(asinh u)′ = 1/√(u² + 1)", lambda u: 1 / sqrt(u**2 + 1)),
    acosh: ("(acosh u)′ = 1/√(u² − 1), u > 1", lambda u: 1 / sqrt(u**2 - 1)),
    atanh: ("(atanh u)′ = 1/(1 − u²), |u| < 1", lambda u: 1 / (1 - u**2)),
    acoth: ("(acoth u)′ = 1/(1 − u²), |u| > 1", lambda u: 1 / (1 - u**2)),
    asech: ("(asech u)′ = −1/(u·√(1 − u²))", lambda u: -1 / (u * sqrt(1 - u**2))),
    acsch: ("(acsch u)′ = −1/(|u|·√(1 + u²))", lambda u: -1 / (Abs(u) * sqrt(1 + u**2))),
}

FAMILIES = {
    "trig": ("trig", TRIG),
    "inverse_trig": ("inverse trig", INVERSE_TRIG),
    "hyperbolic": ("hyperbolic", HYPERBOLIC),
    "inverse_hyperbolic": ("inverse hyperbolic", INVERSE_HYPERBOLIC),
}
