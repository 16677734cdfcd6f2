"""Targeted rewrites of a raw derivative into the forms a textbook prints.

Each rewrite is cheap (milliseconds on a course-sized result) and chosen from the shape of the
expression, instead of sympy.simplify's search: common factors pulled out; a quotient over the
factored g of the quotient rule (never expanded), its numerator expanded, common factors out; powers of
one base merged; sin²+cos² = 1 and the double angles where sin and cos of one argument meet.
None of them folds n·log(b) into log(bⁿ) or merges numeric bases (2**(7*x) stays, not 128**x).
The caller measures the forms and checks each against the raw result; a rewrite may be longer.
"""

from __future__ import annotations

from functools import lru_cache

import sympy
from sympy import cos, cosh, sin, sinh

from .factoring import factor_terms
from .products import products_to_sums

EXPAND_TERMS = 60  # a numerator whose expansion would have more terms stays as it is
TRIG_DEGREE = 2  # the double-angle rewrite is tried on products of at most this many sines and cosines
_PAIRS = ((sin, cos), (sinh, cosh))


@lru_cache(maxsize=256)
def common_factors(expression):
    """Common factors and numeric content pulled out of sums: 2*x*e^x + x²*e^x → x*(x + 2)*e^x.
    (Remembered: the forms of one result ask for the same ones several times.)"""
    return factor_terms(expression)


def merged_powers(expression):
    """Powers of one base and exponentials multiplied together: x**a*x**b → x**(a + b).

    combine='exp' only: 'base' would merge numeric bases (2**(7*x) into 128**x, whose integer grows
    with the coefficient)."""
    return sympy.powsimp(expression, combine="exp")


def expansion_terms(expression) -> int:
    """An upper bound on the number of terms of expand(expression), without expanding."""
    if expression.is_Add:
        return sum(expansion_terms(term) for term in expression.args)
    if expression.is_Mul:
        count = 1
        for factor in expression.args:
            count *= expansion_terms(factor)
        return count
    if expression.is_Pow and expression.exp.is_Integer and expression.exp > 0 and expression.base.is_Add:
        return expansion_terms(expression.base) ** int(expression.exp)
    return 1


def _distributed(expression):
    """Products multiplied out and integer powers of sums expanded, but not inside functions or
    roots (sin(2*(x + 1)) and √(x² + 1) keep their arguments). A sum or product with nothing to
    multiply out is given back as it is, not rebuilt (rebuilding it was most of the cost)."""
    if expression.is_Add:
        terms = [_distributed(term) for term in expression.args]
        return expression if _unchanged(terms, expression) else sympy.Add(*terms)
    if expression.is_Mul:
        factors = [_distributed(factor) for factor in expression.args]
        if _unchanged(factors, expression) and not _has_sums(expression):
            return expression
        return sympy.expand_mul(sympy.Mul(*factors), deep=False)
    if expression.is_Pow and expression.exp.is_Integer and expression.exp > 0 and expression.base.is_Add:
        return sympy.expand_multinomial(expression.func(_distributed(expression.base), expression.exp), deep=False)
    return expression


def _unchanged(arguments, expression) -> bool:
    return all(new is old for new, old in zip(arguments, expression.args))


def _has_sums(product) -> bool:
    """Whether expand_mul has anything to multiply out in ``product``: a sum as a factor, or one
    below the fraction bar (expand_mul multiplies out a denominator's product of sums too)."""
    for factor in product.args:
        base, exponent = factor.as_base_exp()
        if factor.is_Add or (base.is_Add and exponent.could_extract_minus_sign()):
            return True
    return False


@lru_cache(maxsize=256)
def expanded(expression):
    """The expression multiplied out (see _distributed), or as it is when that would be large.
    (Remembered: a quotient's numerator is expanded, then its forms expand it again.)"""
    if expansion_terms(expression) > EXPAND_TERMS:
        return expression
    return _distributed(expression)


def numerators(numerator) -> list:
    """The forms worth trying for a numerator: expanded, common factors out; and for a
    product with a power of a sum, (x²+9)⁵·(12x(x+8) + x²+9), the sums left inside expanded."""
    flat = expanded(numerator)
    forms = [flat, common_factors(flat)]
    if flat is numerator or expansion_terms(numerator) > 2 * len(sympy.Add.make_args(flat)):
        outer = common_factors(numerator)
        if outer.is_Mul:
            inner = outer.func(*[expanded(f) if f.is_Add else f for f in outer.args])
            forms.append(common_factors(inner))
    return forms


def _bases(denominator) -> list:
    """The denominator as [(base, exponent)]."""
    return [factor.as_base_exp() for factor in sympy.Mul.make_args(denominator)]


def _split_numeric(bases):
    """The bases without their numeric content, and the factor that content makes:
    1/(6*(x²/36 + 1)) has the base x² + 36 and the factor 36/6 = 6."""
    kept, scale = [], sympy.Integer(1)
    for base, exponent in bases:
        if base.is_Number:
            scale /= base**exponent
            continue
        if base.is_Add and exponent.is_Integer:
            content, primitive = base.as_content_primitive()
            if content != 1:
                scale /= content**exponent
                base = primitive
        kept.append((base, exponent))
    return kept, scale


def _cancelled(numerator, bases):
    """Divide the expanded numerator by the bases of the denominator as long as they divide it.

    Polynomial division in the numerator's own generators (x, sin(x), e^x, …); a base that is not
    a polynomial in them, or a division that leaves a remainder, stays."""
    divisible = [(base, exponent) for base, exponent in bases
                 if exponent.is_Integer and exponent > 0 and base.free_symbols]
    if not divisible or numerator == 0:  # as written: asking is_zero of a sum runs the assumptions
        return numerator, bases
    polynomial = _polynomial(numerator, _generators(numerator, *[base for base, _ in divisible]))
    if polynomial is None:
        return numerator, bases
    result, divided = [], False
    for base, exponent in bases:
        if (base, exponent) in divisible:
            divisor = _polynomial(base, polynomial.gens)
            while divisor is not None and exponent > 0:
                quotient, remainder = polynomial.div(divisor)
                if not remainder.is_zero:
                    break
                polynomial, exponent, divided = quotient, exponent - 1, True
        if exponent != 0:
            result.append((base, exponent))
    return (polynomial.as_expr() if divided else numerator), result


def _polynomial(expression, generators):
    """``expression`` as a polynomial in ``generators``, or None. It is read as it is written
    first (an expanded numerator needs no second expansion, which cost four fifths of the
    division); only a form that is not a sum of monomials is expanded."""
    for expand in (False, True):
        try:
            return sympy.Poly(expression, *generators, expand=expand)
        except (sympy.PolynomialError, sympy.GeneratorsNeeded, ValueError):
            continue
    return None


def _generators(*expressions) -> list:
    """The polynomial generators of expressions: symbols, function calls and roots (x, sin(x), √(x²+1))."""
    generators = set()
    for expression in expressions:
        for term in sympy.preorder_traversal(expression):
            if term.is_Symbol or isinstance(term, sympy.Function) or (term.is_Pow and not term.exp.is_Integer):
                generators.add(term)
    return sorted(generators, key=sympy.default_sort_key)


def has_denominator(expression) -> bool:
    """Whether a power with a negative exponent (something below a fraction bar) occurs."""
    return any(power.exp.is_negative for power in expression.atoms(sympy.Pow))


def quotient_forms(expression) -> list:
    """The expression as one fraction n/g₁ᵏ¹·g₂ᵏ²…: the denominator as powers of the factors g it
    came with (never multiplied out), the numerator expanded and divided by any g it
    contains; the forms differ in how the numerator is written."""
    if not has_denominator(expression):
        return numerators(expression)
    numerator, denominator = sympy.fraction(expression)
    if has_denominator(numerator) or has_denominator(denominator):  # fractions inside: one bar
        numerator, denominator = sympy.fraction(sympy.together(expression))
    bases, scale = _split_numeric(_bases(denominator))
    flat, bases = _cancelled(expanded(numerator), bases)
    below = sympy.Mul(*[base**-exponent for base, exponent in bases])
    return [sympy.Mul(scale, form, below) for form in numerators(flat)]


def mergeable_powers(expression) -> bool:
    """Whether a product holds two powers of one base (x**a*x**b, e**u*e**v) that sympy left apart."""
    for product in expression.atoms(sympy.Mul):
        bases = [sympy.E if factor.func is sympy.exp else factor.as_base_exp()[0] for factor in product.args]
        if len(set(bases)) < len(bases):
            return True
    return False


def pairs_present(expression) -> list:
    """The (sin, cos, u) or (sinh, cosh, u) for each argument u whose two functions both occur."""
    arguments = {function: set() for pair in _PAIRS for function in pair}
    for call in expression.atoms(*arguments):  # one walk for the four functions
        arguments[call.func].add(call.args[0])
    found = []
    for first, second in _PAIRS:
        shared = arguments[first] & arguments[second]
        found.extend((first, second, argument) for argument in sorted(shared, key=sympy.default_sort_key))
    return found


# square → offset + factor·other²: cos² = 1 − sin², sin² = 1 − cos², cosh² = 1 + sinh², sinh² = cosh² − 1
_IDENTITIES = {sin: ((cos, sin, 1, -1), (sin, cos, 1, -1)),
               sinh: ((cosh, sinh, 1, 1), (sinh, cosh, -1, 1))}


def _squares_replaced(expression, argument, square, other, offset, factor):
    """Every square(argument)**n, n ≥ 2, written through other(argument)² by the identity."""
    def reduce(power):
        half, rest = divmod(int(power.exp), 2)
        return (offset + factor * other(argument) ** 2) ** half * square(argument) ** rest

    return expression.replace(
        lambda node: (node.is_Pow and node.base.func is square and node.base.args[0] == argument
                      and node.exp.is_Integer and node.exp >= 2),
        reduce)


def _squares_of_both(expression, first, second, argument) -> bool:
    """Whether squares (or higher powers) of both functions of ``argument`` occur, or one of them
    sits below a fraction bar: only then can the identity shorten anything."""
    def powers(function):
        return any(power.base == function(argument) and power.exp.is_Integer and abs(power.exp) >= 2
                   for power in expression.atoms(sympy.Pow))

    return (powers(first) and powers(second)) or has_denominator(expression)


def pythagorean(expression) -> list:
    """cos² → 1 − sin² (or sin² → 1 − cos², and the hyperbolic cosh² = 1 + sinh²) where both of
    one argument occur, then the quotient forms: (−(sin x + 1)·sin x − cos²x)/(sin x + 1)² → −1/(sin x + 1)."""
    forms = []
    for first, second, argument in pairs_present(expression):
        if not _squares_of_both(expression, first, second, argument):
            continue
        for identity in _IDENTITIES[first]:
            rewritten = _squares_replaced(expression, argument, *identity)
            if rewritten != expression:
                forms.extend(quotient_forms(rewritten))
    return forms


def _trig_degree(expression) -> int:
    """The largest number of sines and cosines (with multiplicity) multiplied at one level of a
    term: 2·sin x·cos x·(cos²x − sin²x) has 2 at each level, 28·sin³x·cos x has 4."""
    degree = 0
    for term in sympy.Add.make_args(expression):
        degree = max(degree, _trig_factors(term),
                     *[_trig_degree(factor) for factor in sympy.Mul.make_args(term) if factor.is_Add])
    return degree


def _trig_factors(product) -> int:
    """How many sines and cosines (circular or hyperbolic, with multiplicity) ``product`` multiplies."""
    count = 0
    for factor in sympy.Mul.make_args(product):
        base, exponent = factor.as_base_exp()
        if base.func in (sin, cos, sinh, cosh) and exponent.is_Integer:
            count += abs(int(exponent))
    return count


def _has_trig_products(expression) -> bool:
    """Whether some product or power anywhere holds two sines or cosines (with multiplicity):
    without one, the product-to-sum formulas have nothing to rewrite."""
    return any((node.is_Mul or node.is_Pow) and _trig_factors(node) >= 2
               for node in sympy.preorder_traversal(expression))


def double_angles(expression) -> list:
    """Products of sin and cos of one argument as sines and cosines of multiples of it
    (2·sin x·cos x → sin 2x, sinh²x + cosh²x → cosh 2x), where the products are short."""
    if not pairs_present(expression) or not _has_trig_products(expression):
        return []
    factored = common_factors(expression)
    if _trig_degree(factored) > TRIG_DEGREE:
        return []
    return [products_to_sums(factored)]
