"""Mathematical equivalence for ``--expect``: symbolic first, then numeric at sample points.

``sin(2*x)`` and ``2*sin(x)*cos(x)`` are the same answer written differently; a CI check must
accept both and reject ``2*sin(x)``, and say at which point the two differ.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import sympy

from derivcli.errors import ExpectationFailed
from derivcli.guard import run_with_budget
from derivcli.parsing import format_point, parse_point, sorted_symbols

from .constants import sign_of

SIMPLIFY_SECONDS = 2.0
SAMPLE_COUNT = 24
AGREEING_POINTS_NEEDED = 6
RELATIVE_TOLERANCE = 1e-9
PRECISION = 30


@dataclass
class Comparison:
    """The outcome of one ``--expect`` check."""

    actual: sympy.Expr
    expected: sympy.Expr
    equal: bool
    method: str
    counterexample: dict | None = None
    actual_value: sympy.Expr | None = None
    expected_value: sympy.Expr | None = None
    at: dict | None = None
    tolerance: sympy.Expr | None = None  # the largest difference allowed, when not exact
    tolerance_source: str | None = None
    written: str | None = None  # the expected value as the user wrote it

    def failure(self) -> ExpectationFailed:
        """The error that reports this failed check: both forms and a point where they differ,
        each value named in the sentence's order (expected first), and the tolerance if any."""
        where = f" at {format_point(self.at)}" if self.at else ""
        expected = self.written or sympy.sstr(self.expected)
        message = f"expected {expected}{where}, got {sympy.sstr(self.actual)}"
        hint = None
        if self.tolerance is not None:
            actual = sympy.sstr(sympy.N(self.actual, 15))
            if actual != sympy.sstr(self.actual):
                message += f" = {actual}"
            gap = _short(sympy.Abs(self.actual - self.expected), 3)
            hint = (f"they differ by {gap}, more than the tolerance {_short(self.tolerance, 3)}"
                    f" ({self.tolerance_source})")
        elif self.counterexample:
            hint = (
                f"they differ at {format_point(self.counterexample)}: "
                f"expected {_short(self.expected_value)}, got {_short(self.actual_value)}"
            )
        elif self.method == "inconclusive":
            hint = "no sample point had both defined, so the two could not be compared"
        return ExpectationFailed(message, hint=hint)


def _short(value, digits: int = 12) -> str:
    if value is None:
        return "undefined"
    number = sympy.N(value, digits)
    if number.is_Float and math.isfinite(float(number)):
        return f"{float(number):.{digits}g}"  # -4.74, not -4.74000000000
    return sympy.sstr(number)


def compare(actual: sympy.Expr, expected: sympy.Expr) -> Comparison:
    """Whether two expressions are equal as functions of their variables."""
    if actual == expected:
        return Comparison(actual, expected, True, "symbolic")
    symbolic = _symbolic_difference(actual, expected)
    if symbolic == 0:
        return Comparison(actual, expected, True, "symbolic")
    return _numeric_comparison(actual, expected)


def compare_values(actual: sympy.Expr, expected: sympy.Expr, point: dict, tolerance: float | None = None) -> Comparison:
    """Whether a value equals the expected constant: exactly, or within ``tolerance`` (relative)."""
    difference = _symbolic_difference(actual, expected)
    if tolerance is None:
        if difference == 0:
            return Comparison(actual, expected, True, "exact", at=point)
        gap = abs(complex(sympy.N(actual - expected, PRECISION)))
        scale = max(1.0, abs(complex(sympy.N(expected, PRECISION))))
        equal = difference is None and gap <= 1e-25 * scale
        return Comparison(actual, expected, equal, "exact", at=point)
    gap = abs(complex(sympy.N(actual - expected, PRECISION)))
    scale = max(1.0, abs(complex(sympy.N(expected, PRECISION))))
    return Comparison(actual, expected, gap <= tolerance * scale, "tolerance", at=point)


@dataclass
class ExpectedValue:
    """An ``--expect`` value: the exact number, as the user wrote it, and how close a decimal
    answer must come: within ``tolerance``, times max(1, |value|) when ``relative``; None: exactly.
    ``source`` says where the tolerance comes from, for the failure message."""

    value: sympy.Expr
    written: str
    tolerance: float | None = None
    relative: bool = False
    source: str | None = None


def compare_expected(actual: sympy.Expr, expected: ExpectedValue, point: dict) -> Comparison:
    """Whether a value is the expected one: exactly, or within the expectation's tolerance, which
    a failure states with its source. The bound is exact arithmetic, so a huge value cannot turn
    it into an infinity that everything passes."""
    if expected.tolerance is None:
        comparison = compare_values(actual, expected.value, point)
    else:
        scale = sympy.Max(1, sympy.Abs(expected.value)) if expected.relative else sympy.Integer(1)
        bound = sympy.Rational(expected.tolerance) * scale
        gap = sympy.N(sympy.Abs(actual - expected.value), PRECISION)
        equal = bool(gap.is_Number and gap <= bound)
        comparison = Comparison(actual, expected.value, equal, "tolerance", at=point,
                                tolerance=bound, tolerance_source=expected.source)
    comparison.written = expected.written
    return comparison


def compare_answer(form: sympy.Expr, value, expected: sympy.Expr, point: dict | None) -> Comparison:
    """``--expect`` of a derivative: its form when there is no point, else its value at the point."""
    return compare(form, expected) if point is None else compare_values(value, expected, point)


def _symbolic_difference(actual: sympy.Expr, expected: sympy.Expr):
    """simplify(actual - expected) within a time budget; None when it ran out of time or failed."""
    try:
        finished, difference = run_with_budget(lambda: sympy.simplify(actual - expected), SIMPLIFY_SECONDS)
    except Exception:  # simplify fails on odd inputs; the numeric comparison decides then
        return None
    return difference if finished else None


def _numeric_comparison(actual: sympy.Expr, expected: sympy.Expr) -> Comparison:
    symbols = sorted_symbols((actual.free_symbols | expected.free_symbols))
    generator = random.Random(20261130)
    agreeing = 0
    for _ in range(SAMPLE_COUNT):
        point = {symbol: sympy.Rational(generator.randint(-300, 300), 100) for symbol in symbols}
        actual_value = _sampled_value(actual, point)
        expected_value = _sampled_value(expected, point)
        if actual_value is None and expected_value is None:
            continue
        if actual_value is None or expected_value is None:
            if actual_value is None and expected_value is not None and _defined_nearby(actual, point):
                continue
            if expected_value is None and actual_value is not None and _defined_nearby(expected, point):
                continue
            return Comparison(actual, expected, False, "numeric", point, actual_value, expected_value)
        scale = max(1.0, abs(actual_value), abs(expected_value))
        if abs(actual_value - expected_value) > RELATIVE_TOLERANCE * scale:
            return Comparison(actual, expected, False, "numeric", point, actual_value, expected_value)
        agreeing += 1
    if not symbols:
        return Comparison(actual, expected, agreeing > 0, "numeric")
    if agreeing >= AGREEING_POINTS_NEEDED:
        return Comparison(actual, expected, True, "numeric")
    return Comparison(actual, expected, False, "inconclusive")


def _sampled_value(expression: sympy.Expr, point: dict):
    """A float value at the point, or None where it is undefined or not real."""
    try:
        number = complex(expression.evalf(PRECISION, subs=point))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if number != number or abs(number) == float("inf"):
        return None
    if abs(number.imag) > 1e-12 * max(1.0, abs(number.real)):
        return None
    return sympy.Float(number.real, 17)


def _defined_nearby(expression: sympy.Expr, point: dict) -> bool:
    """Undefined at an isolated point (a removable gap) rather than on a whole region."""
    shifted = {symbol: value + sympy.Rational(1, 997) for symbol, value in point.items()}
    return _sampled_value(expression, shifted) is not None


# ---------------------------------------------------------------- points: critical, descend

POINT_SEPARATOR = ";"
NONE_WORDS = ("none", "nothing", "")


def compare_point_sets(found: list[dict], families: list[str], expected: str, variables) -> ExpectationFailed | None:
    """None when the critical points found are exactly the expected ones (in any order).

    ``expected`` lists points in --at syntax separated by ';' (``x=-1; x=1``), families as
    critical prints them (``x=pi*n + pi/2 (n integer)``), or ``none``.
    """
    wanted_points, wanted_families = [], []
    for part in expected.split(POINT_SEPARATOR):
        part = part.strip()
        if part.lower() in NONE_WORDS:
            continue
        if "integer)" in part or " real)" in part or "<=" in part:  # a family, or a flat stretch
            wanted_families.append(_compact(part))
        else:
            wanted_points.append(parse_point(part, list(variables)))
    missing = [point for point in wanted_points if not any(_same_point(point, other) for other in found)]
    extra = [point for point in found if not any(_same_point(point, other) for other in wanted_points)]
    missing_families = [family for family in wanted_families if family not in [_compact(text) for text in families]]
    extra_families = [text for text in families if _compact(text) not in wanted_families]
    if not (missing or extra or missing_families or extra_families):
        return None
    shown = "; ".join([format_point(point) for point in found] + list(families)) or "none"
    reasons = [f"{format_point(point)} is missing" for point in missing] + [f"{family} is missing" for family in missing_families]
    reasons += [f"{format_point(point)} was not expected" for point in extra] + [f"{text} was not expected" for text in extra_families]
    return ExpectationFailed(f"expected {expected.strip() or 'none'}, got {shown}", hint="; ".join(reasons))


def compare_point_near(found: dict, expected: str, variables, tolerance: float) -> ExpectationFailed | None:
    """None when every coordinate of ``found`` is within ``tolerance`` (relative, at least absolute)
    of the expected point; for the end point of a descent, which is a decimal approximation."""
    wanted = parse_point(expected, list(variables))
    far = []
    for variable in variables:
        got = float(found[variable])
        target = float(sympy.N(wanted[variable], 20))
        if abs(got - target) > tolerance * max(1.0, abs(target)):
            far.append(f"{variable} = {got:.12g} is {abs(got - target):.2g} away")
    if not far:
        return None
    return ExpectationFailed(f"expected {expected.strip()}, got {format_point(found)}", hint="; ".join(far))


def _same_point(first: dict, second: dict) -> bool:
    """Equal coordinates: exactly, or to 1e-9 (relative) where one side is a decimal approximation."""
    for variable, value in first.items():
        other = second.get(variable)
        if other is None:
            return False
        difference = sympy.sympify(value, strict=True) - sympy.sympify(other, strict=True)
        if difference.has(sympy.Float) or difference.has(sympy.CRootOf):
            number = complex(sympy.N(difference, 30))
            scale = max(1.0, abs(complex(sympy.N(other, 30))))
            if abs(number) > RELATIVE_TOLERANCE * scale:
                return False
        elif sign_of(difference) != 0:
            return False
    return True


def _compact(text: str) -> str:
    return "".join(text.split())
