"""Small exact helpers shared by the analysis modules: derivatives, values, signs.

Why a module of its own: finding critical points and classifying them both need
the same careful answers to "what is f at c", "is this number positive", and
"what is f' where sympy would hand back a DiracDelta".
"""

from __future__ import annotations

import functools

import sympy
from sympy import DiracDelta, S

# Numbers evaluated to this many digits decide a sign when they are clearly away from 0.
SIGN_DIGITS = 40
SIGN_THRESHOLD = sympy.Float("1e-25")


TEXTBOOK_FORMS = 512  # how many real readings remember the formula they came from


def real_function(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with odd roots read as real roots (evaluation.real_branch), remembering the formula.

    ``derivative`` then differentiates the formula as written and reads the result the
    same way: the same function away from the zeros of the roots' bases (where
    one-sided limits decide anyway), several times cheaper than differentiating
    sign(u)·|u|^r, and without sign(u)² in the answer.
    """
    from .evaluation import real_branch

    real = real_branch(expr)
    if real != expr:
        _remember_textbook(real, expr)
    return real


_textbook: dict = {}


def _remember_textbook(real: sympy.Expr, textbook: sympy.Expr) -> None:
    if len(_textbook) >= TEXTBOOK_FORMS:
        _textbook.pop(next(iter(_textbook)))
    _textbook[real] = textbook


@functools.lru_cache(maxsize=512)
def derivative(expr: sympy.Expr, variable: sympy.Symbol, order: int = 1) -> sympy.Expr:
    """The derivative away from isolated kinks: DiracDelta terms are dropped.

    d/dx sign(x) is 2*DiracDelta(x), which is zero everywhere but at 0; the
    points where such terms live are checked separately, by one-sided limits.
    Remembered, because finding and classifying points ask for the same ones.
    """
    if order > 1:
        return derivative(derivative(expr, variable, order - 1), variable)
    textbook = _textbook.get(expr)
    if textbook is not None:
        from .evaluation import real_branch

        written = derivative(textbook, variable)
        result = real_branch(written)
        if result != written:
            _remember_textbook(result, written)
        return result
    if expr.is_polynomial(variable):
        # much faster than diff on a cold cache, which the higher-order test pays for
        return sympy.Poly(expr, variable).diff(variable).as_expr()
    result = sympy.diff(expr, variable)
    if result.has(DiracDelta):
        result = result.replace(lambda node: isinstance(node, DiracDelta), lambda node: S.Zero)
    return result


def real_algebraic(value: sympy.Expr, seconds: float | None = 1.0) -> sympy.Expr:
    """A real number written with complex radicals (a cubic's casus irreducibilis) as the exact
    real root of its minimal polynomial (CRootOf); any other value is returned as it is."""
    if value.free_symbols or not value.has(sympy.I):
        return value
    target = to_float(value)
    if target is None:
        return value  # not real after all: the caller drops it
    z = sympy.Dummy("z")
    solved, polynomial = attempt(lambda: sympy.Poly(sympy.minimal_polynomial(value, z), z), seconds)
    if not solved:
        return value
    solved, roots = attempt(polynomial.real_roots, seconds)
    if not solved or not roots:
        return value
    return same_real_root(value, roots)


def same_real_root(value: sympy.Expr, roots: list) -> sympy.Expr:
    """Among ``roots`` (the distinct real roots of a polynomial that ``value`` is known to be a root
    of), the one ``value`` is: the nearest at 40 digits, when that distance is tiny against the gaps
    between the roots.  ``value`` itself when none is that near."""
    if not roots:
        return value
    precise = sympy.re(value.evalf(40))
    distances = sorted((abs(root.evalf(40) - precise), index) for index, root in enumerate(roots))
    gap = min((abs(first.evalf(40) - second.evalf(40)) for first, second in zip(roots, roots[1:])), default=S.One)
    if distances[0][0] < sympy.Float("1e-25") * max(gap, sympy.Float("1e-10")):
        return roots[distances[0][1]]
    return value


HIGHEST_ORDER = 12  # the higher-order tests look no further than the 12th derivative


def derivative_values(expression: sympy.Expr, variable: sympy.Symbol, point: sympy.Expr, orders):
    """(n, value of the n-th derivative at point) for each n in ``orders``; None where it does not exist."""
    for order in orders:
        yield order, value_at(derivative(expression, variable, order), {variable: point})


def first_nonzero_derivative(expression: sympy.Expr, variable: sympy.Symbol, point: sympy.Expr, orders) -> tuple[int, int] | None:
    """(n, sign) of the first derivative among ``orders`` that is not 0 at ``point``.

    None when all are 0, or when one does not exist or has a sign that cannot be
    told before a non-zero one is reached (the test then cannot decide).
    """
    for order, value in derivative_values(expression, variable, point, orders):
        value_sign = sign_of(value)
        if value_sign is None:
            return None
        if value_sign != 0:
            return order, value_sign
    return None


def attempt(function, seconds):
    """(True, answer) from a sympy call, or (False, reason) when it failed or ran out of time.

    sympy's solvers and limits fail in many ways (a KeyError inside imageset, a
    NotImplementedError…); every caller has a fallback, so a failure is an answer.
    """
    from .guard import run_with_budget

    def guarded():
        try:
            return True, function()
        except Exception as failure:
            return False, f"failed ({type(failure).__name__})"

    finished, outcome = run_with_budget(guarded, seconds)
    if not finished:
        return False, "ran out of time"
    return outcome


def clear_caches() -> None:
    """Forget remembered derivatives and sides (benchmarks clear them with sympy's cache)."""
    from .sides import beside

    derivative.cache_clear()
    beside.cache_clear()
    _textbook.clear()


def is_finite_real(value) -> bool:
    """True when ``value`` is a finite real number (no nan, zoo, oo, I)."""
    if value is None:
        return False
    value = sympy.sympify(value, strict=True)  # sympy objects and numbers only: text is refused
    if value.has(S.NaN, S.ComplexInfinity, S.Infinity, S.NegativeInfinity):
        return False
    if value.free_symbols:
        return value.is_extended_real is not False and value.is_finite is not False
    if value.is_extended_real is False:
        return False
    try:
        number = value.evalf(SIGN_DIGITS)  # as many digits as sign_of: radicals of complex numbers leave a residue
    except Exception:
        return False
    if not number.is_Number:
        real, imaginary = number.as_real_imag()
        if not (real.is_Number and imaginary.is_Number):
            return False
        if abs(imaginary) > SIGN_THRESHOLD:
            return False
        number = real
    return bool(number.is_finite)


def value_at(expr: sympy.Expr, point: dict) -> sympy.Expr | None:
    """The exact value of ``expr`` at ``point``, or None where it is undefined or not real.

    xreplace, not subs: the same for symbols replaced by numbers, simultaneous, and
    several times faster on the large expressions of Hessians.
    """
    try:
        value = expr.xreplace({variable: sympy.sympify(coordinate, strict=True) for variable, coordinate in point.items()})
    except Exception:
        return None
    if value.has(S.NaN, S.ComplexInfinity):
        return None
    if is_finite_real(value):
        return tidy(value, TIDY_OPS, seconds=TIDY_SECONDS)
    return None


TIDY_OPS = 12  # analysis leaves constants this short as they are: simplify costs more than it gains
TIDY_SECONDS = 0.5


def tidy(value: sympy.Expr, shortest: int = 0, longest: int = 40, seconds: float = 1.0) -> sympy.Expr:
    """A time-bounded simplification of a constant that keeps it recognisable (sqrt(2)/2, not
    1/sqrt(2)): only for values with more than ``shortest`` and at most ``longest`` operations,
    and only when the result is no longer.  eval and the analysis share it with their own bounds."""
    if value.is_Atom or value.has(sympy.Float, sympy.CRootOf):
        return value
    operations = sympy.count_ops(value)
    if operations <= shortest or operations > longest:
        return value
    from .guard import run_with_budget

    def simplified():
        try:
            return sympy.simplify(value)
        except Exception:  # sympy's simplify fails in many ways; the value as it is stays right
            return value

    finished, simpler = run_with_budget(simplified, seconds)
    if not finished:
        return value
    return simpler if sympy.count_ops(simpler) <= operations else value


PROOF_SECONDS = 1.0  # for sympy's assumptions and simplify to prove a tiny constant 0 (or not)


def sign_of(value, tolerance: float | None = None) -> int | None:
    """The sign (-1, 0, 1) of a constant expression, or None when it cannot be told.

    A 40-digit evaluation decides every sign clearly away from zero, at once; exact zero (and the
    sign of a tiny non-zero value) is left to sympy's assumptions and simplify, within
    PROOF_SECONDS, since on nested radicals they build minimal polynomials for minutes.  With a
    ``tolerance`` (for approximate points), anything smaller counts as undecided.
    """
    if value is None:
        return None
    value = sympy.sympify(value, strict=True)
    if value.has(S.NaN, S.ComplexInfinity):
        return None
    if value is S.Infinity:
        return 1
    if value is S.NegativeInfinity:
        return -1
    if value.free_symbols:
        return _sign_by_assumptions(value) if tolerance is None else None
    try:
        number = value.evalf(SIGN_DIGITS)
    except Exception:
        return None
    if not number.is_Number:
        real, imaginary = number.as_real_imag()
        if not real.is_Number or (imaginary.is_Number and abs(imaginary) > SIGN_THRESHOLD):
            return None
        number = real
    limit = SIGN_THRESHOLD if tolerance is None else sympy.Float(tolerance)
    if abs(number) > limit:
        return 1 if number > 0 else -1
    if tolerance is not None:
        return None
    if value.is_Float:
        return 0 if value == 0 else None
    if value.has(sympy.CRootOf):
        return None  # (assumptions on CRootOf expressions build minimal polynomials: slow)
    return _sign_by_assumptions(value)


def _sign_by_assumptions(value) -> int | None:
    """The sign sympy can prove (assumptions, then simplify), within PROOF_SECONDS; None otherwise."""

    def proved():
        for candidate in (value, sympy.simplify(value)):
            if candidate.is_zero:
                return 0
            if candidate.is_positive:
                return 1
            if candidate.is_negative:
                return -1
        if not value.free_symbols and value.equals(0):
            return 0
        return None

    solved, sign = attempt(proved, PROOF_SECONDS)
    return sign if solved else None


def to_float(value) -> float | None:
    """A float for JSON and tables, or None when the value is not a finite real."""
    if value is None:
        return None
    try:
        number = complex(sympy.sympify(value, strict=True).evalf(17))
    except (TypeError, ValueError):
        return None
    if abs(number.imag) > 1e-12 * max(1.0, abs(number.real)):
        return None
    real = number.real
    if real != real or real in (float("inf"), float("-inf")):
        return None
    return real
