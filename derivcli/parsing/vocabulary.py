"""The whitelist of the formula language: constants, functions (with sympy's spellings beside the
textbook ones), the size limits, and the names that are never variables.

Only names listed here are ever called; everything else a formula names is a variable or an error.
"""

from __future__ import annotations

import re

import sympy

MAX_LENGTH = 4000
MAX_DEPTH = 64
MAX_NODES = 1500
MAX_DIGITS = 200
MAX_EXPONENT_DIGITS = 4
MAX_NAME_LENGTH = 32
MAX_RESULT_BITS = 13_000

_E = sympy.E
CONSTANTS = {
    "pi": sympy.pi,
    "e": _E,
    "E": _E,
    "oo": sympy.oo,
    "inf": sympy.oo,
    "infinity": sympy.oo,
}


def _log(value, base=None):
    """log(x) is the natural logarithm; log(x, b) the logarithm to base b."""
    return sympy.log(value) if base is None else sympy.log(value, base)


def _erfcinv(value):
    """erfcinv(u) as erfinv(1 − u), the same function: sympy cannot evaluate erfcinv numerically."""
    return sympy.erfinv(1 - value)


# name -> (builder, allowed argument counts); sympy's own spellings beside the textbook ones
FUNCTIONS = {
    "sin": (sympy.sin, {1}), "cos": (sympy.cos, {1}), "tan": (sympy.tan, {1}),
    "sec": (sympy.sec, {1}), "csc": (sympy.csc, {1}), "cot": (sympy.cot, {1}),
    "asin": (sympy.asin, {1}), "acos": (sympy.acos, {1}), "atan": (sympy.atan, {1}),
    "acot": (sympy.acot, {1}), "asec": (sympy.asec, {1}), "acsc": (sympy.acsc, {1}),
    "arcsin": (sympy.asin, {1}), "arccos": (sympy.acos, {1}), "arctan": (sympy.atan, {1}),
    "arccot": (sympy.acot, {1}), "arcsec": (sympy.asec, {1}), "arccsc": (sympy.acsc, {1}),
    "atan2": (sympy.atan2, {2}), "arctan2": (sympy.atan2, {2}),
    "sinh": (sympy.sinh, {1}), "cosh": (sympy.cosh, {1}), "tanh": (sympy.tanh, {1}),
    "coth": (sympy.coth, {1}), "sech": (sympy.sech, {1}), "csch": (sympy.csch, {1}),
    "asinh": (sympy.asinh, {1}), "acosh": (sympy.acosh, {1}), "atanh": (sympy.atanh, {1}),
    "acoth": (sympy.acoth, {1}), "asech": (sympy.asech, {1}), "acsch": (sympy.acsch, {1}),
    "arcsinh": (sympy.asinh, {1}), "arccosh": (sympy.acosh, {1}), "arctanh": (sympy.atanh, {1}),
    "arccoth": (sympy.acoth, {1}), "arcsech": (sympy.asech, {1}), "arccsch": (sympy.acsch, {1}),
    "arsinh": (sympy.asinh, {1}), "arcosh": (sympy.acosh, {1}), "artanh": (sympy.atanh, {1}),
    "arcoth": (sympy.acoth, {1}), "arsech": (sympy.asech, {1}), "arcsch": (sympy.acsch, {1}),
    "exp": (sympy.exp, {1}),
    "log": (_log, {1, 2}), "ln": (sympy.log, {1}),
    "log10": (lambda value: sympy.log(value, 10), {1}),
    "log2": (lambda value: sympy.log(value, 2), {1}),
    "sqrt": (sympy.sqrt, {1}), "cbrt": (sympy.cbrt, {1}), "root": (sympy.root, {2}),
    "abs": (sympy.Abs, {1}), "Abs": (sympy.Abs, {1}),
    "sign": (sympy.sign, {1}),
    "min": (sympy.Min, {2, 3, 4}), "max": (sympy.Max, {2, 3, 4}),
    "Min": (sympy.Min, {2, 3, 4}), "Max": (sympy.Max, {2, 3, 4}),
    "sinc": (sympy.sinc, {1}),
    "erf": (sympy.erf, {1}), "erfc": (sympy.erfc, {1}), "erfi": (sympy.erfi, {1}),
    "erfinv": (sympy.erfinv, {1}), "erfcinv": (_erfcinv, {1}),
    "fresnels": (sympy.fresnels, {1}), "fresnelc": (sympy.fresnelc, {1}),
    "gamma": (sympy.gamma, {1}), "loggamma": (sympy.loggamma, {1}),
    "digamma": (sympy.digamma, {1}), "trigamma": (sympy.trigamma, {1}),
    "polygamma": (sympy.polygamma, {2}),
    "lowergamma": (sympy.lowergamma, {2}), "uppergamma": (sympy.uppergamma, {2}),
    "LambertW": (sympy.LambertW, {1}),
    "Ei": (sympy.Ei, {1}), "Si": (sympy.Si, {1}), "Ci": (sympy.Ci, {1}), "li": (sympy.li, {1}),
    "Shi": (sympy.Shi, {1}), "Chi": (sympy.Chi, {1}), "Li": (sympy.Li, {1}),
    "E1": (sympy.E1, {1}), "expint": (sympy.expint, {2}),
    "besselj": (sympy.besselj, {2}), "bessely": (sympy.bessely, {2}),
    "besseli": (sympy.besseli, {2}), "besselk": (sympy.besselk, {2}),
    "jn": (sympy.jn, {2}), "yn": (sympy.yn, {2}),
    "airyai": (sympy.airyai, {1}), "airybi": (sympy.airybi, {1}),
    "airyaiprime": (sympy.airyaiprime, {1}), "airybiprime": (sympy.airybiprime, {1}),
    "polylog": (sympy.polylog, {2}),
    "elliptic_k": (sympy.elliptic_k, {1}), "elliptic_e": (sympy.elliptic_e, {1}),
    "elliptic_f": (sympy.elliptic_f, {2}),
}
# the sympy function whose domain a name's call has, where the builder is not that function
DOMAIN_OF = {"log": sympy.log, "log10": sympy.log, "log2": sympy.log, "erfcinv": sympy.erfcinv}
# name -> (index of the order argument, whether it must be a whole number ≥ 0): orders are
# numbers of bounded size, so polygamma(10**9, x) is refused rather than computed
ORDERS = {
    "polygamma": (0, True), "jn": (0, True), "yn": (0, True), "expint": (0, False),
    "besselj": (0, False), "bessely": (0, False), "besseli": (0, False), "besselk": (0, False),
    "lowergamma": (0, False), "uppergamma": (0, False), "polylog": (0, False),
}
MAX_ORDER = 100
PIECEWISE_NAMES = {"piecewise", "Piecewise"}
KNOWN_FUNCTIONS = "sin cos tan exp log ln sqrt abs asin sinh erf gamma … (see 'man deriv')"
OTHERWISE_NAMES = {"otherwise", "True"}
UNDEFINED_FUNCTION_NAMES = set("fghFGH")
NAME = re.compile(r"[A-Za-z\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*")

GLUED_BUILDERS = {
    sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot,
    sympy.asin, sympy.acos, sympy.atan, sympy.acot, sympy.asec, sympy.acsc,
    sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch,
    sympy.asinh, sympy.acosh, sympy.atanh, sympy.acoth, sympy.asech, sympy.acsch,
    sympy.exp, sympy.log, _log, sympy.sqrt, sympy.cbrt, sympy.Abs,
}
# elementary functions written without parentheses in print (sin x, ln x): glued to a name they are refused
GLUED_FUNCTIONS = tuple(sorted(
    (name for name, (builder, _) in FUNCTIONS.items()
     if name.islower() and (builder in GLUED_BUILDERS or name in ("log10", "log2"))),
    key=len, reverse=True,
))
GREEK_NAMES = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa mu nu xi omicron rho sigma tau "
    "upsilon phi chi psi omega".split()
)
GLUED_ARGUMENT = re.compile(r"\d*(?:[A-Za-z\u0370-\u03ff]|(?P<word>[A-Za-z]+))")
