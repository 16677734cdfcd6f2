"""The derivative the rule tree is checked against: symengine's where it covers the expression,
else sympy.diff.

symengine (a C++ computer algebra kernel) shares no code with the tree's rules nor with sympy's
differentiation, so agreeing with it is a stronger check than sympy against itself, and it is
hundreds of times faster than sympy.diff on course-sized expressions. It is used only for the
elementary functions whose derivatives it is known to get right (its asech and acsch derivatives
come out 0, and |u| or sign(u) it leaves unevaluated); piecewise functions, special functions and
unspecified functions go to sympy.diff. symengine is imported only when it is used, and
without numpy (see load).
"""

from __future__ import annotations

import sys

import sympy

from .rewrites import expansion_terms

EXPAND_LIMIT = 2000  # terms: a difference that would expand to more is compared at points instead
SYMENGINE = "symengine"
SYMPY = "sympy.diff"
_COVERED = frozenset({
    sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc,
    sympy.asin, sympy.acos, sympy.atan, sympy.acot, sympy.asec, sympy.acsc,
    sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch,
    sympy.asinh, sympy.acosh, sympy.atanh, sympy.acoth,
    sympy.exp, sympy.log,
})


def covered(expression) -> bool:
    """Whether every node is a number, a symbol, +, ×, a power or a function symengine differentiates right."""
    for node in sympy.preorder_traversal(expression):
        if node.is_Symbol or node.is_Add or node.is_Mul or node.is_Pow:
            continue
        if node.is_Number:
            if not node.is_Rational:
                return False  # a float: its precision would differ between the engines
            continue
        if node in (sympy.pi, sympy.E):
            continue
        if node.func not in _COVERED or len(node.args) != 1:
            return False
    return True


_in_bulk = False  # set for a batch or a formula file: see use_in_bulk


def use_in_bulk(enabled: bool) -> None:
    """Whether the cross-checks of this process may use symengine. Importing it costs a few
    hundredths of a second, which one derivative never wins back and a batch wins back in a
    few lines; so a single ``deriv diff`` checks with sympy.diff alone, a batch with symengine.
    (One switch for the whole worker: every line of a batch is checked the same way.)"""
    global _in_bulk
    _in_bulk = enabled


def load() -> None:
    """Import symengine now: a batch does it before its workers are forked, so that they all
    share one import instead of each paying for its own on its first line.

    symengine imports numpy, when it is installed, for its lambdify alone, which deriv never
    calls: 66 of the 84 ms its import took (a seventh of a batch's start-up). So numpy, unless
    something loaded it already, is hidden while symengine loads; a later ``import numpy`` (a
    descent on a data file) loads it as usual."""
    if "symengine" in sys.modules:
        return
    hidden = "numpy" not in sys.modules
    if hidden:
        sys.meta_path.insert(0, _NUMPY_HIDDEN)
    try:
        import symengine  # noqa: F401  (lazy: only a batch, before its workers start)
    finally:
        if hidden:
            sys.meta_path.remove(_NUMPY_HIDDEN)


class _NumpyHidden:
    """An import finder that refuses numpy and its submodules: symengine then loads without it."""

    def find_spec(self, name, path=None, target=None):
        if name == "numpy" or name.startswith("numpy."):
            raise ImportError("numpy is not loaded for symengine")
        return None


_NUMPY_HIDDEN = _NumpyHidden()


def derivative(expression, variable, result=None) -> tuple[sympy.Expr | None, str, str | None]:
    """d/d``variable`` ``expression``, the engine that computed it, and how it compares with
    ``result`` when symengine settles that alone: "identical", or "symbolic" when the difference
    expands to 0 (then no sympy form of the derivative is built, and None is returned for it)."""
    if not _in_bulk or not covered(expression):
        return sympy.diff(expression, variable), SYMPY, None
    load()  # lazy: only when a cross-check needs it, not at start-up
    import symengine
    from symengine.lib.symengine_wrapper import sympy2symengine  # sympy objects only: it refuses text

    expected = sympy2symengine(expression, True).diff(symengine.Symbol(variable.name))
    if result is not None:
        try:
            mine = sympy2symengine(result, True)
        except Exception:  # a node symengine cannot hold: the comparison is left to sympy
            mine = None
        if mine is not None and mine == expected:
            return None, SYMENGINE, "identical"
        if mine is not None and expansion_terms(result) <= EXPAND_LIMIT and _equal_by_algebra(mine, expected):
            return None, SYMENGINE, "symbolic"
    names = {symbol.name: symbol for symbol in expression.free_symbols}
    back = expected._sympy_().xreplace({sympy.Symbol(name): symbol for name, symbol in names.items()})
    return back, SYMENGINE, None


def exactly_equal(first, second) -> bool:
    """Whether two forms of one derivative are equal by symengine's exact expansion: a proof, and
    far cheaper than sampling them at points. Only in bulk (symengine then is loaded already) and
    only for what it covers; False means "not shown this way", not "different"."""
    if not _in_bulk or not (covered(first) and covered(second)):
        return False
    if expansion_terms(first) + expansion_terms(second) > EXPAND_LIMIT:
        return False
    load()
    from symengine.lib.symengine_wrapper import sympy2symengine  # sympy objects only: it refuses text

    try:
        return _equal_by_algebra(sympy2symengine(first, True), sympy2symengine(second, True))
    except Exception:  # a node symengine cannot hold: not shown equal here
        return False


def _equal_by_algebra(first, second) -> bool:
    """Whether two symengine expressions are equal by exact algebra: their difference expands to
    0, or, over a common denominator, its numerator does: (x² − 2x(x + 6) + 2)/(x² + 2)² and
    −2x(x + 6)/(x² + 2)² + 1/(x² + 2), the quotient rule's form and symengine's, agree only so."""
    import symengine  # lazy: loaded by the batch's first cross-check already

    if symengine.expand(first - second) == 0:
        return True
    top, bottom = first.as_numer_denom()
    other_top, other_bottom = second.as_numer_denom()
    if bottom == 1 and other_bottom == 1:
        return False
    if _terms(top) * _terms(other_bottom) + _terms(other_top) * _terms(bottom) > EXPAND_LIMIT:
        return False
    return symengine.expand(top * other_bottom - other_top * bottom) == 0


def _terms(expression) -> int:
    """An upper bound on the terms of a symengine expression once expanded (expansion_terms for
    symengine's own objects)."""
    import symengine  # lazy: loaded by the batch's first cross-check already

    if isinstance(expression, symengine.Add):
        return sum(_terms(term) for term in expression.args)
    if isinstance(expression, symengine.Mul):
        count = 1
        for factor in expression.args:
            count *= _terms(factor)
        return count
    if isinstance(expression, symengine.Pow):
        base, exponent = expression.args
        if isinstance(base, symengine.Add) and isinstance(exponent, symengine.Integer) and int(exponent) > 0:
            return _terms(base) ** int(exponent)
    return 1
