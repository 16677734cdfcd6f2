"""One-line readable math for terminals: x², 2·x, √x, π, eˣ, |x|, ln.

Plain output uses sympy's own string syntax (so scripts can read it back); this printer is for
people reading a terminal, and may not be parsed back.
"""

from __future__ import annotations

import mpmath
import sympy
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from derivcli.notation import superscript

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda_": "λ", "lam": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ",
    "psi": "ψ", "omega": "ω",
}


class UnicodePrinter(StrPrinter):
    """sympy's string printer with the notation of a maths textbook."""

    def _print_Symbol(self, expr):
        return _GREEK.get(expr.name, expr.name)

    def _print_Pi(self, expr):
        return "π"

    def _print_Exp1(self, expr):
        return "e"

    def _print_Infinity(self, expr):
        return "∞"

    def _print_NegativeInfinity(self, expr):
        return "-∞"

    def _print_ComplexInfinity(self, expr):
        return "undefined"

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_log(self, expr):
        return f"ln({self._print(expr.args[0])})"

    def _print_exp(self, expr):
        return self._raise("e", expr.args[0])

    def _print_Mul(self, expr):
        return super()._print_Mul(expr).replace("*", "·")

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.as_base_exp()
        if exponent is sympy.S.Half:
            return "√" + self._root_argument(base)
        if exponent == -sympy.S.Half:
            return "1/√" + self._root_argument(base)
        if exponent == sympy.Rational(1, 3):
            return "∛" + self._root_argument(base)
        base_text = self.parenthesize(base, PRECEDENCE["Pow"], strict=True)
        if exponent == -1:
            return f"1/{base_text}"
        return self._raise(base_text, exponent)

    def _root_argument(self, base) -> str:
        text = self._print(base)
        if base.is_Atom or isinstance(base, sympy.Function):
            return text
        return f"({text})"

    def _raise(self, base_text: str, exponent) -> str:
        exponent_text = self._print(exponent)
        raised = superscript(exponent_text)
        if raised is not None and len(exponent_text.replace(" ", "")) <= 6:
            return base_text + raised
        if exponent.is_Atom and precedence(exponent) >= PRECEDENCE["Atom"] and not exponent.is_negative:
            return f"{base_text}^{exponent_text}"
        return f"{base_text}^({exponent_text})"

    def _print_Derivative(self, expr):
        function = expr.expr
        if isinstance(function, sympy.core.function.AppliedUndef) and len(expr.variables) <= 3:
            primes = "′" * len(expr.variables)
            arguments = ", ".join(self._print(argument) for argument in function.args)
            return f"{function.func.__name__}{primes}({arguments})"
        return super()._print_Derivative(expr)

    def _print_Subs(self, expr):
        """f′(x) at x = 1, for an undefined f, is f′(1)."""
        derivative, variables, values = expr.args
        function = getattr(derivative, "expr", None)
        if (isinstance(derivative, sympy.Derivative) and isinstance(function, sympy.core.function.AppliedUndef)
                and tuple(function.args) == tuple(variables) and len(derivative.variables) <= 3):
            primes = "′" * len(derivative.variables)
            return f"{function.func.__name__}{primes}({', '.join(self._print(value) for value in values)})"
        return super()._print_Subs(expr)


def unicode_math(expression) -> str:
    """``expression`` as one line of readable math."""
    return UnicodePrinter({"order": None}).doprint(expression)


def numeric_text(value: sympy.Expr, digits: int = 15) -> str:
    """A decimal with ``digits`` significant digits, trailing zeros trimmed (``6.0``, ``0.333…``)."""
    precise = sympy.N(value, digits + 5)
    if not precise.is_Number:
        precise = sympy.re(precise).evalf(digits + 5)
    with mpmath.workdps(digits + 5):
        number = mpmath.mpf(sympy.Float(precise, digits + 5)._mpf_)
        return mpmath.nstr(number, digits, min_fixed=-4, max_fixed=digits + 1)
