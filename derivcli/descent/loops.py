"""The iteration loops of the methods: generated source, Newton's direction, and the driver.

Each method's loop is Python source specialised to the number of variables, with f, ∇f (and H)
inlined as the statements sympy's printer wrote (see compiling.py), so an iteration costs what a
hand-written loop over the ``math`` module would.  The driver runs it in chunks with the cyclic
garbage collector paused and collects the trace.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

from derivcli.calculus import is_positive_definite, solve_linear
from derivcli.descent.compiling import Compiled, no_numeric_form
from derivcli.descent.results import TraceRow
from derivcli.descent.start import Settings, Start

# A coordinate beyond this size, or f below its negative, counts as running off to infinity.
RUNAWAY = 1e150
# Iterations between two calls of the progress callback (and the chunk size of the loop).
CHUNK = 20_000

# Names used by the generated loop; none may shadow a math-module name the printer emits
# (tests/test_descent.py checks this).
LOOP_NAMES = (
    "iteration", "stop_at", "value", "value_before", "gnorm", "step", "increases", "next_record",
    "record", "learning_rate", "beta", "tolerance", "speed_gate", "increase_limit",
    "every", "stall", "direction", "positive", "nonpositive", "error", "newton_direction",
    "RUNAWAY", "INFINITY", "state", "new_step", "new_gnorm", "settings",
)


def newton_direction(flat_hessian: Sequence[float], gradient: Sequence[float]):
    """H⁻¹·∇f and whether H is positive definite; (None, False) when H is singular."""
    n = len(gradient)
    matrix = [flat_hessian[i * n:(i + 1) * n] for i in range(n)]
    direction = solve_linear(matrix, gradient)
    if direction is None:
        return None, False
    return direction, is_positive_definite(matrix)


def _tuple(names) -> str:
    return "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"


def _hypot(names) -> str:
    # math.hypot also refuses complex numbers, which abs() would quietly accept
    return f"hypot({', '.join(names)})"


def _gd_update(xs, ps, us, gs, state):
    """Plain descent: p ← p − lr·∇f(p).  (lines, the step just taken, the previous point, the
    test that the step left the point unchanged)"""
    lines = []
    for p, x, g in zip(ps, xs, gs):
        lines += [f"{p} = {x}", f"{x} = {p} - learning_rate*{g}"]
    return lines, "learning_rate*gnorm", _tuple(ps), _unchanged(xs, ps)


def _momentum_update(xs, ps, us, gs, state):
    """Heavy ball: v ← β·v − lr·∇f(p), p ← p + v."""
    lines = []
    for u, x, g in zip(us, xs, gs):
        lines += [f"{u} = beta*{u} - learning_rate*{g}", f"{x} = {x} + {u}"]
    # a momentum step is momentarily tiny at every turn: no stall test
    return lines, _hypot(us), _tuple([f"{x} - {u}" for x, u in zip(xs, us)]), "False"


def _newton_update(xs, ps, us, gs, state):
    """Newton: p ← p − lr·H⁻¹·∇f, stopping on a singular H and counting steps where H ≤ 0."""
    n = len(xs)
    if n == 1:
        lines = [
            "if not h0_0 > 0:",
            "    if h0_0 == 0:",
            f"        return ('singular', ({state}), nonpositive)",
            "    nonpositive += 1",
            "p0 = x0",
            "x0 = p0 - learning_rate*g0/h0_0",
        ]
    else:
        hs = [f"h{i}_{j}" for i in range(n) for j in range(n)]
        lines = [
            f"direction, positive = newton_direction({_tuple(hs)}, {_tuple(gs)})",
            "if direction is None:",
            f"    return ('singular', ({state}), nonpositive)",
            "if not positive:",
            "    nonpositive += 1",
        ]
        for i, (p, x) in enumerate(zip(ps, xs)):
            lines += [f"{p} = {x}", f"{x} = {p} - learning_rate*direction[{i}]"]
    return lines, _hypot([f"{x} - {p}" for x, p in zip(xs, ps)]), _tuple(ps), _unchanged(xs, ps)


def _unchanged(xs, ps) -> str:
    """True when no coordinate moved: the step fell below the spacing of the floating-point
    numbers at the point, so every later step repeats this one (cheap: the first moved
    coordinate ends the test)."""
    return " and ".join(f"{x} == {p}" for x, p in zip(xs, ps))


_UPDATES = {"gd": _gd_update, "momentum": _momentum_update, "newton": _newton_update}


def loop_source(compiled: Compiled, method: str) -> str:
    """The source of the iteration loop for one method, specialised to the number of variables.

    ``run(state, stop_at, record, settings)`` continues from ``state`` until it stops for a
    reason ('gradient': converged, 'stalled': the point no longer moves, 'grew', 'singular',
    'runaway', 'error') or reaches iteration ``stop_at`` ('paused') and returns ``(code, state, detail)``.  The state is
    (iteration, point, velocity, f, gradient, gnorm, step, increases, next_record[, hessian]).
    On an arithmetic failure ('error') or a value that is not finite or falls below -RUNAWAY
    ('runaway') the state is the last good row (iteration, point, f, |grad f|, step) followed
    by the point where it went wrong (and, for 'runaway', f and |grad f| there).
    """
    n = compiled.size
    xs, ps, us, gs = ([f"{letter}{i}" for i in range(n)] for letter in "xpug")
    hs = [f"h{i}_{j}" for i in range(n) for j in range(n)] if method == "newton" else []
    outputs, names = [compiled.expression, *compiled.gradient], ["value", *gs]
    if method == "newton":
        outputs += [compiled.hessian[i][j] for i in range(n) for j in range(n)]
        names += hs
    pad = " " * 12
    evaluate = compiled.block(outputs, names, pad)
    state = f"iteration, {_tuple(xs)}, {_tuple(us)}, value, {_tuple(gs)}, gnorm, step, increases, next_record"
    if method == "newton":
        state += f", {_tuple(hs)}"
    lines, new_step, previous, unchanged = _UPDATES[method](xs, ps, us, gs, state)
    update = "\n".join(pad + line for line in lines)
    # Coordinates are checked between chunks: they cannot run off while f and ∇f stay finite
    # for long, and every stop is checked again afterwards.
    finite = "new_gnorm < INFINITY and -RUNAWAY < value < INFINITY"
    converged_test = "gnorm < tolerance"
    if method == "momentum":
        converged_test += " and step < speed_gate"
    return f"""
def run(state, stop_at, record, settings):
    learning_rate, beta, tolerance, stall, speed_gate, increase_limit, every = settings
    {state} = state
    nonpositive = 0
    try:
        while True:
            if iteration == next_record:
                record((iteration, {_tuple(xs)}, value, gnorm, step))
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
            new_gnorm = {_hypot(gs)}
            if not ({finite}):
                return ('runaway', (iteration - 1, {previous}, value_before, gnorm, step, {_tuple(xs)}, value, new_gnorm),
                        nonpositive)
            gnorm = new_gnorm
            step = new_step
            if value > value_before:
                increases += 1
                if increases >= increase_limit:
                    return ('grew', ({state}), nonpositive)
            else:
                increases = 0
            if stall and {unchanged}:
                return ('stalled', ({state}), nonpositive)
    except (ArithmeticError, ValueError, TypeError) as error:
        return ('error', (iteration - 1, {previous}, value_before, gnorm, step, {_tuple(xs)}),
                (type(error).__name__, str(error), nonpositive))
"""


def build_loop(compiled: Compiled, method: str) -> Callable:
    """The compiled ``run`` of one method (NoAnswerError when f has no numeric form)."""
    try:
        namespace = dict(compiled.namespace)
        namespace.update(hypot=math.hypot, INFINITY=math.inf, RUNAWAY=RUNAWAY, newton_direction=newton_direction)
        compiled.namespace = namespace
        return compiled.define("run", loop_source(compiled, method))
    except Exception as error:  # the printer knows no numeric form for some function
        raise no_numeric_form(error) from None


def increase_limit(method: str, momentum: float) -> int:
    """How many rises of f in a row end a run (momentum rises for a while at every turn)."""
    return 20 if method != "momentum" else 20 + math.ceil(5 / (1 - momentum))


def loop_settings(settings: Settings) -> tuple:
    """The ``settings`` tuple the generated loop unpacks.

    Only the gradient test converges (‖∇f‖ < tolerance; for momentum also a slow enough
    velocity, since a momentum step is momentarily tiny at every turn).  A step that no longer
    moves the point ends the run as stalled, a reason of its own; with tolerance 0 (run every
    iteration) it does not end the run.
    """
    method, learning_rate, momentum, _, tolerance, every = settings
    gate = max(tolerance, math.sqrt(tolerance))
    stall = tolerance > 0
    return (learning_rate, momentum, tolerance, stall, gate, increase_limit(method, momentum), every)


def initial_state(start: Start, method: str) -> tuple:
    """The loop's state at iteration 0: at rest at the start point."""
    zeros = tuple(0.0 for _ in start.point)
    state = (0, start.point, zeros, start.value, tuple(start.gradient), start.gradient_norm, 0.0, 0, 0)
    if method == "newton":
        state = state + (tuple(v for row in start.hessian for v in row),)
    return state


class Run(NamedTuple):
    """How the loop stopped: its code, its last state, the detail of an error, the number of
    Newton steps where H was not positive definite, and the recorded trace."""

    code: str
    state: tuple
    detail: object
    nonpositive_steps: int
    trace: list[TraceRow]


def run_loop(loop: Callable, start: Start, settings: Settings, progress: Callable[[int, int], None] | None) -> Run:
    """Run the loop from the start in chunks of CHUNK iterations until it stops; 'far' when a
    coordinate ran off."""
    state, max_iterations = initial_state(start, settings.method), settings.max_iterations
    arguments = loop_settings(settings)
    rows: list[tuple] = []  # (iteration, point, f, |grad f|, step), appended by the loop
    nonpositive_steps = 0
    # The loop allocates only small acyclic tuples (the trace); the cyclic garbage collector
    # would walk them again and again for nothing, so it rests while the loop runs.
    collecting = gc.isenabled()
    gc.disable()
    try:
        while True:
            stop_at = min(state[0] + CHUNK, max_iterations)
            code, state, detail = loop(state, stop_at, rows.append, arguments)
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
    return Run(code, state, detail, nonpositive_steps, trace)
