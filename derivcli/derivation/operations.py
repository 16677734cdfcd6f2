"""How many operations an expression takes to write: sympy.count_ops's number, computed faster.

The simplifier measures every candidate form of every result, and sympy.count_ops was a sixth of
a batch line's time: it records each operation as a symbol and adds the symbols up at the end.
This count follows count_ops's own walk, rule for rule (a negative coefficient is a NEG, a
fraction a DIV, a sum of n terms n − 1 ADD or SUB, a product of n factors n − 1 MUL, a power or a
function call one), but adds integers, and remembers the count of each subexpression, which the
forms of one result share. tests/test_operations.py checks it equals sympy.count_ops.
"""

from __future__ import annotations

from functools import lru_cache

import sympy
from sympy.concrete.summations import Sum
from sympy.core.function import Derivative, _coeff_isneg
from sympy.core.operations import LatticeOp
from sympy.integrals.integrals import Integral

_COUNTED_CALLS = (Derivative, Integral, Sum)


def count_operations(expression) -> int:
    """sympy.count_ops(expression) (visual=False) for an expression; sympy's own for anything else."""
    if not isinstance(expression, sympy.Expr) or expression.is_Relational:
        return sympy.count_ops(expression)
    try:
        return _operations(expression)
    except RecursionError:  # deeper than the stack allows: count_ops walks without recursion
        return sympy.count_ops(expression)


@lru_cache(maxsize=8192)
def _operations(node) -> int:
    """The operations of ``node`` as count_ops counts them when it takes ``node`` from its stack."""
    if node.is_Rational:
        if node is not sympy.S.One:
            return int(node.p < 0) + int(node.q != 1)
        return 0
    if node.is_Mul:
        return _product(node)
    if node.is_Add:
        return _sum(node)
    return _other(node)


def _product(node) -> int:
    """A product: its sign, then a numerator over a denominator, else its factors."""
    count = 0
    if _coeff_isneg(node):
        count += 1
        node = node.as_two_terms()[1] if node.args[0] is sympy.S.NegativeOne else -node
    numerator, denominator = sympy.fraction(node)
    if numerator.is_Integer:
        return count + 1 + bool(numerator < 0) + _operations(denominator)
    if denominator is not sympy.S.One:
        below = 0 if denominator.is_Integer else _operations(denominator)
        return count + 1 + below + _operations(numerator)
    return count + _other(node)


def _sum(node) -> int:
    """A sum of n terms: n − 1 signs between them, and one more when every term is negative."""
    terms = node.args
    negative = [_coeff_isneg(term) for term in terms]
    count = len(terms) - 1 + int(all(negative))
    return count + sum(_negated(term) if minus else _operations(term) for term, minus in zip(terms, negative))


@lru_cache(maxsize=4096)
def _negated(term) -> int:
    return _operations(-term)


def _other(node) -> int:
    """Powers, e, function calls and products that reach count_ops's general case."""
    if node.is_Pow and node.exp is sympy.S.NegativeOne:
        return 1 + _operations(node.base)
    if node == sympy.S.Exp1:
        return 1
    if node.is_Pow and node.base == sympy.S.Exp1:
        return 1 + _operations(node.exp)
    count = 0
    if node.is_Mul or isinstance(node, LatticeOp):
        count += len(node.args) - 1
    elif node.args and (node.is_Pow or node.is_Function or isinstance(node, _COUNTED_CALLS)):
        count += 1
    if not node.is_Symbol:
        count += sum(_operations(argument) for argument in node.args)
    return count
