"""Real branches and corners of a formula: how deriv reads odd roots, and where a derivative may fail.

A calculus course reads x**(2/3) as (∛x)², real for every real x; sympy's principal value is
complex for x < 0.  Every value deriv computes reads odd roots the course's way, while formulas
keep their textbook form (remembered here, so derivatives can be taken of the written formula).
The corners of a formula — |u|, sign(u), the edges of piecewise conditions, min and max — are
where a derivative may not exist, and are checked by one-sided limits.
"""

from __future__ import annotations

import sympy

TEXTBOOK_FORMS = 512  # how many real readings remember the formula they came from


def is_odd_root(node) -> bool:
    """x**(p/q) with q odd, such as x**(1/3) and x**(2/3): real for every real x."""
    exponent = node.exp
    return bool(exponent.is_Rational and not exponent.is_integer and exponent.q % 2 == 1)


def real_branch(expression: sympy.Expr) -> sympy.Expr:
    """Read odd roots as real roots, as a calculus course does: x**(2/3) is (∛x)², so
    (-8)**(2/3) is 4, not sympy's complex principal value. deriv computes every value this way
    (eval, slopes, critical points, descent); formulas keep their textbook form."""

    def is_odd_root_of_maybe_negative(node) -> bool:
        return node.is_Pow and is_odd_root(node) and node.base.is_nonnegative is not True

    def realise(node):
        magnitude = sympy.Abs(node.base) ** node.exp
        return magnitude if node.exp.p % 2 == 0 else sympy.sign(node.base) * magnitude

    return expression.replace(is_odd_root_of_maybe_negative, realise)


def real_function(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with odd roots read as real roots (real_branch), remembering the formula.

    ``derivative`` then differentiates the formula as written and reads the result the
    same way: the same function away from the zeros of the roots' bases (where
    one-sided limits decide anyway), several times cheaper than differentiating
    sign(u)·|u|^r, and without sign(u)² in the answer.
    """
    real = real_branch(expr)
    if real != expr:
        remember_textbook(real, expr)
    return real


_textbook: dict = {}


def remember_textbook(real: sympy.Expr, textbook: sympy.Expr) -> None:
    """Remember that ``real`` is the real reading of the formula ``textbook`` (the oldest goes first)."""
    if len(_textbook) >= TEXTBOOK_FORMS:
        _textbook.pop(next(iter(_textbook)))
    _textbook[real] = textbook


def textbook_form(real: sympy.Expr) -> sympy.Expr | None:
    """The formula as written that ``real`` (a real reading by real_function) came from, or None."""
    return _textbook.get(real)


def forget_textbook_forms() -> None:
    """Forget every remembered formula (with the other caches, for benchmarks)."""
    _textbook.clear()


def corner_arguments(expression: sympy.Expr) -> list:
    """The expressions u whose zeros are corners of the formula, where a derivative may not
    exist: |u|, sign(u) and Heaviside(u), the edges u = 0 of piecewise conditions, and a - b
    for min(a, b) and max(a, b)."""
    arguments = []
    for node in sympy.preorder_traversal(expression):
        if isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside)):
            arguments.append(node.args[0])
        elif isinstance(node, sympy.Piecewise):
            for _, condition in node.args:
                for relation in condition.atoms(sympy.core.relational.Relational):
                    arguments.append(relation.lhs - relation.rhs)
        elif isinstance(node, (sympy.Min, sympy.Max)):
            terms = list(node.args)
            arguments += [a - b for index, a in enumerate(terms) for b in terms[index + 1:]]
    return arguments


def kinks_at(expression: sympy.Expr, point: dict) -> bool:
    """Whether a corner of the formula (see corner_arguments) lies at the point."""
    return any(argument.xreplace(point).is_zero is not False for argument in corner_arguments(expression))


def branches_at(expression: sympy.Expr, point: dict) -> sympy.Expr:
    """``expression`` with each piecewise part replaced by the branch that applies at ``point``:
    piecewise((log(x), x > 0), (0, otherwise)) at -1 is 0, and its log(x) must not be checked there."""

    def chosen(node):
        for branch, condition in node.args:
            decided = condition.xreplace(point) if hasattr(condition, "xreplace") else condition
            if decided is sympy.true:
                return branch
            if decided is not sympy.false:
                return node  # the condition depends on something else: keep every branch
        return node

    if not expression.has(sympy.Piecewise):
        return expression
    return expression.replace(lambda node: isinstance(node, sympy.Piecewise), chosen)
