"""The README's console examples are right, not only current: tests/test_readme.py compares each
with what deriv prints (and scripts/update_readme_examples.py rewrites them from deriv itself), so
here the answers the README shows are checked by sympy, exact arithmetic, closed forms and
sampling, without running deriv. Every example must have a check."""

import itertools
import json

import pytest
import sympy

from oracle import check_plain_tree, equal, point, read, symbol
from test_readme import EXAMPLES

x, y, y_hat, n = symbol("x"), symbol("y"), symbol("y_hat"), sympy.Symbol("n", integer=True)
SHOWN = dict(EXAMPLES)


def lines(command):
    return SHOWN[command].splitlines()


def derivative_is(command, expression, *variables):
    assert equal(read(lines(command)[-1]), sympy.diff(expression, *variables))


def stationary(f, at: dict) -> bool:
    return all(sympy.diff(f, variable).subs(at) == 0 for variable in at)


def kind_by_definition(f, at: dict) -> str:
    """local minimum / maximum / saddle point / inflection point, from values beside the point
    (every direction of a small square, and f itself, exactly)."""
    here = f.subs(at)
    variables = list(at)
    offsets = [sympy.Rational(1, 1000), -sympy.Rational(1, 1000)]
    beside = [f.subs({v: at[v] + step for v, step in zip(variables, steps)}) - here
              for steps in itertools.product(offsets + [0], repeat=len(variables)) if any(steps)]
    if all(value >= 0 for value in beside):
        return "local minimum"
    if all(value <= 0 for value in beside):
        return "local maximum"
    return "saddle point" if len(variables) > 1 else "inflection point"


def check_stretch(f, where: str, kind: str):
    """low<=x<=high: f constant on the stretch (exactly, at 21 points) and, for a local minimum,
    higher just beyond both ends (lower for a maximum): every point is then one by the definition."""
    low, name, high = where.split("<=")
    variable = sympy.Symbol(name, real=True)
    low, high = sympy.Rational(low), sympy.Rational(high)
    values = {f.subs(variable, low + (high - low) * sympy.Rational(step, 20)) for step in range(21)}
    assert len(values) == 1, where
    level = values.pop()
    beyond = [f.subs(variable, end) - level for end in (low - sympy.Rational(1, 1000), high + sympy.Rational(1, 1000))]
    assert all(gap > 0 for gap in beyond) if kind == "local minimum" else all(gap < 0 for gap in beyond), where


def check_kinds(command, f):
    for line in lines(command):
        where, kind = line.split("\t")
        if "<=" in where:
            check_stretch(f, where, kind)
            continue
        at = point(where)
        if kind.startswith("absolute"):
            continue
        assert stationary(f, at) or kind == "local minimum", line
        assert kind_by_definition(f, at) == kind, line


def descent_after_whole_steps(shown: str, start: dict, minimum: dict, rate: float):
    """gd on a sum of squares (c·(v − m)², c = 1) moves each error by (1 − 2·lr) a step: the
    printed point must be the minimum plus start error × (1 − 2·lr)ᵏ for one whole k."""
    printed = {name: float(value) for name, value in point(shown).items()}
    factor = 1 - 2 * rate
    for steps in range(1, 2000):
        expected = {v: minimum[v] + (start[v] - minimum[v]) * factor**steps for v in minimum}
        if all(abs(printed[v] - expected[v]) <= 1e-12 * max(1, abs(expected[v])) for v in minimum):
            return steps
    raise AssertionError(f"{shown} is no whole number of gd steps from {start}")


def check_classify_on_interval(command, f, low, high):
    """The absolute extrema the README lists are the extreme values on a fine grid of the
    interval (or box), and are reached at the printed points."""
    grid = [float(low + (high - low) * sympy.Rational(step, 200)) for step in range(201)]
    variables = sorted(f.free_symbols, key=str)
    function = sympy.lambdify(variables, f, "math")  # f is the test's own expression, not text
    values = [function(*where) for where in itertools.product(grid, repeat=len(variables))]
    for line in lines(command):
        where, kind = line.split("\t")
        value = float(f.subs(point(where)))
        if kind == "absolute minimum":
            assert value <= min(values) + 1e-12
        elif kind == "absolute maximum":
            assert value >= max(values) - 1e-12


CHECKS = {
    'deriv diff "x**2" --at 3': lambda c: sympy.diff(x**2, x).subs(x, 3) == read(lines(c)[0]),
    'deriv diff "x**2"': lambda c: derivative_is(c, x**2, x),
    'deriv diff "(y - y_hat)**2" --wrt y_hat': lambda c: derivative_is(c, (y - y_hat) ** 2, y_hat),
    'deriv diff "x**3*y" --wrt x --wrt y': lambda c: derivative_is(c, x**3 * y, x, y),
    'deriv diff "sin(x)" --order 4': lambda c: derivative_is(c, sympy.sin(x), x, 4),
    'deriv diff "x*exp(x)" --steps': lambda c: (check_plain_tree(lines(c)[:-1]), derivative_is(c, x * sympy.exp(x), x)),
    'deriv eval "x**2" --at 1/3': lambda c: read(lines(c)[0]) == sympy.Rational(1, 9),
    'deriv eval "x**3" --at 1/3 --at 2 --order 2': lambda c: [
        [read(value) for value in line.split("\t")] for line in lines(c)] == [
        [sympy.diff(x**3, x, order).subs(x, at) for order in range(3)] for at in (sympy.Rational(1, 3), 2)],
    'deriv eval "pi*x" --at 1 --numeric --digits 20': lambda c: lines(c)[0] == str(sympy.N(sympy.pi, 20)),
    'deriv eval "sin(x)/x" --at 0 2>&1; echo "exit $?"': lambda c: (
        sympy.sin(0) / sympy.S(0) is sympy.nan and sympy.limit(sympy.sin(x) / x, x, 0) == 1
        and "the limit there is 1" in lines(c)[0] and lines(c)[-1] == "exit 3"),
    'deriv eval "abs(x)" --at 0 --order 1 2>&1; echo "exit $?"': lambda c: (
        sympy.limit(sympy.Abs(x) / x, x, 0, "-") == -1 and sympy.limit(sympy.Abs(x) / x, x, 0, "+") == 1
        and "from the left it is -1, from the right 1" in lines(c)[0] and lines(c)[-1] == "exit 3"),
    'deriv critical "x**3 - 3*x"': lambda c: {point(line)[x] for line in lines(c)} == set(
        sympy.solveset(sympy.diff(x**3 - 3 * x, x), x, sympy.S.Reals)),
    'deriv classify "x**3 - 3*x"': lambda c: check_kinds(c, x**3 - 3 * x),
    'deriv classify "x**3 - 3*x" --at "$(deriv critical "x**3 - 3*x" | head -1)"': lambda c: check_kinds(c, x**3 - 3 * x),
    'deriv classify "x**4"': lambda c: check_kinds(c, x**4),
    'deriv critical "abs(x)"': lambda c: (
        [point(line) for line in lines(c)] == [{x: 0}]
        and sympy.limit(sympy.Abs(x) / x, x, 0, "-") != sympy.limit(sympy.Abs(x) / x, x, 0, "+")
        and sympy.solveset(sympy.sign(x), x, sympy.S.Reals - {0}) == sympy.S.EmptySet),
    'deriv classify "x**3 - 3*x + y**2"': lambda c: check_kinds(c, x**3 - 3 * x + y**2),
    'deriv critical "sin(x)"': lambda c: (
        lines(c) == ["x=pi*n + pi/2 (n integer)"] and sympy.cos(sympy.pi * n + sympy.pi / 2) == 0
        and set(sympy.solveset(sympy.cos(x), x, sympy.Interval(-10, 10)))
        == {sympy.pi * k + sympy.pi / 2 for k in range(-3, 3)}),
    'deriv classify "sin(x)" --in 0:2*pi': lambda c: (
        check_kinds(c, sympy.sin(x)), check_classify_on_interval(c, sympy.sin(x), 0, 2 * sympy.pi)),
    'deriv classify "x**2 - y**2 + x*y" --in 0:1': lambda c: (
        check_kinds(c, x**2 - y**2 + x * y), check_classify_on_interval(c, x**2 - y**2 + x * y, 0, 1)),
    'deriv classify "abs(x - 1) + abs(x + 1)"': lambda c: check_kinds(c, sympy.Abs(x - 1) + sympy.Abs(x + 1)),
    'deriv descend "(5 - y_hat)**2" --wrt y_hat --from 3 --lr 0.1': lambda c: descent_after_whole_steps(
        lines(c)[0], {y_hat: 3}, {y_hat: 5}, 0.1),
    'deriv descend "x**2" --from 3 --lr 1.5 2>&1; echo "exit $?"': lambda c: (
        # x ← x − 1.5·2x = −2x: f grows 4 times a step; 2/f″ = 1; lr 0.5 lands on 0 in one step
        abs(1 - 1.5 * 2) > 1 and 2 / sympy.diff(x**2, x, 2) == 1 and 3 - 0.5 * 2 * 3 == 0
        and "f grew for 20 iterations" in lines(c)[0] and lines(c)[-1] == "exit 3"),
    "deriv eval \"x**2\" --at 3 --json | jq -c '.points[0] | {at, value}'": lambda c: lines(c) == [
        '{"at":{"x":"3"},"value":"' + str((x**2).subs(x, 3)) + '"}'],
    "deriv diff \"sin(x)**2\" --expect \"2*sin(x)\" --json 2>/dev/null | jq -c '{derivative, problems: [.problems[] | {status, kind}]}'":
        lambda c: (equal(sympy.diff(sympy.sin(x) ** 2, x), sympy.sin(2 * x))
                   and not equal(sympy.sin(2 * x), 2 * sympy.sin(x)) and '"status":1' in lines(c)[0]),
    'deriv diff "sin(x)**2" --expect "sin(2*x)"': lambda c: derivative_is(c, sympy.sin(x) ** 2, x),
    'deriv diff "sin(x)**2" --expect "2*sin(x)" 2>&1; echo "exit $?"': lambda c: (
        # the counterexample the README prints: both values at x = -79/50, to the digits shown
        f"{float(sympy.sin(2 * sympy.Rational(-79, 50))):.12g}" == "0.0184063069331"
        and f"{float(2 * sympy.sin(sympy.Rational(-79, 50))):.12g}" == "-1.999915293"
        and "expected -1.999915293, got 0.0184063069331" in lines(c)[1] and lines(c)[-1] == "exit 1"),
    'deriv diff "(y - (w*x + b))**2" --wrt w --wrt b --gradient': lambda c: rows_equal(
        lines(c), [sympy.diff((y - (W * x + B)) ** 2, v) for v in (W, B)]),
    'deriv diff "x*y**2" --gradient --vector --at x=1,y=2': lambda c: rows_equal(
        [lines(c)[0]], [[sympy.diff(x * y**2, v).subs({x: 1, y: 2}) for v in (x, y)]]),
    'deriv diff "x**2 + x*y + y**2" --hessian': lambda c: rows_equal(
        lines(c), sympy.hessian(x**2 + x * y + y**2, (x, y)).tolist()),
    'deriv diff "[x*y, x + y]" --jacobian': lambda c: rows_equal(
        lines(c), sympy.Matrix([x * y, x + y]).jacobian([x, y]).tolist()),
    'deriv diff "x**2" --at 3 --tangent': lambda c: equal(read(lines(c)[0]), 9 + 6 * (x - 3)),
    'deriv diff "x**2*y" --gradient --at x=1,y=2 --tangent': lambda c: equal(
        read(lines(c)[0]), tangent_plane(x**2 * y, {x: 1, y: 2})),
    'deriv diff "x**2 + y**2 = 1"': lambda c: equal(read(lines(c)[0]), implicit_slope(x**2 + y**2 - 1)),
    'deriv diff "sin(y) = x" --expect "1/cos(y)"': lambda c: equal(read(lines(c)[0]), implicit_slope(sympy.sin(y) - x)),
    'deriv diff "x**2 + y**2 = 1" --at x=0,y=1': lambda c: read(lines(c)[0]) == implicit_slope(x**2 + y**2 - 1).subs({x: 0, y: 1}),
    'deriv diff "x**2 + y**2 = 1" --order 2': lambda c: equal(read(lines(c)[0]), sympy.idiff(x**2 + y**2 - 1, y, x, 2)),
    'deriv diff "x**2 + y**2 = 1" --at x=0,y=2 2>&1; echo "exit $?"': lambda c: (
        "off by 3" in lines(c)[0] and (0**2 + 2**2) - 1 == 3 and lines(c)[-1] == "exit 3"),
    'deriv diff "sqrt(-1 - x**2)" 2>&1; echo "exit $?"': lambda c: (
        # -1 - x² is at most -1 on the reals: the square root is real nowhere
        sympy.maximum(-1 - x**2, x, sympy.S.Reals) == -1 and "no real value at any real x" in lines(c)[0]
        and lines(c)[-1] == "exit 3"),
    "printf 'x*y => [y, x]\\nx**2 + y**2 => [2*x, 2*y]\\n' | deriv diff - --gradient": lambda c: rows_equal(
        lines(c), [[sympy.diff(f, v) for v in (x, y)] for f in (x * y, x**2 + y**2)]),
    'deriv diff "x**2 + y**2 = 1" --latex': lambda c: lines(c)[0] == r"\frac{dy}{dx} = " + sympy.latex(-x / y),
    'deriv diff "x**2" -v --json 2>/dev/null': lambda c: json.loads(lines(c)[0])["error"]["status"] == 2
        and "-v" in json.loads(lines(c)[0])["error"]["message"],
    'deriv eval pi --at 0 --numeric --expect 3.1415 2>&1; echo "exit $?"': lambda c: (
        # π − 3.1415 = 9.27e-05 is more than half a unit in the last digit written (5e-05)
        abs(float(sympy.pi) - 3.1415) > 5e-5 and f"{float(sympy.pi) - 3.1415:.3g}" in lines(c)[1]
        and abs(float(lines(c)[0]) - float(sympy.pi)) < 1e-14 and lines(c)[-1] == "exit 1"),
    'deriv check examples/checks.txt': lambda c: check_checks_file(lines(c)[-1]),
    "printf 'x**2 => 2*x\\nclassify x**2 --at 0 => maximum\\nsin(x) => cos(x)\\nopen(1) => 1\\n' | deriv check -; echo \"exit $?\"":
        lambda c: (sympy.diff(x**2, x) == 2 * x and sympy.diff(x**2, x, 2) > 0  # x² at 0 is a minimum, not a maximum
                   and sympy.diff(sympy.sin(x), x) == sympy.cos(x)
                   and lines(c)[-2] == "2 passed, 1 failed, 1 error" and lines(c)[-1] == "exit 2"),
    "paste -d '|' examples/derivatives.txt <(deriv diff - < examples/derivatives.txt)": lambda c: check_pasted_file(c),
    'deriv descend "(y - (w*x + b))**2" --data tests/data/points.csv --wrt w --wrt b --from w=0,b=0 --lr 0.05 --max-iter 5000 --verify':
        lambda c: check_fitted_line(lines(c)[0]),
    'deriv descend "(y - (w*x + b))**2" --data tests/data/points.csv --wrt w --wrt b --from w=0,b=0 --lr 0.2 2>&1; echo "exit $?"':
        lambda c: check_stated_bound(c),
    'deriv descend "(y - (w*x + b))**2" --data tests/data/points.csv --from w=0,b=0 --lr 0.01 --lr 0.05 --lr 0.2 --max-iter 5000':
        lambda c: check_compared_rates(c),
    'deriv critical "x**3 - 3*x" --expect "x=1" 2>&1; echo "exit $?"': lambda c: (
        {point(line)[x] for line in lines(c)[:2]} == {-1, 1} and "x=-1 was not expected" in lines(c)[2]
        and lines(c)[-1] == "exit 1"),
    "printf 'x**2 => minimum\\nx**3 => inflection\\nx**4 => minimum\\n' | deriv classify - --at 0": lambda c: [
        kind_by_definition(f, {x: 0}) for f in (x**2, x**3, x**4)] == [line.split("\t")[1] for line in lines(c)],
    'deriv descend "(x - 3)**2 + (y + 1)**2" --at x=0,y=0 --expect x=3,y=-1': lambda c: descent_after_whole_steps(
        lines(c)[0], {x: 0, y: 0}, {x: 3, y: -1}, 0.1),
}


def check_derivatives_file(command):
    from conftest import ROOT

    formulas = [line.split("=>")[0] for line in (ROOT / "examples" / "derivatives.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    shown = lines(command)
    assert len(shown) == len(formulas)
    for formula, answer in zip(formulas, shown):
        assert equal(read(answer), sympy.diff(read(formula), x)), formula


W, B = symbol("w"), symbol("b")


def rows_equal(shown, expected) -> bool:
    """Each printed line (an expression, or a row ``[a, b]``) equals its expected row."""
    assert len(shown) == len(expected)
    for line, row in zip(shown, expected):
        items = [read(item) for item in line.strip("[]").split(",")] if line.startswith("[") else [read(line)]
        row = row if isinstance(row, list) else [row]
        assert len(items) == len(row) and all(equal(a, b) for a, b in zip(items, row)), (line, row)
    return True


def tangent_plane(f, at: dict):
    """z = f(a) + ∇f(a)·(x − a)."""
    return f.subs(at) + sum(sympy.diff(f, v).subs(at) * (v - value) for v, value in at.items())


def implicit_slope(F):
    """dy/dx on F(x, y) = 0: −F_x / F_y."""
    return -sympy.diff(F, x) / sympy.diff(F, y)


def check_checks_file(summary: str):
    """Every check in examples/checks.txt is right by an oracle of this test's own, and the summary
    counts them all as passed."""
    from conftest import ROOT

    checks = [line for line in (ROOT / "examples" / "checks.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert summary == f"{len(checks)} passed, 0 failed, 0 errors"
    t = symbol("t")
    facts = [  # each line of the file, decided here by sympy or arithmetic
        sympy.diff(x**2, x) == 2 * x,
        sympy.simplify(sympy.diff(sympy.sin(x) ** 2, x) - sympy.sin(2 * x)) == 0,
        sympy.expand(sympy.diff((y - y_hat) ** 2, y_hat) - 2 * (y_hat - y)) == 0,
        sympy.diff(x**3, x).subs(x, 2) == 12,
        sympy.Rational(1, 3) ** 2 == sympy.Rational(1, 9),
        abs(float(sympy.pi) - 3.1416) < 5e-5,
        set(sympy.solve(sympy.diff(x**3 - 3 * x, x), x)) == {-1, 1},
        sympy.diff(x**3 - 3 * x, x, 2).subs(x, -1) < 0,
        sympy.hessian(x**2 - y**2, (x, y)).det() < 0,
        sympy.solve(sympy.diff((5 - t) ** 2, t), t) == [5],
    ]
    return len(facts) == len(checks) and all(facts)


def check_pasted_file(command):
    """Each line is the file's line, then | and deriv's answer for it (empty for a comment)."""
    from conftest import ROOT

    written = (ROOT / "examples" / "derivatives.txt").read_text().splitlines()
    shown = lines(command)
    assert len(shown) == len(written)
    for line, pasted in zip(written, shown):
        given, _, answer = pasted.rpartition("|")
        assert given == line
        if line.strip() and not line.startswith("#"):
            assert equal(read(answer), sympy.diff(read(line.split("=>")[0]), x)), line
        else:
            assert answer == ""


def _points_file():
    """The rows of tests/data/points.csv as exact fractions."""
    import csv
    from fractions import Fraction

    from conftest import ROOT

    with open(ROOT / "tests" / "data" / "points.csv", newline="") as stream:
        return [(Fraction(row["x"]), Fraction(row["y"])) for row in csv.DictReader(stream)]


def _least_squares():
    """The line y = w·x + b nearest the points, by the normal equations in exact arithmetic."""
    rows = _points_file()
    count, sx, sy = len(rows), sum(a for a, _ in rows), sum(b for _, b in rows)
    sxx, sxy = sum(a * a for a, _ in rows), sum(a * b for a, b in rows)
    w = (count * sxy - sx * sy) / (count * sxx - sx * sx)
    return {"w": float(w), "b": float((sy - w * sx) / count)}


def check_fitted_line(shown: str):
    fitted = {str(name): float(value) for name, value in point(shown).items()}
    for name, value in _least_squares().items():
        assert abs(fitted[name] - value) <= 1e-6 * max(1, abs(value)), (name, fitted, value)


def _largest_curvature() -> float:
    """λ_max of the averaged Hessian of (y − (w·x + b))²: (2/n)·[[Σx², Σx], [Σx, n]]."""
    rows = _points_file()
    count = len(rows)
    matrix = sympy.Matrix([[sum(a * a for a, _ in rows), sum(a for a, _ in rows)], [sum(a for a, _ in rows), count]])
    return max(float(value) for value in (2 * matrix / count).eigenvals())


def check_stated_bound(command):
    text = SHOWN[command]
    bound = 2 / _largest_curvature()
    assert f"exceeds 2/λ_max = {bound:.6g}" in text and 0.2 > bound and lines(command)[-1] == "exit 3"


def check_compared_rates(command):
    bound = 2 / _largest_curvature()
    for line in lines(command):
        where, reason, rate = line.split("\t")
        rate = float(rate.split("=")[1])
        if rate > bound:
            assert reason == "diverged", line
        if reason == "converged":
            check_fitted_line(where)


def test_every_console_example_has_a_check():
    assert set(SHOWN) == set(CHECKS)


@pytest.mark.parametrize("command", sorted(CHECKS), ids=sorted(CHECKS))
def test_the_readme_shows_the_right_answer(command):
    outcome = CHECKS[command](command)
    assert outcome is not False and outcome != (False,)
    if isinstance(outcome, tuple):
        assert all(part is not False for part in outcome)
