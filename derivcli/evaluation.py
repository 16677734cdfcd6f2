"""Values of expressions at points: exact, decimal, and honest about where there is none.

A value is never ``zoo``, ``nan`` or a complex number passed off as an answer: division by zero,
``0/0`` (with the limit as a hint), logarithms of zero and values that are not real each raise a
:class:`NoAnswerError` that says which part of the formula failed at which point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mpmath
import sympy

from derivcli.notation import derivative_name
from derivcli.errors import DerivError, NoAnswerError, ResourceLimitError, UsageError
from derivcli.guard import run_with_budget
from derivcli.parsing import format_point, sorted_symbols

LIMIT_SECONDS = 3.0
SIMPLIFY_SECONDS = 1.0
_INFINITIES = (sympy.zoo, sympy.oo, -sympy.oo, sympy.nan)
MAX_ARGUMENT_DIGITS = 4000
_AT_ANY_SIZE = (sympy.log, sympy.Abs, sympy.sign)  # as cheap for a huge argument as for a small one


def value_at(expression: sympy.Expr, point: dict) -> sympy.Expr:
    """The exact real value of ``expression`` at ``point``, or NoAnswerError saying why not."""
    missing = sorted_symbols(expression.free_symbols - set(point))
    if missing:
        names = ", ".join(str(symbol) for symbol in missing)
        raise UsageError(f"the point {format_point(point)} gives no value for {names}")
    used = branches_at(expression, point)
    check_computable(used, point)
    _check_domain(used, point)
    value = real_branch(used).xreplace(point)
    if value.has(*_INFINITIES) or _is_not_finite(value):
        raise NoAnswerError(f"{_show(expression)} is undefined at {format_point(point)} (its value is infinite)")
    if not _is_real(value):
        raise NoAnswerError(f"{_show(expression)} is not real at {_spaced(point)}")
    return _tidy(value)


def derivative_value_at(
    derivative: sympy.Expr, point: dict, name: str = "f′", previous: sympy.Expr | None = None
) -> sympy.Expr:
    """The value of a derivative at a point, refusing where the derivative does not exist.

    sympy writes d|x|/dx as sign(x), which is 0 at 0, though |x| has no derivative there. Where a
    derivative has such a kink at the point, its value is trusted only if the limits from the left
    and the right agree and ``previous`` (the function differentiated) is continuous there (f
    continuous and lim f′ existing give f′ there); otherwise NoAnswerError.
    """
    check_computable(derivative, point)  # too large to compute is not "does not exist"
    try:
        value = value_at(derivative, point)
    except NoAnswerError as error:
        raise NoAnswerError(f"{name} does not exist at {_spaced(point)}: {error.message}", error.hint) from None
    if not (_kinks_at(derivative, point) or (previous is not None and _kinks_at(previous, point))):
        return value
    if len(point) != 1:
        raise NoAnswerError(
            f"{name} may not exist at {_spaced(point)}: the formula has a corner there",
            hint="the partial derivatives of a non-smooth function need not exist at its corners",
        )
    (variable, place), = point.items()
    try:
        finished, sides = run_with_budget(
            lambda: derivative_sides(derivative, previous, variable, place), LIMIT_SECONDS
        )
    except DerivError:
        raise
    except Exception:  # sympy's limit fails in many ways; then it cannot be decided
        finished = False
    if not finished:
        raise NoAnswerError(f"could not decide whether {name} exists at {_spaced(point)}")
    left, right, continuous = sides
    if not (left == right and left.is_finite):
        raise NoAnswerError(
            f"{name} does not exist at {_spaced(point)}: "
            f"from the left it is {sympy.sstr(left)}, from the right {sympy.sstr(right)}"
        )
    if not continuous:
        raise NoAnswerError(f"{name} does not exist at {_spaced(point)}: the function jumps there")
    return left


def derivative_sides(derivative, previous, variable, place):
    """The derivative's limits from the left and the right of ``place``, and whether
    ``previous`` (the function it came from) is continuous there: where f′'s formula has no
    value, f′(a) exists exactly when f is continuous at a and both limits agree and are finite."""
    left = one_sided_limit(derivative, variable, place, "-")
    right = one_sided_limit(derivative, variable, place, "+")
    continuous = True
    if previous is not None and left == right and left.is_finite:
        before = one_sided_limit(previous, variable, place, "-")
        after = one_sided_limit(previous, variable, place, "+")
        continuous = before == after == value_at(previous, {variable: place})
    return left, right, continuous


def one_sided_limit(expression: sympy.Expr, variable: sympy.Symbol, place: sympy.Expr, side: str) -> sympy.Expr:
    """The limit from one side, approached as place ∓ ε with ε > 0.

    Substituting first lets piecewise conditions, |u| and sign(u) settle on the side's branch;
    sympy's own one-sided limit of a Piecewise can pick the wrong branch.
    """
    epsilon = sympy.Symbol("epsilon", positive=True)
    shifted = expression.xreplace({variable: place - epsilon if side == "-" else place + epsilon})
    return sympy.limit(shifted, epsilon, 0, dir="+")


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


def _kinks_at(expression: sympy.Expr, point: dict) -> bool:
    """Whether a corner of the formula (see corner_arguments) lies at the point."""
    return any(argument.xreplace(point).is_zero is not False for argument in corner_arguments(expression))


def _is_odd_root(node) -> bool:
    """x**(p/q) with q odd, such as x**(1/3) and x**(2/3): real for every real x."""
    exponent = node.exp
    return bool(exponent.is_Rational and not exponent.is_integer and exponent.q % 2 == 1)


def real_branch(expression: sympy.Expr) -> sympy.Expr:
    """Read odd roots as real roots, as a calculus course does: x**(2/3) is (∛x)², so
    (-8)**(2/3) is 4, not sympy's complex principal value. deriv computes every value this way
    (eval, slopes, critical points, descent); formulas keep their textbook form."""

    def is_odd_root_of_maybe_negative(node) -> bool:
        return node.is_Pow and _is_odd_root(node) and node.base.is_nonnegative is not True

    def realise(node):
        magnitude = sympy.Abs(node.base) ** node.exp
        return magnitude if node.exp.p % 2 == 0 else sympy.sign(node.base) * magnitude

    return expression.replace(is_odd_root_of_maybe_negative, realise)


def numeric_text(value: sympy.Expr, digits: int = 15) -> str:
    """A decimal with ``digits`` significant digits, trailing zeros trimmed (``6.0``, ``0.333…``)."""
    precise = sympy.N(value, digits + 5)
    if not precise.is_Number:
        precise = sympy.re(precise).evalf(digits + 5)
    with mpmath.workdps(digits + 5):
        number = mpmath.mpf(sympy.Float(precise, digits + 5)._mpf_)
        return mpmath.nstr(number, digits, min_fixed=-4, max_fixed=digits + 1)


def _show(expression: sympy.Expr) -> str:
    text = sympy.sstr(expression)
    return text if len(text) <= 60 else text[:57] + "..."


def _spaced(point: dict) -> str:
    return ", ".join(f"{variable} = {sympy.sstr(value)}" for variable, value in point.items())


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


def check_computable(expression: sympy.Expr, point: dict) -> None:
    """Refuse, before anything is evaluated, a value with a part too large to compute.

    e**u, sin(u) and most functions need every digit of u, so a tower such as
    exp(exp(exp(exp(exp(x))))) at 1 would run until the time limit. Going from the inside out,
    each argument is estimated while the parts within it are known to be small enough, and one
    with more than MAX_ARGUMENT_DIGITS digits is a NoAnswerError naming it.
    """
    estimated = set()
    for node in sympy.postorder_traversal(expression):
        if node.is_Pow:
            arguments = [node.exp]
        elif isinstance(node, sympy.Function) and not isinstance(node, _AT_ANY_SIZE):
            arguments = node.args
        else:
            continue
        if node.xreplace(point).is_Number:  # already a number, as 1**u is: nothing to estimate
            continue
        for argument in arguments:
            if argument.is_Number or argument in estimated:
                continue
            estimated.add(argument)
            if _bits(argument.xreplace(point)) > MAX_ARGUMENT_DIGITS * math.log2(10):
                raise NoAnswerError(
                    f"{_show(node)} is too large to compute at {_spaced(point)}: "
                    f"{_show(argument)} has more than {MAX_ARGUMENT_DIGITS} digits there"
                )


def _bits(value: sympy.Expr) -> int:
    """About log2 of the size of a constant (0 when it is no number); huge sizes stay exact ints."""
    try:
        number = sympy.N(value, 15)
    except Exception:  # only an estimate: what cannot be estimated is left to the checks after
        return 0
    bits = [mpmath.mag(mpmath.mpf(part._mpf_)) for part in number.as_real_imag() if part.is_Float]
    return max(bits, default=0)


def _check_domain(expression: sympy.Expr, point: dict) -> None:
    """Walk the formula from the inside out and stop at the first part with no real value."""
    for node in sympy.postorder_traversal(expression):
        if node.is_Atom or not node.free_symbols:
            if node.has(*_INFINITIES):
                raise NoAnswerError(f"{_show(node)} is undefined")
            continue
        if isinstance(node, sympy.DiracDelta):
            raise NoAnswerError(f"{_show(node)} has no value at {_spaced(point)}")
        if isinstance(node, sympy.Pow):
            _check_power(node, expression, point)
        elif isinstance(node, sympy.log):
            _check_logarithm(node, point)
        elif isinstance(node, (sympy.Function, sympy.Piecewise)):
            _check_function(node, point)


def _check_power(node: sympy.Pow, whole: sympy.Expr, point: dict) -> None:
    base = node.base.xreplace(point)
    exponent = node.exp.xreplace(point)
    if base.is_zero and _is_negative(exponent):
        _raise_division_by_zero(node.base, whole, point)
    if _is_negative(base) and not exponent.is_integer and not _is_odd_root(node):
        raise NoAnswerError(
            f"{_show(node)} is not real at {_spaced(point)}",
            hint="a negative number has no real even root",
        )


def _check_logarithm(node: sympy.log, point: dict) -> None:
    argument = node.args[0].xreplace(point)
    if argument.is_zero:
        raise NoAnswerError(f"{_show(node)} is undefined at {_spaced(point)}: the logarithm of 0")
    if _is_negative(argument):
        raise NoAnswerError(f"{_show(node)} is not real at {_spaced(point)}: the logarithm of a negative number")


def _check_function(node: sympy.Basic, point: dict) -> None:
    value = node.xreplace(point)
    if value.has(*_INFINITIES):
        raise NoAnswerError(f"{_show(node)} is undefined at {_spaced(point)}")
    if not _is_real(value):
        raise NoAnswerError(f"{_show(node)} is not real at {_spaced(point)}")


def _raise_division_by_zero(denominator: sympy.Expr, whole: sympy.Expr, point: dict) -> None:
    limit = _limit(whole, point)
    if limit is not None and limit.is_finite:
        raise NoAnswerError(
            f"{_show(whole)} is undefined at {_spaced(point)} (0/0: division by zero)",
            hint=f"the limit there is {sympy.sstr(limit)} (a removable singularity)",
        )
    hint = "the function goes to infinity there" if limit is not None else None
    raise NoAnswerError(f"division by zero at {_spaced(point)}: {_show(denominator)} is 0", hint=hint)


def _limit(expression: sympy.Expr, point: dict):
    """For one variable: the two-sided limit at the point when both sides agree (possibly
    infinite), else None. Bounded in time, since it only makes an error message kinder."""
    if len(point) != 1:
        return None
    (variable, value), = point.items()

    def both_sides():
        return one_sided_limit(expression, variable, value, "-"), one_sided_limit(expression, variable, value, "+")

    try:
        finished, sides = run_with_budget(both_sides, LIMIT_SECONDS)
    except Exception:  # only a kinder message depends on it: any failure means no hint
        return None
    if not finished:
        return None
    left, right = sides
    if left == right and (left.is_real or left.is_infinite):
        return left
    if left.is_infinite or right.is_infinite:
        return sympy.zoo
    return None


def _is_negative(value: sympy.Expr) -> bool:
    if value.is_negative is not None:
        return bool(value.is_negative)
    try:
        number = complex(value.evalf(30))
    except (TypeError, ValueError):
        return False
    return abs(number.imag) < 1e-25 and number.real < 0


def _is_not_finite(value: sympy.Expr) -> bool:
    if value.is_finite is False:
        return True
    return False


def _is_real(value: sympy.Expr) -> bool:
    if value.is_extended_real:
        return True
    if value.is_extended_real is False:
        return False
    try:
        number = complex(value.evalf(30))
    except (TypeError, ValueError):
        return True
    return abs(number.imag) <= 1e-20 * max(1.0, abs(number.real))


def _tidy(value: sympy.Expr) -> sympy.Expr:
    """A cheap, time-bounded simplification of a constant (``sqrt(2)/2`` rather than ``1/sqrt(2)``)."""
    from derivcli.calculus import tidy

    return tidy(value, shortest=0, longest=40, seconds=SIMPLIFY_SECONDS)


MAX_EXACT_BITS = 13_000


def _check_printable(values: list) -> None:
    """Exact values beyond ~4000 digits cannot be shown (nor read back): ask for decimals."""
    for value in values:
        for number in value.atoms(sympy.Rational):
            if max(abs(number.p).bit_length(), number.q.bit_length()) > MAX_EXACT_BITS:
                raise ResourceLimitError(
                    "the exact value has more than 4000 digits", hint="use --numeric for a decimal"
                )


@dataclass
class PointValues:
    """f and its derivatives at one point, or the reason there are none."""

    point: dict
    values: list = field(default_factory=list)
    error: DerivError | None = None


@dataclass
class Evaluation:
    """The answer of ``deriv eval``: values at each point, exact and decimal."""

    expression: sympy.Expr
    variable: sympy.Symbol
    order: int
    points: list
    numeric: bool
    digits: int
    comparisons: list = field(default_factory=list)

    @property
    def problems(self) -> list:
        """The errors to report on stderr; they set the exit status."""
        found = [entry.error for entry in self.points if entry.error is not None]
        found += [comparison.failure() for comparison in self.comparisons if not comparison.equal]
        return found


def evaluate(expression, variable, points, order=0, numeric=False, digits=15, expected=None) -> Evaluation:
    """Values of f, f′ … f⁽ᵒʳᵈᵉʳ⁾ at each point; with ``expected``, compare f's values to it."""
    derivatives = [expression]
    for _ in range(order):
        derivatives.append(sympy.diff(derivatives[-1], variable))
    results = []
    comparisons = []
    for point in points:
        entry = PointValues(point)
        try:
            entry.values = [value_at(expression, point)] + [
                derivative_value_at(derivative, point, derivative_name([variable] * order),
                                    derivatives[order - 1])
                for order, derivative in enumerate(derivatives[1:], start=1)
            ]
            if not numeric:
                _check_printable(entry.values)
        except NoAnswerError as error:
            entry.values, entry.error = [], error
        results.append(entry)
        if expected is not None and entry.error is None:
            from derivcli.equivalence import compare_values

            tolerance = 10.0 ** -(digits - 2) if numeric else None
            comparisons.append(compare_values(entry.values[0], expected, point, tolerance))
    return Evaluation(expression, variable, order, results, numeric, digits, comparisons)
