"""Many guarded workers at once: a stream of jobs spread over ``jobs`` workers, answers in order.

A batch (``deriv diff -``, a file of formulas checked in CI) is many small independent jobs. The
pool runs them on up to ``jobs`` workers of :mod:`derivcli.guard`, each under the same limits as
a single command's worker, and hands the outcomes back in input order, each as soon as every
earlier one is known: answers stream, and a slow line holds back only the lines after it.

Memory stays flat however long the stream: items are read ahead only as far as a bounded window
(``WINDOW_PER_WORKER`` a worker), and each worker holds at most ``QUEUED_PER_WORKER`` jobs (one
running, the next waiting in its pipe so that it starts at once). A job that runs past the time
limit ends its own worker only: the jobs queued behind it move to other workers, and a new
worker replaces it when one is needed. Items are pulled from the caller's iterable on a thread,
so reading a slow input (a terminal, a pipe) never holds back the answers already computed.

Use::

    with Pool(jobs=4, timeout=20, memory_mb=2048) as pool:
        for tag, outcome in pool.map(job, ((number, request) for number, request in ...)):
            ...  # outcome.value, or outcome.error (a DerivError)

An item whose argument is already an :class:`Outcome` (a comment, a line that failed before it
could run) is not sent to a worker: it passes through in its place.
"""

from __future__ import annotations

import os
import queue
import select
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from derivcli.errors import DerivError, ResourceLimitError
from derivcli.guard import (
    DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, WORKER_ENDED, Worker, encode, keep_from_workers, refuse_unsupported_platform,
    release_to_workers, stopped_error, time_limit_error,
)

QUEUED_PER_WORKER = 2
WINDOW_PER_WORKER = 32
# A job waits in a busy worker's pipe only if it is this small: the pipe then holds it without
# blocking the parent (a pipe holds 16 KiB at least), so the parent never waits on a worker that
# is itself waiting to hand back a large result. Larger jobs go to idle workers only.
QUEUEABLE_BYTES = 4096


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, as ``taskset`` or a container sets
    it); the count of all cores where the system does not say."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS has no sched_getaffinity
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Outcome:
    """What became of one item: its job's ``value``, or the ``error`` it ended with. Both None
    means nothing was run (an item passed through with no answer to give)."""

    value: Any = None
    error: DerivError | None = None


@dataclass
class _Task:
    sequence: int
    tag: Any
    job: bytes


class _Slot:
    """One worker and the tasks sent to it, in order: the first is running since ``started``."""

    def __init__(self, worker: Worker):
        self.worker = worker
        self.tasks: deque[_Task] = deque()
        self.started = 0.0
        self.ended = False  # a send failed: the worker is gone, its outcome still to be read


class Pool:
    """Up to ``jobs`` guarded workers (None: one a usable core); use as a context manager so
    every worker always ends."""

    def __init__(self, jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB):
        self.jobs = max(1, jobs or usable_cores())
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._slots: list[_Slot] = []

    def __enter__(self) -> Pool:
        refuse_unsupported_platform()
        return self

    def __exit__(self, *exception) -> None:
        self.close()

    def close(self) -> None:
        """Kill and reap every worker (see :meth:`derivcli.guard.Guard.close`)."""
        slots, self._slots = self._slots, []
        for slot in slots:
            slot.worker.stop()

    def map(self, function: Callable, items: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Outcome]]:
        """``(tag, Outcome)`` for every ``(tag, argument)`` of ``items``, in their order:
        ``function(argument)`` run in a worker, or the argument itself when it is an Outcome."""
        reader = _Reader(items, WINDOW_PER_WORKER * self.jobs)
        done: dict[int, tuple[Any, Outcome]] = {}
        waiting: deque[_Task] = deque()
        taken = given = 0
        try:
            while True:
                while taken - given < WINDOW_PER_WORKER * self.jobs:
                    item = reader.take()
                    if item is _Reader.NOTHING:
                        break
                    tag, argument = item
                    if isinstance(argument, Outcome):
                        done[taken] = (tag, argument)
                    else:
                        waiting.append(_Task(taken, tag, encode(function, argument)))
                    taken += 1
                self._dispatch(waiting)
                while given in done:
                    yield done.pop(given)
                    given += 1
                if reader.finished and given == taken:
                    return
                room = taken - given < WINDOW_PER_WORKER * self.jobs
                if room and reader.waiting():
                    continue  # its wake-up may have been read already: take the items before any wait
                self._collect(done, waiting, reader if room and not reader.finished else None)
        finally:
            reader.stop()

    def _dispatch(self, waiting: deque[_Task]) -> None:
        """Send waiting tasks to workers: an idle one, a new one while fewer than ``jobs`` run,
        else a short queue."""
        while waiting:
            slot = self._choose(waiting[0])
            if slot is None:
                return
            task = waiting.popleft()
            try:
                slot.worker.send(task.job)
            except OSError:  # the worker is gone; its end is read (and reported) by _collect
                slot.ended = True
                waiting.appendleft(task)
                continue
            if not slot.tasks:
                slot.started = time.monotonic()
            slot.tasks.append(task)

    def _choose(self, task: _Task) -> _Slot | None:
        open_slots = [slot for slot in self._slots if not slot.ended]
        for slot in open_slots:
            if not slot.tasks:
                return slot
        if len(self._slots) < self.jobs:
            try:
                slot = _Slot(Worker(self.timeout, self.memory_mb))
            except ResourceLimitError:  # no process to spare: go on with the workers there are
                if not self._slots:
                    raise
                self.jobs = len(self._slots)
            else:
                self._slots.append(slot)
                return slot
        if len(task.job) > QUEUEABLE_BYTES:
            return None
        queued = [slot for slot in open_slots if len(slot.tasks) < QUEUED_PER_WORKER]
        return min(queued, key=lambda slot: len(slot.tasks), default=None)

    def _collect(self, done: dict, waiting: deque[_Task], wake) -> None:
        """Wait for an outcome, a time limit or (with ``wake``) a new item; file what came."""
        busy = [slot for slot in self._slots if slot.tasks or slot.ended]
        deadlines = [slot.started + self.timeout for slot in busy if slot.tasks]
        left = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        watched = [slot.worker for slot in busy] + ([wake] if wake is not None else [])
        if not watched:
            return
        readable, _, _ = select.select(watched, [], [], left)
        now = time.monotonic()
        for slot in busy:
            if slot.worker in readable:
                self._receive(slot, done, waiting, now)
            elif slot.tasks and now >= slot.started + self.timeout:
                self._end(slot, done, waiting, time_limit_error(self.timeout))

    def _receive(self, slot: _Slot, done: dict, waiting: deque[_Task], now: float) -> None:
        try:
            outcome = slot.worker.receive()
        except WORKER_ENDED:
            self._end(slot, done, waiting, None)
            return
        if not slot.tasks:  # an idle worker has nothing to say: treat it as gone
            self._end(slot, done, waiting, None)
            return
        task = slot.tasks.popleft()
        kind, payload = outcome
        done[task.sequence] = (task.tag, Outcome(value=payload) if kind == "ok" else Outcome(error=payload))
        slot.started = now

    def _end(self, slot: _Slot, done: dict, waiting: deque[_Task], error: DerivError | None) -> None:
        """Stop a worker: its running task fails (``error``, else the reason it ended), the
        tasks queued behind it go back to the front of the line."""
        self._slots.remove(slot)
        reason = slot.worker.stop()
        if slot.tasks:
            task = slot.tasks.popleft()
            done[task.sequence] = (task.tag, Outcome(error=error or stopped_error(reason)))
        waiting.extendleft(reversed(slot.tasks))


class _Reader:
    """Pulls items from an iterable on a thread into a bounded queue, and says so on a pipe that
    the pool's ``select`` watches beside the workers (``fileno``).

    The thread owns the pipe's writing end and closes it when it is done; the pool's thread owns
    the reading end. So neither ever writes to a descriptor the other has closed (and the system
    may have handed out again).
    """

    NOTHING = object()
    _END = object()

    def __init__(self, items: Iterable, capacity: int):
        self._queue: queue.Queue = queue.Queue(maxsize=capacity)
        self._wake_reads, wake_writes = os.pipe()
        keep_from_workers(self._wake_reads, wake_writes)  # else a worker holds it open and no end is seen
        os.set_blocking(self._wake_reads, False)
        os.set_blocking(wake_writes, False)
        self._stopped = threading.Event()
        self.finished = False
        self._thread = threading.Thread(target=self._pull, args=(iter(items), wake_writes),
                                        name="deriv-reader", daemon=True)
        self._thread.start()

    def fileno(self) -> int:
        return self._wake_reads

    def _pull(self, items: Iterator, wake: int) -> None:
        # Signals go to the pool's thread: a Ctrl-C taken by this thread, blocked in a read,
        # would wake nobody, and Python would run its handler only when the pool's wait ends.
        signal.pthread_sigmask(signal.SIG_BLOCK, _ASYNCHRONOUS_SIGNALS)
        try:
            for item in items:
                if not self._put(item, wake):
                    return
            self._put(self._END, wake)
        except BaseException as error:  # raised again in the pool's thread
            self._put(_Failure(error), wake)
        finally:
            release_to_workers(wake)
            os.close(wake)

    def _put(self, item, wake: int) -> bool:
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.2)
            except queue.Full:
                continue
            try:
                os.write(wake, b"!")
            except OSError:
                pass  # the pipe is full (the pool will wake anyway) or the pool has stopped reading
            return True
        return False

    def waiting(self) -> bool:
        """Whether items (or the end) wait in the queue, whatever the pipe says."""
        return not self.finished and not self._queue.empty()

    def take(self):
        """The next item, or NOTHING if none has been read yet; raises what reading raised."""
        if self.finished:
            return self.NOTHING
        try:
            while os.read(self._wake_reads, 4096):
                pass
        except BlockingIOError:
            pass
        try:
            item = self._queue.get_nowait()
        except queue.Empty:
            return self.NOTHING
        if item is self._END or isinstance(item, _Failure):
            self.finished = True
            if isinstance(item, _Failure):
                raise item.error
            return self.NOTHING
        return item

    def stop(self) -> None:
        """Let the thread go (it ends at its next item) and close the reading end."""
        self._stopped.set()
        release_to_workers(self._wake_reads)
        try:
            os.close(self._wake_reads)
        except OSError:
            pass


_ASYNCHRONOUS_SIGNALS = {getattr(signal, name) for name in (
    "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGALRM", "SIGCHLD", "SIGWINCH", "SIGUSR1", "SIGUSR2")
    if hasattr(signal, name)}


@dataclass
class _Failure:
    error: BaseException
