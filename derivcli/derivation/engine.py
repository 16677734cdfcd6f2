"""The derivation engine: picks the rule for each subexpression and builds the tree."""

from __future__ import annotations

import sympy
from sympy import Abs, Add, Mul, Piecewise, Pow, exp, log
from sympy.core.function import AppliedUndef

from ..errors import NoAnswerError
from . import rules
from .step import Step
from .tables import FAMILIES

_FAMILY_RULES = {
    "trig": rules.TrigRule,
    "inverse_trig": rules.InverseTrigRule,
    "hyperbolic": rules.HyperbolicRule,
    "inverse_hyperbolic": rules.InverseHyperbolicRule,
}
_BY_FUNCTION = {
    function: _FAMILY_RULES[family]
    for family, (_, table) in FAMILIES.items() for function in table
}
_BY_FUNCTION.update({
    exp: rules.ExponentialRule, log: rules.LogarithmRule, Abs: rules.AbsRule,
    sympy.sign: rules.SignRule, Piecewise: rules.PiecewiseRule,
    sympy.Max: rules.ExtremumRule, sympy.Min: rules.ExtremumRule, sympy.atan2: rules.Atan2Rule,
})

_SYMBOL_NAMES = ("u", "v", "w", "t", "s", "z")


def fresh_symbol(taken) -> sympy.Symbol:
    """A real symbol for the inner function u = g(x) whose name the expression does not use."""
    names = {symbol.name for symbol in taken}
    for name in _SYMBOL_NAMES:
        if name not in names:
            return sympy.Symbol(name, real=True)
    index = 1
    while f"u_{index}" in names:
        index += 1
    return sympy.Symbol(f"u_{index}", real=True)


class Deriver:
    """Derives the subexpressions of one expression with respect to one variable.

    It remembers every derived subexpression that needed more than one rule, so a repeated part
    is derived once and referred to afterwards (its first step gets a number).
    """

    def __init__(self, variable: sympy.Symbol, expression: sympy.Expr):
        self.variable = variable
        self.symbol = fresh_symbol(expression.free_symbols | {variable})
        self._depends: dict = {}
        self._derived: dict = {}
        self._numbers = 0

    def depends(self, expression) -> bool:
        """Whether ``expression`` contains the variable (remembered per subexpression)."""
        known = self._depends.get(expression)
        if known is None:
            if expression.is_Symbol:
                known = expression == self.variable
            else:
                known = any(self.depends(argument) for argument in expression.args)
            self._depends[expression] = known
        return known

    def derive(self, expression, role: str | None = None) -> Step:
        """The step that differentiates ``expression``; a repeat refers to the first derivation."""
        first = self._derived.get(expression)
        if first is not None:
            step = self._refer(first)
        else:
            step = self._apply(expression)
            if step.substeps:
                self._derived[expression] = step
        step.role = role
        return step

    def _refer(self, first: Step) -> Step:
        if first.number is None:
            self._numbers += 1
            first.number = self._numbers
        return Step(
            rule=first.rule, expression=first.expression, variable=first.variable,
            result=first.result, name=first.name, reference=first.number,
        )

    def _apply(self, expression) -> Step:
        if not self.depends(expression):
            return rules.ConstantRule.derive(expression, self)
        if expression == self.variable:
            return rules.VariableRule.derive(expression, self)
        if isinstance(expression, Add):
            return rules.SumRule.derive(expression, self)
        if isinstance(expression, Mul):
            return self._product(expression)
        if isinstance(expression, Pow):
            return self._power(expression)
        rule = _BY_FUNCTION.get(expression.func)
        if rule is not None:
            return rule.derive(expression, self)
        if isinstance(expression, AppliedUndef):
            return rules.FunctionRule.derive(expression, self)
        if isinstance(expression, (sympy.Derivative, sympy.Subs)):
            return rules.FunctionDerivativeRule.derive(expression, self)
        if isinstance(expression, sympy.Function):
            try:
                return rules.KnownDerivativeRule.derive(expression, self)
            except (NotImplementedError, sympy.ArgumentIndexError):
                pass
        raise NoAnswerError(f"no differentiation rule for {expression.func.__name__}")

    def _product(self, expression) -> Step:
        """Constant multiple, log base b, quotient, reciprocal or product: which one applies."""
        if rules.LogarithmRule.base_of(expression, self) is not None:
            return rules.LogarithmRule.derive(expression, self)
        constant, dependent = [], []
        for factor in expression.args:
            (dependent if self.depends(factor) else constant).append(factor)
        if constant:
            if len(dependent) == 1 and isinstance(dependent[0], log):
                # keep 1/log(b) with log(u): that pair is log_b(u)
                bases = [c for c in constant if isinstance(c, Pow) and c.exp == -1
                         and isinstance(c.base, log)]
                if bases:
                    constant.remove(bases[0])
                    dependent.append(bases[0])
            part = dependent[0] if len(dependent) == 1 else Mul(*dependent)
            return rules.ConstantMultipleRule.derive(expression, self, Mul(*constant), part)
        above = [f for f in dependent if not _is_reciprocal(f)]
        below = [f for f in dependent if _is_reciprocal(f)]
        if below and above:
            numerator = above[0] if len(above) == 1 else Mul(*above)
            denominator = Mul(*[Pow(f.base, -f.exp) for f in below])
            return rules.QuotientRule.derive(expression, self, numerator, denominator)
        if below:
            return rules.ReciprocalRule.derive(expression, self)
        return rules.ProductRule.derive(expression, self)

    def _power(self, expression) -> Step:
        base, exponent = expression.as_base_exp()
        if not self.depends(exponent):
            return rules.PowerRule.derive(expression, self)
        if not self.depends(base):
            return rules.ExponentialRule.derive(expression, self)
        return rules.GeneralPowerRule.derive(expression, self)


def _is_reciprocal(factor) -> bool:
    """A factor written below the fraction bar: a power with a negative number as exponent."""
    return isinstance(factor, Pow) and factor.exp.is_Number and factor.exp.is_negative


def derive_tree(expression: sympy.Expr, variable: sympy.Symbol) -> Step:
    """The rule tree of d/d``variable`` ``expression`` (not yet cross-checked)."""
    return Deriver(variable, expression).derive(expression)
