"""Start-up cost of short commands against ``python -c "import sympy"``, the floor.

sympy's import dominates a short command, so it is the floor. The contenders:

- piped ``deriv diff "x**2" --at 3`` (target ≤ 1.10× the floor) and piped ``deriv eval``;
- ``deriv diff "sin(x**2)" --at 1`` on a terminal: a pseudo-terminal (the ``pty`` module) of
  100 × 40 is its stdout and stderr, so it draws the tree with colours (target ≤ 1.30×);
- ``deriv --version``, which loads neither sympy nor rich.

Every command is timed as a whole process, the contenders interleaved in one run, and the medians
compared (the machine is shared and noisy, so only the ratios mean something). Each runs as an
installed copy does, with its bytecode compiled: PYTHONDONTWRITEBYTECODE is dropped, so the first
(warm-up) run writes deriv's ``__pycache__`` (sympy's was written by pip). With it set, every run
compiles deriv's modules anew: 40 to 70 ms of a short command, none of it the program's.
Run: python bench/bench_startup.py [runs]
"""

import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from installed import compile_package  # noqa: E402

PYTHON = sys.executable
DERIV = str(Path(PYTHON).with_name("deriv"))
FLOOR = "import sympy"
COMMANDS = {
    FLOOR: ([PYTHON, "-c", "import sympy"], False),
    "deriv diff (piped)": ([DERIV, "diff", "x**2", "--at", "3"], False),
    "deriv diff (terminal)": ([DERIV, "diff", "sin(x**2)", "--at", "1"], True),
    "deriv eval (piped)": ([DERIV, "eval", "x**2", "--at", "3"], False),
    "deriv --version": ([DERIV, "--version"], False),
}
TARGETS = {"deriv diff (piped)": 1.10, "deriv diff (terminal)": 1.30}
ROWS, COLUMNS = 40, 100


ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def piped(command: list[str]) -> bytes:
    return subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, check=True, env=ENVIRONMENT).stdout


def on_terminal(command: list[str]) -> bytes:
    """Run with a pseudo-terminal as stdout and stderr; return what it drew."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    environment = {key: value for key, value in ENVIRONMENT.items()
                   if key not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")}
    environment["TERM"] = "xterm-256color"
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                               env=environment)
    os.close(follower)
    drawn = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: every holder of the terminal's far end has closed it
            break
        if not chunk:
            break
        drawn.append(chunk)
    os.close(leader)
    if process.wait() != 0:
        raise SystemExit(f"{command} exited {process.returncode}")
    return b"".join(drawn)


def elapsed(command: list[str], terminal: bool) -> float:
    started = time.perf_counter()
    (on_terminal if terminal else piped)(command)
    return time.perf_counter() - started


def main(runs: int = 15) -> None:
    compile_package()  # as pip install does: see installed.py
    drawn = on_terminal(COMMANDS["deriv diff (terminal)"][0])
    if b"\x1b[" not in drawn or "chain rule".encode() not in drawn:
        raise SystemExit("the terminal run drew no coloured tree: the bench would time the wrong thing")
    for command, terminal in COMMANDS.values():
        elapsed(command, terminal)  # warm the file cache
    samples = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, (command, terminal) in COMMANDS.items():
            samples[name].append(elapsed(command, terminal))
    floor = statistics.median(samples[FLOOR])
    for name, times in samples.items():
        median = statistics.median(times)
        target = f"   target ≤ {TARGETS[name]:.2f}" if name in TARGETS else ""
        print(f"{name:24s} median {median * 1000:7.1f} ms   ratio to import sympy {median / floor:5.2f}{target}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
