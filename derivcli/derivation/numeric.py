"""Fast numeric evaluation of sympy expressions with mpmath, for cross-checks at sample points.

Walking the expression once with mpmath numbers costs far less than sympy's own substitution
and evalf, which matters because every derivation is checked. Anything this module cannot
evaluate raises Unevaluable; a point where the expression is undefined raises Undefined.
"""

from __future__ import annotations

import mpmath
import sympy
from sympy.core.function import AppliedUndef


class Unevaluable(Exception):
    """The expression holds something without a numeric value (an unspecified function)."""


class Undefined(Exception):
    """The expression has no finite value at the point (division by zero, a pole, no piece)."""


def _reciprocal_function(name):
    inner = getattr(mpmath, name)
    return lambda z: inner(1 / z)


_FUNCTIONS = {
    sympy.sin: mpmath.sin, sympy.cos: mpmath.cos, sympy.tan: mpmath.tan,
    sympy.cot: mpmath.cot, sympy.sec: mpmath.sec, sympy.csc: mpmath.csc,
    sympy.asin: mpmath.asin, sympy.acos: mpmath.acos, sympy.atan: mpmath.atan,
    sympy.acot: _reciprocal_function("atan"), sympy.asec: _reciprocal_function("acos"),
    sympy.acsc: _reciprocal_function("asin"),
    sympy.sinh: mpmath.sinh, sympy.cosh: mpmath.cosh, sympy.tanh: mpmath.tanh,
    sympy.coth: mpmath.coth, sympy.sech: mpmath.sech, sympy.csch: mpmath.csch,
    sympy.asinh: mpmath.asinh, sympy.acosh: mpmath.acosh, sympy.atanh: mpmath.atanh,
    sympy.acoth: _reciprocal_function("atanh"), sympy.asech: _reciprocal_function("acosh"),
    sympy.acsch: _reciprocal_function("asinh"),
    sympy.exp: mpmath.exp, sympy.log: mpmath.log, sympy.Abs: mpmath.fabs,
    sympy.erf: mpmath.erf, sympy.erfc: mpmath.erfc, sympy.erfi: mpmath.erfi,
    sympy.gamma: mpmath.gamma, sympy.loggamma: mpmath.loggamma,
    sympy.Ei: mpmath.ei, sympy.Si: mpmath.si, sympy.Ci: mpmath.ci, sympy.li: mpmath.li,
    sympy.Shi: mpmath.shi, sympy.Chi: mpmath.chi,
}


MAX_MAGNITUDE = 10**6  # |log| of the largest value worth computing at a sample point
_GROWING = {sympy.exp, sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch,
            sympy.gamma, sympy.loggamma, sympy.erf, sympy.erfc, sympy.erfi, sympy.Ei}


def _sign(z):
    if z == 0:
        return mpmath.mpf(0)
    return z / abs(z)


def _heaviside(z, half=None):
    z = _real(z)
    if z == 0:
        if half is None:
            raise Undefined("Heaviside(0)")
        return half
    return mpmath.mpf(1) if z > 0 else mpmath.mpf(0)


def _real(z):
    """The real value of z; comparisons of non-real values have no meaning."""
    if isinstance(z, mpmath.mpc):
        if abs(z.imag) > mpmath.mpf(10) ** (-mpmath.mp.dps // 2) * max(1, abs(z.real)):
            raise Undefined("comparison of a non-real value")
        return z.real
    return z


class Evaluator:
    """Evaluates expressions at one point, remembering shared subexpressions."""

    def __init__(self, point: dict, real: bool = False):
        self.values: dict = dict(point)
        self.real = real

    def __call__(self, expression):
        known = self.values.get(expression)
        if known is not None:
            return known
        value = self._evaluate(expression)
        if self.real and isinstance(value, mpmath.mpc):
            value = _real(value)
        self.values[expression] = value
        return value

    def _evaluate(self, e):
        if e.is_Number:
            if e.is_Rational:
                return mpmath.mpf(e.p) / e.q
            if e is sympy.nan or e.is_infinite:
                raise Undefined(str(e))
            return mpmath.mpf(e)
        if e.is_Add:
            return mpmath.fsum(self(a) for a in e.args)
        if e.is_Mul:
            value = mpmath.mpf(1)
            for a in e.args:
                value *= self(a)
            return value
        if e.is_Pow:
            base, exponent = self(e.base), self(e.exp)
            if base == 0 and _real(exponent) <= 0:
                raise Undefined("division by zero")
            if e.exp == sympy.Rational(1, 2):
                return mpmath.sqrt(base)
            if abs(exponent) > 1000:
                # x**huge through exp·log: mpmath's exact integer powers would exhaust memory
                size = mpmath.re(exponent * mpmath.log(base)) if base != 0 else -mpmath.inf
                if size > MAX_MAGNITUDE:
                    raise Undefined("too large to evaluate")
                return mpmath.exp(exponent * mpmath.log(base)) if base != 0 else mpmath.mpf(0)
            return mpmath.power(base, exponent)
        if e is sympy.pi:
            return +mpmath.pi
        if e is sympy.E:
            return mpmath.e + 0
        if e is sympy.I:
            return mpmath.mpc(0, 1)
        if e.is_Symbol:
            raise Unevaluable(f"no value for {e}")
        function = _FUNCTIONS.get(e.func)
        if function is not None:
            arguments = [self(a) for a in e.args]
            if e.func in _GROWING and abs(mpmath.re(arguments[0])) > MAX_MAGNITUDE:
                raise Undefined("too large to evaluate")
            return self._guarded(function, *arguments)
        if isinstance(e, sympy.Piecewise):
            for piece in e.args:
                if self.truth(piece.cond):
                    return self(piece.expr)
            raise Undefined("no piece applies")
        if e.func is sympy.sign:
            return _sign(self(e.args[0]))
        if e.func is sympy.Heaviside:
            half = self(e.args[1]) if len(e.args) > 1 else None
            return _heaviside(self(e.args[0]), half)
        if e.func is sympy.DiracDelta:
            if _real(self(e.args[0])) == 0:
                raise Undefined("DiracDelta at 0")
            return mpmath.mpf(0)
        if e.func is sympy.polygamma:
            return self._guarded(mpmath.polygamma, _integer(self(e.args[0])), self(e.args[1]))
        if e.func in (sympy.Max, sympy.Min):
            values = [_real(self(a)) for a in e.args]
            return max(values) if e.func is sympy.Max else min(values)
        if isinstance(e, (AppliedUndef, sympy.Derivative, sympy.Subs)):
            raise Unevaluable("an unspecified function has no value")
        return self._fallback(e)

    def truth(self, condition) -> bool:
        """The truth of a piecewise condition at the point."""
        if condition is sympy.true:
            return True
        if condition is sympy.false:
            return False
        if isinstance(condition, sympy.And):
            return all(self.truth(c) for c in condition.args)
        if isinstance(condition, sympy.Or):
            return any(self.truth(c) for c in condition.args)
        if isinstance(condition, sympy.Not):
            return not self.truth(condition.args[0])
        if isinstance(condition, sympy.logic.boolalg.ITE):
            first, second, third = condition.args
            return self.truth(second) if self.truth(first) else self.truth(third)
        if not isinstance(condition, sympy.core.relational.Relational):
            raise Unevaluable(f"condition {type(condition).__name__}")
        left, right = _real(self(condition.lhs)), _real(self(condition.rhs))
        comparisons = {
            sympy.StrictLessThan: left < right, sympy.LessThan: left <= right,
            sympy.StrictGreaterThan: left > right, sympy.GreaterThan: left >= right,
            sympy.Equality: left == right, sympy.Unequality: left != right,
        }
        if type(condition) not in comparisons:
            raise Unevaluable(f"condition {type(condition).__name__}")
        return comparisons[type(condition)]

    @staticmethod
    def _guarded(function, *arguments):
        try:
            value = function(*arguments)
        except (ZeroDivisionError, ValueError) as error:
            raise Undefined(str(error)) from None
        if not mpmath.isfinite(value):
            raise Undefined("not finite")
        return value

    def _fallback(self, e):
        """sympy's own evalf for a function this table lacks (slow but rare)."""
        numbers = [sympy.Float(z.real, mpmath.mp.dps) + sympy.I * sympy.Float(z.imag, mpmath.mp.dps)
                   if isinstance(z, mpmath.mpc) else sympy.Float(z, mpmath.mp.dps)
                   for z in (self(a) for a in e.args)]
        real, imaginary = e.func(*numbers).evalf(mpmath.mp.dps).as_real_imag()
        if not (real.is_Number and imaginary.is_Number):
            raise Unevaluable(f"cannot evaluate {e.func}")
        if not (real.is_finite and imaginary.is_finite):
            raise Undefined(f"{e.func} has no finite value here")
        return mpmath.mpc(mpmath.mpf(sympy.Float(real, mpmath.mp.dps)),
                          mpmath.mpf(sympy.Float(imaginary, mpmath.mp.dps)))


def _integer(z) -> int:
    z = _real(z)
    if z != int(z):
        raise Unevaluable("polygamma order")
    return int(z)


def evaluate(expression, point: dict, digits: int = 30, real: bool = False):
    """The value of ``expression`` at ``point`` ({symbol: number}) as an mpmath number.

    With ``real``, every subexpression must be real there (the point is in the real domain),
    else Undefined.
    """
    with mpmath.workdps(digits):
        values = {symbol: mpmath.mpf(value) if not isinstance(value, mpmath.mpc) else value
                  for symbol, value in point.items()}
        try:
            value = Evaluator(values, real)(expression)
        except (ZeroDivisionError, OverflowError) as error:
            raise Undefined(str(error)) from None
        if not mpmath.isfinite(value):
            raise Undefined("not finite")
        return value
