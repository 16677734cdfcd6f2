"""Implicit differentiation: dy/dx of a curve given by an equation F(x, y) = G(x, y).

The method a course teaches: differentiate both sides with respect to x, treating y as a function
y(x), so that every y brings the inner derivative dy/dx through the chain rule; collect the dy/dx
terms on one side; solve. Both sides get ordinary rule trees (y(x) is an unspecified function
to the rules). The answer is cross-checked against −F_x/F_y (F = left − right), computed by
sympy.diff, and a higher order (d²y/dx²: the first derivative differentiated again, dy/dx put
back in) against the closed formula or sympy.idiff.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from ..calculus import compare, compare_answer, sign_of, to_float, value_at
from ..errors import DerivError, InternalError, NoAnswerError, UsageError
from ..parsing import format_point, sorted_symbols
from .crosscheck import Mismatch
from .crosscheck import compare as crosscheck
from .differentiation import derive, simplify_step
from .step import CrossCheck, Step, _KeepsForm
from .tangent import Tangent, implicit_tangent


@dataclass
class ImplicitDerivative(_KeepsForm):
    """dⁿy/dxⁿ of the curve ``left`` = ``right``: the trees of both sides (y as ``function`` =
    y(x)), the collected equation ``coefficient``·dy/dx = ``rest``, the solved and simplified
    ``first`` derivative, for higher orders the trees ``again`` (each differentiating the
    previous order, dy/dx put back), the ``result`` and its cross-check."""

    left: sympy.Expr
    right: sympy.Expr
    dependent: sympy.Symbol
    independent: sympy.Symbol
    function: sympy.Expr
    sides: list[Step]
    coefficient: sympy.Expr
    rest: sympy.Expr
    solved: Step
    again: list[Step] = field(default_factory=list)
    check: CrossCheck | None = None
    point: dict | None = None
    value: sympy.Expr | None = None
    tangent: Tangent | None = None
    comparison: object | None = None
    problems: list[DerivError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _kept = ("coefficient", "rest")

    @property
    def order(self) -> int:
        return 1 + len(self.again)

    @property
    def first(self) -> sympy.Expr:
        return self.solved.result

    @property
    def result(self) -> sympy.Expr:
        return self.again[-1].substeps[-1].result if self.again else self.first

    def name(self, order: int | None = None) -> str:
        """dy/dx, d²y/dx²: the Leibniz name of the derivative."""
        order = self.order if order is None else order
        power = "" if order == 1 else "²" if order == 2 else "³" if order == 3 else f"^{order}"
        return f"d{power}{self.dependent}/d{self.independent}{power}"


def choose_implicit_variables(symbols, dependent: str | None, wrt=()) -> tuple[sympy.Symbol, sympy.Symbol]:
    """(dependent, independent) of an equation in ``symbols``: --implicit names the dependent
    one (default y, when the equation has x and y); --wrt or x (else the only other) the other."""
    by_name = {str(symbol): symbol for symbol in symbols}
    if dependent is None:
        if not {"x", "y"} <= set(by_name):
            listed = ", ".join(str(symbol) for symbol in sorted_symbols(symbols)) or "none"
            raise UsageError(f"an equation is differentiated implicitly: name the dependent variable with "
                             f"--implicit (the variables are {listed})", hint="for example --implicit y")
        dependent = "y"
    if dependent not in by_name:
        raise UsageError(f"the dependent variable {dependent} is not in the equation",
                         hint="--implicit names the variable that depends on the other, such as y")
    others = [symbol for symbol in sorted_symbols(symbols) if str(symbol) != dependent]
    if len(wrt) > 1:
        raise UsageError("implicit differentiation is with respect to one variable",
                         hint="give one --wrt; for higher derivatives use --order")
    if wrt:
        independent = wrt[0]
        if independent == dependent:
            raise UsageError(f"--wrt {independent} names the dependent variable itself")
        if independent not in by_name:
            raise UsageError(f"{independent} is not in the equation")
    elif "x" in by_name and dependent != "x":
        independent = "x"
    elif len(others) == 1:
        independent = str(others[0])
    else:
        raise UsageError(f"{dependent} depends on which variable? choose it with --wrt",
                         hint=f"the others are {', '.join(map(str, others)) or 'none'}")
    return by_name[dependent], by_name[independent]


def implicit(left, right, dependent, independent, order=1, simplify=True) -> ImplicitDerivative:
    """dⁿy/dxⁿ of left = right, rule by rule; NoAnswerError when y drops out of the equation."""
    function = sympy.Function(str(dependent))(independent)
    as_function = {dependent: function}
    sides = [derive(side.xreplace(as_function), independent) for side in (left, right)]
    for tree in sides:
        _name_the_dependent(tree, function)
    slope = sympy.Dummy("slope")
    collected = (sides[0].result - sides[1].result).xreplace(
        {sympy.Derivative(function, independent): slope}).xreplace({function: dependent})
    coefficient = sympy.factor_terms(collected.diff(slope))
    rest = sympy.factor_terms(-collected.xreplace({slope: 0}))
    if coefficient.has(slope) or collected.has(function):
        raise InternalError("implicit differentiation: the dy/dx terms are not linear", details=str(collected))
    if _is_zero(coefficient):
        raise NoAnswerError(f"the {_slope_name(dependent, independent)} terms cancel: {dependent} drops out of "
                            f"{sympy.sstr(left)} = {sympy.sstr(right)}, so it does not define {dependent} "
                            f"as a function of {independent}")
    equation = left - right
    solved = simplify_step(rest / coefficient, equation, independent, simplify)
    result = ImplicitDerivative(left, right, dependent, independent, function, sides, coefficient, rest, solved)
    for _ in range(order - 1):
        result.again.append(_once_more(result, simplify))
    result.check = _check(result)
    return result


def _once_more(result: ImplicitDerivative, simplify: bool) -> Step:
    """d/dx of the previous order with y as y(x), then dy/dx put back: the next order's tree,
    whose last step is the simplified answer."""
    function, independent = result.function, result.independent
    previous = result.result
    tree = derive(previous.xreplace({result.dependent: function}), independent)
    _name_the_dependent(tree, function)
    first = result.first.xreplace({result.dependent: function})
    put_back = tree.result.xreplace({sympy.Derivative(function, independent): first})
    raw = sympy.together(put_back.xreplace({function: result.dependent}))  # one fraction, as on paper
    final = simplify_step(raw, result.left - result.right, independent, simplify)
    if final.result == final.expression:
        final.note = (f"{_slope_name(result.dependent, independent)} = {sympy.sstr(result.first)} put back: "
                      f"{sympy.sstr(raw)}")
    tree.substeps.append(final)
    return tree


def _name_the_dependent(tree: Step, function) -> None:
    """Say at each leaf d/dx y(x) that y is the curve's unknown function of x."""
    for step in tree.walk():
        if step.rule == "function" and step.expression == function:
            y, x = function.func.__name__, function.args[0]
            step.name = f"{y} as a function of {x}"
            step.formula = f"d/d{x} {y} = d{y}/d{x}"


def _slope_name(dependent, independent) -> str:
    return f"d{dependent}/d{independent}"


def _is_zero(expression) -> bool:
    return expression == 0 or sympy.simplify(expression) == 0


def oracle(left, right, dependent, independent, order: int):
    """dⁿy/dxⁿ by another road: −F_x/F_y, the closed formula of d²y/dx², or sympy.idiff."""
    equation = left - right
    fx, fy = sympy.diff(equation, independent), sympy.diff(equation, dependent)
    if order == 1:
        return -fx / fy
    if order == 2:
        fxx = sympy.diff(equation, independent, 2)
        fxy = sympy.diff(equation, independent, dependent)
        fyy = sympy.diff(equation, dependent, 2)
        return -(fxx * fy**2 - 2 * fxy * fx * fy + fyy * fx**2) / fy**3
    return sympy.idiff(equation, dependent, independent, order)


def _check(result: ImplicitDerivative) -> CrossCheck:
    expected = oracle(result.left, result.right, result.dependent, result.independent, result.order)
    try:
        return crosscheck(result.result, expected, result.left - result.right)
    except Mismatch as mismatch:
        raise InternalError(
            f"implicit differentiation disagrees with the formula −F_x/F_y at {mismatch.point}; no answer is given",
            hint="this is a bug in deriv; please report it with the equation",
            details=f"rules: {result.result}\nformula: {expected}",
        ) from None


def answer_implicit(left, right, dependent, independent, order=1, point=None, expected=None,
                    simplify=True, asked_tangent=False) -> ImplicitDerivative:
    """Differentiate implicitly, then the slope of the curve at ``point`` (which must lie on it)
    and the --expect check."""
    result = implicit(left, right, dependent, independent, order, simplify)
    if point is not None:
        _check_on_curve(result, point)
        _check_not_vertical(result, point)
        slope = value_at(result.first, point)
        result.value = slope if result.order == 1 else value_at(result.result, point)
        result.point = point
        result.tangent = implicit_tangent(dependent, independent, point, slope, asked_tangent)
    if expected is not None:
        if asked_tangent and result.tangent is not None:
            comparison = compare(result.tangent.line, expected)
        else:
            comparison = compare_answer(result.result, result.value, expected, point)
        result.comparison = comparison
        if not comparison.equal:
            result.problems.append(comparison.failure())
    return result


def _check_on_curve(result: ImplicitDerivative, point: dict) -> None:
    """NoAnswerError unless both sides are equal at ``point``, saying how far off it is."""
    left, right = value_at(result.left, point), value_at(result.right, point)
    sign = sign_of(left - right)
    where = format_point(point)
    equation = f"{sympy.sstr(result.left)} = {sympy.sstr(result.right)}"
    if sign == 0:
        return
    if sign is None:
        raise NoAnswerError(f"cannot decide whether {where} is on the curve {equation}",
                            hint="the two sides agree to 40 digits but could not be proved equal")
    gap = to_float(abs(left - right))
    raise NoAnswerError(
        f"the point {where} is not on the curve {equation}: there the left side is {sympy.sstr(left)} "
        f"and the right side {sympy.sstr(right)} (off by {gap:.6g})",
        hint="the slope is of the curve, so give a point where both sides are equal")


def _check_not_vertical(result: ImplicitDerivative, point: dict) -> None:
    """NoAnswerError where F_y = 0: a vertical tangent (F_x ≠ 0) or a singular point (F_x = 0)."""
    name = result.name(1)
    if sign_of(value_at(result.coefficient, point)) != 0:
        return
    y, x = result.dependent, result.independent
    where = format_point(point)
    if sign_of(value_at(result.rest, point)) == 0:
        raise NoAnswerError(f"{name} does not exist at {where}: both partial derivatives of the equation are 0 "
                            f"there (a singular point of the curve, where it may cross itself or have a cusp)")
    raise NoAnswerError(f"{name} does not exist at {where}: the tangent to the curve is vertical there "
                        f"(the line {x} = {sympy.sstr(point[x])}), since ∂F/∂{y} = 0")
