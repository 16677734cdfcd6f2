"""Run deriv as the child of a parent that never reaps what it adopts, and report what is left.

Run by tests/test_guard.py: ``python tests/orphan_watch.py PLAN``, where PLAN is JSON:
``{"deriv": [argv prefix], "runs": [{"args": [...], "input": "...", "signal": null | "SIGTERM" |
"SIGKILL"}]}``. A run with a signal sends it to deriv once deriv's worker is running the job.

This process makes itself the "child subreaper" (Linux's PR_SET_CHILD_SUBREAPER): a worker that
deriv leaves behind is adopted by it, as a container's first process would adopt it, and it
reaps only deriv itself. It prints JSON: each run's exit status, and the adopted processes with
their state (``Z`` is a zombie) once every adopted process has ended, which it waits for
without reaping (``waitid`` with ``WNOWAIT``).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def children(process_id: int) -> list[int]:
    with open(f"/proc/{process_id}/task/{process_id}/children") as listing:
        return [int(word) for word in listing.read().split()]


def state(process_id: int) -> str:
    with open(f"/proc/{process_id}/stat") as status:
        return status.read().rsplit(") ", 1)[1].split()[0]


def threads(process_id: int) -> int:
    try:
        return len(os.listdir(f"/proc/{process_id}/task"))
    except FileNotFoundError:
        return 0


def wait_for_job(process: subprocess.Popen) -> None:
    """Until deriv's worker is running the job: it then has three threads (its main one, the
    lifeline's and the job's), so the signal lands in the middle of a computation."""
    deadline = time.monotonic() + 30
    while not any(threads(worker) >= 3 for worker in children(process.pid)):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"deriv's worker never ran the job (deriv's status: {process.returncode})")
        time.sleep(0.005)


def run(deriv: list[str], plan: dict) -> int:
    process = subprocess.Popen(deriv + plan["args"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, text=True)
    if plan.get("signal"):
        wait_for_job(process)
        process.send_signal(getattr(signal, plan["signal"]))
    process.communicate(plan.get("input", ""))
    return process.returncode


def main() -> None:
    plan = json.loads(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit("PR_SET_CHILD_SUBREAPER failed")
    statuses = [run(plan["deriv"], each) for each in plan["runs"]]
    adopted = children(os.getpid())
    for process_id in adopted:
        os.waitid(os.P_PID, process_id, os.WEXITED | os.WNOWAIT)  # ended, and left unreaped
    print(json.dumps({"statuses": statuses, "adopted": [[pid, state(pid)] for pid in adopted]}))


if __name__ == "__main__":
    main()
