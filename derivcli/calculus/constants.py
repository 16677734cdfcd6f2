"""Exact constants: their signs, whether they are finite reals, floats for tables, tidy forms.

Finding critical points, classifying them, eval and --expect all ask "is this number positive",
"is it real", "what is it as a float"; these answers are decided here once, carefully: by a
40-digit evaluation where the number is clearly away from zero, by sympy's proofs (within a time
budget) where it is not.
"""

from __future__ import annotations

import sympy
from sympy import S

from derivcli.guard import run_with_budget

# Numbers evaluated to this many digits decide a sign when they are clearly away from 0.
SIGN_DIGITS = 40
SIGN_THRESHOLD = sympy.Float("1e-25")
PROOF_SECONDS = 1.0  # for sympy's assumptions and simplify to prove a tiny constant 0 (or not)


def attempt(function, seconds):
    """(True, answer) from a sympy call, or (False, reason) when it failed or ran out of time.

    sympy's solvers and limits fail in many ways (a KeyError inside imageset, a
    NotImplementedError…); every caller has a fallback, so a failure is an answer.
    """

    def guarded():
        try:
            return True, function()
        except Exception as failure:
            return False, f"failed ({type(failure).__name__})"

    finished, outcome = run_with_budget(guarded, seconds)
    if not finished:
        return False, "ran out of time"
    return outcome


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


def tidy(value: sympy.Expr, shortest: int = 0, longest: int = 40, seconds: float = 1.0) -> sympy.Expr:
    """A time-bounded simplification of a constant that keeps it recognisable (sqrt(2)/2, not
    1/sqrt(2)): only for values with more than ``shortest`` and at most ``longest`` operations,
    and only when the result is no longer and builds no huge numbers (simplify folds
    1024*log(2) - 59049*log(3) into the log of a 28 000-digit fraction).  eval and the analysis
    share it with their own bounds."""
    if value.is_Atom or value.has(sympy.Float, sympy.CRootOf):
        return value
    operations = sympy.count_ops(value)
    if operations <= shortest or operations > longest:
        return value
    if value.has(sympy.log) and _largest_bits(value) > 20:
        return value  # simplify would fold n*log(b) into log(b**n): one C call no budget can stop
    if _already_simple(value):
        return value

    def simplified():
        try:
            return sympy.simplify(value)
        except Exception:  # sympy's simplify fails in many ways; the value as it is stays right
            return value

    finished, simpler = run_with_budget(simplified, seconds)
    if not finished:
        return value
    if sympy.count_ops(simpler) > operations or _largest_bits(simpler) > 2 * _largest_bits(value) + 64:
        return value
    return simpler


def _already_simple(value: sympy.Expr) -> bool:
    """A product of numbers, powers of numbers and at most one function of a number that is not
    a log (2·cos(1), √3·e², cos(1)/2), plus perhaps a rational (3 + 2·cos(1)): sympy's own
    arithmetic has already merged its powers, and there is no second term to share a factor
    with, nor a second function for an identity, so simplify would return it as it is. (It
    factors √2·cos 1 + √2, turns 4·cos²1 + 2 into 2·cos 2 + 4 and folds n·log b into log bⁿ:
    such values go to it.) Skipping it spares the first call's import of sympy.physics.units,
    75 ms of a short command."""
    terms = [term for term in sympy.Add.make_args(value) if not term.is_Rational]
    if len(terms) != 1:
        return False
    functions = 0
    for factor in sympy.Mul.make_args(terms[0]):
        if factor.is_Atom or (factor.is_Pow and factor.base.is_Atom and factor.exp.is_Rational):
            continue  # 3, π, √2, 2^(1/3), e²
        if (not isinstance(factor, sympy.Function) or isinstance(factor, sympy.log)
                or len(factor.args) != 1 or not factor.args[0].is_Atom):
            return False
        functions += 1
    return functions <= 1


def _largest_bits(value: sympy.Expr) -> int:
    """The size in bits of the largest numerator or denominator in an exact value."""
    return max((max(abs(number.p).bit_length(), number.q.bit_length()) for number in value.atoms(sympy.Rational)), default=0)


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
