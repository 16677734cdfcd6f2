"""Run computations in a forked worker under wall-clock, CPU and memory limits.

Symbolic work on untrusted formulas can hang or eat memory (``x**factorial(10**7)``), so every
computation of a command runs in a child process. The parent waits at most ``timeout`` seconds,
then kills the child and raises :class:`ResourceLimitError`. The child caps its own address space
and CPU time, so a runaway allocation fails inside it, never in the parent.

One worker serves many jobs in turn (a batch from stdin keeps sympy's caches warm); it is replaced
only when a job hits a limit. Jobs and their results cross the process boundary by pickle, so they
are top-level functions and plain dataclasses.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import struct
import sys
import threading
import time
from typing import Any, Callable

from derivcli.errors import DerivError, InternalError, ResourceLimitError

DEFAULT_TIMEOUT = 20.0
DEFAULT_MEMORY_MB = 2048
JOB_STACK_BYTES = 256 * 1024 * 1024
JOB_RECURSION_LIMIT = 20_000
_PR_SET_PDEATHSIG = 1


class Guard:
    """A guarded worker process; use as a context manager so the worker always ends."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._process_id: int | None = None
        self._channel: _Channel | None = None

    def __enter__(self) -> Guard:
        return self

    def __exit__(self, *exception) -> None:
        self.close()

    def run(self, function, argument):
        """Call ``function(argument)`` in the worker and return its result, or raise its error."""
        if self._channel is None:
            self._start()
        try:
            self._channel.send((function, argument))
        except OSError:
            self._stop()
            raise InternalError("the worker process ended unexpectedly") from None
        if not self._channel.ready(self.timeout):
            self._stop()
            raise ResourceLimitError(
                f"the computation exceeded the {self.timeout:g} s limit",
                hint="raise it with --timeout",
            )
        try:
            outcome, payload = self._channel.receive()
        except (EOFError, OSError, pickle.UnpicklingError):
            reason = self._stop()
            raise ResourceLimitError(
                f"the computation was stopped: {reason}",
                hint="the expression is too large for the memory or CPU limit",
            ) from None
        if outcome == "ok":
            return payload
        raise payload

    def close(self) -> None:
        """End the worker, without waiting for it when the program is about to exit anyway."""
        if self._channel is not None:
            self._stop(wait=False)

    def _start(self) -> None:
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        process_id = os.fork()
        if process_id == 0:
            os.close(parent_writes)
            os.close(parent_reads)
            _serve(_Channel(child_reads, child_writes), self.timeout, self.memory_mb)
            os._exit(0)
        os.close(child_reads)
        os.close(child_writes)
        self._process_id = process_id
        self._channel = _Channel(parent_reads, parent_writes)

    def _stop(self, wait: bool = True) -> str:
        """Kill the worker (and reap it when asked); say why it ended, as far as the parent can tell."""
        reason = "the worker process ended"
        channel, process_id = self._channel, self._process_id
        self._channel = self._process_id = None
        if channel is not None:
            channel.close()
        if process_id is None:
            return reason
        try:
            os.kill(process_id, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            _, status = os.waitpid(process_id, 0 if wait else os.WNOHANG)
        except ChildProcessError:
            return reason
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            if number == signal.SIGXCPU:
                return "the CPU time limit was reached"
            if number in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
                return "the memory limit was reached"
        return reason


class _Channel:
    """Pickled messages over a pair of pipes, each prefixed with its length."""

    _HEADER = struct.Struct("!Q")

    def __init__(self, reading: int, writing: int):
        self.reading = reading
        self.writing = writing

    def send(self, message) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(self._HEADER.pack(len(data)) + data)
        while view:
            written = os.write(self.writing, view)
            view = view[written:]

    def ready(self, timeout: float) -> bool:
        """Wait until a message starts arriving (or the other end closes), at most ``timeout``."""
        readable, _, _ = select.select([self.reading], [], [], timeout)
        return bool(readable)

    def receive(self):
        (size,) = self._HEADER.unpack(self._read(self._HEADER.size))
        return pickle.loads(self._read(size))

    def _read(self, size: int) -> bytes:
        chunks, remaining = [], size
        while remaining:
            chunk = os.read(self.reading, min(remaining, 1 << 20))
            if not chunk:
                raise EOFError("the other end closed")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        for descriptor in (self.reading, self.writing):
            try:
                os.close(descriptor)
            except OSError:
                pass


def _serve(channel: _Channel, timeout: float, memory_mb: int) -> None:
    """The worker's loop: take a job, run it under the limits, send back the outcome."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    _die_with_parent()
    _limit_memory(memory_mb)
    while True:
        try:
            function, argument = channel.receive()
        except (EOFError, OSError):
            return
        _limit_cpu(timeout)
        outcome = _run_on_large_stack(function, argument)
        try:
            channel.send(outcome)
        except OSError:
            return
        except Exception as error:  # the result could not be pickled
            channel.send(("error", _internal(error)))


def _run_on_large_stack(function, argument):
    """Run the job on a thread with a large stack, so deep expressions don't overflow."""
    box = {}

    def target():
        box["outcome"] = _outcome(function, argument)

    previous = threading.stack_size()
    try:
        threading.stack_size(JOB_STACK_BYTES)
        sys.setrecursionlimit(JOB_RECURSION_LIMIT)
        thread = threading.Thread(target=target, name="deriv-job")
        try:
            thread.start()
        finally:
            # only the job's thread gets the deep stack: the timers of run_with_budget, started
            # inside the job, would each reserve as much address space and exhaust --memory
            threading.stack_size(previous)
        thread.join()
    except (RuntimeError, MemoryError, ValueError):
        box["outcome"] = _outcome(function, argument)
    return box["outcome"]


def _outcome(function, argument):
    try:
        return ("ok", function(argument))
    except DerivError as error:
        return ("error", error)
    except MemoryError:
        return ("error", ResourceLimitError("the computation ran out of memory", hint="raise it with --memory"))
    except BudgetExceeded:
        return ("error", ResourceLimitError("a step of the computation ran out of time", hint="raise it with --timeout"))
    except RecursionError:
        return ("error", ResourceLimitError("the expression nests too deeply to compute"))
    except Exception as error:
        return ("error", _internal(error))


def _internal(error: Exception) -> InternalError:
    import traceback

    details = "".join(traceback.format_exception(error))
    summary = f"{type(error).__name__}: {error}"
    if len(summary) > 200:
        summary = summary[:197] + "..."
    return InternalError(f"internal error ({summary})", hint="this is a bug in deriv; --debug shows the traceback", details=details)


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (SIGTERM, crash): no orphans."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:
        os._exit(0)


def _limit_memory(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def _limit_cpu(timeout: float) -> None:
    """Allow this job the CPU seconds of the timeout (plus a margin) beyond what the worker used."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(spent + timeout) + 2
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):
        pass


class BudgetExceeded(BaseException):
    """Raised inside a budgeted call when its time is up.

    A BaseException, like KeyboardInterrupt, so that sympy's broad ``except Exception`` blocks
    cannot swallow it.
    """


def run_with_budget(function: Callable[[], Any], seconds: float | None) -> tuple[bool, Any]:
    """Call ``function()`` with ``seconds`` of wall-clock time: (True, result), or (False, None)
    when time ran out.

    For work that has a fallback (a symbolic solve before a numeric search, a simplification
    that may be skipped, a limit that only makes a message kinder): the whole job stays inside
    the guard's limit. Each call raises its own subclass of BudgetExceeded, so nested budgets
    stay apart: an inner call never mistakes the outer budget's end for its own.
    """
    if seconds is None or seconds <= 0:
        return True, function()

    class _ThisBudget(BudgetExceeded):
        """Only this call's timer raises this class."""

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
    """Any other thread (the guard runs jobs on one): the watchdog raises ``stop`` in it,
    between two bytecodes, which interrupts sympy's pure-Python loops."""
    import ctypes

    thread_id = threading.get_ident()
    entry = _WATCHDOG.arm(seconds, thread_id, stop)
    try:
        result = function()
    finally:
        fired = _WATCHDOG.disarm(entry)
    if fired:
        # raised too late to interrupt: withdraw it, the answer is complete
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)
    return result


class _Watchdog:
    """One thread that ends every budget of the other threads when its deadline passes.

    A thread per budget would cost a stack and a malloc arena each, and budgets nest
    (a limit inside a classification inside a job): under --memory a few of them were
    enough to make "can't start new thread" of a plain answer.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._deadlines: list = []  # a heap of (deadline, order, entry)
        self._order = 0
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float, thread_id: int, stop) -> dict:
        import heapq

        entry = {"thread": thread_id, "stop": stop, "active": True, "fired": False}
        with self._condition:
            self._order += 1
            heapq.heappush(self._deadlines, (time.monotonic() + seconds, self._order, entry))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._watch, name="deriv-budgets", daemon=True)
                self._thread.start()
            self._condition.notify()
        return entry

    def disarm(self, entry: dict) -> bool:
        """Stop watching ``entry``; True when its exception was already raised."""
        import heapq

        with self._condition:
            entry["active"] = False
            if len(self._deadlines) > 256:  # forget ended budgets that have not reached the top yet
                self._deadlines = [item for item in self._deadlines if item[2]["active"]]
                heapq.heapify(self._deadlines)
            return entry["fired"]

    def _watch(self) -> None:
        import ctypes
        import heapq

        with self._condition:
            while True:
                while self._deadlines and not self._deadlines[0][2]["active"]:
                    heapq.heappop(self._deadlines)
                if not self._deadlines:
                    self._condition.wait()
                    continue
                left = self._deadlines[0][0] - time.monotonic()
                if left > 0:
                    self._condition.wait(left)
                    continue
                _, _, entry = heapq.heappop(self._deadlines)
                entry["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(entry["thread"]), ctypes.py_object(entry["stop"]))


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_WATCHDOG.__init__)  # a forked worker starts with no budgets and no lock held
