"""The answer of `deriv diff`: the checked derivation, its value at a point, and the CI checks."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from ..calculus import (
    LIMIT_SECONDS,
    check_computable,
    compare_answer,
    derivative_sides,
    derivative_value_at,
    value_at,
)
from ..parsing import domain_violation
from ..errors import DerivError, ExpectationFailed, NoAnswerError
from ..guard import run_with_budget
from ..notation import derivative_name
from .differentiation import differentiate
from .nowhere import check_defined_somewhere
from .step import Derivation



@dataclass
class Differentiation:
    """What `deriv diff` shows: the derivation, the value at ``point``, and any failed checks."""

    derivation: Derivation
    point: dict | None = None
    value: sympy.Expr | None = None
    comparison: object | None = None
    strict: bool = False
    problems: list[DerivError] = field(default_factory=list)
    partial: bool = False  # f has several variables: ∂f/∂x rather than f′
    reading: list[str] = field(default_factory=list)  # how the text was read (names kept whole)
    tangent: object | None = None  # the tangent line at the point (derivation.tangent.Tangent)
    domain_note: str | None = None  # no point tried is in f's domain, which could not be worked out

    def name(self, order: int | None = None) -> str:
        """The name of the derivative after ``order`` passes (all of them by default): f″, ∂²f/∂y∂x."""
        return derivative_name(self.derivation.variables[:order], self.partial)

    @property
    def notes(self) -> list[str]:
        notes = list(self.reading) + list(self.derivation.notes)
        if self.domain_note is not None:
            notes.append(self.domain_note)
        if self.derivation.agrees is None:
            notes.append("the answer could not be confirmed against sympy.diff: no sample point had f "
                         "real and both forms defined, and simplify could not decide")
        return notes


def slope_at(derivative, raw, previous, point, name) -> sympy.Expr:
    """The value of a derivative at ``point``, where it exists.

    The raw result of the tree is tried first (it is undefined wherever a rule's formula is, as
    |u|′ = u/|u| at u = 0). Where it has no value, f′(a) still exists when f is continuous at a and
    f′ has the same finite limit from both sides (the mean value theorem): that is tried next.
    """
    try:
        return derivative_value_at(raw, point, name, previous)
    except NoAnswerError as error:
        first = error
    if len(point) != 1:
        raise first
    (variable, place), = point.items()
    try:
        finished, found = run_with_budget(
            lambda: derivative_sides(derivative, previous, variable, place), LIMIT_SECONDS)
    except NoAnswerError:
        raise
    except Exception:  # sympy's limit fails in many ways; then the first reason stands
        raise first from None
    if not finished:
        raise first
    left, right, continuous = found
    if not (left == right and left.is_finite and left.is_real):
        if left.is_real and right.is_real and left != right:
            raise NoAnswerError(
                f"{name} does not exist at {variable} = {sympy.sstr(place)}: from the left "
                f"it is {sympy.sstr(left)}, from the right {sympy.sstr(right)}"
            )
        raise first
    if continuous:
        return left
    raise NoAnswerError(f"{name} does not exist at {variable} = {sympy.sstr(place)}: the function jumps there")


def answer(expression, variables, point=None, expected=None, strict=False, simplify=True,
           domain=()) -> Differentiation:
    """Differentiate, evaluate at ``point`` and run the --expect and --strict checks.

    ``domain`` holds the conditions of the formula as written (parsing.Formula.domain): a point
    outside it has no derivative even where sympy's simplified expression has one (x/x at 0)."""
    every = expression.free_symbols | set(variables)
    domain_note = None
    if point is None and len(every) == 1:
        domain_note = check_defined_somewhere(domain, variables[0])
    derivation = differentiate(expression, variables, simplify)
    result = Differentiation(derivation, point, strict=strict, partial=len(every) > 1, domain_note=domain_note)
    if point is not None:
        outside = domain_violation(domain, point)
        if outside is not None:
            raise NoAnswerError(f"{result.name(1)} does not exist where f does not: {outside}")
        check_computable(expression, point)  # too large to compute is not "does not exist"
        try:
            value_at(expression, point)  # f itself must exist there
        except NoAnswerError as error:
            name = result.name(1)
            raise NoAnswerError(f"{name} does not exist where f does not: {error.message}",
                                error.hint) from None
        for order, tree in enumerate(derivation.trees, start=1):
            name = result.name(order)
            result.value = slope_at(tree.substeps[-1].result, tree.result, tree.expression,
                                    point, name)
    if expected is not None:
        comparison = compare_answer(derivation.result, result.value, expected, point)
        result.comparison = comparison
        if not comparison.equal:
            result.problems.append(comparison.failure())
    if strict:
        tables = sorted({step.expression.func.__name__
                         for tree in derivation.trees for step in tree.walk()
                         if step.rule == "known_derivative"})
        if tables:
            result.problems.append(ExpectationFailed(
                f"--strict: the derivation uses a table formula (known_derivative) for {', '.join(tables)}",
                hint="these special functions are differentiated from sympy's table, not rule by rule",
            ))
    return result

