"""The final `simplify` step: a shorter form of the raw result, bounded in time and checked.

Cheap rewrites are always tried; sympy.simplify only on small results and within a time budget,
so simplification never dominates a derivation. A candidate is kept only when it is shorter, has
no new functions (sign(x) for x/|x| would hide that |x| has no derivative at 0; cosh for a sum of
exponentials would surprise) and agrees with the raw result.
"""

from __future__ import annotations

import sympy

from ..guard import run_with_budget
from .crosscheck import Mismatch, compare

FULL_SIMPLIFY_LIMIT = 80
CHEAP_LIMIT = 2000
SIMPLIFY_SECONDS = 1.0
_NEW_FORBIDDEN = (sympy.sign, sympy.Heaviside, sympy.DiracDelta, sympy.Piecewise, sympy.Abs)


def measure(expression) -> tuple[int, int]:
    """How long a form reads: operation count, then printed length."""
    return sympy.count_ops(expression), len(str(expression))


def _candidates(raw, size):
    """Shorter forms to consider; a rewrite that fails or runs out of time is just skipped."""
    rewrites = []
    if size <= CHEAP_LIMIT:
        rewrites.append(sympy.factor_terms)
        if not raw.has(sympy.Piecewise):
            rewrites.append(sympy.cancel)
    if size <= FULL_SIMPLIFY_LIMIT:
        rewrites.append(sympy.simplify)
    for rewrite in rewrites:
        try:
            finished, candidate = run_with_budget(lambda: rewrite(raw), SIMPLIFY_SECONDS)
        except Exception:  # sympy's rewrites raise on odd inputs (max of non-real numbers)
            continue
        if finished:
            yield candidate


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


def simplify_result(raw, function) -> sympy.Expr:
    """The shortest checked form of ``raw`` (the derivative of ``function``)."""
    size = sympy.count_ops(raw)
    best, best_measure = raw, measure(raw)
    for candidate in _candidates(raw, size):
        if candidate == best or _introduces(candidate, raw):
            continue
        candidate_measure = measure(candidate)
        if candidate_measure >= best_measure:
            continue
        try:
            if compare(candidate, raw, function).agrees:
                best, best_measure = candidate, candidate_measure
        except Mismatch:
            continue
    return best
