"""The descent engine: known minima, divergence, unbounded functions, undefined starts."""

import math
import pickle
import re

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Rational, exp, log, sqrt

from derivcli.descent import (
    LOOP_NAMES,
    CONVERGED,
    DIVERGED,
    MAX_ITERATIONS,
    NOT_A_MINIMUM,
    gradient_descent,
)
from derivcli.calculus import solve_linear, symmetric_eigen
from derivcli.errors import NoAnswerError, UsageError

x, y, z = sympy.symbols("x y z", real=True)
y_hat = sympy.Symbol("y_hat", real=True)


def gradient_norm_at(expr, variables, point):
    """|grad f| recomputed by sympy at the point: an independent check of what the engine says."""
    values = dict(zip(variables, point))
    return math.hypot(*[float(sympy.diff(expr, v).subs(values)) for v in variables])


# --- convergence to known minima ---------------------------------------------------------------


def test_quadratic_in_one_variable_reaches_its_vertex():
    f = (x - 3) ** 2 + 1
    result = gradient_descent(f, [x], [10])
    assert result.converged and result.reason == CONVERGED
    assert result.point[0] == pytest.approx(3, abs=1e-8)
    assert result.value == pytest.approx(1, abs=1e-12)
    assert result.classification == "minimum"
    assert gradient_norm_at(f, [x], result.point) == pytest.approx(result.gradient_norm, abs=1e-12)


def test_quadratic_in_two_variables_matches_the_solved_minimum():
    f = x**2 + x * y + 2 * y**2 - 3 * x + y
    exact = sympy.solve([sympy.diff(f, x), sympy.diff(f, y)], [x, y], dict=True)[0]
    result = gradient_descent(f, [x, y], {x: 0, y: 0}, learning_rate=0.2)
    assert result.converged
    assert result.point[0] == pytest.approx(float(exact[x]), abs=1e-8)
    assert result.point[1] == pytest.approx(float(exact[y]), abs=1e-8)
    assert result.value == pytest.approx(float(f.subs(exact)), abs=1e-12)


def test_rosenbrock_with_momentum_reaches_one_one():
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    result = gradient_descent(f, [x, y], [-1, 1], method="momentum", learning_rate=0.001,
                              momentum=0.9, max_iterations=50_000)
    assert result.converged, result.message
    assert result.point[0] == pytest.approx(1, abs=1e-6)
    assert result.point[1] == pytest.approx(1, abs=1e-6)
    assert result.classification == "minimum"


def test_momentum_is_faster_than_plain_descent_on_rosenbrock():
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    plain = gradient_descent(f, [x, y], [-1, 1], learning_rate=0.001, max_iterations=50_000)
    heavy = gradient_descent(f, [x, y], [-1, 1], method="momentum", learning_rate=0.001,
                             max_iterations=50_000)
    assert heavy.converged
    assert heavy.iterations < plain.iterations


@pytest.mark.parametrize(
    "f, variables, start",
    [
        ((x - 2) ** 2 + 5, [x], [-7]),
        (3 * (x - 1) ** 2 + 2 * (y + 4) ** 2 + x * y, [x, y], [10, 10]),
        (x**2 + y**2 + z**2 - x * z + 2 * y - z, [x, y, z], [1, 2, 3]),
    ],
)
def test_newton_takes_one_step_on_a_quadratic(f, variables, start):
    exact = sympy.solve([sympy.diff(f, v) for v in variables], variables, dict=True)[0]
    result = gradient_descent(f, variables, start, method="newton")
    assert result.iterations == 1
    assert result.converged
    for v, coordinate in zip(variables, result.point):
        assert coordinate == pytest.approx(float(exact[v]), abs=1e-9)


def test_newton_on_rosenbrock_converges_fast():
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    result = gradient_descent(f, [x, y], [-1.2, 1], method="newton")
    assert result.converged
    assert result.iterations < 20
    assert result.point == pytest.approx((1, 1), abs=1e-8)


def test_the_seed_mse_example_ends_near_five():
    # The seed: L = (y - y_hat)**2 with y = 5, y_hat = 3; grad = -2(y - y_hat) = -4 at the start.
    result = gradient_descent((5 - y_hat) ** 2, [y_hat], [3], learning_rate=0.1)
    assert result.converged
    assert result.point[0] == pytest.approx(5, abs=1e-9)
    first = result.trace[0]
    assert first.iteration == 0 and first.point == (3.0,)
    assert first.value == 4.0 and first.gradient_norm == 4.0
    # the first step moves y_hat up by lr * 4
    assert result.trace[1].point[0] == pytest.approx(3.4)
    assert result.variables == ("y_hat",)
    assert result.as_point_text().startswith("y_hat=4.9999999")


# --- divergence and the learning-rate hint -------------------------------------------------------


def test_too_large_learning_rate_diverges_with_the_two_over_c_hint():
    result = gradient_descent(x**2, [x], [3], learning_rate=1.5)
    assert result.reason == DIVERGED and not result.converged
    assert result.curvature == pytest.approx(2)
    assert result.stable_learning_rate == pytest.approx(1)
    assert "2/c = 1" in result.hint
    assert "must be below 1" in result.hint
    suggested = float(re.search(r"--lr ([0-9.e-]+) converges", result.hint).group(1))
    assert suggested < 1
    assert gradient_descent(x**2, [x], [3], learning_rate=suggested).converged


def test_learning_rate_just_below_the_bound_converges_and_just_above_diverges():
    f = 4 * (x - 1) ** 2  # curvature 8: bound 2/8 = 0.25
    assert gradient_descent(f, [x], [0], learning_rate=0.24, max_iterations=5000).converged
    assert gradient_descent(f, [x], [0], learning_rate=0.26, max_iterations=5000).reason == DIVERGED


def test_two_variable_bound_uses_the_largest_curvature():
    f = x**2 + 10 * y**2  # curvatures 2 and 20: bound 2/20 = 0.1
    result = gradient_descent(f, [x, y], [1, 1], learning_rate=0.15)
    assert result.reason == DIVERGED
    assert result.curvature == pytest.approx(20)
    assert "must be below 0.1" in result.hint


def test_momentum_divergence_names_its_own_bound():
    result = gradient_descent(x**2, [x], [3], method="momentum", learning_rate=2.5, momentum=0.5)
    assert result.reason == DIVERGED
    assert "2(1+β)/c = 1.5" in result.hint


@pytest.mark.parametrize("f, start", [(-(x**2), 1), (x**3, -1), (-exp(x), 0), (x - y, (0, 0))])
def test_unbounded_below_is_diverged_never_a_minimum(f, start):
    variables = sorted(f.free_symbols, key=str)
    start = list(start) if isinstance(start, tuple) else [start]
    result = gradient_descent(f, variables, start, max_iterations=100_000)
    assert result.reason == DIVERGED
    assert not result.converged
    assert result.classification is None


def test_newton_towards_a_maximum_is_not_a_minimum():
    result = gradient_descent(-(x**2) + 4 * x, [x], [0], method="newton")
    assert result.reason == NOT_A_MINIMUM and not result.converged
    assert result.classification == "maximum"
    assert any("Newton" in w and "maximum" in w for w in result.warnings)


def test_newton_on_a_cubic_stalls_at_the_inflection_and_says_so():
    result = gradient_descent(x**3, [x], [1], method="newton")
    assert result.reason == NOT_A_MINIMUM
    assert not result.converged


def test_saddle_point_is_not_reported_as_a_minimum():
    result = gradient_descent(x**2 - y**2, [x, y], [1, 1], method="newton")
    assert result.reason == NOT_A_MINIMUM
    assert result.classification == "saddle point"


def test_flat_minimum_is_still_a_minimum():
    result = gradient_descent(x**4, [x], [1], method="newton")
    assert result.converged
    assert result.classification == "minimum"


def test_gradient_descent_started_on_a_maximum_does_not_claim_a_minimum():
    result = gradient_descent(-(x**2), [x], [0])
    assert not result.converged
    assert result.classification == "maximum"


# --- undefined and non-real values ---------------------------------------------------------------


@pytest.mark.parametrize(
    "f, start, words",
    [(log(x), -1, "log(x) is not real at x = -1"), (1 / x, 0, "division by zero"),
     (sqrt(x), -4, "not real"),
     (x ** Rational(1, 4), -8, "not real")],
)
def test_undefined_start_is_no_answer(f, start, words):
    with pytest.raises(NoAnswerError) as caught:
        gradient_descent(f, [x], [sympy.Integer(start)])
    assert words in caught.value.message
    assert "start" in caught.value.message


def test_gradient_undefined_at_start_names_the_gradient():
    with pytest.raises(NoAnswerError) as caught:
        gradient_descent(sqrt(x), [x], [0])
    assert "∂f/∂x" in caught.value.message


def test_the_exact_reason_for_an_undefined_partial_names_the_right_variable():
    with pytest.raises(NoAnswerError) as caught:
        gradient_descent(x**2 + sqrt(y), [x, y], [1, 0])
    assert caught.value.message.startswith("∂f/∂y has no value at the start point")
    assert "division by zero" in caught.value.message


def test_leaving_the_domain_mid_run_is_diverged():
    result = gradient_descent(log(x), [x], [2], learning_rate=5)
    assert result.reason == DIVERGED
    assert "domain" in result.message
    assert result.point == (2.0,)  # the last point where f was defined


def test_overflow_mid_run_is_diverged():
    result = gradient_descent(exp(x**2), [x], [3])
    assert result.reason == DIVERGED
    assert "overflow" in result.message or "infinity" in result.message


def test_complex_value_mid_run_is_diverged():
    result = gradient_descent(x ** Rational(3, 2), [x], [1], learning_rate=1)
    assert result.reason == DIVERGED
    assert "not real" in result.message


def test_odd_roots_are_real_roots_as_everywhere_in_deriv():
    result = gradient_descent((x + 8) ** 2 + x ** Rational(1, 3), [x], [-5], learning_rate=0.05)
    assert result.converged
    assert result.point[0] < -8  # the cube root pulls the minimum left of -8: it is real there


def test_tiny_learning_rate_does_not_pretend_to_converge():
    result = gradient_descent((x - 1) ** 2, [x], [0], learning_rate=1e-12, max_iterations=100)
    assert result.reason == MAX_ITERATIONS and not result.converged
    assert "far below" in result.hint


# --- bad settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{"learning_rate": 0}, {"learning_rate": -0.1}, {"learning_rate": math.inf},
     {"max_iterations": 0}, {"method": "adam"}, {"momentum": 1.0}, {"momentum": -0.1},
     {"every": 0}, {"tolerance": -1}],
)
def test_bad_settings_are_usage_errors(options):
    with pytest.raises(UsageError):
        gradient_descent(x**2, [x], [1], **options)


def test_start_point_must_cover_every_variable():
    with pytest.raises(UsageError):
        gradient_descent(x**2 + y**2, [x, y], {x: 1})
    with pytest.raises(UsageError):
        gradient_descent(x**2 + y**2, [x, y], [1])


def test_other_free_symbols_are_a_usage_error():
    with pytest.raises(UsageError) as caught:
        gradient_descent(x**2 + y, [x], [1])
    assert "y" in caught.value.message


# --- the trace and the result object ---------------------------------------------------------------


def test_trace_keeps_every_kth_iteration_and_the_first_and_last():
    result = gradient_descent((x - 1) ** 2, [x], [0], learning_rate=0.01, every=25)
    iterations = [row.iteration for row in result.trace]
    assert iterations[0] == 0
    assert iterations[-1] == result.iterations
    assert all(k % 25 == 0 for k in iterations[:-1])
    assert len(iterations) == result.iterations // 25 + 1 + (result.iterations % 25 != 0)
    for row in result.trace:
        assert row.value == pytest.approx(float(((x - 1) ** 2).subs(x, row.point[0])), rel=1e-12, abs=1e-300)


def test_trace_step_is_the_distance_between_recorded_neighbours():
    result = gradient_descent(x**2 + 3 * y**2, [x, y], [1, 1], every=1)
    for before, after in zip(result.trace, result.trace[1:]):
        assert after.step == pytest.approx(math.dist(before.point, after.point), rel=1e-9, abs=1e-300)


def test_values_are_checked_by_an_independent_evaluation():
    f = sympy.sin(x) + (x - 1) ** 2 / 4
    result = gradient_descent(f, [x], [0])
    assert result.converged
    # at a minimum the derivative found by sympy vanishes and f'' > 0
    assert abs(float(sympy.diff(f, x).subs(x, result.point[0]))) < 1e-8
    assert float(sympy.diff(f, x, 2).subs(x, result.point[0])) > 0


def test_progress_is_reported_on_long_runs():
    seen = []
    gradient_descent(x**2, [x], [1], max_iterations=70_000, tolerance=0,
                     progress=lambda done, total: seen.append((done, total)))
    assert seen and all(total == 70_000 for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.parametrize(
    "f", [x**2 + x * y + sympy.sin(y), abs(x - 1) + y**2, sympy.Max(x, y) ** 2 + x**2 + y**2],
)
def test_result_gradient_is_sympys_in_the_callers_variables(f):
    result = gradient_descent(f, [x, y], [3, 2], max_iterations=5)
    assert result.gradient == (sympy.diff(f, x), sympy.diff(f, y))
    assert set().union(*(g.free_symbols for g in result.gradient)) <= {x, y}


def test_result_is_picklable():
    result = gradient_descent((5 - y_hat) ** 2, [y_hat], [3])
    copy = pickle.loads(pickle.dumps(result))
    assert copy == result


def test_learning_rate_defaults_to_a_full_step_for_newton():
    assert gradient_descent(x**2, [x], [1], method="newton").learning_rate == 1.0
    assert gradient_descent(x**2, [x], [1]).learning_rate == 0.1


# --- properties ------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    a=st.integers(1, 9), d=st.integers(1, 9), b=st.integers(-8, 8),
    c1=st.integers(-5, 5), c2=st.integers(-5, 5),
)
def test_gd_and_newton_find_the_minimum_of_random_convex_quadratics(a, d, b, c1, c2):
    if b * b >= a * d * 0.81 * 4:  # keep the Hessian [[2a, b], [b, 2d]] safely positive definite
        return
    f = a * x**2 + b * x * y + d * y**2 - c1 * x - c2 * y
    exact = sympy.solve([sympy.diff(f, x), sympy.diff(f, y)], [x, y], dict=True)[0]
    expected = (float(exact[x]), float(exact[y]))
    largest = max(symmetric_eigen([[2 * a, b], [b, 2 * d]])[0])
    descent = gradient_descent(f, [x, y], [1, 1], learning_rate=1 / largest, max_iterations=100_000)
    assert descent.converged, descent.message
    assert descent.point == pytest.approx(expected, abs=1e-6)
    newton = gradient_descent(f, [x, y], [1, 1], method="newton")
    assert newton.iterations <= 1  # none when the start is already the minimum
    assert newton.point == pytest.approx(expected, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-9, 9), min_size=6, max_size=6))
def test_symmetric_eigen_agrees_with_sympy(entries):
    a, b, c, d, e, f = entries
    matrix = [[a, b, c], [b, d, e], [c, e, f]]
    values, vectors = symmetric_eigen(matrix)
    expected = sorted(float(sympy.re(v)) for v, m in sympy.Matrix(matrix).eigenvals().items() for _ in range(m))
    assert values == pytest.approx(expected, abs=1e-9)
    for value, vector in zip(values, vectors):
        product = [sum(matrix[i][j] * vector[j] for j in range(3)) for i in range(3)]
        assert product == pytest.approx([value * v for v in vector], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-9, 9), min_size=12, max_size=12))
def test_solve_linear_agrees_with_sympy(entries):
    matrix = [entries[0:3], entries[3:6], entries[6:9]]
    vector = entries[9:12]
    solution = solve_linear(matrix, vector)
    exact = sympy.Matrix(matrix)
    if exact.det() == 0:
        return
    expected = [float(v) for v in exact.LUsolve(sympy.Matrix(vector))]
    assert solution == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    "f, start, options",
    [(exp(x**2), 3, {}), (x**2, 3, {"learning_rate": 1.5}), (-(x**2), 1, {}),
     (x**4, 10, {"learning_rate": 0.5}), (log(x), 2, {"learning_rate": 5})],
)
def test_a_diverged_run_ends_on_its_last_finite_point(f, start, options):
    result = gradient_descent(f, [x], [start], **options)
    assert result.reason == DIVERGED
    numbers = [*result.point, result.value, result.gradient_norm]
    for row in result.trace:
        numbers += [*row.point, row.value, row.gradient_norm, row.step]
    assert all(math.isfinite(v) for v in numbers)
    assert result.trace[-1].iteration == result.iterations
    assert result.value == pytest.approx(float(f.subs(x, result.point[0])), rel=1e-9)


def test_huge_curvature_at_the_start_is_no_internal_error():
    result = gradient_descent(x**1000, [x], [2])
    assert result.reason == DIVERGED
    assert "overflow" in result.message
    assert result.curvature > 1e300


def test_special_functions_outside_the_math_module_descend_through_mpmath():
    # the minimum of the gamma function on x > 0: digamma(x0) = 0 at x0 = 1.46163214496836...
    x0 = float(sympy.nsolve(sympy.polygamma(0, x), x, 1.5))
    for method in ("gd", "newton"):
        result = gradient_descent(sympy.gamma(x), [x], [3], method=method)
        assert result.converged and result.classification == "minimum"
        assert result.point[0] == pytest.approx(x0, abs=1e-8)


def test_a_special_function_with_a_complex_value_is_not_real():
    with pytest.raises(NoAnswerError) as caught:
        gradient_descent(sympy.Ci(x), [x], [-1])
    assert "not real" in caught.value.message


@pytest.mark.parametrize("method", ["gd", "newton"])
def test_kinks_do_not_stop_newton_or_the_minimum_check(method):
    f = sympy.Max(x, 0) ** 2 + (x - 1) ** 2  # minimum at 1/2, a kink at 0
    result = gradient_descent(f, [x], [3], method=method)
    assert result.converged
    assert result.point[0] == pytest.approx(0.5, abs=1e-8)
    assert result.classification == "minimum"


def test_symmetric_eigen_handles_enormous_entries():
    values, _ = symmetric_eigen([[1e300, 1e300], [1e300, 3e300]])
    expected = sorted(float(v) for v in sympy.Matrix([[1, 1], [1, 3]]).eigenvals())
    assert values == pytest.approx([v * 1e300 for v in expected], rel=1e-12)


def test_overflow_at_the_start_is_no_answer():
    with pytest.raises(NoAnswerError) as caught:
        gradient_descent(exp(exp(exp(x))), [x], [5])
    assert "overflow" in caught.value.message


def test_iterations_do_no_symbolic_work(monkeypatch):
    """sympy is used once (gradient, Hessian, code); the loop itself runs on floats only."""
    calls = []
    for name in ("subs", "xreplace", "evalf", "diff"):
        original = getattr(sympy.Basic, name, None) or getattr(sympy.Expr, name)
        owner = sympy.Basic if hasattr(sympy.Basic, name) else sympy.Expr

        def counting(self, *args, _original=original, **kwargs):
            calls.append(1)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(owner, name, counting)
    f = (x - 1) ** 2 + 2 * (y + sympy.Rational(1, 2)) ** 2 + sympy.sin(x * y) / 10
    counts = []
    for iterations in (10, 20_000):
        sympy.core.cache.clear_cache()
        calls.clear()
        result = gradient_descent(f, [x, y], [3, -2], max_iterations=iterations, tolerance=0.0)
        assert result.iterations == iterations
        counts.append(len(calls))
    # 20 000 iterations cost no more symbolic calls than 10 (give or take a cache effect)
    assert counts[1] <= counts[0] + 5


def test_generated_loop_names_do_not_shadow_math_names():
    import math

    assert not set(LOOP_NAMES) & set(dir(math))


# --- truth: whatever the engine calls a minimum is one ------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    a=st.integers(1, 6), b=st.integers(-3, 3), c=st.integers(-3, 3), d=st.integers(1, 4),
    quartic=st.integers(0, 2), start=st.integers(-4, 4), method=st.sampled_from(["gd", "momentum", "newton"]),
    rate=st.sampled_from([0.001, 0.01, 0.05, 0.2]),
)
def test_a_reported_minimum_is_checked_by_sympy(a, b, c, d, quartic, start, method, rate):
    f = a * (x - b) ** 2 + c * sympy.sin(d * x) + quartic * x**4 / 10
    try:
        result = gradient_descent(f, [x], [start], method=method,
                                  learning_rate=rate if method != "newton" else None, max_iterations=20_000)
    except NoAnswerError as error:  # Newton from a point where f'' = 0
        assert method == "newton" and "singular" in error.message
        return
    point = sympy.Float(result.point[0], 30)
    if not result.converged:
        # no minimum is claimed, and a stop "not at a minimum" is checked like a minimum would be
        assert result.reason in {"max_iterations", "diverged", "not_a_minimum", "singular_hessian"}
        assert result.classification != "minimum"
        if result.reason == "not_a_minimum":
            here = f.subs(x, point).evalf(30)
            curvature = sympy.diff(f, x, 2).subs(x, point).evalf(30)
            lower_beside = any(f.subs(x, point + offset).evalf(30) < here for offset in (1e-3, -1e-3, 1e-4, -1e-4))
            assert curvature < 0 or lower_beside
        return
    assert result.classification == "minimum"
    slope = float(sympy.diff(f, x).subs(x, point).evalf(30))
    curvature = float(sympy.diff(f, x, 2).subs(x, point).evalf(30))
    assert abs(slope) < 1e-5
    assert curvature >= -1e-9
    here = float(f.subs(x, point).evalf(30))
    for offset in (1e-4, 1e-3, -1e-4, -1e-3):
        assert float(f.subs(x, point + offset).evalf(30)) >= here - 1e-12
    assert result.value == pytest.approx(here, rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    a=st.integers(1, 5), b=st.integers(1, 5), k=st.integers(-4, 4),
    start_x=st.integers(-3, 3), start_y=st.integers(-3, 3), method=st.sampled_from(["gd", "momentum", "newton"]),
)
def test_a_reported_two_variable_minimum_is_checked_by_sympy(a, b, k, start_x, start_y, method):
    f = a * x**2 + b * y**2 + k * x * y / 4 + sympy.cos(x + y) + x**4 / 12
    rate = {"gd": 0.02, "momentum": 0.005, "newton": None}[method]
    try:
        result = gradient_descent(f, [x, y], [start_x, start_y], method=method, learning_rate=rate,
                                  max_iterations=50_000)
    except NoAnswerError as error:  # Newton from a point where the Hessian is singular
        assert method == "newton" and "singular" in error.message
        return
    if not result.converged:
        return
    values = {x: sympy.Float(result.point[0], 30), y: sympy.Float(result.point[1], 30)}
    gradient = [float(sympy.diff(f, v).subs(values).evalf(30)) for v in (x, y)]
    assert max(abs(g) for g in gradient) < 1e-5
    (h11, h12), (h21, h22) = [[float(e) for e in row] for row in sympy.hessian(f, (x, y)).subs(values).evalf(30).tolist()]
    assert h11 >= -1e-9 and h22 >= -1e-9 and h11 * h22 - h12 * h21 >= -1e-9 * (1 + h11 * h22)
    here = float(f.subs(values).evalf(30))
    for dx, dy in ((1e-3, 0), (0, 1e-3), (-1e-3, 0), (0, -1e-3), (1e-3, 1e-3), (-1e-3, -1e-3), (1e-3, -1e-3)):
        nearby = float(f.subs({x: values[x] + dx, y: values[y] + dy}).evalf(30))
        assert nearby >= here - 1e-12


def test_newton_climbing_towards_an_inflection_is_not_called_divergence():
    result = gradient_descent(-(x**3), [x], [3.188], method="newton")  # 20+ steps uphill to 0
    assert result.reason == NOT_A_MINIMUM
    assert "climbing" in result.message


def test_a_saddle_that_runs_off_geometrically_is_diverged():
    result = gradient_descent(x * y, [x, y], [1, 2])
    assert result.reason == DIVERGED
    assert "unbounded below" in result.message
