"""Many short budgets around code that allocates and frees objects with finalisers, on two
threads, inside a guarded worker; prints what happened to each budget as JSON.

Run by tests/test_guard.py in a fresh interpreter, so that stderr is exactly the program's own
(pytest's unraisable-exception hook must not hide an "Exception ignored in" report):

    python tests/stress_budgets.py BUDGETS SECONDS

Most of the job's time is spent inside finalisers (``__del__``, ``weakref.finalize`` callbacks,
a gc callback, collections of reference cycles), which is where a budget's interruption used to
be swallowed: the job then ran on past its budget. Unless interrupted, every job runs for
``seconds + UNINTERRUPTED_SECONDS``, so a lost budget shows as an overrun of seconds, not
milliseconds.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
import time
import weakref
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from derivcli.guard import Guard, run_with_budget  # noqa: E402

UNINTERRUPTED_SECONDS = 2.0


def busy(rounds: int) -> int:
    total = 0
    for number in range(rounds):
        total += number * number
    return total


class Finalised:
    """An object whose finaliser does enough work to be interrupted in the middle of it."""

    def __init__(self) -> None:
        self.cycle = self  # freed by the cycle collector half the time, by reference count else

    def __del__(self) -> None:
        busy(60)


def garbage_collected(phase, info) -> None:
    busy(100)


def churn(deadline: float, clock: dict) -> str:
    """Allocate and free finalisable objects until ``UNINTERRUPTED_SECONDS`` past ``deadline``.

    ``clock["before"]`` keeps this thread's CPU time at the last moment it was seen to be still
    inside its budget: the CPU it spends after that is its overrun (an upper estimate, by one
    round of the loop, about half a millisecond).
    """
    while True:
        now = time.monotonic()
        if now < deadline:
            clock["before"] = time.thread_time()
        elif now > deadline + UNINTERRUPTED_SECONDS:
            return "not interrupted"
        for _ in range(20):
            plain = Finalised()
            plain.cycle = None
            del plain
            Finalised()  # a cycle: its finaliser runs in a gc pass
            holder = type("Holder", (), {})()
            weakref.finalize(holder, busy, 150)
            del holder
        gc.collect(0)


def budgets_on_this_thread(count: int, seconds: float, records: list) -> None:
    """Run ``count`` budgets one after another; record (finished, wall overrun, CPU overrun)."""
    for _ in range(count):
        started = time.monotonic()
        clock = {"before": time.thread_time()}
        finished, _ = run_with_budget(lambda: churn(started + seconds, clock), seconds)
        ended = time.thread_time()
        records.append((finished, time.monotonic() - started - seconds, ended - clock["before"]))


def stress(arguments: tuple[int, float]) -> dict:
    """The job: ``count`` budgets of ``seconds`` each, half on each of two threads."""
    count, seconds = arguments
    gc.callbacks.append(garbage_collected)
    records: list = []
    threads = [threading.Thread(target=budgets_on_this_thread, args=(count // 2, seconds, records))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gc.callbacks.remove(garbage_collected)
    return {
        "budgets": len(records),
        "finished": sum(1 for finished, _, _ in records if finished),
        "wall_overruns": sorted(wall for _, wall, _ in records),
        "cpu_overruns": sorted(cpu for _, _, cpu in records),
    }


def main() -> None:
    count, seconds = int(sys.argv[1]), float(sys.argv[2])
    with Guard(timeout=600) as guard:
        print(json.dumps(guard.run(stress, (count, seconds))))


if __name__ == "__main__":
    main()
