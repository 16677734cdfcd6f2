"""Property tests: random functions whose critical points are known by construction.

f′ = a·(x − r₁)^m₁ ··· (x − r_k)^m_k, so the critical points are exactly the rᵢ;
each classification is then checked against samples of f near the point.
Random quadratics in x, y have one critical point, decided by the discriminant.
"""

import mpmath
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Rational, Symbol

from derivcli.analysis import classify_critical_points

x = Symbol("x", real=True)
y = Symbol("y", real=True)

roots = st.lists(st.integers(-4, 4), min_size=1, max_size=3, unique=True)
multiplicities = st.lists(st.integers(1, 4), min_size=3, max_size=3)
scales = st.sampled_from([-3, -1, Rational(1, 2), 2])


def _nearby_signs(expr, variables, point, directions=90):
    compiled = sympy.lambdify(variables, expr, modules="mpmath")
    signs = set()
    with mpmath.workdps(60):
        centre = [mpmath.mpf(sympy.N(value, 60)) for value in point]
        base = compiled(*centre)
        for radius in ("1e-3", "1e-5"):
            r = mpmath.mpf(radius)
            offsets = [[r], [-r]] if len(variables) == 1 else [
                [r * mpmath.cos(2 * mpmath.pi * k / directions + mpmath.mpf("0.01")), r * mpmath.sin(2 * mpmath.pi * k / directions + mpmath.mpf("0.01"))]
                for k in range(directions)
            ]
            for offset in offsets:
                difference = compiled(*[c + o for c, o in zip(centre, offset)]) - base
                signs.add(0 if abs(difference) < mpmath.mpf(10) ** -55 else (1 if difference > 0 else -1))
    return signs


def _agrees(kind, signs):
    if kind == "minimum":
        return signs <= {0, 1} and 1 in signs
    if kind == "maximum":
        return signs <= {0, -1} and -1 in signs
    if kind in ("saddle", "inflection"):
        return {1, -1} <= signs
    return False


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roots, multiplicities, scales)
def test_polynomials_with_known_critical_points(chosen_roots, chosen_multiplicities, scale):
    slope = scale
    for root, multiplicity in zip(chosen_roots, chosen_multiplicities):
        slope *= (x - root) ** multiplicity
    f = sympy.integrate(sympy.expand(slope), x)
    result = classify_critical_points(f, [x])
    found = sorted(item.point.coordinates[0] for item in result.classifications)
    assert found == sorted(chosen_roots)
    for item in result.classifications:
        assert item.kind in ("minimum", "maximum", "inflection"), item
        assert _agrees(item.kind, _nearby_signs(f, [x], item.point.coordinates)), (f, item.point.coordinates, item.kind)
        multiplicity = chosen_multiplicities[chosen_roots.index(item.point.coordinates[0])]
        # f′ changes sign at a root of odd multiplicity: an extremum; even: a horizontal inflection
        assert (item.kind == "inflection") == (multiplicity % 2 == 0)


coefficients = st.integers(-5, 5)


@settings(max_examples=30, deadline=None)
@given(coefficients, coefficients, coefficients, coefficients, coefficients)
def test_quadratics_in_two_variables(a, b, c, d, e):
    discriminant = 4 * a * c - b * b
    if discriminant == 0:
        return
    f = a * x**2 + b * x * y + c * y**2 + d * x + e * y
    result = classify_critical_points(f, [x, y])
    (item,) = result.classifications
    expected = "saddle" if discriminant < 0 else ("minimum" if a > 0 else "maximum")
    assert item.kind == expected
    assert item.test == "hessian"
    assert item.determinant == discriminant
    assert _agrees(item.kind, _nearby_signs(f, [x, y], item.point.coordinates))


def _random_functions():
    """Small random functions of x built from elementary pieces (sympy objects, not text)."""
    pieces = st.sampled_from([
        x**2, x**3, x**4, sympy.sin(x), sympy.cos(x), sympy.exp(-x**2), sympy.exp(x), sympy.atan(x),
        sympy.log(x**2 + 1), x * sympy.exp(-x), 1 / (x**2 + 1), sympy.sqrt(x**2 + 1),
    ])
    weights = st.sampled_from([-2, -1, Rational(1, 2), 1, 3])
    return st.lists(st.tuples(weights, pieces), min_size=1, max_size=3).map(
        lambda terms: sum((weight * piece for weight, piece in terms), sympy.Integer(0))
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_random_functions())
def test_every_classified_point_agrees_with_the_definition(f):
    if not f.has(x):
        return
    result = classify_critical_points(f, [x], (-3, 3), budget=4.0)
    for item in result.classifications:
        if item.kind in ("minimum", "maximum", "inflection"):
            assert _agrees(item.kind, _nearby_signs(f, [x], item.point.coordinates)), (f, item.point.coordinates, item.kind)
        # every point reported as f′ = 0 has a tiny difference quotient
        if item.point.reason == "derivative_zero":
            slope = sympy.N(sympy.diff(f, x).subs(x, item.point.coordinates[0]), 30)
            assert abs(slope) < 1e-9, (f, item.point.coordinates, slope)
    # nothing missed: every sign change of f′ on a fine grid has a reported point nearby
    slope = sympy.lambdify([x], sympy.diff(f, x), modules="math")
    found = [item.point.numeric_coordinates[0] for item in result.classifications]
    grid = [-2.99 + 5.98 * index / 6000 for index in range(6001)]
    values = [slope(point) for point in grid]
    for left, right, a, b in zip(grid, grid[1:], values, values[1:]):
        if a * b < 0:
            assert any(left - 1e-6 <= point <= right + 1e-6 for point in found), (f, left, right, found)


odd_roots = st.sampled_from([Rational(1, 3), Rational(2, 3), Rational(1, 5), Rational(2, 5), Rational(4, 5)])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_roots, st.integers(-3, 3), st.sampled_from([-2, -1, Rational(1, 2), 3]))
def test_cusps_and_vertical_tangents_are_found_and_told_truthfully(power, root, scale):
    """f = s·(x − r)^(p/q), q odd, read as the real root: f′ does not exist at r.

    p even: a cusp, an extremum (minimum when s > 0); p odd: a vertical tangent where f keeps
    rising or falling, never an extremum.
    """
    f = scale * (x - root) ** power
    result = classify_critical_points(f, [x])
    (item,) = result.classifications
    assert item.point.coordinates == (root,)
    assert item.point.reason == "derivative_undefined"
    assert item.test == "first_derivative"
    real = scale * sympy.sign(x - root) ** power.p * sympy.Abs(x - root) ** power  # the real root, by hand
    if power.p % 2 == 0:
        assert item.kind == ("minimum" if scale > 0 else "maximum")
        assert _agrees(item.kind, _nearby_signs(real, [x], (root,)))
    else:
        assert item.kind == "inflection"
        assert {1, -1} <= _nearby_signs(real, [x], (root,))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(-3, 3), min_size=7, max_size=7),
    st.sampled_from([(-1, 1), (0, 2), (-2, 1), (Rational(-1, 2), Rational(3, 2))]),
)
def test_absolute_extrema_on_a_box_bound_every_sample(coefficients, box):
    """No sample of f on the box lies below the reported minimum or above the reported maximum,
    and each reported point is in the box with f there equal to the reported value."""
    a, b, c, d, e, g, k = coefficients
    f = a * x**2 + b * x * y + c * y**2 + d * x + e * y + g * x**3 + k * x * y**2
    if not f.free_symbols >= {x, y}:
        return
    low, high = box
    result = classify_critical_points(f, [x, y], box, budget=6.0)
    absolute = result.absolute
    assert absolute.applicable, absolute.reason
    compiled = sympy.lambdify([x, y], f, modules="mpmath")
    with mpmath.workdps(30):
        steps = 40
        grid = [mpmath.mpf(sympy.N(low, 30)) + (mpmath.mpf(sympy.N(high, 30)) - mpmath.mpf(sympy.N(low, 30))) * i / steps for i in range(steps + 1)]
        samples = [compiled(p, q) for p in grid for q in grid]
        # exact values may be radicals of complex numbers with a residue like 1e-36·I: their real part
        lowest = mpmath.mpf(sympy.re(sympy.N(absolute.minimum_value, 30)))
        highest = mpmath.mpf(sympy.re(sympy.N(absolute.maximum_value, 30)))
        assert min(samples) >= lowest - mpmath.mpf("1e-20"), (f, box, absolute.minimum_value, min(samples))
        assert max(samples) <= highest + mpmath.mpf("1e-20"), (f, box, absolute.maximum_value, max(samples))
    for point, value in [(point, absolute.minimum_value) for point in absolute.minimum] + [(point, absolute.maximum_value) for point in absolute.maximum]:
        assert all(sympy.N(low) - 1e-12 <= sympy.re(sympy.N(item)) <= sympy.N(high) + 1e-12 for item in point.coordinates)
        exactness = 1e-9 if point.approximate else 1e-20  # a numeric search's points carry 15 digits
        assert abs(sympy.N(f.subs(dict(zip([x, y], point.coordinates))) - value, 30)) < exactness


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(-3, 3), min_size=7, max_size=7))
def test_cubics_in_two_variables_agree_with_the_definition(coefficients):
    """Each point classified as a minimum, maximum or saddle is one by sampling f around it, and
    ∇f is 0 there (to 30 digits)."""
    a, b, c, d, e, g, k = coefficients
    f = a * x**2 + b * x * y + c * y**2 + d * x + e * y + g * x**3 + k * y**3
    if not f.free_symbols >= {x, y}:
        return
    result = classify_critical_points(f, [x, y], budget=6.0)
    gradient = [sympy.diff(f, variable) for variable in (x, y)]
    for item in result.classifications:
        point = tuple(sympy.re(sympy.N(value, 40)) for value in item.point.coordinates)
        exactness = 1e-9 if item.point.approximate else 1e-20  # a numeric search's points carry 15 digits
        for component in gradient:
            assert abs(sympy.N(component.subs(dict(zip((x, y), point))), 30)) < exactness, (f, item.point.coordinates)
        if item.kind in ("minimum", "maximum", "saddle") and not item.approximate:
            # a saddle's falling directions can be a narrow cone (x·y + 18·y² falls for -x/18 < y < 0)
            assert _agrees(item.kind, _nearby_signs(f, [x, y], point, directions=1440)), (f, item.point.coordinates, item.kind)
