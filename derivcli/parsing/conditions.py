"""The domain of a formula as it was written: the conditions its parts impose, and the test of a point.

sympy simplifies as it builds (``x/x`` is 1, ``sqrt(x)**2`` is x), so the expression alone no longer
says where the formula is undefined. The parser therefore records, for every denominator, even
root, real power, logarithm and restricted function it reads, one :class:`Condition` on the part
as written. A point is in the domain when no condition is violated there; the first violated
condition (the innermost, in reading order) gives the reason, such as
``x/x is undefined at x = 0 (division by zero)``.

Decisions are exact where sympy can decide them, then numeric at 30 digits with sympy's strict
evalf (which refuses rather than guesses when cancellation leaves no correct digit); a condition
neither way decides is *undecided*, never silently satisfied.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

NONZERO = "nonzero"            # quantity ≠ 0
NONNEGATIVE = "nonnegative"    # quantity ≥ 0
POSITIVE = "positive"          # quantity > 0
NOT_POLE = "not_pole"          # quantity is not 0, −1, −2, … (a pole of Γ and its kin)
REAL_POWER = "real_power"      # quantity**exponent is real: base > 0, or 0 to a positive power,
                               # or a negative base to an integer (or odd-root) power
REQUIREMENTS = (NONZERO, NONNEGATIVE, POSITIVE, NOT_POLE, REAL_POWER)


@dataclass(frozen=True)
class Condition:
    """One condition of the written formula: ``quantity`` must meet ``requirement``.

    ``written`` is the part of the formula it comes from, as typed (``x/x``, ``sqrt(x)``);
    ``phrase`` says what goes wrong when it fails (``division by zero``). ``exponent`` is the
    exponent of a real power. ``where`` is the condition of the piecewise branch the part sits in
    (the condition only applies where that branch is taken), or None.
    """

    requirement: str
    quantity: sympy.Expr
    written: str
    phrase: str
    exponent: sympy.Expr | None = None
    where: sympy.Basic | None = None

    def holds_at(self, point: dict) -> bool | None:
        """True or False where it can be decided at ``point`` ({symbol: constant}); None if not."""
        if self.where is not None:
            applies = _truth(self.where.xreplace(point))
            if applies is False:
                return True
        else:
            applies = True
        point = {symbol: _number(value) for symbol, value in point.items()}
        holds = _meets(self.requirement, _number(self.quantity.xreplace(point)),
                       None if self.exponent is None else _number(self.exponent.xreplace(point)))
        if holds is False and applies is None:
            return None
        return holds

    def reason(self, point: dict) -> str:
        """``x/x is undefined at x = 0 (division by zero)``: why the point is outside the domain."""
        phrase = self.phrase
        if self.requirement == REAL_POWER:
            point = {symbol: _number(value) for symbol, value in point.items()}
            phrase = _power_phrase(_number(self.quantity.xreplace(point)))
        return f"{self.written} is undefined at {_where(self, point)} ({phrase})"


def domain_violation(conditions, point: dict) -> str | None:
    """The reason the first violated condition gives at ``point``, or None when none is violated."""
    for condition in conditions:
        if condition.holds_at(point) is False:
            return condition.reason(point)
    return None


def domain_symbols(conditions) -> set:
    """Every symbol the conditions mention."""
    symbols = set()
    for condition in conditions:
        symbols |= condition.quantity.free_symbols
        if condition.exponent is not None:
            symbols |= condition.exponent.free_symbols
    return symbols


def undecided_conditions(conditions, point: dict) -> tuple:
    """The conditions that could not be decided at ``point`` (neither proven nor refuted)."""
    return tuple(condition for condition in conditions if condition.holds_at(point) is None)


def constant_verdict(requirement: str, quantity, exponent=None) -> bool | None:
    """Whether a condition on constants already holds (True: drop it) or fails (False)."""
    if quantity.free_symbols:
        return None
    if exponent is not None and exponent.free_symbols:
        return True if _real_sign(quantity) == 1 else None  # 2**x is real for every x
    return _meets(requirement, quantity, exponent)


def _number(value):
    """A sympy number for a value of a point (an int or a float as well as a sympy constant)."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"a point's value must be a number, not {type(value).__name__}")
    return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)


def _where(condition: Condition, point: dict) -> str:
    symbols = condition.quantity.free_symbols
    if condition.exponent is not None:
        symbols = symbols | condition.exponent.free_symbols
    shown = [symbol for symbol in point if symbol in symbols] or list(point)
    return ", ".join(f"{symbol} = {sympy.sstr(point[symbol])}" for symbol in shown)


def _truth(value) -> bool | None:
    if value is sympy.true or value is True:
        return True
    if value is sympy.false or value is False:
        return False
    return None


def _meets(requirement: str, value, exponent=None) -> bool | None:
    if requirement == REAL_POWER:
        return _real_power(value, exponent)
    if requirement == NOT_POLE:
        return _not_pole(value)
    sign = _real_sign(value)
    if sign is None:
        return None
    if requirement == NONZERO:
        return sign != 0
    if sign == "not real":
        return False
    if requirement == NONNEGATIVE:
        return sign >= 0
    return sign > 0


def _real_sign(value):
    """-1, 0 or 1 for a real constant, "not real" for a non-real one, None when undecided."""
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    if value.is_zero:
        return 0
    if value.is_extended_positive:
        return 1
    if value.is_extended_negative:
        return -1
    if value.free_symbols:
        return None
    try:
        number = value.evalf(30, strict=True)
    except (sympy.core.evalf.PrecisionExhausted, ValueError, TypeError, ArithmeticError):
        return None
    real, imaginary = number.as_real_imag()
    if not (real.is_Number and imaginary.is_Number):
        return None
    if imaginary != 0:
        return "not real"
    return 1 if real > 0 else -1 if real < 0 else None


def _not_pole(value) -> bool | None:
    sign = _real_sign(value)
    if sign is None or sign == "not real":
        return None if sign is None else True
    if sign > 0:
        return True
    if value.is_integer:
        return False
    if value.is_integer is False or value.is_rational:
        return True
    nearest = sympy.Integer(round(float(value.evalf(30))))
    return True if _real_sign(value - nearest) not in (0, None) else None


def _real_power(base, exponent) -> bool | None:
    sign = _real_sign(base)
    if sign is None or sign == "not real":
        return None if sign is None else False
    if sign > 0:
        return True
    exponent_sign = _real_sign(exponent)
    if sign == 0:
        if exponent_sign is None or exponent_sign == "not real":
            return None if exponent_sign is None else False
        return exponent_sign >= 0
    if exponent.is_integer or (exponent.is_Rational and exponent.q % 2 == 1):
        return True
    if exponent.is_integer is False:
        return False
    return None


def _power_phrase(base) -> str:
    if _real_sign(base) == 0:
        return "division by zero: 0 to a negative power"
    return "a negative number to a power that is not an integer is not real"


# --- the conditions each part imposes ---------------------------------------------------------
# Each rule gives (requirement, quantity, phrase[, exponent]) tuples for the arguments of a call;
# the parser turns them into Conditions on the part as written.

def power_conditions(base, exponent) -> list[tuple]:
    """base**exponent on the real line: a negative exponent needs base ≠ 0, an even root
    (p/q with q even) or an irrational exponent base ≥ 0, a variable exponent a real power."""
    if exponent.free_symbols:
        return [(REAL_POWER, base, "a power with a variable exponent", exponent)]
    conditions = []
    if exponent.is_Rational and exponent.q % 2 == 1:
        pass  # odd roots are real roots (x**(1/3) of -8 is -2)
    elif exponent.is_Rational:
        conditions.append((NONNEGATIVE, base, "even root of a negative number"))
    elif exponent.is_extended_real:
        conditions.append((NONNEGATIVE, base, "a negative number to an irrational power is not real"))
    if exponent.is_extended_negative:
        conditions.append((NONZERO, base, "division by zero"))
    return conditions


def _positive_order_or(order, requirement, argument, name):
    """Conditions of Bessel-like functions: none for an integer order, else argument ≥ 0 or > 0."""
    if order.is_integer:
        return []
    if order.is_extended_positive:
        return [(NONNEGATIVE, argument, f"{name} of a negative number is not real for this order")]
    return [(requirement, argument, f"{name} is real for a positive argument only at this order")]


def _gamma_pair(name):
    """lowergamma(s, u), uppergamma(s, u): elementary for a positive integer s, else u ≥ 0 (s > 0) or u > 0."""
    def rule(order, argument):
        if order.is_integer and order.is_positive:
            return []
        if order.is_extended_positive:
            return [(NONNEGATIVE, argument, f"{name}(s, u) is not real for u < 0")]
        return [(POSITIVE, argument, f"{name}(s, u) is real for u > 0 only at this s")]
    return rule


def _polylog(order, argument):
    conditions = [(NONNEGATIVE, 1 - argument, "polylog(s, u) is not real for u > 1")]
    if not order > 1:
        conditions.append((NONZERO, 1 - argument, "polylog(s, u) has a pole at u = 1 for s ≤ 1"))
    return conditions


def _logarithm(argument, base=None):
    conditions = [(POSITIVE, argument, "logarithm of a number that is not positive")]
    if base is not None:
        conditions += [(POSITIVE, base, "logarithm to a base that is not positive"),
                       (NONZERO, base - 1, "logarithm to base 1")]
    return conditions


def _on(requirement, quantity, phrase):
    """A rule with one condition on a quantity built from the single argument u."""
    return lambda u: [(requirement, quantity(u), phrase)]


def _pole(name):
    return _on(NOT_POLE, lambda u: u, f"{name} has a pole at 0, −1, −2, …")


def _li(argument):
    return [(NONNEGATIVE, argument, "li is not real for u < 0"),
            (NONZERO, argument - 1, "li has a pole at u = 1")]


CALL_RULES = {
    sympy.log: _logarithm,
    sympy.sqrt: lambda u: power_conditions(u, sympy.Rational(1, 2)),
    sympy.root: lambda u, n: power_conditions(u, 1 / n) if n != 0 else [],
    sympy.tan: _on(NONZERO, sympy.cos, "tan has a pole where cos is 0"),
    sympy.sec: _on(NONZERO, sympy.cos, "sec has a pole where cos is 0"),
    sympy.cot: _on(NONZERO, sympy.sin, "cot has a pole where sin is 0"),
    sympy.csc: _on(NONZERO, sympy.sin, "csc has a pole where sin is 0"),
    sympy.coth: _on(NONZERO, lambda u: u, "coth has a pole at 0"),
    sympy.csch: _on(NONZERO, lambda u: u, "csch has a pole at 0"),
    sympy.asin: _on(NONNEGATIVE, lambda u: 1 - u**2, "asin is defined on [−1, 1] only"),
    sympy.acos: _on(NONNEGATIVE, lambda u: 1 - u**2, "acos is defined on [−1, 1] only"),
    sympy.asec: _on(NONNEGATIVE, lambda u: u**2 - 1, "asec is defined for |u| ≥ 1 only"),
    sympy.acsc: _on(NONNEGATIVE, lambda u: u**2 - 1, "acsc is defined for |u| ≥ 1 only"),
    sympy.acosh: _on(NONNEGATIVE, lambda u: u - 1, "acosh is defined for u ≥ 1 only"),
    sympy.atanh: _on(POSITIVE, lambda u: 1 - u**2, "atanh is defined on (−1, 1) only"),
    sympy.acoth: _on(POSITIVE, lambda u: u**2 - 1, "acoth is defined for |u| > 1 only"),
    sympy.asech: lambda u: [(POSITIVE, u, "asech is defined on (0, 1] only"),
                            (NONNEGATIVE, 1 - u, "asech is defined on (0, 1] only")],
    sympy.acsch: _on(NONZERO, lambda u: u, "acsch has a pole at 0"),
    sympy.gamma: _pole("gamma"),
    sympy.digamma: _pole("digamma"),
    sympy.trigamma: _pole("trigamma"),
    sympy.polygamma: lambda n, u: [(NOT_POLE, u, "polygamma has a pole at 0, −1, −2, …")],
    sympy.loggamma: _on(POSITIVE, lambda u: u, "loggamma is real for u > 0 only"),
    sympy.beta: lambda a, b: [(NOT_POLE, a, "beta(a, b) has a pole where a is 0, −1, −2, …"),
                              (NOT_POLE, b, "beta(a, b) has a pole where b is 0, −1, −2, …")],
    sympy.Ei: _on(NONZERO, lambda u: u, "Ei has a pole at 0"),
    sympy.li: _li,
    sympy.Li: _li,
    sympy.Ci: _on(POSITIVE, lambda u: u, "Ci is real for u > 0 only"),
    sympy.Chi: _on(POSITIVE, lambda u: u, "Chi is real for u > 0 only"),
    sympy.E1: _on(POSITIVE, lambda u: u, "E1 is real for u > 0 only"),
    sympy.expint: lambda order, u: [(POSITIVE, u, "expint(ν, u) is real for u > 0 only")],
    sympy.erfinv: _on(POSITIVE, lambda u: 1 - u**2, "erfinv is defined on (−1, 1) only"),
    sympy.erfcinv: _on(POSITIVE, lambda u: u * (2 - u), "erfcinv is defined on (0, 2) only"),
    sympy.LambertW: _on(NONNEGATIVE, lambda u: u + sympy.exp(-1), "LambertW is real for u ≥ −1/e only"),
    sympy.lowergamma: _gamma_pair("lowergamma"),
    sympy.uppergamma: _gamma_pair("uppergamma"),
    sympy.besselj: lambda order, u: _positive_order_or(order, POSITIVE, u, "besselj"),
    sympy.besseli: lambda order, u: _positive_order_or(order, POSITIVE, u, "besseli"),
    sympy.bessely: lambda order, u: [(POSITIVE, u, "bessely is real for u > 0 only")],
    sympy.besselk: lambda order, u: [(POSITIVE, u, "besselk is real for u > 0 only")],
    sympy.yn: lambda order, u: [(NONZERO, u, "yn has a pole at 0")],
    sympy.polylog: _polylog,
    sympy.elliptic_k: _on(POSITIVE, lambda m: 1 - m, "elliptic_k(m) is real for m < 1 only"),
    sympy.elliptic_e: _on(NONNEGATIVE, lambda m: 1 - m, "elliptic_e(m) is real for m ≤ 1 only"),
    sympy.elliptic_f: lambda phi, m: [(POSITIVE, 1 - m * sympy.sin(phi)**2,
                                       "elliptic_f(φ, m) needs m·sin²φ < 1")],
    sympy.atan2: lambda y, x: [(NONZERO, x**2 + y**2, "atan2(0, 0) is undefined")],
}


def call_conditions(function, arguments) -> list[tuple]:
    """The conditions a call of ``function`` (a sympy function class) puts on its arguments."""
    rule = CALL_RULES.get(function)
    return [] if rule is None else rule(*arguments)
