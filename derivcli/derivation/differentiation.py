"""Derivations with their checks: one rule tree per pass, cross-checked, then simplified."""

from __future__ import annotations

import traceback

import sympy

from ..errors import InternalError, ResourceLimitError
from . import second_engine
from .crosscheck import Mismatch, compare
from .engine import derive_tree
from .rules import SimplifyRule
from .simplification import simplify_result
from .step import CrossCheck, Derivation, Step


def check(tree: Step, expression, variable) -> CrossCheck:
    """Cross-check the tree's answer with a second engine's derivative (symengine where it covers
    the expression, sympy.diff otherwise, and sympy.diff again when symengine's does not agree);
    a disagreement is an InternalError."""
    expected, engine, method = second_engine.derivative(expression, variable, tree.result)
    if method is not None:
        return CrossCheck(True, method, engine=engine)
    if engine == second_engine.SYMENGINE:
        try:
            checked = compare(tree.result, expected, expression, settle=False)
        except Mismatch:
            checked = CrossCheck(None, "symengine disagrees")
        if checked.agrees:
            checked.engine = engine
            return checked
        expected = sympy.diff(expression, variable)
    try:
        return compare(tree.result, expected, expression)
    except Mismatch as mismatch:
        raise InternalError(
            f"the rule tree for d/d{variable} {expression} disagrees with sympy.diff "
            f"at {mismatch.point}; no answer is given",
            hint="this is a bug in deriv; please report it with the expression",
            details=f"tree: {tree.result}\nsympy.diff: {expected}",
        ) from None


def derive(expression: sympy.Expr, variable: sympy.Symbol) -> Step:
    """The rule tree of d/d``variable`` ``expression``; its answer is checked against sympy.diff."""
    tree = _tree(expression, variable)
    _checked(tree, expression, variable)
    return tree


def _tree(expression, variable) -> Step:
    try:
        return derive_tree(expression, variable)
    except RecursionError:
        raise ResourceLimitError(
            "the expression is nested too deeply to differentiate",
            hint="split it into smaller parts",
        ) from None


def _checked(tree, expression, variable) -> CrossCheck:
    try:
        return check(tree, expression, variable)
    except RecursionError:
        return CrossCheck(None, "inconclusive: sympy.diff ran out of recursion depth")
    except InternalError:
        raise
    except Exception as error:  # a crash inside sympy must not pass for agreement
        raise InternalError(
            f"the cross-check of d/d{variable} {expression} failed: {error}",
            details=traceback.format_exc(),
        ) from None


def simplify_step(raw, function, variable, simplify: bool) -> Step:
    """The last node of a tree: the raw result and the form the answer is given in."""
    if not simplify:
        return SimplifyRule.derive(raw, variable, raw, "kept as derived (--no-simplify)")
    result = simplify_result(raw, function, variable)
    return SimplifyRule.derive(raw, variable, result,
                               None if result != raw else "already in its simplest form")


def differentiate(expression: sympy.Expr, variables, simplify: bool = True) -> Derivation:
    """d/d``variables[-1]`` ⋯ d/d``variables[0]`` ``expression``, one checked tree per pass.

    The order of x is N when ``variables`` is [x] * N; [x, y] is the mixed partial ∂²/∂y∂x.
    Each pass differentiates the (simplified) answer of the pass before.
    """
    variables = list(variables)
    trees, checks, notes = [], [], []
    current = raw = expression
    for variable in variables:
        if variable not in expression.free_symbols:  # the note is printed only then: build it only then
            absent = f"{variable} does not appear in {expression}, so its derivative is 0"
            if absent not in notes:
                notes.append(absent)
        tree = _tree(current, variable)
        checks.append(_checked(tree, current, variable))
        raw = tree.result
        final = simplify_step(raw, current, variable, simplify)
        tree.substeps.append(final)
        trees.append(tree)
        current = final.result
    return Derivation(expression=expression, variables=variables, trees=trees, raw=raw,
                      result=current, checks=checks, notes=notes)
