"""One small class per differentiation rule; each docstring is the rule's formula.

Every rule builds a :class:`Step` whose ``result`` is computed from the results of its substeps,
so the answer of a derivation is read off its tree. ``deriver`` is the engine (see engine.py):
it derives subexpressions, remembers repeated ones and knows which parts depend on the variable.
"""

from __future__ import annotations

import sympy
from sympy import Abs, Add, Derivative, Integer, Mul, Piecewise, Pow, Subs, exp, log

from .step import Step
from .tables import FAMILIES, SPECIAL


class Rule:
    """A differentiation rule: ``rule_id`` from the design table, a human ``name``, a ``formula``."""

    rule_id = ""
    name = ""
    formula = ""

    @classmethod
    def step(cls, expression, deriver, result, substeps=(), **details) -> Step:
        return Step(
            rule=cls.rule_id, expression=expression, variable=deriver.variable, result=result,
            substeps=list(substeps), name=details.pop("name", cls.name),
            formula=details.pop("formula", cls.formula), **details,
        )


class ConstantRule(Rule):
    """(c)′ = 0 for anything that does not depend on the variable (other symbols included)."""

    rule_id, name, formula = "constant", "constant", "(c)′ = 0"

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        return cls.step(expression, deriver, Integer(0))


class VariableRule(Rule):
    """(x)′ = 1."""

    rule_id, name, formula = "variable", "variable", "(x)′ = 1"

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        return cls.step(expression, deriver, Integer(1))


class SumRule(Rule):
    """(f + g)′ = f′ + g′ (differences are sums of negated terms)."""

    rule_id, name, formula = "sum", "sum rule", "(f + g)′ = f′ + g′"

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        terms = [deriver.derive(term, role="term") for term in expression.args]
        return cls.step(expression, deriver, Add(*[term.result for term in terms]), terms)


class ConstantMultipleRule(Rule):
    """(c·f)′ = c·f′ for a factor c that does not depend on the variable."""

    rule_id, name, formula = "constant_multiple", "constant multiple rule", "(c·f)′ = c·f′"

    @classmethod
    def derive(cls, expression, deriver, constant, dependent) -> Step:
        inner = deriver.derive(dependent, role="factor")
        return cls.step(expression, deriver, constant * inner.result, [inner],
                        parameters={"c": constant})


class ProductRule(Rule):
    """(f·g)′ = f′·g + f·g′; for n factors, the sum over i of the product with fᵢ replaced by fᵢ′."""

    rule_id, name, formula = "product", "product rule", "(f·g)′ = f′·g + f·g′"

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        factors = list(expression.args)
        steps = [deriver.derive(factor, role="factor") for factor in factors]
        terms = []
        for index, step in enumerate(steps):
            if step.result != 0:
                terms.append(Mul(*factors[:index], step.result, *factors[index + 1:]))
        formula = cls.formula if len(factors) == 2 else "(f₁⋯fₙ)′ = Σ f₁⋯fᵢ′⋯fₙ"
        return cls.step(expression, deriver, Add(*terms), steps, formula=formula)


class QuotientRule(Rule):
    """(f/g)′ = (f′·g − f·g′)/g²."""

    rule_id, name, formula = "quotient", "quotient rule", "(f/g)′ = (f′·g − f·g′)/g²"

    @classmethod
    def derive(cls, expression, deriver, numerator, denominator) -> Step:
        top = deriver.derive(numerator, role="numerator")
        bottom = deriver.derive(denominator, role="denominator")
        result = (top.result * denominator - numerator * bottom.result) / denominator**2
        return cls.step(expression, deriver, result, [top, bottom],
                        parameters={"f": numerator, "g": denominator})


class ChainRule(Rule):
    """(f∘g)′ = f′(g)·g′: the outer derivative at u = g(x), times the inner derivative."""

    rule_id, name, formula = "chain", "chain rule", "(f∘g)′ = f′(g)·g′"

    @classmethod
    def compose(cls, expression, deriver, inner, outer: Step, plug=None) -> Step:
        """Combine ``outer`` (a step in the symbol u) with the derivation of ``inner``."""
        u = outer.variable
        inner_step = deriver.derive(inner, role="inner")
        at_inner = plug(outer.result, u, inner) if plug else outer.result.xreplace({u: inner})
        return cls.step(expression, deriver, at_inner * inner_step.result, [outer, inner_step],
                        inner=inner, inner_symbol=u)


class OuterRule(Rule):
    """A rule for a function of one argument u, applied directly or through the chain rule.

    Subclasses give ``parts(expression)``: the argument, the function as a map u ↦ f(u), its
    derivative u ↦ f′(u), and display details.
    """

    plug = None

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        argument, function, derivative, details = cls.parts(expression, deriver)
        if argument == deriver.variable:
            return cls.step(expression, deriver, derivative(argument), **details)
        u = deriver.symbol
        outer = Step(
            rule=cls.rule_id, expression=function(u), variable=u, result=derivative(u),
            name=details.pop("name", cls.name), formula=details.pop("formula", cls.formula),
            role="outer", **details,
        )
        return ChainRule.compose(expression, deriver, argument, outer, cls.plug)


class PowerRule(OuterRule):
    """(xⁿ)′ = n·xⁿ⁻¹ for a constant n (roots are n = 1/k, 1/xᵏ is n = −k)."""

    rule_id, name, formula = "power", "power rule", "(xⁿ)′ = n·xⁿ⁻¹"

    @classmethod
    def parts(cls, expression, deriver):
        base, n = expression.as_base_exp()
        note = None
        if n == sympy.Rational(1, 2):
            note = "√u is u^(1/2)"
        elif n.is_Rational and not n.is_Integer:
            note = "a root is a power with a fractional exponent"
        elif n.is_negative:
            note = "1/uᵏ is written u^(−k); the power rule with the chain rule stands in for the quotient rule"
        return (base, lambda u: u**n, lambda u: n * u ** (n - 1),
                {"parameters": {"n": n}, "note": note})


class ReciprocalRule(PowerRule):
    """(1/g)′ = (g⁻¹)′ = −g⁻²·g′: a constant over a product, by the power rule with the chain rule."""

    @classmethod
    def parts(cls, expression, deriver):
        denominator = 1 / expression
        n = Integer(-1)
        return (denominator, lambda u: u**n, lambda u: n * u ** (n - 1),
                {"parameters": {"n": n},
                 "note": "1/g is written g^(−1); the power rule with the chain rule stands in for the quotient rule"})


class ExponentialRule(OuterRule):
    """(eᵘ)′ = eᵘ and (aᵘ)′ = aᵘ·ln a for a constant base a."""

    rule_id, name, formula = "exponential", "exponential", "(eᵘ)′ = eᵘ"

    @classmethod
    def parts(cls, expression, deriver):
        if isinstance(expression, exp):
            return expression.args[0], exp, exp, {}
        base, exponent = expression.as_base_exp()
        return (exponent, lambda u: base**u, lambda u: base**u * log(base),
                {"formula": "(aᵘ)′ = aᵘ·ln a", "parameters": {"a": base}})


class LogarithmRule(OuterRule):
    """(ln u)′ = 1/u and (log_b u)′ = 1/(u·ln b); sympy writes log(u, b) as log(u)/log(b)."""

    rule_id, name, formula = "logarithm", "logarithm", "(ln u)′ = 1/u"

    @staticmethod
    def base_of(expression, deriver):
        """b when ``expression`` is log(u)/log(b) with a constant b, else None."""
        if not isinstance(expression, Mul) or len(expression.args) != 2:
            return None
        logs = [a for a in expression.args if isinstance(a, log)]
        reciprocals = [a for a in expression.args
                       if isinstance(a, Pow) and a.exp == -1 and isinstance(a.base, log)
                       and not deriver.depends(a.base)]
        if len(logs) == 1 and len(reciprocals) == 1 and deriver.depends(logs[0]):
            return reciprocals[0].base.args[0]
        return None

    @classmethod
    def parts(cls, expression, deriver):
        base = cls.base_of(expression, deriver)
        if base is None:
            return expression.args[0], log, lambda u: 1 / u, {}
        argument = next(a for a in expression.args if isinstance(a, log)).args[0]
        return (argument, lambda u: log(u) / log(base), lambda u: 1 / (u * log(base)),
                {"formula": "(log_b u)′ = 1/(u·ln b)", "parameters": {"b": base}})


class FamilyRule(OuterRule):
    """A named function looked up in a table of textbook derivatives (see tables.py)."""

    @classmethod
    def parts(cls, expression, deriver):
        _, table = FAMILIES[cls.rule_id]
        formula, derivative = table[expression.func]
        return expression.args[0], expression.func, derivative, {"formula": formula}


class TrigRule(FamilyRule):
    """(sin u)′ = cos u, (cos u)′ = −sin u, (tan u)′ = sec²u, (cot u)′ = −csc²u,
    (sec u)′ = sec u·tan u, (csc u)′ = −csc u·cot u."""

    rule_id, name = "trig", "trig"


class InverseTrigRule(FamilyRule):
    """(asin u)′ = 1/√(1−u²), (acos u)′ = −1/√(1−u²), (atan u)′ = 1/(1+u²),
    (acot u)′ = −1/(1+u²), (asec u)′ = 1/(|u|√(u²−1)), (acsc u)′ = −1/(|u|√(u²−1))."""

    rule_id, name = "inverse_trig", "inverse trig"


class HyperbolicRule(FamilyRule):
    """(sinh u)′ = cosh u, (cosh u)′ = sinh u, (tanh u)′ = sech²u, (coth u)′ = −csch²u,
    (sech u)′ = −sech u·tanh u, (csch u)′ = −csch u·coth u."""

    rule_id, name = "hyperbolic", "hyperbolic"


class InverseHyperbolicRule(FamilyRule):
    """(asinh u)′ = 1/√(u²+1), (acosh u)′ = 1/√(u²−1), (atanh u)′ = (acoth u)′ = 1/(1−u²),
    (asech u)′ = −1/(u√(1−u²)), (acsch u)′ = −1/(|u|√(1+u²))."""

    rule_id, name = "inverse_hyperbolic", "inverse hyperbolic"


class AbsRule(OuterRule):
    """|u|′ = u/|u| for u ≠ 0 (|u| has no derivative where u = 0)."""

    rule_id, name, formula = "abs", "absolute value", "|u|′ = u/|u|"

    @classmethod
    def parts(cls, expression, deriver):
        return (expression.args[0], Abs, lambda u: u / Abs(u),
                {"note": "only where u ≠ 0: |u| has a corner at 0"})


class SignRule(OuterRule):
    """(sign u)′ = 0 for u ≠ 0: sign is piecewise constant, −1 below 0 and 1 above."""

    rule_id, name = "piecewise", "piecewise (sign)"
    formula = "sign u is −1 for u < 0 and 1 for u > 0, so (sign u)′ = 0"

    @classmethod
    def parts(cls, expression, deriver):
        return (expression.args[0], sympy.sign,
                lambda u: Piecewise((Integer(0), sympy.Ne(u, 0))),
                {"note": "no derivative where u = 0: sign jumps there"})


class PiecewiseRule(Rule):
    """(f₁ if c₁; f₂ if c₂; …)′ = (f₁′ if c₁; f₂′ if c₂; …), each piece on its own."""

    rule_id, name, formula = "piecewise", "piecewise", "each piece is differentiated on its own"

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        pieces = [deriver.derive(piece.expr, role=f"piece {number}")
                  for number, piece in enumerate(expression.args, 1)]
        result = Piecewise(*[(step.result, piece.cond)
                             for step, piece in zip(pieces, expression.args)])
        return cls.step(expression, deriver, result, pieces,
                        note="at a boundary between pieces the derivative may not exist")


class ExtremumRule(Rule):
    """max(f, g)′ = f′ where f > g and g′ where g > f (likewise min); no derivative where they tie."""

    rule_id, name = "piecewise", "piecewise (max/min)"

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        arguments = expression.args
        largest = isinstance(expression, sympy.Max)
        steps = [deriver.derive(argument, role=f"argument {number}")
                 for number, argument in enumerate(arguments, 1)]
        pieces = []
        for index, step in enumerate(steps):
            others = [a for j, a in enumerate(arguments) if j != index]
            if largest:
                condition = sympy.And(*[arguments[index] > other for other in others])
            else:
                condition = sympy.And(*[arguments[index] < other for other in others])
            pieces.append((step.result, condition))
        word = "max" if largest else "min"
        return cls.step(expression, deriver, Piecewise(*pieces), steps,
                        formula=f"{word}(f, g)′ = f′ where f is the {word}imum, g′ where g is",
                        note="no derivative where the arguments tie")


class GeneralPowerRule(Rule):
    """(f^g)′ = f^g·(g′·ln f + g·f′/f), by logarithmic differentiation (f > 0)."""

    rule_id, name = "general_power", "general power (logarithmic differentiation)"
    formula = "(f^g)′ = f^g·(g′·ln f + g·f′/f)"

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        base, exponent = expression.as_base_exp()
        base_step = deriver.derive(base, role="base")
        exponent_step = deriver.derive(exponent, role="exponent")
        result = expression * (exponent_step.result * log(base)
                               + exponent * base_step.result / base)
        return cls.step(expression, deriver, result, [base_step, exponent_step],
                        parameters={"f": base, "g": exponent})


def _at(derivative, u, value):
    """Evaluate the outer derivative f′(u) at u = value, keeping f′ of an unknown f as Subs."""
    return Subs(derivative, u, value) if derivative.has(Derivative) else derivative.xreplace({u: value})


class FunctionRule(OuterRule):
    """d/dx f(x) = f′(x) for an unspecified function f; f(g(x))′ = f′(g(x))·g′(x)."""

    rule_id, name, formula = "function", "function", "d/dx f(x) = f′(x), f unspecified"
    plug = staticmethod(_at)

    @classmethod
    def parts(cls, expression, deriver):
        function = expression.func
        return (expression.args[0], function, lambda u: Derivative(function(u), u), {})

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        if len(expression.args) == 1:
            return super().derive(expression, deriver)
        return cls.derive_several(expression, deriver)

    @classmethod
    def derive_several(cls, expression, deriver) -> Step:
        """d/dx f(g₁, …, gₙ) = Σ ∂ᵢf(g₁, …, gₙ)·gᵢ′ (partial derivatives in each slot)."""
        arguments = expression.args
        variable = deriver.variable
        if variable in arguments and all(isinstance(a, sympy.Symbol) for a in arguments) \
                and len(set(arguments)) == len(arguments):
            return cls.step(expression, deriver, Derivative(expression, variable),
                            formula="∂f/∂x for an unspecified f")
        steps, terms = [], []
        slot = deriver.symbol
        for index, argument in enumerate(arguments):
            if not deriver.depends(argument):
                continue
            step = deriver.derive(argument, role=f"argument {index + 1}")
            steps.append(step)
            in_slot = expression.func(*arguments[:index], slot, *arguments[index + 1:])
            terms.append(Subs(Derivative(in_slot, slot), slot, argument) * step.result)
        return cls.step(expression, deriver, Add(*terms), steps,
                        formula="d/dx f(g₁, …, gₙ) = Σ ∂ᵢf·gᵢ′, f unspecified")


class KnownDerivativeRule(OuterRule):
    """F(u)′ = F′(u) from the table of special functions (tables.SPECIAL): erf(u)′ = 2·e^(−u²)/√π,
    Γ(u)′ = Γ(u)·ψ(u), J_ν(u)′ = (J_(ν−1)(u) − J_(ν+1)(u))/2, …; for a function or argument the
    table lacks, sympy's own derivative of F, said so in the formula."""

    rule_id, name = "known_derivative", "known derivative (from the table)"

    @classmethod
    def parts(cls, expression, deriver):
        arguments = expression.args
        moving = [index for index, argument in enumerate(arguments) if deriver.depends(argument)]
        if len(moving) != 1:
            raise NotImplementedError(expression.func)
        index = moving[0]

        def function(u):
            return expression.func(*arguments[:index], u, *arguments[index + 1:])

        formula, table = SPECIAL.get((expression.func, index + 1), (None, None))
        if table is None:
            def derivative(u):
                return function(u).fdiff(index + 1)
            formula = f"the derivative of {expression.func.__name__} in its argument {index + 1}, from sympy"
        else:
            def derivative(u):
                return table(*arguments[:index], u, *arguments[index + 1:])
        u = deriver.symbol
        return (arguments[index], function, derivative,
                {"formula": formula, "parameters": {f"d/d{u} {function(u)}": derivative(u)}})


class Atan2Rule(Rule):
    """atan2(y, x)′ = (x·y′ − y·x′)/(x² + y²): on each half-plane atan2(y, x) is atan(y/x) plus a
    constant, so the chain rule (atan u)′ = 1/(1 + u²) with the quotient rule (y/x)′ = (y′·x − y·x′)/x²
    gives it; written over x² + y², it holds on x = 0 too (all but the origin)."""

    rule_id, name = "inverse_trig", "inverse trig (atan2)"
    formula = "atan2(y, x)′ = (x·y′ − y·x′)/(x² + y²)"

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        y, x = expression.args
        rise = deriver.derive(y, role="y")
        run = deriver.derive(x, role="x")
        result = (x * rise.result - y * run.result) / (x**2 + y**2)
        return cls.step(expression, deriver, result, [rise, run], parameters={"y": y, "x": x},
                        note="atan(y/x) by the chain and quotient rules; undefined at the origin only")


class FunctionDerivativeRule(Rule):
    """d/dx f′(x) = f″(x), and d/dx f′(g(x)) = f″(g(x))·g′(x), for an unspecified f."""

    rule_id, name = "function", "function"
    formula = "d/dx f⁽ⁿ⁾(g) = f⁽ⁿ⁺¹⁾(g)·g′, f unspecified"

    @classmethod
    def derive(cls, expression, deriver) -> Step:
        variable = deriver.variable
        if isinstance(expression, Derivative):
            return cls.step(expression, deriver, Derivative(expression, variable))
        inner, slots, values = expression.expr, expression.variables, expression.point
        steps, terms = [], []
        for slot, value in zip(slots, values):
            if not deriver.depends(value):
                continue
            step = deriver.derive(value, role="inner")
            steps.append(step)
            terms.append(Subs(Derivative(inner, slot), slots, values) * step.result)
        if variable in inner.free_symbols and variable not in slots:
            terms.append(Subs(Derivative(inner, variable), slots, values))
        return cls.step(expression, deriver, Add(*terms), steps)


class SimplifyRule(Rule):
    """f′ = the same function written shorter: the raw result of the tree, simplified."""

    rule_id, name = "simplify", "simplify"

    @classmethod
    def derive(cls, raw, variable, result, note=None) -> Step:
        formula = "" if result == raw else "the raw result, rewritten shorter"
        return Step(rule=cls.rule_id, expression=raw, variable=variable, result=result,
                    name=cls.name, formula=formula, note=note, role="simplify")
