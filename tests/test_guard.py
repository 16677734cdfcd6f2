"""The guard: limits hold, errors cross back, the worker is reused and replaced."""

import os
import time

import pytest

from derivcli.errors import InternalError, NoAnswerError, ResourceLimitError
from derivcli.guard import Guard, run_with_budget


def square(number):
    return number * number


def spin(_):
    while True:
        pass


def allocate(size):
    return len(bytearray(size))


def refuse(_):
    raise NoAnswerError("no answer here", hint="a hint")


def crash(_):
    raise KeyError("bug")


def process_id(_):
    return os.getpid()


def spin_forever():
    while True:
        pass


def swallowing_spin():
    """sympy has broad ``except Exception`` blocks; a budget must still end the call."""
    while True:
        try:
            while True:
                pass
        except Exception:
            continue


def budgeted(seconds):
    return run_with_budget(spin_forever, seconds)


def budget_through_broad_handlers(seconds):
    return run_with_budget(swallowing_spin, seconds)


def nested_budgets(_):
    """The inner call finishes on its own time; the outer budget's end is not the inner's."""
    inner = run_with_budget(lambda: run_with_budget(spin_forever, 5), 0.3)
    quick = run_with_budget(lambda: sum(range(1000)), 5)
    time.sleep(0.05)
    return inner, quick


def deep(depth):
    def down(level):
        return 0 if level == 0 else 1 + down(level - 1)
    return down(depth)


def test_results_and_reuse():
    with Guard(timeout=5) as guard:
        first = guard.run(process_id, None)
        assert guard.run(square, 12) == 144
        assert guard.run(process_id, None) == first != os.getpid()


def test_wall_clock_limit_kills_and_replaces_the_worker():
    with Guard(timeout=0.5) as guard:
        before = guard.run(process_id, None)
        with pytest.raises(ResourceLimitError, match="0.5 s limit") as caught:
            guard.run(spin, None)
        assert caught.value.hint == "raise it with --timeout"
        with pytest.raises(ProcessLookupError):
            os.kill(before, 0)
        assert guard.run(square, 3) == 9
        assert guard.run(process_id, None) != before


def test_memory_limit():
    with Guard(timeout=10, memory_mb=512) as guard:
        with pytest.raises(ResourceLimitError, match="memory"):
            guard.run(allocate, 2 * 1024**3)
        assert guard.run(allocate, 1024) == 1024


def test_errors_cross_the_boundary():
    with Guard(timeout=5) as guard:
        with pytest.raises(NoAnswerError) as caught:
            guard.run(refuse, None)
        assert caught.value.hint == "a hint"
        with pytest.raises(InternalError) as internal:
            guard.run(crash, None)
        assert "KeyError" in internal.value.details


def test_deep_recursion_runs_on_a_large_stack():
    with Guard(timeout=10) as guard:
        assert guard.run(deep, 5000) == 5000


def test_budgets_interrupt_and_stay_apart():
    with Guard(timeout=10) as guard:
        assert guard.run(budgeted, 0.2) == (False, None)
        assert guard.run(budget_through_broad_handlers, 0.2) == (False, None)
        assert guard.run(nested_budgets, None) == ((False, None), (True, 499500))


def deeply_nested_budgets(depth):
    """Budgets inside budgets: each holds a timer thread while the inner ones run."""
    if depth == 0:
        return sum(range(10))
    finished, value = run_with_budget(lambda: deeply_nested_budgets(depth - 1), 30)
    return value if finished else None


def test_budget_timers_do_not_take_the_jobs_deep_stack():
    # the job thread has a 256 MiB stack; timers started inside it once had one each, and half a
    # dozen nested budgets exhausted the default 2 GiB address space ("can't start new thread")
    with Guard(timeout=20) as guard:
        assert guard.run(deeply_nested_budgets, 24) == 45


def test_budgets_in_the_main_thread():
    assert budgeted(0.2) == (False, None)
    assert run_with_budget(lambda: 42, 5) == (True, 42)


def test_closing_ends_the_worker():
    guard = Guard(timeout=5)
    worker = guard.run(process_id, None)
    guard.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _ended(worker):
        time.sleep(0.05)
    assert _ended(worker), "the worker should be killed (a zombie until its parent reaps it)"
    try:
        os.waitpid(worker, 0)
    except ChildProcessError:
        pass  # close() already reaped it


def _ended(process_id: int) -> bool:
    try:
        with open(f"/proc/{process_id}/stat") as status:
            return status.read().split(") ")[1].startswith(("Z", "X"))
    except FileNotFoundError:
        return True
