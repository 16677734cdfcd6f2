"""Products of sines and cosines written as sums: the product-to-sum formulas.

    sin a·cos b = (sin(a + b) + sin(a − b))/2      sinh a·cosh b = (sinh(a + b) + sinh(a − b))/2
    cos a·cos b = (cos(a + b) + cos(a − b))/2      cosh a·cosh b = (cosh(a + b) + cosh(a − b))/2
    sin a·sin b = (cos(a − b) − cos(a + b))/2      sinh a·sinh b = (cosh(a + b) − cosh(a − b))/2

and with a = b the double angles (2·sin x·cos x = sin 2x, sinh²x + cosh²x = cosh 2x). This is what
sympy's TR8 does for sin and cos, written for both families at once: TR8 reaches sinh and cosh only
through hyper_as_trig and back, which cost ten times the rewrite itself.
"""

from __future__ import annotations

import sympy
from sympy import cos, cosh, sin, sinh

_FAMILIES = {sin: "circular", cos: "circular", sinh: "hyperbolic", cosh: "hyperbolic"}
_SINE = {"circular": sin, "hyperbolic": sinh}
_COSINE = {"circular": cos, "hyperbolic": cosh}


def products_to_sums(expression):
    """``expression`` with every product (and positive integer power) of sines and cosines of one
    family replaced by a sum of single sines and cosines, bottom up; each rewritten product has its
    common factors gathered again, as TR8 leaves it."""
    if expression.is_Atom:
        return expression
    arguments = [products_to_sums(argument) for argument in expression.args]
    if arguments != list(expression.args):
        expression = expression.func(*arguments)
    if not (expression.is_Mul or _is_trig_power(expression)):
        return expression
    numerator, denominator = [sympy.expand_mul(part) for part in expression.as_numer_denom()]
    summed_numerator, summed_denominator = _reduced(numerator), _reduced(denominator)
    if summed_numerator == numerator and summed_denominator == denominator:
        return expression
    gathered = sympy.gcd_terms(summed_numerator / summed_denominator)
    if gathered.is_Mul and gathered.args[0].is_Rational and len(gathered.args) == 2 and gathered.args[1].is_Add:
        gathered = sympy.Mul(*gathered.as_coeff_Mul())  # 3*(a + b)/2 as 3*a/2 + 3*b/2
    return gathered


def _is_trig_power(expression) -> bool:
    return expression.is_Pow and expression.base.func in _FAMILIES and expression.exp.is_Integer


def _reduced(expression):
    """A sum of products with at most one sine or cosine of each family per term."""
    if expression.is_Add:
        return sympy.Add(*[_reduced(term) for term in expression.args])
    sines = {"circular": [], "hyperbolic": []}
    cosines = {"circular": [], "hyperbolic": []}
    others = []
    for factor in sympy.Mul.make_args(expression):
        base, exponent = factor.as_base_exp()
        if base.func in _FAMILIES and exponent.is_Integer and exponent > 0:
            kind = sines if base.func in (sin, sinh) else cosines
            kind[_FAMILIES[base.func]].extend([base.args[0]] * int(exponent))
        else:
            others.append(factor)
    for family in ("circular", "hyperbolic"):
        pair = _pair_sum(family, sines[family], cosines[family])
        if pair is not None:
            rest = sympy.Mul(*others, *[_SINE[family](a) for a in sines[family]],
                             *[_COSINE[family](a) for a in cosines[family]], *_other_family(family, sines, cosines))
            return _reduced(sympy.expand_mul(rest * pair))
    return expression


def _other_family(family, sines, cosines) -> list:
    other = "hyperbolic" if family == "circular" else "circular"
    return [_SINE[other](a) for a in sines[other]] + [_COSINE[other](a) for a in cosines[other]]


def _pair_sum(family: str, sines: list, cosines: list):
    """The sum for two factors taken off the lists (which keep the rest), or None with fewer than two."""
    sine, cosine = _SINE[family], _COSINE[family]
    if sines and cosines:
        a, b = sines.pop(), cosines.pop()
        return (sine(a + b) + sine(a - b)) / 2
    if len(cosines) > 1:
        a, b = cosines.pop(), cosines.pop()
        return (cosine(a + b) + cosine(a - b)) / 2
    if len(sines) > 1:
        a, b = sines.pop(), sines.pop()
        sign = 1 if family == "hyperbolic" else -1
        return (sign * cosine(a + b) - sign * cosine(a - b)) / 2
    return None
