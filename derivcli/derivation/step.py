"""The nodes of a derivation: plain, picklable dataclasses that renderers only read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import sympy

Show = Callable[[sympy.Basic], str]


class _Frozen(tuple):
    """An expression packed as (function, arguments) so that unpickling keeps its form."""


def freeze(expression):
    """Pack ``expression`` so that pickling does not re-evaluate it.

    sympy rebuilds a pickled 2*(y - x) with evaluation, which distributes it into -2*x + 2*y:
    the simplified form would be lost on its way back from the guard's worker.
    """
    if not isinstance(expression, sympy.Basic) or expression.is_Atom:
        return expression
    return _Frozen((expression.func, tuple(freeze(argument) for argument in expression.args)))


def thaw(packed):
    """The expression that :func:`freeze` packed, rebuilt without re-evaluating sums and products."""
    if not isinstance(packed, _Frozen):
        return packed
    function, arguments = packed
    arguments = [thaw(argument) for argument in arguments]
    if function in (sympy.Add, sympy.Mul, sympy.Pow):
        return function(*arguments, evaluate=False)
    return function(*arguments)


class _KeepsForm:
    """Pickles the listed expression fields frozen (their printed form survives the guard)."""

    _kept: tuple[str, ...] = ()

    def __getstate__(self):
        state = dict(self.__dict__)
        for name in self._kept_fields(state):
            state[name] = freeze(state[name])
        return state

    def __setstate__(self, state):
        for name in self._kept_fields(state):
            state[name] = thaw(state[name])
        self.__dict__.update(state)

    def _kept_fields(self, state):
        return self._kept


@dataclass
class Step(_KeepsForm):
    """One rule applied to one expression: d/d``variable`` ``expression`` = ``result``.

    ``substeps`` are the derivations the rule needed (terms, factors, the outer and inner
    function of a chain). A chain step also names its inner function ``inner`` (u = g(x)) and the
    symbol ``inner_symbol`` (u) in which its outer derivative is written. A subexpression derived
    a second time is not derived again: its step carries ``reference``, the ``number`` of the
    step that derived it first.
    """

    rule: str
    expression: sympy.Expr
    variable: sympy.Symbol
    result: sympy.Expr
    substeps: list[Step] = field(default_factory=list)
    name: str = ""
    formula: str = ""
    parameters: dict[str, sympy.Basic] = field(default_factory=dict)
    role: str | None = None
    inner: sympy.Expr | None = None
    inner_symbol: sympy.Symbol | None = None
    note: str | None = None
    number: int | None = None
    reference: int | None = None

    def _kept_fields(self, state):
        return ("result",) if state.get("rule") == "simplify" else ()

    @property
    def outer(self) -> Step | None:
        """The outer-function step of a chain rule (f′(u)), or None."""
        for step in self.substeps:
            if step.role == "outer":
                return step
        return None

    @property
    def explanation(self) -> str:
        """One human line naming the rule and its formula (sympy string syntax for math)."""
        return self.explain(str)

    def explain(self, show: Show) -> str:
        """The explanation, with math written by ``show`` (a renderer passes unicode_math)."""
        if self.reference is not None:
            return f"{self.name}: derived above, see step [{self.reference}]"
        text = f"{self.name}: {self.formula}" if self.formula else self.name
        details = [f"{key} = {show(value)}" for key, value in self.parameters.items()]
        if self.rule == "chain" and self.inner is not None:
            details.insert(0, f"{show(self.inner_symbol)} = {show(self.inner)}")
        if details:
            text += (" with " if self.formula else ": ") + ", ".join(details)
        note = self.describe_note(show)
        if note:
            text += f" ({note})"
        return text

    def describe_note(self, show: Show) -> str | None:
        """The note of the step; for the constant rule it says why the expression is constant."""
        if self.note is None and self.rule in ("constant", "constant_multiple"):
            constant = self.expression if self.rule == "constant" else self.parameters["c"]
            held = sorted(constant.free_symbols, key=lambda symbol: symbol.name)
            if held:
                names = ", ".join(show(symbol) for symbol in held)
                return f"{names} {'is' if len(held) == 1 else 'are'} held constant"
        return self.note

    def walk(self):
        """Every step of the tree, depth first, this one first (iterative: trees may be deep)."""
        pending = [self]
        while pending:
            step = pending.pop()
            yield step
            pending.extend(reversed(step.substeps))

    def rules(self) -> set[str]:
        """The rule ids used anywhere in the tree."""
        return {step.rule for step in self.walk()}


@dataclass
class CrossCheck:
    """How the tree's answer was compared with a second engine's derivative.

    ``agrees`` is True (identical, symbolically equal or equal at every sample point), or None
    when no comparison could decide (never False: a disagreement raises InternalError).
    ``engine`` is the one that computed that derivative: symengine or sympy.diff.
    """

    agrees: bool | None
    method: str
    points: int = 0
    engine: str = "sympy.diff"


@dataclass
class Derivation(_KeepsForm):
    """The derivative of ``expression`` along ``variables`` (one tree per pass), checked."""

    expression: sympy.Expr
    variables: list[sympy.Symbol]
    trees: list[Step]
    raw: sympy.Expr
    result: sympy.Expr
    checks: list[CrossCheck]
    notes: list[str] = field(default_factory=list)
    _kept = ("result",)

    @property
    def order(self) -> int:
        return len(self.variables)

    @property
    def agrees(self) -> bool | None:
        """True when every pass agreed with sympy.diff, None when one was inconclusive."""
        return None if any(check.agrees is None for check in self.checks) else True

    def rules(self) -> set[str]:
        used: set[str] = set()
        for tree in self.trees:
            used |= tree.rules()
        return used
