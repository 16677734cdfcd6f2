"""Gradient descent, momentum and Newton's method on compiled numeric code.

The seed's story made runnable: take the derivative, step the other way, repeat; the learning
rate is the step size; Newton's method uses f'' for better steps.  The gradient (and the Hessian)
are computed by sympy once; the iteration runs on plain Python floats in a loop generated from
sympy's own code printer (never from user text), so each iteration costs what a hand-written
loop over the ``math`` module would cost.  Every iteration checks for overflow, NaN, complex
values and domain errors; a run ends with a stated reason, and a "minimum" is only claimed after
the second-order test (or, where that is inconclusive, a look at nearby points) agrees.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import sympy
from sympy.printing.pycode import PythonCodePrinter

from derivcli.errors import NoAnswerError, UsageError
from derivcli.calculus import is_positive_definite, real_branch, solve_linear, symmetric_eigen, value_at
from derivcli.parsing import format_point

METHODS = ("gd", "momentum", "newton")

# Reasons a run stops (``DescentResult.reason``).
CONVERGED = "converged"
MAX_ITERATIONS = "max_iterations"
DIVERGED = "diverged"
NOT_A_MINIMUM = "not_a_minimum"
SINGULAR_HESSIAN = "singular_hessian"

# A coordinate beyond this size, or f below its negative, counts as running off to infinity.
RUNAWAY = 1e150
# A gradient grown this many times over while f fell counts as running off (at the iteration limit).
RUNAWAY_GROWTH = 1e8
# Iterations between two calls of the progress callback (and the chunk size of the loop).
CHUNK = 20_000
# Iterations of each trial run behind a "--lr ... converges" suggestion.
TRIAL_ITERATIONS = 20_000
# An eigenvalue smaller than this fraction of the largest curvature seen counts as zero.
FLAT = 1e-3


class TraceRow(NamedTuple):
    """One recorded iteration: the point x_k, f(x_k), |grad f(x_k)| and |x_k - x_(k-1)|."""

    iteration: int
    point: tuple[float, ...]
    value: float
    gradient_norm: float
    step: float


@dataclass
class DescentResult:
    """Everything a renderer needs to show a descent; plain data, picklable."""

    expression: sympy.Expr
    variables: tuple[str, ...]
    gradient: tuple[sympy.Expr, ...]
    method: str
    learning_rate: float
    momentum: float
    tolerance: float
    max_iterations: int
    every: int
    start: tuple[float, ...]
    point: tuple[float, ...]
    value: float
    gradient_norm: float
    iterations: int
    converged: bool
    reason: str
    message: str
    hint: str | None = None
    warnings: list[str] = field(default_factory=list)
    trace: list[TraceRow] = field(default_factory=list)
    curvature: float | None = None
    stable_learning_rate: float | None = None
    classification: str | None = None
    final_curvature: float | None = None

    expectation: Exception | None = None  # a failed --expect check (exit 1)

    @property
    def problems(self) -> list:
        """Why there is no answer (exit status 3) when the descent did not converge, or why the
        answer is not the expected one (exit 1)."""
        if not self.converged:
            return [NoAnswerError(self.message, self.hint)]
        return [self.expectation] if self.expectation is not None else []

    def as_point_text(self) -> str:
        """The final point in ``--at`` syntax: ``x=1.0,y=2.0``."""
        return format_point(dict(zip(self.variables, self.point)))


# ---------------------------------------------------------------------------------------------
# Compiling sympy expressions to Python functions
# ---------------------------------------------------------------------------------------------

# Names used by the generated loop; none may shadow a math-module name the printer emits
# (tests/test_descent.py checks this).
LOOP_NAMES = (
    "iteration", "stop_at", "value", "value_before", "gnorm", "step", "increases", "next_record",
    "record", "learning_rate", "beta", "tolerance", "step_tolerance", "step_gate", "speed_gate", "increase_limit",
    "every", "direction", "positive", "nonpositive", "error", "newton_direction",
    "RUNAWAY", "INFINITY", "state", "new_step", "new_gnorm", "settings",
)


def _without_delta(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with every DiracDelta(...) (and its derivatives) replaced by 0."""
    if not expr.has(sympy.DiracDelta):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.DiracDelta), lambda e: sympy.S.Zero)


_MPMATH = "mpmath (real values)"


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


class _Compiled:
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
        printer = _NumericPrinter({"fully_qualified_modules": False})
        lines = [f"{indent}{symbol} = {printer.doprint(value)}" for symbol, value in shared]
        lines += [f"{indent}{name} = {printer.doprint(value)}" for name, value in zip(names, reduced)]
        for module, functions in printer.module_imports.items():
            if module == _MPMATH:
                for function in functions:
                    self.namespace[f"mp_{function}"] = _real_mpmath(function)
                continue
            if module != "math":
                raise ValueError(f"needs the {module} module")
            for function in functions:
                self.namespace[function] = getattr(math, function)
        return "\n".join(lines)

    def function(self, name: str, outputs: Sequence[sympy.Expr]) -> Callable:
        """A Python function of the coordinates returning the outputs as a tuple."""
        result_names = [f"out{i}" for i in range(len(outputs))]
        arguments = ", ".join(str(c) for c in self.coordinates)
        source = (
            f"def {name}({arguments}):\n"
            + self.block(outputs, result_names, "    ")
            + f"\n    return ({', '.join(result_names)},)\n"
        )
        return self._define(name, source)

    def _define(self, name: str, source: str) -> Callable:
        # The source was printed from sympy objects by sympy's printer, with our own names
        # (x0, x1, c0, ...); no user text reaches it.
        code = compile(source, f"<deriv-descent-{name}>", "exec")
        scope = dict(self.namespace)
        exec(code, scope)  # noqa: S102 - generated from sympy objects, see above
        return scope[name]


def _loop_source(compiled: _Compiled, method: str) -> str:
    """The source of the iteration loop for one method, specialised to the number of variables.

    ``run(state, stop_at, record, settings)`` continues from ``state`` until it stops for a
    reason or reaches iteration ``stop_at`` and returns ``(code, state, detail)``.  The state is
    (iteration, point, velocity, f, gradient, gnorm, step, increases, next_record[, hessian]).
    On an arithmetic failure ('error') or a value that is not finite or falls below -RUNAWAY
    ('runaway') the state is the last good row (iteration, point, f, |grad f|, step) followed
    by the point where it went wrong (and, for 'runaway', f and |grad f| there).
    """
    n = compiled.size
    xs = [f"x{i}" for i in range(n)]
    ps = [f"p{i}" for i in range(n)]
    us = [f"u{i}" for i in range(n)]
    gs = [f"g{i}" for i in range(n)]
    hs = [f"h{i}_{j}" for i in range(n) for j in range(n)] if method == "newton" else []

    def tup(names):
        return "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"

    def hypot(names):
        # math.hypot also refuses complex numbers, which abs() would quietly accept
        return f"hypot({', '.join(names)})"

    outputs = [compiled.expression, *compiled.gradient]
    names = ["value", *gs]
    if method == "newton":
        outputs += [compiled.hessian[i][j] for i in range(n) for j in range(n)]
        names += hs
    pad = " " * 12
    evaluate = compiled.block(outputs, names, pad)
    state = f"iteration, {tup(xs)}, {tup(us)}, value, {tup(gs)}, gnorm, step, increases, next_record"
    if method == "newton":
        state += f", {tup(hs)}"
    # Coordinates are checked between chunks: they cannot run off while f and ∇f stay finite
    # for long, and every stop is checked again afterwards.
    finite = "new_gnorm < INFINITY and -RUNAWAY < value < INFINITY"
    lines = []
    if method == "gd":
        for p, x, g in zip(ps, xs, gs):
            lines += [f"{p} = {x}", f"{x} = {p} - learning_rate*{g}"]
        new_step = "learning_rate*gnorm"  # the length of the step just taken
        previous = tup(ps)
    elif method == "momentum":
        for u, x, g in zip(us, xs, gs):
            lines += [f"{u} = beta*{u} - learning_rate*{g}", f"{x} = {x} + {u}"]
        new_step = hypot(us)
        previous = tup([f"{x} - {u}" for x, u in zip(xs, us)])
    else:
        if n == 1:
            lines += [
                "if not h0_0 > 0:",
                "    if h0_0 == 0:",
                f"        return ('singular', ({state}), nonpositive)",
                "    nonpositive += 1",
                "p0 = x0",
                "x0 = p0 - learning_rate*g0/h0_0",
            ]
        else:
            lines += [
                f"direction, positive = newton_direction({tup(hs)}, {tup(gs)})",
                "if direction is None:",
                f"    return ('singular', ({state}), nonpositive)",
                "if not positive:",
                "    nonpositive += 1",
            ]
            for i, (p, x) in enumerate(zip(ps, xs)):
                lines += [f"{p} = {x}", f"{x} = {p} - learning_rate*direction[{i}]"]
        new_step = hypot([f"{x} - {p}" for x, p in zip(xs, ps)])
        previous = tup(ps)
    update = "\n".join(pad + line for line in lines)
    converged_test = "gnorm < tolerance"
    if method == "momentum":
        converged_test += " and step < speed_gate"
    return f"""
def run(state, stop_at, record, settings):
    learning_rate, beta, tolerance, step_tolerance, step_gate, speed_gate, increase_limit, every = settings
    {state} = state
    nonpositive = 0
    try:
        while True:
            if iteration == next_record:
                record((iteration, {tup(xs)}, value, gnorm, step))
                next_record += every
            if {converged_test}:
                return ('gradient', ({state}), nonpositive)
            if iteration >= stop_at:
                return ('paused', ({state}), nonpositive)
{update}
            new_step = {new_step}
            iteration += 1
            value_before = value
{evaluate}
            new_gnorm = {hypot(gs)}
            if not ({finite}):
                return ('runaway', (iteration - 1, {previous}, value_before, gnorm, step, {tup(xs)}, value, new_gnorm),
                        nonpositive)
            gnorm = new_gnorm
            step = new_step
            if value > value_before:
                increases += 1
                if increases >= increase_limit:
                    return ('grew', ({state}), nonpositive)
            else:
                increases = 0
            if step < step_tolerance and gnorm < step_gate:
                return ('step', ({state}), nonpositive)
    except (ArithmeticError, ValueError, TypeError) as error:
        return ('error', (iteration - 1, {previous}, value_before, gnorm, step, {tup(xs)}),
                (type(error).__name__, str(error), nonpositive))
"""


# ---------------------------------------------------------------------------------------------
# Newton's direction (the linear algebra itself is in linear_algebra.py)
# ---------------------------------------------------------------------------------------------


def newton_direction(flat_hessian: Sequence[float], gradient: Sequence[float]):
    """H⁻¹·∇f and whether H is positive definite; (None, False) when H is singular."""
    n = len(gradient)
    matrix = [flat_hessian[i * n:(i + 1) * n] for i in range(n)]
    direction = solve_linear(matrix, gradient)
    if direction is None:
        return None, False
    return direction, is_positive_definite(matrix)


# ---------------------------------------------------------------------------------------------
# The descent
# ---------------------------------------------------------------------------------------------


def _check_settings(method, learning_rate, momentum, max_iterations, tolerance, every):
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}", "use one of: " + ", ".join(METHODS))
    if not (isinstance(learning_rate, (int, float)) and math.isfinite(learning_rate) and learning_rate > 0):
        raise UsageError(f"the learning rate must be a positive number, not {learning_rate}")
    if not (isinstance(momentum, (int, float)) and 0 <= momentum < 1):
        raise UsageError(f"the momentum must be at least 0 and below 1, not {momentum}")
    if not isinstance(max_iterations, int) or max_iterations < 1:
        raise UsageError(f"the maximum number of iterations must be at least 1, not {max_iterations}")
    if not (isinstance(tolerance, (int, float)) and tolerance >= 0 and math.isfinite(tolerance)):
        raise UsageError(f"the tolerance must be a finite number of at least 0, not {tolerance}")
    if not isinstance(every, int) or every < 1:
        raise UsageError(f"--every must be at least 1, not {every}")


def _start_point(start, variables) -> tuple[float, ...]:
    if isinstance(start, Mapping):
        missing = [str(v) for v in variables if v not in start]
        if missing:
            raise UsageError("the start point gives no value for " + ", ".join(missing))
        values = [start[v] for v in variables]
    else:
        values = list(start)
        if len(values) != len(variables):
            raise UsageError(f"the start point has {len(values)} coordinates for {len(variables)} variables")
    point = []
    for variable, value in zip(variables, values):
        try:
            number = complex(value)
        except (TypeError, ValueError):
            raise UsageError(f"the start value of {variable} is not a number: {value}") from None
        if number.imag != 0 or not math.isfinite(number.real):
            raise UsageError(f"the start value of {variable} must be a finite real number, not {value}")
        point.append(float(number.real))
    return tuple(point)


def _describe_failure(kind: str, text: str) -> str:
    if kind == "ZeroDivisionError":
        return "undefined (division by zero)"
    if kind == "OverflowError":
        return "too large to compute (overflow)"
    if kind == "TypeError" and "complex" in text:
        return "not real (a complex value)"
    if kind == "ValueError" and "domain" in text:
        return "undefined (outside its domain: math domain error)"
    return f"not computable ({text or kind})"


def _unsupported_name(error: Exception) -> str:
    """The function named in a printer's 'Unsupported by ...: name' error, or 'a function'."""
    text = str(error)
    if ": " in text:
        name = text.split(": ", 1)[1].split()[0] if text.split(": ", 1)[1].split() else ""
        if name.isidentifier():
            return name
    return "a function"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _point_text(names, point) -> str:
    return ", ".join(f"{name} = {value:.6g}" for name, value in zip(names, point))


def _undefined_part(compiled: _Compiled, names, point) -> tuple[int, str] | None:
    """Which of f, ∂f/∂x, ... (by index) is undefined, not real or infinite at a point, and why."""
    labels = ["f"] + [f"∂f/∂{name}" for name in names]
    for index, (label, expr) in enumerate(zip(labels, [compiled.expression, *compiled.gradient])):
        function = compiled.function("part", [expr])
        try:
            (value,) = function(*point)
        except (ArithmeticError, ValueError, TypeError) as error:
            return index, f"{label} is {_describe_failure(type(error).__name__, str(error))}"
        if isinstance(value, complex):
            return index, f"{label} is {_describe_failure('TypeError', 'complex')}"
        if not math.isfinite(value):
            return index, f"{label} is {'infinite' if math.isinf(value) else 'undefined (NaN)'}"
    return None


def _evaluate_start(compiled: _Compiled, names, point, expr, variables, start):
    """NoAnswerError when f or its gradient is undefined, not real or infinite at the start.

    The reason comes from an exact evaluation where one is possible ("log(x) is not real at
    x = -1: the logarithm of a negative number"), else from the numeric failure.
    """
    problem = _undefined_part(compiled, names, point)
    if problem is None:
        return
    index, reason = problem
    message = f"{reason} at the start point {_point_text(names, point)}"
    part = expr if index == 0 else compiled.original_gradient()[index - 1]
    exact = _exact_reason(part, variables, start)
    if exact:
        label = "f" if index == 0 else f"∂f/∂{names[index - 1]}"
        message = f"{label} has no value at the start point: {exact}"
    raise NoAnswerError(message, "start the descent where f and its gradient are defined, real and finite")


def _exact_reason(expr, variables, start) -> str | None:
    """Why ``expr`` has no exact real value at the start (deriv eval's words), or None."""
    if isinstance(start, Mapping):
        values = [start[v] for v in variables]
    else:
        values = list(start)
    exact = {
        v: value if isinstance(value, sympy.Basic) else sympy.Float(float(value))
        for v, value in zip(variables, values)
    }
    try:
        value_at(expr, exact)
    except NoAnswerError as error:
        return error.message
    except Exception:  # no exact reason to be had; the numeric one stands
        return None
    return None


def _hessian_at(compiled: _Compiled, hessian_function, point):
    """The Hessian as a list of rows at a point, or None if it cannot be evaluated there."""
    if hessian_function is None:
        return None
    try:
        flat = hessian_function(*point)
    except (ArithmeticError, ValueError, TypeError):
        return None
    if any(isinstance(v, complex) or not math.isfinite(v) for v in flat):
        return None
    n = compiled.size
    return [[float(flat[i * n + j]) for j in range(n)] for i in range(n)]


def _stability(method: str, curvature: float | None, momentum: float) -> float | None:
    """The largest stable learning rate on a quadratic with this curvature (None if no bound)."""
    if curvature is None or not curvature > 0:
        return None
    if method == "gd":
        return 2 / curvature
    if method == "momentum":
        return 2 * (1 + momentum) / curvature
    return None


def gradient_descent(
    expr: sympy.Expr,
    variables: Sequence[sympy.Symbol],
    start,
    method: str = "gd",
    learning_rate: float | None = None,
    momentum: float = 0.9,
    max_iterations: int = 1000,
    tolerance: float = 1e-10,
    every: int = 1,
    progress: Callable[[int, int], None] | None = None,
    _suggest: bool = True,
) -> DescentResult:
    """Minimise ``expr`` over ``variables`` from ``start`` and say why the run stopped.

    ``learning_rate`` defaults to 0.1 for gd and momentum and to 1 (the full Newton step) for
    newton.  ``start`` is a mapping from the variables to numbers, or a sequence in their order.
    ``progress(iteration, max_iterations)`` is called between chunks of a long run.
    """
    if learning_rate is None:
        learning_rate = 1.0 if method == "newton" else 0.1
    _check_settings(method, learning_rate, momentum, max_iterations, tolerance, every)
    variables = list(variables)
    if not variables:
        raise UsageError("there is no variable to descend along")
    if len(set(variables)) != len(variables):
        raise UsageError("a variable is listed twice")
    extra = sorted(str(s) for s in expr.free_symbols - set(variables))
    if extra:
        raise UsageError(
            "f also depends on " + ", ".join(extra),
            "list every variable to descend along, or give the others a value",
        )
    names = tuple(str(v) for v in variables)
    point = _start_point(start, variables)
    learning_rate = float(learning_rate)
    momentum = float(momentum) if method == "momentum" else 0.0

    compiled = _Compiled(expr, variables, with_hessian=True)
    hessian_outputs = [h for row in compiled.hessian for h in row]
    try:
        hessian_function = compiled.function("hessian", hessian_outputs)
    except Exception:  # a second derivative the math module cannot compute (DiracDelta, ...)
        hessian_function = None
    if method == "newton" and hessian_function is None:
        raise NoAnswerError(
            "Newton's method needs the second derivatives of f, which have no numeric form here "
            "(they involve a jump or a function without a numeric form)",
            "use --method gd or --method momentum",
        )
    try:
        value_and_gradient = compiled.function("evaluate", [compiled.expression, *compiled.gradient])
        namespace = dict(compiled.namespace)
        namespace.update(
            hypot=math.hypot, INFINITY=math.inf, RUNAWAY=RUNAWAY, newton_direction=newton_direction
        )
        compiled.namespace = namespace
        loop = compiled._define("run", _loop_source(compiled, method))
    except Exception as error:  # the printer knows no numeric form for some function
        raise NoAnswerError(
            f"f or its gradient uses {_unsupported_name(error)}, which has no numeric form for descent",
            "descent works on functions whose derivatives are elementary (or erf)",
        ) from None

    _evaluate_start(compiled, names, point, expr, variables, start)
    value, *gradient = value_and_gradient(*point)
    gradient_norm = math.hypot(*gradient)
    start_hessian = _hessian_at(compiled, hessian_function, point)
    curvature = lowest_curvature = None
    warnings: list[str] = []
    if start_hessian is not None:
        start_eigenvalues = symmetric_eigen(start_hessian)[0]
        curvature, lowest_curvature = start_eigenvalues[-1], start_eigenvalues[0]
    if method == "newton":
        if start_hessian is None:
            raise NoAnswerError(f"the Hessian of f is undefined at the start point {_point_text(names, point)}")
        if solve_linear(start_hessian, gradient) is None and gradient_norm >= tolerance:
            raise NoAnswerError(
                f"the Hessian of f is singular at the start point {_point_text(names, point)}, so there is no Newton step",
                "start elsewhere, or use --method gd",
            )
        if not is_positive_definite(start_hessian):
            what = "f″ ≤ 0" if len(names) == 1 else "the Hessian is not positive definite"
            warnings.append(
                f"{what} at the start: Newton's method then heads for a maximum or a saddle point, not a minimum"
            )

    rows: list[tuple] = []  # (iteration, point, f, |grad f|, step), appended by the loop
    increase_limit = 20 if method != "momentum" else 20 + math.ceil(5 / (1 - momentum))
    gate = max(tolerance, math.sqrt(tolerance))
    # A momentum step is momentarily tiny at every turn of an oscillation: only the gradient
    # test (with a slow enough velocity) ends a momentum run.
    step_tolerance = -1.0 if method == "momentum" else tolerance
    settings = (learning_rate, momentum, tolerance, step_tolerance, gate, gate, increase_limit, every)
    zeros = tuple(0.0 for _ in names)
    state = (0, point, zeros, value, tuple(gradient), gradient_norm, 0.0, 0, 0)
    if method == "newton":
        state = state + (tuple(v for row in start_hessian for v in row),)
    nonpositive_steps = 0
    # The loop allocates only small acyclic tuples (the trace); the cyclic garbage collector
    # would walk them again and again for nothing, so it rests while the loop runs.
    collecting = gc.isenabled()
    gc.disable()
    try:
        while True:
            stop_at = min(state[0] + CHUNK, max_iterations)
            code, state, detail = loop(state, stop_at, rows.append, settings)
            if code == "error":
                *detail, nonpositive = detail
                nonpositive_steps += nonpositive
                break
            nonpositive_steps += detail
            if code == "runaway":
                break
            if not all(-RUNAWAY < v < RUNAWAY for v in state[1]):
                code = "far"
                break
            if code != "paused" or state[0] >= max_iterations:
                break
            if progress is not None:
                progress(state[0], max_iterations)
        make_row = tuple.__new__  # TraceRow._make without its Python-level wrapper
        trace = [make_row(TraceRow, row) for row in rows]
        del rows
    finally:
        if collecting:
            gc.enable()

    slope_size = "|f′|" if len(names) == 1 else "‖∇f‖"
    fell_without_bound = False  # f itself reached -RUNAWAY: no learning rate makes a minimum of that
    if code in ("error", "runaway"):
        # the run ends on the last good point; the message tells what happened one step later
        iterations, final_point, final_value, final_norm, step, bad_point = state[:6]
        reason = DIVERGED
        where = _point_text(names, bad_point)
        if code == "error":
            found = _undefined_part(compiled, names, bad_point)
            problem = found[1] if found else f"f is {_describe_failure(*detail)}"
            message = f"diverged: at iteration {iterations + 1} {problem} at {where}"
        else:
            bad_value, bad_norm = state[6:8]
            if not (math.isfinite(bad_value) and math.isfinite(bad_norm)):
                message = f"diverged: at iteration {iterations + 1} f or its gradient overflowed to infinity or NaN at {where}"
            else:
                fell_without_bound = True
                message = (
                    f"diverged: at iteration {iterations + 1} f fell below {-RUNAWAY:g} (at {where}): "
                    "f appears unbounded below"
                )
    else:
        iterations, final_point, _, final_value, _, final_norm, step = state[:7]
        if code in ("gradient", "step"):
            reason = CONVERGED
            test = (
                f"{slope_size} = {final_norm:.3g} < {tolerance:g}" if code == "gradient"
                else f"the step {step:.3g} is below {tolerance:g}"
            )
            message = f"converged after {_count(iterations, 'iteration')}: {test}"
        elif code == "paused":
            reason = MAX_ITERATIONS
            message = (
                f"stopped after the maximum of {_count(max_iterations, 'iteration')} without converging "
                f"({slope_size} = {final_norm:.3g}, tolerance {tolerance:g})"
            )
            if final_value < value and final_norm > RUNAWAY_GROWTH * max(1.0, gradient_norm):
                reason = DIVERGED
                message = (
                    f"diverged: f kept falling while the gradient grew {final_norm / max(1.0, gradient_norm):.3g}-fold "
                    f"in {_count(iterations, 'iteration')}: f appears unbounded below"
                )
            elif final_value < value and final_norm > gradient_norm:
                message += "; f kept falling while the gradient grew: f may be unbounded below"
        elif code == "singular":
            reason = SINGULAR_HESSIAN
            message = (
                f"stopped at iteration {iterations}: the Hessian is singular at "
                f"{_point_text(names, final_point)}, so there is no Newton step"
            )
        elif code == "grew" and method == "newton" and nonpositive_steps:
            reason = NOT_A_MINIMUM
            curving = "f″ ≤ 0" if len(names) == 1 else "the Hessian is not positive definite"
            message = (
                f"stopped: f grew for {increase_limit} Newton steps in a row (up to iteration {iterations}) "
                f"where {curving}: Newton's method is climbing towards a maximum, a saddle or an "
                "inflection point, not a minimum"
            )
        elif code == "grew":
            reason = DIVERGED
            message = f"diverged: f grew for {increase_limit} iterations in a row (up to iteration {iterations})"
        else:  # far
            reason = DIVERGED
            message = f"diverged: a coordinate passed {RUNAWAY:g} in size by iteration {iterations}"
    final_point = tuple(float(v) for v in final_point)
    final_value, final_norm = float(final_value), float(final_norm)
    if not trace or trace[-1].iteration != iterations:
        trace.append(TraceRow(iterations, final_point, final_value, final_norm, float(step)))

    if reason == MAX_ITERATIONS and final_norm > 0 and _is_linear(expr, variables):
        reason = DIVERGED
        message = (
            f"diverged: f is linear, so it falls without bound along −∇f and has no minimum "
            f"(stopped after {_count(iterations, 'iteration')})"
        )

    if method == "newton" and nonpositive_steps and not warnings:
        what = "f″ was ≤ 0" if len(names) == 1 else "the Hessian was not positive definite"
        warnings.append(f"{what} at {nonpositive_steps} of {iterations} Newton steps")

    classification = None
    converged = reason == CONVERGED
    if converged:
        classification, note = _classify(compiled, value_and_gradient, hessian_function, final_point, final_value, curvature)
        if classification in ("maximum", "saddle point", "not a minimum"):
            converged = False
            reason = NOT_A_MINIMUM
            slope = "f′ = 0" if len(names) == 1 else "∇f = 0"
            message = f"stopped where {slope}, but this is not a minimum: {note}"
        elif note:
            warnings.append(note)

    final_hessian = _hessian_at(compiled, hessian_function, final_point)
    final_curvature = symmetric_eigen(final_hessian)[0][-1] if final_hessian is not None else None
    stable = _stability(method, curvature, momentum)
    hint = None
    if reason == DIVERGED:
        hint = _divergence_hint(
            expr, variables, point, method, learning_rate, momentum, max_iterations, tolerance,
            curvature, lowest_curvature, stable, _suggest, fell_without_bound,
        )
    elif reason == MAX_ITERATIONS:
        hint = _stall_hint(
            expr, variables, point, method, learning_rate, momentum, max_iterations, tolerance,
            curvature, lowest_curvature, stable, _suggest, value_and_gradient, final_point,
            final_norm, final_curvature,
        )

    return DescentResult(
        expression=expr,
        variables=names,
        gradient=compiled.original_gradient(),
        method=method,
        learning_rate=learning_rate,
        momentum=momentum,
        tolerance=float(tolerance),
        max_iterations=max_iterations,
        every=every,
        start=point,
        point=final_point,
        value=float(final_value),
        gradient_norm=float(final_norm),
        iterations=int(iterations),
        converged=converged,
        reason=reason,
        message=message,
        hint=hint,
        warnings=warnings,
        trace=trace,
        curvature=curvature,
        stable_learning_rate=stable,
        classification=classification,
        final_curvature=final_curvature,
    )


def _is_linear(expr, variables) -> bool:
    """True when f is a polynomial of degree at most one in the variables."""
    if not expr.is_polynomial(*variables):
        return False
    return sympy.Poly(expr, *variables).total_degree() <= 1


def _classify(compiled, value_and_gradient, hessian_function, point, value, start_curvature):
    """Is the stationary point a minimum?  (classification, note) from H, then nearby points.

    A positive definite Hessian is trusted only when it stays so a few Newton steps around the
    point (x**3 near 0 has f'' > 0 on one side and f'' < 0 on the other); otherwise f itself is
    compared with nearby points, far enough away to step over the point's own inaccuracy.
    """
    hessian = _hessian_at(compiled, hessian_function, point)
    if hessian is None:
        axes = [[1.0 if i == j else 0.0 for j in range(compiled.size)] for i in range(compiled.size)]
        lower = _lower_nearby(value_and_gradient, point, value, axes, [])
        if lower:
            return "not a minimum", lower
        return "minimum", (
            "the second derivatives have no value here; f is not lower at nearby points, "
            "so this is taken as a minimum"
        )
    eigenvalues, vectors = symmetric_eigen(hessian)
    scale = max([abs(e) for e in eigenvalues] + [abs(start_curvature or 0.0)])
    flat = FLAT * scale
    if eigenvalues[-1] < -flat:
        if compiled.size == 1:
            return "maximum", f"f″ = {eigenvalues[0]:.6g} < 0 here (a maximum)"
        return "maximum", "f curves downward in every direction here (a maximum)"
    if eigenvalues[0] < -flat:
        return "saddle point", "f curves up in one direction and down in another (a saddle point)"
    gradient = value_and_gradient(*point)[1:]
    offset = solve_linear(hessian, gradient) if eigenvalues[0] > 0 else None
    if offset is not None:
        robust = True
        for sign in (3.0, -3.0):
            nearby = _hessian_at(compiled, hessian_function, tuple(p - sign * d for p, d in zip(point, offset)))
            if nearby is None or not symmetric_eigen(nearby)[0][0] > eigenvalues[0] / 2:
                robust = False
        if robust:
            return "minimum", None
    # The second-derivative test is inconclusive: compare f with nearby points along each
    # eigenvector, further away than the distance to the predicted stationary point.
    radii = []
    if offset is not None and all(math.isfinite(d) for d in offset):
        radii.append(10 * math.hypot(*offset))
    lower = _lower_nearby(value_and_gradient, point, value, vectors, radii)
    if lower:
        return "not a minimum", "f is flat here (the second-derivative test is inconclusive) and " + lower
    return "minimum", "the second-derivative test is inconclusive here (f is flat); f is not lower at nearby points"


def _lower_nearby(value_and_gradient, point, value, directions, radii) -> str | None:
    """A note naming a nearby point (along a direction, at a radius) where f is lower, or None."""
    size = max(1.0, math.hypot(*point))
    for radius in [*radii, 1e-3 * size, 1e-2 * size]:
        for vector in directions:
            for sign in (1.0, -1.0):
                probe = tuple(p + sign * radius * v for p, v in zip(point, vector))
                try:
                    nearby_value = value_and_gradient(*probe)[0]
                except (ArithmeticError, ValueError, TypeError):
                    continue
                if isinstance(nearby_value, complex) or not math.isfinite(nearby_value):
                    continue
                if nearby_value < value - 1e-12 * max(1.0, abs(value)):
                    where = ", ".join(f"{p:.6g}" for p in probe)
                    return (
                        f"f is lower nearby (f = {nearby_value:.6g} at ({where})); "
                        "f may be unbounded below, or the minimum lies further on"
                    )
    return None


def _divergence_hint(expr, variables, point, method, learning_rate, momentum, max_iterations,
                     tolerance, curvature, lowest_curvature, stable, suggest, fell_without_bound=False):
    """Why a run diverged (or swung without settling) and, for gd and momentum, a learning rate
    that was tried and works."""
    if method == "newton":
        return (
            "Newton's method can overshoot far from a minimum or where f″ ≤ 0; "
            "start closer to the minimum, use a damped step (--lr below 1) or use --method gd"
        )
    if curvature is None:
        return "try a smaller --lr"
    one = len(variables) == 1
    if curvature < 0:
        downward = f"f″ = {curvature:.3g} < 0" if one else f"largest curvature {curvature:.3g} < 0"
        return (
            f"f curves downward at the start ({downward}): "
            "there may be no minimum in the direction of descent (f unbounded below)"
        )
    if curvature == 0:
        return "f does not curve at the start, so no learning rate is too large there; f itself keeps falling"
    bound = stable
    formula = "2/c" if method == "gd" else "2(1+β)/c"
    if lowest_curvature < -FLAT * curvature and learning_rate < bound:
        return (
            f"lr = {learning_rate:g} is below {formula} = {bound:.6g}, but f curves downward along some "
            f"direction at the start (smallest curvature {lowest_curvature:.3g} < 0, a saddle shape): "
            "descent gathers speed that way, and f may be unbounded below"
        )
    at_start = f"(c = {curvature:.6g} is the curvature of f at the start)"
    if math.isclose(learning_rate, bound, rel_tol=1e-9):
        text = (
            f"lr = {learning_rate:g} equals {formula} = {bound:.6g} {at_start}, so each step overshoots "
            f"by exactly what it gains and f swings back and forth; lr must be below {bound:.6g}"
        )
    elif learning_rate > bound:
        text = (
            f"lr = {learning_rate:g} exceeds {formula} = {bound:.6g} {at_start}, "
            f"so each step overshoots more than it gains; lr must be below {bound:.6g}"
        )
    elif fell_without_bound:
        text = (
            f"lr = {learning_rate:g} is below {formula} = {bound:.6g} at the start, but the path left the "
            "region where f curves upward, and there f fell without bound"
        )
    else:
        text = (
            f"lr = {learning_rate:g} is below {formula} = {bound:.6g} at the start, "
            "but the curvature grows along the path"
        )
    if not suggest:
        return text
    # Try smaller rates (each run short enough that the trials stay cheap) and name one that
    # was seen to converge, or at least not to diverge.
    budget = min(max_iterations, TRIAL_ITERATIONS)
    candidate = min(bound / 2, learning_rate / 2)
    steady = None
    for attempt in range(6):
        trial = gradient_descent(
            expr, variables, point, method=method, learning_rate=candidate, momentum=momentum,
            max_iterations=budget, tolerance=tolerance, every=budget, _suggest=False,
        )
        if trial.converged:
            return text + f": --lr {candidate:.3g} converges in {_count(trial.iterations, 'iteration')}"
        if trial.reason == MAX_ITERATIONS and steady is None and trial.gradient_norm < trial.trace[0].gradient_norm:
            steady = candidate  # not converged yet, but heading downhill with a shrinking gradient
        candidate /= 4
    # Where f is known to fall without bound, a slower run that has not got there yet proves nothing.
    if steady is not None and not fell_without_bound:
        return text + f": --lr {steady:.3g} does not diverge (it had not converged after {budget} iterations)"
    return text + "; no smaller learning rate that was tried converged either"


def _stall_hint(expr, variables, point, method, learning_rate, momentum, max_iterations, tolerance,
                curvature, lowest_curvature, stable, suggest, value_and_gradient, final_point,
                final_norm, final_curvature):
    """Why a run reached the iteration limit, where that can be told: a learning rate at the
    stability bound (f swings), far below it (tiny steps), a corner (the slope jumps) or a flat
    stretch (the slope fades)."""
    one = len(variables) == 1
    # the curvature has faded since the start (x**4 from 2): the bound 2/c of the start says
    # nothing about why the run is slow now
    faded = (curvature is not None and curvature > 0 and final_curvature is not None
             and abs(final_curvature) < curvature / 100)
    if stable is not None and learning_rate >= stable * (1 - 1e-9) and not faded:
        return _divergence_hint(
            expr, variables, point, method, learning_rate, momentum, max_iterations, tolerance,
            curvature, lowest_curvature, stable, suggest,
        )
    if stable is not None and learning_rate < stable / 100:
        return (
            f"the learning rate {learning_rate:g} is far below the stable bound {stable:.3g}; "
            "a larger --lr (or a larger --max-iter) may converge"
        )
    if method != "newton":
        corner = _corner_hint(value_and_gradient, variables, final_point, learning_rate, final_norm, final_curvature)
        if corner:
            return corner
    if faded:
        fading = (
            f"f″ = {final_curvature:.3g} here, {curvature:.3g} at the start" if one
            else f"the largest curvature falls from {curvature:.3g} at the start to {final_curvature:.3g} here"
        )
        others = "--method gd" if method == "newton" else "--method newton"
        return (
            f"f flattens out along the way ({fading}), so the steps shrink with the slope; "
            f"{others} or a larger --max-iter may get further (a flat point need not be a minimum: "
            "x**3 at 0 is not)"
        )
    return None


def _corner_hint(value_and_gradient, variables, point, learning_rate, final_norm, final_curvature):
    """A hint when the slope flips sign within one step without getting smaller: a corner (|x|)."""
    if not final_norm > 0:
        return None
    if final_curvature is not None and learning_rate * abs(final_curvature) >= 0.5:
        return None  # a smooth bend this sharp could turn the slope round by itself
    try:
        gradient = value_and_gradient(*point)[1:]
        after = value_and_gradient(*(p - learning_rate * g for p, g in zip(point, gradient)))[1:]
    except (ArithmeticError, ValueError, TypeError):
        return None
    if any(isinstance(v, complex) or not math.isfinite(v) for v in [*gradient, *after]):
        return None
    if not any(g * a < 0 and abs(a) > abs(g) / 2 for g, a in zip(gradient, after)):
        return None
    one = len(variables) == 1
    slope = "f′" if one else "a partial derivative"
    size = f"|f′| stays about {final_norm:.3g}" if one else f"‖∇f‖ stays about {final_norm:.3g}"
    where = _point_text([str(v) for v in variables], point)
    return (
        f"{slope} flips sign within one step near {where} without getting smaller ({size}): f seems "
        "to have a corner there (as |x| has at 0), where the slope jumps and never becomes small, "
        "so the gradient test cannot pass; deriv critical finds such points exactly"
    )
