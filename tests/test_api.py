"""The Python API (issue 13, item 6): ``import derivcli`` stays cheap, the functions return the
commands' result objects, read text with deriv's parser only, and are checked against sympy."""

import subprocess
import sys

import pytest
import sympy

import derivcli
from conftest import ROOT
from derivcli.errors import NoAnswerError, ParseError, ResourceLimitError

x, y = sympy.symbols("x y", real=True)


def test_importing_derivcli_loads_neither_sympy_nor_the_api():
    code = ("import sys, derivcli; print('sympy' in sys.modules, 'rich' in sys.modules, "
            "'derivcli.api' in sys.modules, callable(derivcli.derivative), 'sympy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.stdout.split() == ["False", "False", "False", "True", "True"], result.stderr


def test_the_api_is_documented_and_listed():
    for name in ("derivative", "evaluate", "critical_points", "classify", "descend"):
        function = getattr(derivcli, name)
        assert function.__doc__ and len(function.__doc__) > 40
        assert name in dir(derivcli) and name in derivcli.__doc__
    with pytest.raises(AttributeError):
        derivcli.no_such_function


@pytest.mark.parametrize("text, variable", [("sin(x)**2", x), ("x**x", x), ("(y - 3*x)**2 * exp(x*y)", y),
                                            ("log(x**2 + 1)/sqrt(x**2 + 4)", x)])
def test_derivative_agrees_with_sympy(text, variable):
    result = derivcli.derivative(text, wrt=str(variable))
    f = result.derivation.expression
    assert sympy.simplify(result.derivation.result - sympy.diff(f, variable)) == 0
    assert result.problems == []


def test_derivative_value_and_a_failed_expectation():
    result = derivcli.derivative("x**3", at={"x": 2}, expect=12)
    assert result.value == 12 and result.problems == []
    wrong = derivcli.derivative("x**2", expect="3*x")
    assert [problem.status for problem in wrong.problems] == [1]
    assert wrong.problems[0].message == "expected 3*x, got 2*x"


def test_evaluate_agrees_with_sympy_at_several_points():
    result = derivcli.evaluate("x**3 * exp(-x)", at=["1/3", 2, "x=pi"], order=2)
    f = x**3 * sympy.exp(-x)
    for entry, point in zip(result.points, (sympy.Rational(1, 3), 2, sympy.pi)):
        truth = [f.subs(x, point), sympy.diff(f, x).subs(x, point), sympy.diff(f, x, 2).subs(x, point)]
        assert all(sympy.simplify(got - want) == 0 for got, want in zip(entry.values, truth))
    undefined = derivcli.evaluate("1/x", at=0)
    assert isinstance(undefined.points[0].error, NoAnswerError)


def test_critical_points_agree_with_sympy_solve():
    result = derivcli.critical_points("x**4 - 2*x**2")
    found = sorted(point.as_dict()[x] for point in result.points)
    assert found == sorted(sympy.solve(sympy.diff(x**4 - 2*x**2, x), x)) == [-1, 0, 1]


def test_classify_agrees_with_the_second_derivative_and_the_hessian():
    f = x**3 - 3*x
    for item in derivcli.classify("x**3 - 3*x").classifications:
        second = sympy.diff(f, x, 2).subs(item.point.as_dict())
        assert item.kind == ("minimum" if second > 0 else "maximum")
    (saddle,) = derivcli.classify("x**2 - y**2", at="x=0,y=0").classifications
    hessian = sympy.hessian(x**2 - y**2, (x, y))
    assert saddle.kind == "saddle" and hessian.det() < 0


def test_descend_reaches_the_minimum_sympy_finds():
    result = derivcli.descend("(x - 3)**2 + (y + 1)**2", start={"x": 0, "y": 0})
    (minimum,) = sympy.solve([2 * (x - 3), 2 * (y + 1)], [x, y], dict=True)
    assert result.converged
    assert result.point == pytest.approx((float(minimum[x]), float(minimum[y])), abs=1e-6)


def test_text_is_parsed_by_derivs_parser_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    for text in (f"__import__('os').system('touch {marker}')", f"open('{marker}', 'w')", "exec('1')"):
        with pytest.raises(ParseError):
            derivcli.derivative(text)
    assert not marker.exists()


def test_guarded_runs_under_the_limits():
    assert derivcli.derivative("x**2", at=3, guarded=True).value == 6
    with pytest.raises(ResourceLimitError):
        derivcli.evaluate("gamma(10**7)", at=0, guarded=True, timeout=1)
