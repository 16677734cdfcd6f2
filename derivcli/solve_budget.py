"""A time budget for one sympy call, so a slow solver gives way to a fallback.

The analysis engine runs inside the guard's worker (a forked child, main thread),
where an interval timer can interrupt a solver that would otherwise run until the
command's own timeout.  Outside the main thread no budget is applied.
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any, Callable


class BudgetExceeded(BaseException):
    """Raised inside a budgeted call when its time is up.

    A BaseException so that sympy's broad ``except Exception`` blocks do not
    swallow it.
    """

    def __init__(self, token: object):
        super().__init__("time budget exceeded")
        self.token = token


def run_with_budget(function: Callable[[], Any], seconds: float | None) -> tuple[bool, Any]:
    """Call ``function()``; return (True, result), or (False, None) when time ran out.

    An outer timer that is already running (the guard's, or an outer budget) is
    respected: the budget never outlasts it, and it is re-armed afterwards with
    the time that is left.
    """
    if (
        seconds is None
        or seconds <= 0
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
    ):
        return True, function()
    token = object()

    def interrupt(signum, frame):
        raise BudgetExceeded(token)

    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_delay > 0:
        seconds = min(seconds, max(outer_delay - 0.05, 0.001))
    previous = signal.signal(signal.SIGALRM, interrupt)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return True, function()
    except BudgetExceeded as stop:
        if stop.token is not token:
            raise
        return False, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay > 0:
            left = max(outer_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)
