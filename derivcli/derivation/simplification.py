"""The final `simplify` step: the shortest of a few textbook forms of the raw result, checked.

The forms come from targeted rewrites chosen by the result's shape (rewrites.py, branches.py),
each a few milliseconds, instead of sympy.simplify's search. A form is kept only when it is
shorter, has no new functions (sign(x) for x/|x| would hide that |x| has no derivative at 0;
cosh for a sum of exponentials would surprise), keeps any piecewise, and agrees with the raw
result at sample points of f's real domain. A time limit guards against pathological inputs only.
"""

from __future__ import annotations

import time

import sympy

from . import rewrites, second_engine
from ..guard import run_with_budget
from .crosscheck import Mismatch, compare
from .operations import count_operations
from .sign_branches import branch_forms, sign_sensitive

CHEAP_LIMIT = 2000
SAFETY_SECONDS = 1.0  # for all rewrites of one result together; the common case takes milliseconds
POINTS_NEEDED = 3
_NEW_FORBIDDEN = (sympy.sign, sympy.Heaviside, sympy.DiracDelta, sympy.Piecewise, sympy.Abs)


def measure(expression) -> tuple[int, int, int]:
    """How long a form reads: operation count, then fractions inside sums (−(9x + 14)/2 reads
    better than −9x/2 − 7), then printed length."""
    return (*_rough_measure(expression), len(str(expression)))


def _rough_measure(expression) -> tuple[int, int]:
    """The measure without the printed length (which costs as much as the rest)."""
    return count_operations(expression), _fractions_in_sums(expression)


def _fractions_in_sums(expression) -> int:
    return sum(1 for node in sympy.preorder_traversal(expression) if node.is_Add
               for term in node.args
               if (term.as_coeff_Mul()[0].is_Rational and not term.as_coeff_Mul()[0].is_Integer))


def _forms(raw) -> list:
    """The targeted rewrites of ``raw`` (with the variable's sign unknown) that its shape calls for."""
    forms = []
    powers = raw
    if rewrites.mergeable_powers(raw):
        powers = rewrites.merged_powers(raw)
        forms.append(powers)
    if powers.has(sympy.Add):
        if not (powers.is_Mul and rewrites.has_denominator(powers)):  # one fraction: see quotient_forms
            forms.append(rewrites.common_factors(powers))
        if not powers.has(sympy.Piecewise):
            forms += rewrites.quotient_forms(powers)
    if rewrites.pairs_present(powers) and not powers.has(sympy.Piecewise):
        forms += rewrites.pythagorean(powers)
        forms += rewrites.double_angles(powers)
    return forms


def _shortest(expression):
    """The shortest of the forms of ``expression`` (unchecked: used inside a sign branch)."""
    return min([expression, *_forms(expression)], key=measure)


def _candidates(raw, function, variable, seconds):
    """Forms to consider; a rewrite that fails or runs out of the shared time is skipped."""
    steps = [lambda: _forms(raw)]
    if variable is not None and raw.free_symbols == {variable} and sign_sensitive(raw, variable):
        steps.append(lambda: branch_forms(raw, function, variable, _shortest))
    deadline = time.monotonic() + seconds
    for step in steps:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            finished, forms = run_with_budget(step, left)
        except Exception:  # sympy's rewrites raise on odd inputs (max of non-real numbers)
            continue
        if finished:
            yield from forms


def _introduces(candidate, raw) -> bool:
    """A new sign/step function, or a dropped piecewise (which may mark where no derivative is), or
    any function the raw result does not have: the derivative of the sigmoid 1/(1 + e⁻ˣ) stays in
    exponentials, as a learner expects, rather than becoming 1/(4·cosh²(x/2))."""
    if raw.has(sympy.Piecewise) and not candidate.has(sympy.Piecewise):
        return True
    if any(candidate.has(kind) and not raw.has(kind) for kind in _NEW_FORBIDDEN):
        return True
    return not _function_kinds(candidate) <= _function_kinds(raw)


def _function_kinds(expression) -> set:
    return {type(node) for node in sympy.preorder_traversal(expression) if isinstance(node, sympy.Function)}


def _agrees(candidate, raw, function) -> bool:
    """Whether the candidate equals the raw result: exactly by symengine's expansion where that
    shows it (in bulk), else at enough points of f's real domain."""
    if second_engine.exactly_equal(candidate, raw):
        return True
    try:
        return bool(compare(candidate, raw, function, needed=POINTS_NEEDED, settle=False).agrees)
    except Mismatch:
        return False


def _ranked(rough: dict, raw, raw_rough):
    """The candidates shorter than ``raw``, shortest first; the printed length (as costly to
    compute as the rest of the measure) only to break ties."""
    groups: dict = {}
    for candidate, value in rough.items():
        if value <= raw_rough:
            groups.setdefault(value, []).append(candidate)
    for value in sorted(groups):
        members = groups[value]
        if len(members) > 1 or value == raw_rough:
            lengths = {candidate: len(str(candidate)) for candidate in members}
            members = sorted(members, key=lengths.get)
            if value == raw_rough:
                members = [candidate for candidate in members if lengths[candidate] < len(str(raw))]
        yield from members


def simplify_result(raw, function, variable=None) -> sympy.Expr:
    """The shortest checked form of ``raw`` (the derivative of ``function`` in ``variable``)."""
    raw_rough = _rough_measure(raw)
    if raw_rough[0] > CHEAP_LIMIT:
        return raw
    rough = {}
    for candidate in _candidates(raw, function, variable, SAFETY_SECONDS):
        if candidate in rough or candidate == raw or _introduces(candidate, raw):
            continue
        rough[candidate] = _rough_measure(candidate)
    for candidate in _ranked(rough, raw, raw_rough):
        if _agrees(candidate, raw, function):
            return candidate
    return raw
