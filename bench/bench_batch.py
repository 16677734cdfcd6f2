"""A batch through `deriv diff -` against the bare sympy loop a user would write, and the forms.

The corpus (bench/corpus_batch.py) is ≥ 300 varied one-variable expressions: polynomials,
products, quotients, trig powers, exp·trig, logs, roots, atan, hyperbolic, exponentials.
Contenders, timed as whole processes in one run, interleaved, median of ``rounds``:

- bare loop:  one Python process doing ``parse_expr → sympy.diff → str`` per line, no
              simplification (the competitor, so it may use sympy's string parser);
- deriv:      ``deriv diff - < file`` (piped, no steps, ``--jobs 1`` when the option exists):
              safe parse, rule tree, cross-check, simplification, plain output, in deriv's
              guarded worker; also with ``--no-simplify``.

Forms: over the same corpus, the share of deriv's answers no longer (sympy.count_ops) than
sympy.simplify's of sympy.diff (target ≥ 95 %), and the number of quotients whose denominator
is an expanded square g² that factors (target 0).

Run: python bench/bench_batch.py [rounds] [--no-forms]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_batch import corpus  # noqa: E402
from installed import compile_package  # noqa: E402

PYTHON = sys.executable
DERIV = str(Path(PYTHON).with_name("deriv"))
BARE_LOOP = r"""
import sys
import sympy
from sympy.parsing.sympy_parser import parse_expr

for line in open(sys.argv[1]):
    function = parse_expr(line)
    (variable,) = function.free_symbols
    print(str(sympy.diff(function, variable)))
"""


def elapsed(command: list[str], stdin_path: Path | None = None, output: Path | None = None) -> float:
    started = time.perf_counter()
    with open(stdin_path or "/dev/null") as source, open(output or "/dev/null", "w") as sink:
        completed = subprocess.run(command, stdin=source, stdout=sink, stderr=subprocess.DEVNULL)
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit {completed.returncode}")
    return time.perf_counter() - started


def _jobs_option() -> list[str]:
    """``--jobs 1`` where deriv has the option (issue 12, item 3), else nothing."""
    helped = subprocess.run([DERIV, "diff", "--help"], capture_output=True, text=True).stdout
    return ["--jobs", "1"] if "--jobs" in helped else []


def timings(path: Path, script: Path, answers: Path, rounds: int) -> dict[str, float]:
    jobs = _jobs_option()
    contenders = {
        "bare loop (parse_expr, sympy.diff, str)": ([PYTHON, str(script), str(path)], None, None),
        "deriv diff -": ([DERIV, "diff", "-", *jobs], path, answers),
        "deriv diff - --no-simplify": ([DERIV, "diff", "-", "--no-simplify", *jobs], path, None),
    }
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, (command, stdin_path, output) in contenders.items():
            times[name].append(elapsed(command, stdin_path, output))
    return {name: statistics.median(values) for name, values in times.items()}


def _expanded_square(denominator, sympy) -> bool:
    """A factor of the denominator that is a sum which factors into a square or higher power."""
    for factor in sympy.Mul.make_args(denominator):
        base, _ = factor.as_base_exp()
        if base.is_Add and base.is_polynomial():
            _, factors = sympy.factor_list(base)
            if any(multiplicity > 1 for _, multiplicity in factors):
                return True
    return False


def forms(lines: list[str], answers: list[str]) -> tuple[float, int, list[str]]:
    """Share of answers no longer than sympy.simplify's, and quotients with an expanded g²."""
    import sympy
    from sympy.parsing.sympy_parser import parse_expr

    x = sympy.Symbol("x", real=True)  # deriv's variables are real; so is this reference's
    no_longer, expanded, longer = 0, 0, []
    for line, answer in zip(lines, answers):
        reference = sympy.simplify(sympy.diff(parse_expr(line, local_dict={"x": x}), x))
        mine = parse_expr(answer, local_dict={"x": x})
        if sympy.count_ops(mine) <= sympy.count_ops(reference):
            no_longer += 1
        else:
            longer.append(f"{line}: deriv {answer}, simplify {reference}")
        if _expanded_square(sympy.fraction(mine)[1], sympy):
            expanded += 1
    return no_longer / len(lines), expanded, longer


def main(rounds: int = 5, with_forms: bool = True) -> None:
    compile_package()  # as pip install does: see installed.py
    lines = corpus()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "expressions.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        script = Path(directory) / "bare_loop.py"
        script.write_text(BARE_LOOP, encoding="utf-8")
        answers = Path(directory) / "answers.txt"
        median = timings(path, script, answers, rounds)
        answered = answers.read_text(encoding="utf-8").splitlines()
    bare = median["bare loop (parse_expr, sympy.diff, str)"]
    print(f"{len(lines)} expressions, whole processes, interleaved, median of {rounds}")
    for name, value in median.items():
        print(f"  {name:42s} {value:6.2f} s  ({value / len(lines) * 1000:5.1f} ms a line)"
              f"  ratio {value / bare:5.2f}")
    print(f"ratio deriv diff - / bare loop: {median['deriv diff -'] / bare:.2f} (target <= 1.5)")
    if with_forms:
        share, expanded, longer = forms(lines, answered)
        print(f"forms: {share:.1%} of answers no longer than sympy.simplify's (target >= 95 %); "
              f"{expanded} quotients with an expanded g² (target 0)")
        for text in longer:
            print(f"  longer: {text}")


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    main(*(int(value) for value in arguments), with_forms="--no-forms" not in sys.argv)
