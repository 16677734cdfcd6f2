"""Run computations in a forked worker under wall-clock, CPU and memory limits.

Symbolic work on untrusted formulas can hang or eat memory (``x**factorial(10**7)``), so every
computation of a command runs in a child process. The parent waits at most ``timeout`` seconds,
then kills the child and raises :class:`ResourceLimitError`. The child caps its own address space
and CPU time, so a runaway allocation fails inside it, never in the parent.

One worker serves many jobs in turn (a batch from stdin keeps sympy's caches warm); it is replaced
only when a job hits a limit. :class:`Worker` is the parent's handle on one worker process; a
:class:`Guard` drives one of them for a command, :mod:`derivcli.workers` several for a batch.
Jobs and their results cross the process boundary by pickle, so they are top-level functions and
plain dataclasses. The parent reaps every worker it ends, so no run
leaves a zombie behind, even where the first process of a container never reaps.

Platforms (see :data:`PLATFORM_NOTE`): Linux has every limit. macOS has the time limits, and a
worker still ends with its parent (through a lifeline pipe, as macOS has no PR_SET_PDEATHSIG),
but the memory limit is not enforced: macOS ignores RLIMIT_AS. Windows has no ``fork``, so a
command refuses to start there, in one line, rather than run unguarded.
"""

from __future__ import annotations

import os
import pickle
import queue
import select
import signal
import struct
import sys
import threading
import time
from typing import Any, Callable

from derivcli.errors import DerivError, InternalError, ResourceLimitError, UsageError

try:
    import resource
except ImportError:  # Windows: the guard refuses to start (Guard.__enter__)
    resource = None

DEFAULT_TIMEOUT = 20.0
DEFAULT_MEMORY_MB = 2048
JOB_STACK_BYTES = 256 * 1024 * 1024
JOB_RECURSION_LIMIT = 20_000
_PR_SET_PDEATHSIG = 1
PLATFORM_NOTE = (
    "Linux enforces every limit. On macOS the time limits hold but --memory is not enforced "
    "(macOS ignores RLIMIT_AS). Windows is not supported (no fork): deriv refuses to run a "
    "computation there; use WSL."
)


class Guard:
    """A guarded worker process; use as a context manager so the worker always ends."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._worker: Worker | None = None

    def __enter__(self) -> Guard:
        refuse_unsupported_platform()
        return self

    def __exit__(self, *exception) -> None:
        self.close()

    def run(self, function, argument, meanwhile: Callable[[], Any] | None = None):
        """Call ``function(argument)`` in the worker and return its result, or raise its error.

        ``meanwhile()``, if given, runs in this process while the worker computes (a command
        loads its renderer then); the time limit counts from the moment the job is sent.
        """
        if self._worker is None:
            self._worker = Worker(self.timeout, self.memory_mb)
        deadline = time.monotonic() + self.timeout
        try:
            self._worker.send(encode(function, argument))
        except OSError:
            self._stop()
            raise InternalError("the worker process ended unexpectedly") from None
        if meanwhile is not None:
            meanwhile()
        if not self._worker.ready(max(0.0, deadline - time.monotonic())):
            self._stop()
            raise time_limit_error(self.timeout)
        try:
            outcome = self._worker.receive()
        except WORKER_ENDED:
            raise stopped_error(self._stop()) from None
        return unwrap(outcome)

    def close(self) -> None:
        """End the worker and reap it: a worker left unreaped would be a zombie of whatever
        process adopts it (a container's first process may never reap). Reaping a killed worker
        takes about a millisecond; the interpreter's own teardown, which deriv skips, is the
        expensive part of an exit."""
        if self._worker is not None:
            self._stop()

    def _stop(self) -> str:
        worker, self._worker = self._worker, None
        return worker.stop()


# What receiving from a worker raises when the worker is gone (killed, out of memory, crashed).
WORKER_ENDED = (EOFError, OSError, pickle.UnpicklingError)


def time_limit_error(timeout: float) -> ResourceLimitError:
    """The error of a job that ran past the wall-clock limit (its worker is then ended)."""
    return ResourceLimitError(f"the computation exceeded the {timeout:g} s limit", hint="raise it with --timeout")


def stopped_error(reason: str) -> ResourceLimitError:
    """The error of a job whose worker ended under it (``reason`` from :meth:`Worker.stop`)."""
    return ResourceLimitError(
        f"the computation was stopped: {reason}",
        hint="the expression is too large for the memory or CPU limit",
    )


def encode(function, argument) -> bytes:
    """A job as the worker reads it: ``function`` (a top-level function) and its argument, pickled."""
    return pickle.dumps((function, argument), protocol=pickle.HIGHEST_PROTOCOL)


def unwrap(outcome):
    """The result a worker sent back, or its error raised here."""
    kind, payload = outcome
    if kind == "ok":
        return payload
    raise payload


# The parent's ends of the pipes of every running worker (and of a batch's reader: see
# keep_from_workers). A worker forked later closes them, so that each pipe (above all a worker's
# lifeline) closes when the parent's own ends do.
_PARENT_DESCRIPTORS: set[int] = set()


def keep_from_workers(*descriptors: int) -> None:
    """Workers forked from now on close these descriptors of the parent's at once."""
    _PARENT_DESCRIPTORS.update(descriptors)


def release_to_workers(*descriptors: int) -> None:
    """Forget descriptors given to keep_from_workers: call it before closing them, so that a
    worker forked later never closes a number the system has handed out again."""
    _PARENT_DESCRIPTORS.difference_update(descriptors)


class Worker:
    """One forked worker process under the limits, as its parent sees it: send a job, wait for
    the outcome, receive it; stop it (kill and reap). Jobs are served one after another in the
    order sent; each job's CPU limit starts when the worker takes it up."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB):
        refuse_unsupported_platform()
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        lifeline_reads, lifeline_writes = os.pipe()  # never written: it closes when the parent ends
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            process_id = os.fork()
        except OSError as error:  # the process limit (RLIMIT_NPROC, a container's pids limit)
            for descriptor in (child_reads, parent_writes, parent_reads, child_writes, lifeline_reads, lifeline_writes):
                os.close(descriptor)
            raise ResourceLimitError(f"cannot start a worker process: {error.strerror or error}",
                                     hint="fewer --jobs, or a higher process limit") from None
        if process_id == 0:
            for descriptor in (parent_writes, parent_reads, lifeline_writes, *_PARENT_DESCRIPTORS):
                os.close(descriptor)
            _PARENT_DESCRIPTORS.clear()
            _serve(_Channel(child_reads, child_writes), lifeline_reads, timeout, memory_mb)
            os._exit(0)
        for descriptor in (child_reads, child_writes, lifeline_reads):
            os.close(descriptor)
        self.process_id = process_id
        self._channel = _Channel(parent_reads, parent_writes, lifeline_writes)
        _PARENT_DESCRIPTORS.update((parent_reads, parent_writes, lifeline_writes))

    def fileno(self) -> int:
        """The descriptor that becomes readable when an outcome arrives or the worker ends."""
        return self._channel.reading

    def send(self, job: bytes) -> None:
        """Send an :func:`encode`-d job; OSError when the worker is gone."""
        self._channel.send_bytes(job)

    def ready(self, timeout: float) -> bool:
        """Whether an outcome starts arriving (or the worker ends) within ``timeout`` seconds."""
        return self._channel.ready(timeout)

    def receive(self):
        """The next outcome, ("ok", result) or ("error", error); one of WORKER_ENDED when the
        worker is gone."""
        return self._channel.receive()

    def stop(self) -> str:
        """Kill and reap the worker; say why it ended, as far as the parent can tell."""
        _PARENT_DESCRIPTORS.difference_update(
            (self._channel.reading, self._channel.writing, self._channel.lifeline))
        self._channel.close()
        try:
            os.kill(self.process_id, signal.SIGKILL)
        except ProcessLookupError:
            pass
        status = _reap(self.process_id)
        reason = "the worker process ended"
        if status is None:
            return reason
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            if number == signal.SIGXCPU:
                return "the CPU time limit was reached"
            if number in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
                return "the memory limit was reached"
        return reason


def _reap(process_id: int) -> int | None:
    """Wait for the killed worker to end and collect its status (None if already collected)."""
    while True:
        try:
            return os.waitpid(process_id, 0)[1]
        except InterruptedError:
            continue
        except ChildProcessError:
            return None


def refuse_unsupported_platform() -> None:
    """Windows has no ``fork``: say so in one line rather than compute without limits."""
    if not hasattr(os, "fork") or resource is None:
        raise UsageError(
            "this system has no fork(), which deriv needs to run each computation under its "
            "time and memory limits; run deriv on Linux, macOS or WSL"
        )


class _Channel:
    """Pickled messages over a pair of pipes, each prefixed with its length; the parent's end
    also holds the worker's lifeline (see :func:`_die_with_parent`)."""

    _HEADER = struct.Struct("!Q")

    def __init__(self, reading: int, writing: int, lifeline: int | None = None):
        self.reading = reading
        self.writing = writing
        self.lifeline = lifeline

    def send(self, message) -> None:
        self.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def send_bytes(self, data: bytes) -> None:
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
        for descriptor in (self.reading, self.writing, self.lifeline):
            if descriptor is None:
                continue
            try:
                os.close(descriptor)
            except OSError:
                pass


def _serve(channel: _Channel, lifeline: int, timeout: float, memory_mb: int) -> None:
    """The worker's loop: take a job, run it under the limits, send back the outcome."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # A budget's interruption that lands in a finaliser or a gc callback is reported through
    # sys.unraisablehook ("Exception ignored in ..."), then raised again by the watchdog. ``id``
    # is a C function: it runs no Python code that a further interruption could land in, and it
    # prints nothing. A finaliser's own bug is silenced too: it cannot change an answer, and the
    # contract allows no traceback on stderr.
    sys.unraisablehook = id
    _die_with_parent(lifeline)
    _limit_memory(memory_mb)
    runner = _JobThread()
    while True:
        try:
            function, argument = channel.receive()
        except (EOFError, OSError):
            return
        _limit_cpu(timeout)
        outcome = runner.run(function, argument)
        try:
            channel.send(outcome)
        except OSError:
            return
        except Exception as error:  # the result could not be pickled
            channel.send(("error", _internal(error)))


class _JobThread:
    """The one thread, with a large stack so that deep expressions don't overflow, on which a
    worker runs its jobs one after another.

    One thread for all of them: with a thread started for each job, 300 batch lines took 2.16,
    2.51 and 2.18 s in three interleaved runs, against 1.91, 2.17 and 2.09 s on one lasting
    thread. Where no such thread can start, jobs run on the worker's main thread.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._outcomes: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._failed = False

    def run(self, function, argument):
        if self._thread is None and not self._failed:
            self._start()
        if self._thread is None:
            return _outcome(function, argument)
        self._jobs.put((function, argument))
        return self._outcomes.get()

    def _start(self) -> None:
        previous = threading.stack_size()
        try:
            threading.stack_size(JOB_STACK_BYTES)
            sys.setrecursionlimit(JOB_RECURSION_LIMIT)
            thread = threading.Thread(target=self._serve, name="deriv-job", daemon=True)
            try:
                thread.start()
            finally:
                # only the job's thread gets the deep stack: any thread started inside a job
                # (the budgets' watchdog) would reserve as much address space and exhaust --memory
                threading.stack_size(previous)
        except (RuntimeError, MemoryError, ValueError):
            self._failed = True
            return
        self._thread = thread

    def _serve(self) -> None:
        while True:
            function, argument = self._jobs.get()
            try:
                outcome = _outcome(function, argument)
            except BaseException:  # an interruption that landed outside the job's own handlers
                outcome = ("error", _out_of_time())
            self._outcomes.put(outcome)


def _outcome(function, argument):
    try:
        return ("ok", function(argument))
    except DerivError as error:
        return ("error", error)
    except MemoryError:
        return ("error", ResourceLimitError("the computation ran out of memory", hint="raise it with --memory"))
    except BudgetExceeded:
        return ("error", _out_of_time())
    except RecursionError:
        return ("error", ResourceLimitError("the expression nests too deeply to compute"))
    except Exception as error:
        return ("error", _internal(error))


def _out_of_time() -> ResourceLimitError:
    """The error of a job whose budgeted step ran out of time (and had no fallback)."""
    return ResourceLimitError("a step of the computation ran out of time", hint="raise it with --timeout")


def _internal(error: Exception) -> InternalError:
    import traceback

    details = "".join(traceback.format_exception(error))
    summary = f"{type(error).__name__}: {error}"
    if len(summary) > 200:
        summary = summary[:197] + "..."
    return InternalError(f"internal error ({summary})", hint="this is a bug in deriv; --debug shows the traceback", details=details)


def _die_with_parent(lifeline: int) -> None:
    """End this worker when its parent dies (SIGKILL, crash), even in the middle of a job.

    Linux kills it at once (PR_SET_PDEATHSIG). Everywhere, a thread also waits on the lifeline,
    a pipe the parent never writes to: the read returns when the parent's end closes, which the
    kernel does when the parent dies. On macOS, which has no PR_SET_PDEATHSIG, that is what ends
    an orphaned worker.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        try:
            os.read(lifeline, 1)
        finally:
            os._exit(0)

    threading.Thread(target=watch, name="deriv-lifeline", daemon=True).start()
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

    The watchdog raises the exception in this thread when the time is up, and again every
    ``RETRY_SECONDS`` until the call has really ended: a finaliser or a gc callback that the
    exception happens to land in swallows it, and the job would otherwise run on unbounded.
    """
    if seconds is None or seconds <= 0:
        return True, function()

    class _ThisBudget(BudgetExceeded):
        """Only this call's watchdog entry raises this class."""

    budget = _Budget(threading.get_ident(), _ThisBudget)
    try:
        return True, _watched(function, seconds, budget)
    except _ThisBudget:
        return False, None


RETRY_SECONDS = 0.005
# While a budget's exception is on its way, threads take turns with the GIL this often (Python's
# default is 5 ms): the watchdog and the interrupted thread then each wait less for their turn.
FIRING_SWITCH_INTERVAL = 0.0005


class _Budget:
    """One budgeted call as the watchdog sees it: whom to interrupt, with what, and whether."""

    __slots__ = ("thread", "stop", "active", "fired")

    def __init__(self, thread: int, stop: type[BudgetExceeded]):
        self.thread = thread
        self.stop = stop
        self.active = True
        self.fired = False


def _watched(function, seconds, budget: _Budget):
    """``function()`` with the watchdog armed for ``budget``, disarmed however the call ends.

    An interruption is delivered at the next check of the interpreter (a call, a loop's jump
    back, a function's start), never inside one bytecode. So the first statement of the
    ``finally`` clause, an attribute store, always runs: once it has, the watchdog never raises
    this budget's exception again, and one still pending is withdrawn under the watchdog's lock.
    An interruption landing anywhere else here is either this budget's (its caller reads "out of
    time") or an outer budget's (it propagates to that budget), never a stray one.
    """
    try:
        _WATCHDOG.arm(budget, seconds)
        return function()
    finally:
        budget.active = False
        with _WATCHDOG.lock:
            fired = budget.fired
            if fired:  # at once, not at the watchdog's next look: the caller sees its hook back
                _WATCHDOG.ended(budget)
        if fired:
            _withdraw_pending(budget.thread)


def _withdraw_pending(thread: int) -> None:
    """Cancel the exception pending in ``thread``: this budget's late one, or an outer budget's,
    which the watchdog raises again within ``RETRY_SECONDS``."""
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), None)


class _Watchdog:
    """One thread that ends every budget when its deadline passes, for every thread.

    A thread per budget would cost a stack and a malloc arena each, and budgets nest
    (a limit inside a classification inside a job): under --memory a few of them were
    enough to make "can't start new thread" of a plain answer.

    The budgeted threads only take ``lock`` (a plain lock: acquiring it runs no Python code that
    an interruption could land in) and release ``_wake``; the watchdog alone waits.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._wake = threading.Lock()
        self._wake.acquire()  # held means "nothing new"; released by arm() to wake the watchdog
        self._deadlines: list = []  # a heap of (deadline, order, budget)
        self._order = 0
        self._thread: threading.Thread | None = None
        self._firing: set = set()  # budgets raised and not yet over
        self._switch_interval = sys.getswitchinterval()
        self._previous_hook = self._quiet_hook = None  # see _quieten_unraisable

    def arm(self, budget: _Budget, seconds: float) -> None:
        import heapq

        with self.lock:
            self._order += 1
            heapq.heappush(self._deadlines, (time.monotonic() + seconds, self._order, budget))
            if len(self._deadlines) > 256:  # forget ended budgets that have not reached the top yet
                self._deadlines = [item for item in self._deadlines if item[2].active or item[2].fired]
                heapq.heapify(self._deadlines)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="deriv-budgets", daemon=True)
                self._thread.start()
        try:
            self._wake.release()
        except RuntimeError:
            pass  # already released: the watchdog will look at the deadlines anyway

    def _watch(self) -> None:
        import ctypes
        import heapq

        raise_in = ctypes.pythonapi.PyThreadState_SetAsyncExc
        while True:
            with self.lock:
                while self._deadlines and not self._deadlines[0][2].active:
                    self.ended(heapq.heappop(self._deadlines)[2])
                left = self._deadlines[0][0] - time.monotonic() if self._deadlines else None
                if left is not None and left <= 0:
                    _, order, budget = heapq.heappop(self._deadlines)
                    if not self._firing:
                        self._switch_interval = sys.getswitchinterval()
                        sys.setswitchinterval(FIRING_SWITCH_INTERVAL)
                        self._quieten_unraisable()
                    self._firing.add(budget)
                    budget.fired = True
                    raise_in(ctypes.c_ulong(budget.thread), ctypes.py_object(budget.stop))
                    heapq.heappush(self._deadlines, (time.monotonic() + RETRY_SECONDS, order, budget))
                    continue
            self._wake.acquire(timeout=-1 if left is None else left)

    def ended(self, budget: _Budget) -> None:
        """Forget a budget that is over (called with ``lock`` held); the last one raised gives back
        the usual GIL turns and the unraisable hook."""
        if budget in self._firing:
            self._firing.discard(budget)
            if not self._firing:
                sys.setswitchinterval(self._switch_interval)
                self._restore_unraisable()

    def _quieten_unraisable(self) -> None:
        """While budgets fire, an interruption that lands in a finaliser or a gc callback is not
        reported ("Exception ignored in ..."): it is the budget's own, raised again until the call
        ends. Every other unraisable exception still reaches the hook that was there before."""
        previous = sys.unraisablehook

        def hook(unraisable) -> None:
            if not isinstance(unraisable.exc_value, BudgetExceeded):
                previous(unraisable)

        self._previous_hook, self._quiet_hook = previous, hook
        sys.unraisablehook = hook

    def _restore_unraisable(self) -> None:
        if sys.unraisablehook is self._quiet_hook:
            sys.unraisablehook = self._previous_hook
        self._previous_hook = self._quiet_hook = None


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    # a forked worker starts with no budgets, no watchdog thread and no lock held
    os.register_at_fork(after_in_child=_WATCHDOG.__init__)
