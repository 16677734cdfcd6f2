"""Whether a formula of one variable is real anywhere: a derivative needs f defined around a point.

`deriv diff "sqrt(-1 - x**2)"` used to print -x/sqrt(-x**2 - 1) with exit 0, and
`deriv diff "1/(sin(x)**2 + cos(x)**2 - 1)"` printed 0: formulas for the derivative of a function
that has no real value at any x. The conditions of the formula as written (parsing's Condition:
a divisor not 0, a square root's argument not negative, ...) are first tried at the cross-check's
sample points, with its bounded mpmath evaluation (exact values of sin(x^x^x) at x = 1000 would
never finish); one point where they all hold ends the check, which is the common case.

Only when none does is the domain worked out, and then soundly: each condition gives a set that
contains every x where it holds — exactly for a polynomial or rational quantity (sympy's solveset
is exact there), the real line for anything else, the empty set where sympy proves the condition
false everywhere — and when their intersection is empty (or a few isolated points, where no
derivative exists either) there is no derivative anywhere. What cannot be settled is said as a
note, never passed off as a verdict.
"""
from __future__ import annotations

import sympy

from ..calculus import shown
from ..errors import NoAnswerError
from ..guard import run_with_budget
from ..parsing import NONNEGATIVE, NONZERO, POSITIVE
from .crosscheck import sample_points
from .numeric import Undefined, Unevaluable, evaluate

SECONDS = 1.0  # to work the domain out, once no sample point is inside
SAMPLING_SECONDS = 0.5  # for the sample points: formulas whose values are costly are not judged
POINTS_TRIED = 12
MAX_DEGREE = 200  # of a polynomial condition solved exactly
CLEARLY_NOT_ZERO = 1e-15  # sin(x)**2 + cos(x)**2 - 1 is about 1e-31 at 30 digits
_RELATIONS = {NONZERO: (sympy.Ne, "!= 0"), NONNEGATIVE: (sympy.Ge, ">= 0"), POSITIVE: (sympy.Gt, "> 0")}
INCONCLUSIVE = (f"none of {POINTS_TRIED} sample points was shown to be in f's domain, and the domain could not "
                "be worked out: the derivative above may exist nowhere")


def check_defined_somewhere(conditions, variable) -> str | None:
    """None when f (one variable, with these domain conditions) is real on some interval or may
    be; raise NoAnswerError when it is real at no point, or only at isolated points; a note when
    no point tried is in the domain and the domain could not be worked out."""
    if not conditions:
        return None
    finished, inside = run_with_budget(lambda: _sampled_inside(conditions, variable), SAMPLING_SECONDS)
    if not finished or inside:
        return None  # a point inside, or values too costly to tell: nothing to say
    finished, found = run_with_budget(lambda: _covering_sets(conditions, variable), SECONDS)
    if not finished or found is None:
        return INCONCLUSIVE
    where, blame = found
    if where is sympy.S.EmptySet:
        raise NoAnswerError(f"f has no real value at any real {variable}, so it has no derivative: {blame}")
    if isinstance(where, sympy.FiniteSet):
        points = ", ".join(f"{variable} = {sympy.sstr(point)}" for point in where.args)
        around = "it" if len(where.args) == 1 else "any of them"
        raise NoAnswerError(f"f can be real only at {points}, with no interval around {around} where f is defined, "
                            f"so it has no derivative: {blame}")
    if any(_inside(conditions, {variable: sympy.N(point, 30)}) for point in _points_in(where)):
        return None
    return INCONCLUSIVE


def _points_in(where):
    """A point inside each interval of ``where`` (a union of intervals and points)."""
    for piece in (where.args if isinstance(where, sympy.Union) else (where,)):
        if not isinstance(piece, sympy.Interval):
            continue
        low, high = piece.inf, piece.sup
        if low.is_finite and high.is_finite:
            yield (low + high) / 2
        elif low.is_finite:
            yield low + 1
        elif high.is_finite:
            yield high - 1
        else:
            yield sympy.S.Zero


def _sampled_inside(conditions, variable) -> bool:
    """Whether one of the cross-check's sample points is, by its values at 30 digits, inside the domain."""
    return any(_inside(conditions, point) for point in sample_points({variable}, POINTS_TRIED))


def _inside(conditions, point) -> bool:
    """Whether every condition clearly holds at ``point``. Only a point found inside ends the
    check without a verdict, so a wrong "inside" (a zero test too lax) costs a missed refusal,
    never a wrong one: refusals come from _covering_sets alone."""
    return all(_holds(condition, point) for condition in conditions)


def _judged(condition) -> bool:
    """Whether the condition is one this module reads: not inside a piecewise branch, not a real
    power, not a pole of gamma (those are taken to hold: a superset, so refusals stay sound)."""
    return condition.where is None and condition.exponent is None and condition.requirement in _RELATIONS


def _holds(condition, point) -> bool:
    if not _judged(condition):
        return True
    try:
        value = evaluate(condition.quantity, point, digits=30, real=True)
    except Unevaluable:
        return True
    except Undefined:  # not real, or too large to compute: not shown inside
        return False
    if condition.requirement == NONZERO:
        return abs(value) > CLEARLY_NOT_ZERO
    return value > CLEARLY_NOT_ZERO


def _covering_sets(conditions, variable):
    """(a set containing f's real domain, the words that explain it), or None when a condition's
    set could not be found; the explanation names the condition that empties the set alone, or
    every condition that takes part."""
    where = sympy.S.Reals
    blamed = []
    for condition in conditions:
        covering = _covering(condition, variable)
        if covering is None:
            return None
        if covering is sympy.S.Reals:
            continue
        if covering is sympy.S.EmptySet:
            return covering, _alone(condition, variable)
        where = where.intersect(covering)
        blamed.append(condition)
    words = "; ".join(f"{condition.written} needs {_relation(condition)}" for condition in blamed)
    return where, f"no real {variable} meets all of {words}" if len(blamed) > 1 else words


def _covering(condition, variable):
    """A set of reals containing every x where ``condition`` holds, or None if solveset failed."""
    quantity = condition.quantity
    if not _judged(condition) or quantity.free_symbols - {variable}:
        return sympy.S.Reals
    real = sympy.Dummy(variable.name, real=True)
    quantity = quantity.xreplace({variable: real})
    if not _rational_in(quantity, real):
        return sympy.S.EmptySet if _fails_everywhere(condition.requirement, quantity) else sympy.S.Reals
    relation = _RELATIONS[condition.requirement][0](quantity, 0)
    found = sympy.solveset(relation, real, sympy.S.Reals)
    if isinstance(found, (sympy.ConditionSet, sympy.ImageSet)) or found.has(sympy.ConditionSet):
        return None
    return found.xreplace({real: variable})


def _rational_in(quantity, variable) -> bool:
    """Whether ``quantity`` is a ratio of polynomials in ``variable`` of modest degree (solveset
    would build x**(10**100) - 2 as a polynomial of that degree)."""
    if any(node.is_Pow and node.exp.is_Integer and abs(node.exp) > MAX_DEGREE
           for node in sympy.preorder_traversal(quantity)):
        return False
    numerator, denominator = sympy.fraction(sympy.together(quantity))
    return numerator.is_polynomial(variable) and denominator.is_polynomial(variable)


def _fails_everywhere(requirement, quantity) -> bool:
    """Whether sympy proves the requirement false for every real x: by its assumptions (-e^x is
    negative), or, for a divisor, by simplifying it to 0 (simplify keeps equality)."""
    if requirement == POSITIVE:
        return quantity.is_nonpositive is True
    if requirement == NONNEGATIVE:
        return quantity.is_negative is True
    return quantity.is_zero is True or sympy.simplify(quantity) == 0


def _alone(condition, variable) -> str:
    return f"{condition.written} needs {_relation(condition)}, which holds for no real {variable}"


def _relation(condition) -> str:
    return f"{shown(condition.quantity)} {_RELATIONS[condition.requirement][1]}"
