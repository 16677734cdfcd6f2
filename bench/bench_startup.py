"""Start-up cost: piped ``deriv eval "x**2" --at 3`` against ``python -c "import sympy"``.

sympy's import dominates a short command, so it is the floor; the target is a ratio within 1.10.
Both are timed as whole processes, interleaved in one run, and the medians compared (the machine
is shared and noisy, so only the ratio means something). Run: python bench/bench_startup.py [runs]
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
DERIV = str(Path(PYTHON).with_name("deriv"))
COMMANDS = {
    "import sympy": [PYTHON, "-c", "import sympy"],
    "deriv eval (piped)": [DERIV, "eval", "x**2", "--at", "3"],
    "deriv --version": [DERIV, "--version"],
}


def elapsed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main(runs: int = 15) -> None:
    for command in COMMANDS.values():
        elapsed(command)  # warm the file cache
    samples = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, command in COMMANDS.items():
            samples[name].append(elapsed(command))
    floor = statistics.median(samples["import sympy"])
    for name, times in samples.items():
        median = statistics.median(times)
        print(f"{name:22s} median {median * 1000:7.1f} ms   ratio to import sympy {median / floor:5.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
