"""Derivatives in several variables at once: the gradient, the Hessian and the Jacobian.

Each entry is an ordinary checked derivation (its own rule tree, cross-checked against
sympy.diff), so a gradient is its partial derivatives side by side, a Jacobian is one gradient a
row, and the Hessian differentiates each component of the gradient once more. The Hessian of a
smooth formula is symmetric (Schwarz), so only the entries on and above the diagonal are derived;
a formula with corners (|x|, max, pieces) has every entry derived, since there the mixed
partials need not agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from ..calculus import derivative_value_at, tidy
from ..errors import DerivError
from ..notation import derivative_name
from .answer import Differentiation, answer
from .curvature import Curvature, curvature
from .differentiation import differentiate
from .elementwise import flatten
from .step import Derivation
from .tangent import Tangent, tangent

_NOT_SMOOTH = (sympy.Abs, sympy.Piecewise, sympy.sign, sympy.Max, sympy.Min, sympy.Heaviside,
               sympy.floor, sympy.ceiling)


@dataclass
class Gradient:
    """∇f over ``variables``: one checked derivation a component, with values at ``point``."""

    expression: sympy.Expr
    variables: list
    components: list[Differentiation]
    point: dict | None = None
    norm: sympy.Expr | None = None
    tangent: Tangent | None = None
    comparison: object | None = None
    problems: list[DerivError] = field(default_factory=list)
    one_line: bool = False  # piped as [a, b] rather than one component a line

    @property
    def derivatives(self) -> list:
        return [component.derivation.result for component in self.components]

    @property
    def values(self) -> list | None:
        return None if self.point is None else [component.value for component in self.components]

    def names(self) -> list[str]:
        return [derivative_name([variable], True) for variable in self.variables]

    def elements(self) -> list:
        """The answer element by element (values at the point when there is one), for --expect."""
        return self.values if self.point is not None else self.derivatives


def gradient(expression, variables, point=None, simplify=True, domain=(), asked_tangent=False) -> Gradient:
    """∇f: ∂f/∂v for each of ``variables`` in order; at ``point`` its value, its norm and the
    tangent plane z = f(a) + ∇f(a)·(x − a)."""
    components = [_partial(expression, variable, point, simplify, domain) for variable in variables]
    result = Gradient(expression, list(variables), components, point)
    if point is not None:
        result.norm = tidy(sympy.sqrt(sum((value**2 for value in result.values), sympy.Integer(0))))
        result.tangent = tangent(expression, variables, point, result.values, asked_tangent)
    return result


def _partial(expression, variable, point, simplify, domain) -> Differentiation:
    component = answer(expression, [variable], point, simplify=simplify, domain=domain)
    component.partial = True
    return component


@dataclass
class SecondPartial:
    """Entry (``row``, ``column``) of the Hessian: d/d(column variable) of ∂f/∂(row variable)."""

    row: int
    column: int
    derivation: Derivation
    value: sympy.Expr | None = None

    @property
    def result(self) -> sympy.Expr:
        return self.derivation.result


@dataclass
class Hessian:
    """The matrix of second partial derivatives, and at a point its values and curvature."""

    expression: sympy.Expr
    variables: list
    gradient: list[Differentiation]
    entries: list[SecondPartial]
    symmetric: bool
    point: dict | None = None
    curvature: Curvature | None = None
    comparison: object | None = None
    problems: list[DerivError] = field(default_factory=list)
    one_line: bool = False

    def entry(self, row: int, column: int) -> SecondPartial:
        """The entry at (row, column); below the diagonal of a symmetric matrix, its mirror."""
        size = len(self.variables)
        if self.symmetric:
            row, column = min(row, column), max(row, column)
            return self.entries[row * size - row * (row - 1) // 2 + column - row]
        return self.entries[row * size + column]

    def matrix(self) -> list[list]:
        size = len(self.variables)
        return [[self.entry(i, j).result for j in range(size)] for i in range(size)]

    def values(self) -> list[list] | None:
        if self.point is None:
            return None
        size = len(self.variables)
        return [[self.entry(i, j).value for j in range(size)] for i in range(size)]

    def name(self, row: int, column: int) -> str:
        return derivative_name([self.variables[row], self.variables[column]], True)

    def names(self) -> list[str]:
        size = len(self.variables)
        return [self.name(i, j) for i in range(size) for j in range(size)]

    def elements(self) -> list:
        return flatten(self.values() if self.point is not None else self.matrix())


def hessian(expression, variables, point=None, simplify=True, domain=()) -> Hessian:
    """The Hessian along ``variables``: each gradient component differentiated once more."""
    first = [_partial(expression, variable, point, simplify, domain) for variable in variables]
    symmetric = not expression.has(*_NOT_SMOOTH)
    entries = []
    for row, component in enumerate(first):
        columns = range(row, len(variables)) if symmetric else range(len(variables))
        for column in columns:
            entries.append(_second(component, row, column, variables, point, simplify))
    result = Hessian(expression, list(variables), first, entries, symmetric, point)
    if point is not None:
        result.curvature = curvature(result.values())
    return result


def _second(component: Differentiation, row, column, variables, point, simplify) -> SecondPartial:
    first = component.derivation.result
    derivation = differentiate(first, [variables[column]], simplify)
    value = None
    if point is not None:
        name = derivative_name([variables[row], variables[column]], True)
        value = derivative_value_at(derivation.result, point, name, previous=first)
    return SecondPartial(row, column, derivation, value)


@dataclass
class Jacobian:
    """The Jacobian of a vector of functions: row i is the gradient of function i."""

    functions: list
    variables: list
    rows: list[list[Differentiation]]
    point: dict | None = None
    comparison: object | None = None
    problems: list[DerivError] = field(default_factory=list)
    one_line: bool = False

    def matrix(self) -> list[list]:
        return [[entry.derivation.result for entry in row] for row in self.rows]

    def values(self) -> list[list] | None:
        if self.point is None:
            return None
        return [[entry.value for entry in row] for row in self.rows]

    def names(self) -> list[str]:
        return [f"∂f{index}/∂{variable}" for index in range(1, len(self.rows) + 1) for variable in self.variables]

    def elements(self) -> list:
        return flatten(self.values() if self.point is not None else self.matrix())


def jacobian(functions, variables, point=None, simplify=True, domains=None) -> Jacobian:
    """∂fᵢ/∂xⱼ for each function (a row) and each of ``variables`` (a column)."""
    domains = domains or [()] * len(functions)
    rows = [[_partial(function, variable, point, simplify, domain) for variable in variables]
            for function, domain in zip(functions, domains)]
    return Jacobian(list(functions), list(variables), rows, point)
