"""sympy expressions → Python functions of floats, printed by sympy's own code printer.

The gradient and the Hessian are derived by sympy once; sympy's Python printer writes them as
statements over the ``math`` module (and mpmath wrappers for the few special functions math
lacks), and the statements are compiled with a namespace that holds nothing else.  The source
is printed from sympy objects with deriv's own names (x0, x1, c0, ...): no user text reaches it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy
from sympy.printing.pycode import PythonCodePrinter

from derivcli.calculus import real_branch
from derivcli.descent.wording import describe_failure
from derivcli.errors import NoAnswerError

_MPMATH = "mpmath (real values)"


def _without_delta(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with every DiracDelta(...) (and its derivatives) replaced by 0."""
    if not expr.has(sympy.DiracDelta):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.DiracDelta), lambda e: sympy.S.Zero)


class _NumericPrinter(PythonCodePrinter):
    """sympy's Python printer, plus the special functions that the math module lacks.

    Those are computed by mpmath (a sympy dependency) through wrappers that return floats and
    refuse complex values, so they fail like the math module's functions do.
    """

    def _mpmath_call(self, name: str, *arguments) -> str:
        self.module_imports[_MPMATH].add(name)
        return f"mp_{name}({', '.join(self._print(argument) for argument in arguments)})"

    def _print_polygamma(self, expr):
        return self._mpmath_call("polygamma", *expr.args)

    def _print_Ei(self, expr):
        return self._mpmath_call("ei", *expr.args)

    def _print_Si(self, expr):
        return self._mpmath_call("si", *expr.args)

    def _print_Ci(self, expr):
        return self._mpmath_call("ci", *expr.args)

    def _print_li(self, expr):
        return self._mpmath_call("li", *expr.args)

    def _print_erfi(self, expr):
        return self._mpmath_call("erfi", *expr.args)


def _real_mpmath(name: str) -> Callable:
    """An mpmath function as a float function: TypeError on a complex value, as math would."""
    # imported here, lazily: only the rare formula with a special function needs mpmath
    import mpmath

    function = getattr(mpmath, name)

    def real(*arguments):
        value = function(*arguments)
        if isinstance(value, mpmath.mpc):
            raise TypeError(f"{name} has a complex value here")
        return float(value)

    real.__name__ = f"mp_{name}"
    return real


# The only builtins the generated code can see: what sympy's printer and our loop emit.
_BUILTINS = {
    "abs": abs, "min": min, "max": max, "float": float, "len": len, "type": type, "str": str,
    "ArithmeticError": ArithmeticError, "ValueError": ValueError, "TypeError": TypeError,
}


class Compiled:
    """The generated source and namespace for one expression, its gradient and Hessian."""

    def __init__(self, expr: sympy.Expr, variables: Sequence[sympy.Symbol], with_hessian: bool):
        self.size = len(variables)
        self.coordinates = [sympy.Symbol(f"x{i}", real=True) for i in range(self.size)]
        renaming = dict(zip(variables, self.coordinates))
        self._original = {c: v for v, c in renaming.items()}
        self.expression = expr.xreplace(renaming)
        self.gradient = [sympy.diff(self.expression, c) for c in self.coordinates]
        self.hessian = None
        if with_hessian:
            # DiracDelta (from differentiating |u|, sign, Heaviside, Max) is zero away from the
            # kink it marks; at the kink itself the second derivative does not exist anyway.
            self.hessian = [
                [_without_delta(sympy.diff(self.gradient[i], self.coordinates[j])) for j in range(self.size)]
                for i in range(self.size)
            ]
        self.namespace: dict = {"__builtins__": _BUILTINS}

    def original_gradient(self) -> tuple[sympy.Expr, ...]:
        """The gradient written in the caller's variables (computed once, above)."""
        return tuple(g.xreplace(self._original) for g in self.gradient)

    def block(self, outputs: Sequence[sympy.Expr], names: Sequence[str], indent: str) -> str:
        """Python statements assigning each output expression to its name (common parts once)."""
        temporaries = sympy.numbered_symbols("c", real=True)
        # odd roots are real roots, as everywhere in deriv: (-8)**(1/3) is -2
        shared, reduced = sympy.cse([real_branch(output) for output in outputs], symbols=temporaries)
        printer = self._printer()
        lines = [f"{indent}{symbol} = {printer.doprint(value)}" for symbol, value in shared]
        lines += [f"{indent}{name} = {printer.doprint(value)}" for name, value in zip(names, reduced)]
        for module, functions in printer.module_imports.items():
            self._bind(module, functions)
        return "\n".join(lines)

    def _printer(self):
        return _NumericPrinter({"fully_qualified_modules": False})

    def _bind(self, module: str, functions) -> None:
        """Put the functions the printer used from ``module`` into the namespace."""
        if module == _MPMATH:
            for function in functions:
                self.namespace[f"mp_{function}"] = _real_mpmath(function)
            return
        if module != "math":
            raise ValueError(f"needs the {module} module")
        for function in functions:
            self.namespace[function] = getattr(math, function)

    def function(self, name: str, outputs: Sequence[sympy.Expr]) -> Callable:
        """A Python function of the coordinates returning the outputs as a tuple."""
        result_names = [f"out{i}" for i in range(len(outputs))]
        arguments = ", ".join(str(c) for c in self.coordinates)
        source = (
            f"def {name}({arguments}):\n"
            + self.block(outputs, result_names, "    ")
            + f"\n    return ({', '.join(result_names)},)\n"
        )
        return self.define(name, source)

    def define(self, name: str, source: str) -> Callable:
        """Compile ``source`` (printed by :meth:`block`, never user text) and return ``name``."""
        code = compile(source, f"<deriv-descent-{name}>", "exec")
        scope = dict(self.namespace)
        exec(code, scope)  # noqa: S102 - generated from sympy objects, see above
        return scope[name]


class Vectorised(Compiled):
    """A per-sample loss, its gradient and Hessian in the weights, printed for numpy arrays of
    samples (the columns), with the mean (or sum) over the samples taken in the same function.

    numpy is imported only here, lazily: it is needed for ``descend --data`` and nowhere else,
    so it stays out of deriv's start-up.
    """

    def __init__(self, expr: sympy.Expr, weights: Sequence[sympy.Symbol], columns: Sequence[sympy.Symbol]):
        import numpy  # lazy, see the docstring

        self.numpy = numpy
        self.data = [sympy.Symbol(f"d{j}", real=True) for j in range(len(columns))]
        super().__init__(expr.xreplace(dict(zip(columns, self.data))), weights, with_hessian=True)
        self.namespace["total"] = numpy.add.reduce

    def _printer(self):
        from sympy.printing.numpy import NumPyPrinter  # lazy with numpy itself

        return NumPyPrinter({"fully_qualified_modules": False})

    def _bind(self, module: str, functions) -> None:
        if module == "numpy":
            for function in functions:
                self.namespace[function] = getattr(self.numpy, function)
        elif module == "functools" and set(functions) <= {"reduce"}:
            self.namespace["reduce"] = functools.reduce
        else:  # math.erf and the like work on one number, not on a column of them
            raise ValueError(f"no vectorised form: {sorted(functions)[0]}")

    def reduced(self, name: str, outputs: Sequence[sympy.Expr]) -> Callable:
        """``name(weights..., columns..., count, factor)``: each output summed over the samples
        and multiplied by ``factor`` (1/count for the mean); one that involves no column is
        the same for every sample, so it is multiplied by count instead of summed."""
        result_names = [f"out{i}" for i in range(len(outputs))]
        data = set(self.data)
        totals = [f"total({result})*factor" if output.free_symbols & data else f"{result}*count*factor"
                  for result, output in zip(result_names, outputs)]
        arguments = ", ".join(str(c) for c in [*self.coordinates, *self.data])
        source = (
            f"def {name}({arguments}, count, factor):\n"
            + self.block(outputs, result_names, "    ")
            + f"\n    return ({', '.join(totals)},)\n"
        )
        return self.define(name, source)

    def per_sample(self, name: str, outputs: Sequence[sympy.Expr]) -> Callable:
        """``name(weights..., columns...)``: each output as one value per sample."""
        result_names = [f"out{i}" for i in range(len(outputs))]
        arguments = ", ".join(str(c) for c in [*self.coordinates, *self.data])
        source = (
            f"def {name}({arguments}):\n"
            + self.block(outputs, result_names, "    ")
            + f"\n    return ({', '.join(result_names)},)\n"
        )
        return self.define(name, source)


@dataclass
class Functions:
    """The compiled f of one descent: f and ∇f together, the Hessian (None when it has no
    numeric form), and the expression and variables they came from."""

    compiled: Compiled
    expression: sympy.Expr
    variables: list
    names: tuple[str, ...]
    value_and_gradient: Callable
    hessian: Callable | None

    def hessian_at(self, point):
        """The Hessian as a list of rows at a point, or None if it cannot be evaluated there."""
        if self.hessian is None:
            return None
        try:
            flat = self.hessian(*point)
        except (ArithmeticError, ValueError, TypeError):
            return None
        if any(isinstance(v, complex) or not math.isfinite(v) for v in flat):
            return None
        n = self.compiled.size
        return [[float(flat[i * n + j]) for j in range(n)] for i in range(n)]

    def undefined_part(self, point) -> tuple[int, str] | None:
        """Which of f, ∂f/∂x, ... (by index) is undefined, not real or infinite at a point, and why."""
        compiled = self.compiled
        labels = ["f"] + [f"∂f/∂{name}" for name in self.names]
        for index, (label, expr) in enumerate(zip(labels, [compiled.expression, *compiled.gradient])):
            function = compiled.function("part", [expr])
            try:
                (value,) = function(*point)
            except (ArithmeticError, ValueError, TypeError) as error:
                return index, f"{label} is {describe_failure(type(error).__name__, str(error))}"
            if isinstance(value, complex):
                return index, f"{label} is {describe_failure('TypeError', 'complex')}"
            if not math.isfinite(value):
                return index, f"{label} is {'infinite' if math.isinf(value) else 'undefined (NaN)'}"
        return None


def compile_functions(expr: sympy.Expr, variables: list, needs_hessian: bool) -> Functions:
    """Derive ∇f and the Hessian of ``expr`` and compile them (NoAnswerError when f, ∇f, or the
    Hessian Newton's method ``needs_hessian``, have no numeric form)."""
    compiled = Compiled(expr, variables, with_hessian=True)
    try:
        hessian = compiled.function("hessian", [h for row in compiled.hessian for h in row])
    except Exception:  # a second derivative the math module cannot compute (DiracDelta, ...)
        hessian = None
    if needs_hessian and hessian is None:
        raise NoAnswerError(
            "Newton's method needs the second derivatives of f, which have no numeric form here "
            "(they involve a jump or a function without a numeric form)",
            "use --method gd or --method momentum",
        )
    try:
        value_and_gradient = compiled.function("evaluate", [compiled.expression, *compiled.gradient])
    except Exception as error:  # the printer knows no numeric form for some function
        raise no_numeric_form(error) from None
    names = tuple(str(v) for v in variables)
    return Functions(compiled, expr, variables, names, value_and_gradient, hessian)


def no_numeric_form(error: Exception) -> NoAnswerError:
    """The error for an f whose gradient the printer could not write as Python."""
    return NoAnswerError(
        f"f or its gradient uses {_unsupported_name(error)}, which has no numeric form for descent",
        "descent works on functions whose derivatives are elementary (or erf)",
    )


def _unsupported_name(error: Exception) -> str:
    """The function named in a printer's 'Unsupported by ...: name' error, or 'a function'."""
    text = str(error)
    if ": " in text:
        name = text.split(": ", 1)[1].split()[0] if text.split(": ", 1)[1].split() else ""
        if name.isidentifier():
            return name
    return "a function"
