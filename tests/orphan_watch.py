"""Run deriv as the child of a parent that never reaps what it adopts, and report what is left.

Run by tests/test_guard.py: ``python tests/orphan_watch.py PLAN``, where PLAN is JSON:
``{"deriv": [argv prefix], "runs": [{"args": [...], "input": "...", "signal": null | "SIGTERM" |
"SIGKILL" | "SIGINT"}]}``. A run with a signal sends it to deriv once deriv's worker is running the
job; with ``"workers": N``, once N workers are running jobs (a batch on ``--jobs N``); with
``"group": true``, to deriv's whole process group, as a terminal's Ctrl-C does. A run with
``"head": N`` reads N lines of deriv's stdout and closes it, as ``deriv … | head -N`` does, while
the input is still being written; its stderr is reported.

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
import threading
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


def wait_for_job(process: subprocess.Popen, workers: int = 1) -> None:
    """Until ``workers`` of deriv's workers are running a job: each then has three threads (its
    main one, the lifeline's and the job's), so the signal lands in the middle of computations."""
    deadline = time.monotonic() + 30
    while sum(threads(worker) >= 3 for worker in children(process.pid)) < workers:
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"deriv's workers never ran the jobs (deriv's status: {process.returncode})")
        time.sleep(0.005)


def run(deriv: list[str], plan: dict) -> tuple[int, str | None]:
    if plan.get("head"):
        return run_into_head(deriv, plan)
    group = plan.get("group", False)
    process = subprocess.Popen(deriv + plan["args"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, text=True, start_new_session=group)
    process.stdin.write(plan.get("input", ""))  # a few lines: the pipe holds them
    process.stdin.close()
    if plan.get("signal"):
        wait_for_job(process, plan.get("workers", 1))
        number = getattr(signal, plan["signal"])
        os.killpg(process.pid, number) if group else process.send_signal(number)
    return process.wait(), None


def run_into_head(deriv: list[str], plan: dict) -> tuple[int, str]:
    """``deriv … | head -N``: read N lines, close the pipe, let deriv find out."""
    process = subprocess.Popen(deriv + plan["args"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)

    def feed():
        try:
            process.stdin.write(plan.get("input", ""))
            process.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    for _ in range(plan["head"]):
        process.stdout.readline()
    process.stdout.close()
    errors = process.stderr.read()
    process.wait(timeout=60)
    feeder.join(timeout=60)
    return process.returncode, errors


def main() -> None:
    plan = json.loads(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit("PR_SET_CHILD_SUBREAPER failed")
    outcomes = [run(plan["deriv"], each) for each in plan["runs"]]
    adopted = children(os.getpid())
    for process_id in adopted:
        os.waitid(os.P_PID, process_id, os.WEXITED | os.WNOWAIT)  # ended, and left unreaped
    print(json.dumps({"statuses": [status for status, _ in outcomes], "errors": [errors for _, errors in outcomes],
                      "adopted": [[pid, state(pid)] for pid in adopted]}))


if __name__ == "__main__":
    main()
