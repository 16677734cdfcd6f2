"""A time budget for one sympy call, so a slow solver gives way to a fallback.

The analysis engine runs inside the guard's worker, possibly in a helper thread.
When the budget runs out an exception is raised in the running thread (by an
interval timer in the main thread, by an asynchronous exception elsewhere), and
the caller gets (False, None) instead of an answer.  The exception derives from
BaseException so that sympy's broad ``except Exception`` blocks cannot swallow it.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from typing import Any, Callable


class BudgetExceeded(BaseException):
    """Raised inside a budgeted call when its time is up."""


def run_with_budget(function: Callable[[], Any], seconds: float | None) -> tuple[bool, Any]:
    """Call ``function()``; return (True, result), or (False, None) when time ran out."""
    if seconds is None or seconds <= 0:
        return True, function()

    class _ThisBudget(BudgetExceeded):
        """Only this call's own timer raises this class, so nested budgets stay apart."""

    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        runner = _with_interval_timer
    else:
        runner = _with_async_exception
    try:
        return True, runner(function, seconds, _ThisBudget)
    except _ThisBudget:
        return False, None


def _with_interval_timer(function, seconds, stop):
    """Main thread: SIGALRM; an outer timer already running is respected and re-armed."""

    def interrupt(signum, frame):
        raise stop

    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_delay > 0:
        seconds = min(seconds, max(outer_delay - 0.05, 0.001))
    previous = signal.signal(signal.SIGALRM, interrupt)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay > 0:
            left = max(outer_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)


def _with_async_exception(function, seconds, stop):
    """Any other thread: a timer thread raises ``stop`` in this thread."""
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def fire():
        with lock:
            if state["active"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(stop))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        result = function()
    finally:
        with lock:
            state["active"] = False
            timer.cancel()
    if state["fired"]:
        # raised too late to interrupt: withdraw it, the answer is complete
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)
    return result
