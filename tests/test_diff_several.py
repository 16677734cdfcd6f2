"""deriv diff --gradient, --hessian, --jacobian and the tangent line, through the real command line,
against oracles other than the code under test: sympy.diff per variable, sympy.hessian,
Matrix.jacobian, the eigenvalues of sympy's Matrix, and the tangent's defining properties."""

import json

import pytest
import sympy

from conftest import strip_ansi

x, y, z, w, b = (sympy.Symbol(name, real=True) for name in "xyzwb")


def _real(text):
    """Our sympy-syntax output read back, with the real symbols the parser makes."""
    value = sympy.sympify(text)
    return value.xreplace({s: sympy.Symbol(s.name, real=True) for s in value.free_symbols})


def _equal(first, second) -> bool:
    return sympy.simplify(first - second) == 0


# --- the gradient ------------------------------------------------------------------------------

def test_the_seeds_mse_gradient_is_minus_two_x_times_the_residual(invoke):
    result = invoke("diff", "(y - (w*x + b))**2", "--wrt", "w", "--wrt", "b", "--gradient")
    assert result.exit_code == 0, result.output
    by_w, by_b = (_real(line) for line in result.stdout.splitlines())
    residual = y - w * x - b
    assert _equal(by_w, -2 * x * residual) and _equal(by_b, -2 * residual)


@pytest.mark.parametrize("formula", [
    "x**2*y + sin(x*y)", "exp(x - y)*z", "log(x**2 + y**2 + 1)", "x*y*z + x**3", "sqrt(x**2 + y**2 + 1)/z",
])
def test_every_component_is_sympy_diff_in_its_variable(invoke, formula):
    result = invoke("diff", formula, "--gradient", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    function = _real(record["expression"])
    variables = [sympy.Symbol(name, real=True) for name in record["variables"]]
    assert [entry["variable"] for entry in record["gradient"]] == record["variables"]
    assert set(variables) == function.free_symbols  # default: every variable
    for entry, variable in zip(record["gradient"], variables):
        assert _equal(_real(entry["derivative"]), sympy.diff(function, variable))
        assert entry["steps"]["variable"] == str(variable)


def test_the_gradient_at_a_point_has_its_values_and_norm(invoke):
    record = json.loads(invoke("diff", "x**2*y + y**3", "--gradient", "--at", "x=1,y=2", "--json").stdout)
    assert [entry["value"] for entry in record["gradient"]] == ["4", "13"]  # 2xy, x² + 3y²
    assert _equal(_real(record["norm"]), sympy.sqrt(4**2 + 13**2))
    piped = invoke("diff", "x**2*y + y**3", "--gradient", "--at", "x=1,y=2")
    assert piped.stdout.splitlines() == ["4", "13"]


def test_vector_puts_the_gradient_on_one_line(invoke):
    result = invoke("diff", "x*y**2", "--gradient", "--vector")
    assert result.stdout.splitlines() == ["[y**2, 2*x*y]"]


def test_the_terminal_shows_a_tree_per_component(invoke):
    output = strip_ansi(invoke("diff", "(y - (w*x + b))**2", "--wrt", "w", "--wrt", "b", "--gradient",
                               "--at", "w=1,b=0,x=2,y=3", terminal=True).stdout)
    assert output.count("chain rule") == 2
    assert "∂f/∂w = " in output and "∂f/∂b = " in output
    assert "∇f = (-4, -2), |∇f| = 2·√5 ≈ 4.47214" in output
    assert "tangent plane: z = -2·b - 4·w + 5" in output


def test_a_gradient_of_fifty_variables_shows_the_first_rows_and_says_how_many_more(invoke):
    formula = " + ".join(f"x{i}**2" for i in range(1, 51))
    piped = invoke("diff", formula, "--gradient")
    assert piped.exit_code == 0
    lines = piped.stdout.splitlines()
    assert len(lines) == 50 and sorted(lines) == sorted(f"2*x{i}" for i in range(1, 51))
    screen = strip_ansi(invoke("diff", formula, "--gradient", terminal=True).stdout)
    assert "… and 38 more components" in screen and "(44 more trees not shown" in screen
    assert screen.count("power rule") == 6


@pytest.mark.parametrize("expected, status", [("[y, x]", 0), ("[x, y]", 1)])
def test_expect_compares_every_component(invoke, expected, status):
    result = invoke("diff", "x*y", "--gradient", "--expect", expected)
    assert result.exit_code == status
    if status:
        assert "∂f/∂x: expected x" in result.stderr


def test_expect_at_a_point_compares_the_values(invoke):
    assert invoke("diff", "x*y", "--gradient", "--at", "x=2,y=3", "--expect", "[3, 2]").exit_code == 0
    assert invoke("diff", "x*y", "--gradient", "--at", "x=2,y=3", "--expect", "[2, 3]").exit_code == 1


def test_a_batch_keeps_one_record_a_line_with_its_own_expectations(invoke):
    result = invoke("diff", "-", "--gradient", input="x*y => [y, x]\n# a comment\nx**2 + y**2\nx*y => [x, y]\n")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["[y, x]", "", "[2*x, 2*y]", "[y, x]"]
    assert "line 4: ∂f/∂x: expected x" in result.stderr


@pytest.mark.parametrize("arguments, message", [
    (["x*y", "--gradient", "--order", "2"], "--order does not apply"),
    (["x*y", "--gradient", "--hessian"], "cannot be combined"),
    (["x*y", "--gradient", "--expect", "[y, x, 1]"], "the gradient is 2"),
    (["x*y", "--gradient", "--expect", "[y, x"], "brackets"),
    (["[x, y]", "--gradient"], "has a Jacobian"),
    (["x*y", "--vector"], "--vector applies"),
    (["x**2 + y**2 = 1", "--gradient"], "--gradient takes a formula, not an equation"),
])
def test_bad_requests_are_usage_errors_that_name_the_problem(invoke, arguments, message):
    result = invoke("diff", *arguments)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


# --- the Hessian -------------------------------------------------------------------------------

@pytest.mark.parametrize("formula", ["x**3*y + exp(x*y)", "sin(x)*cos(y)*z", "x**4 - 3*x*y**2 + y*z"])
def test_the_hessian_is_sympys_and_symmetric(invoke, formula):
    record = json.loads(invoke("diff", formula, "--hessian", "--json").stdout)
    function = _real(record["expression"])
    variables = [sympy.Symbol(name, real=True) for name in record["variables"]]
    truth = sympy.hessian(function, variables)
    matrix = [[_real(entry) for entry in row] for row in record["hessian"]]
    size = len(variables)
    assert record["symmetric"] is True
    assert len(record["entries"]) == size * (size + 1) // 2  # each pair derived once
    for i in range(size):
        for j in range(size):
            assert _equal(matrix[i][j], truth[i, j])
            assert matrix[i][j] == matrix[j][i]


def test_a_hessian_with_corners_derives_every_entry(invoke):
    record = json.loads(invoke("diff", "abs(x)*y**2", "--hessian", "--json").stdout)
    assert record["symmetric"] is False and len(record["entries"]) == 4


@pytest.mark.parametrize("formula, point, definiteness", [
    ("x**2 + y**2", "x=0,y=0", "positive definite"),
    ("-x**2 - x*y - y**2", "x=1,y=1", "negative definite"),
    ("x**2 - y**2", "x=0,y=0", "indefinite"),
    ("x**4 + y**2", "x=0,y=0", "positive semidefinite"),
    ("x**2 + 3*x*y + y**2 + z**2", "x=0,y=0,z=0", "indefinite"),
])
def test_the_eigenvalues_say_how_f_curves(invoke, formula, point, definiteness):
    record = json.loads(invoke("diff", formula, "--hessian", "--at", point, "--json").stdout)
    assert record["definiteness"] == definiteness
    values = sympy.Matrix([[_real(entry) for entry in row] for row in record["values"]])
    truth = sorted(float(value) for value in values.eigenvals(multiple=True))
    found = [float(_real(str(value))) for value in record["eigenvalues"]]
    assert found == pytest.approx(truth, abs=1e-12)


def test_a_terminal_says_what_positive_definite_means(invoke):
    output = strip_ansi(invoke("diff", "x**2 + x*y + y**2", "--hessian", "--at", "x=0,y=0", terminal=True).stdout)
    assert "eigenvalues: 1, 3" in output
    assert "positive definite: f curves up in every direction" in output
    assert "a local minimum" in output
    assert "∂²f/∂x∂y = ∂²f/∂y∂x derived once" in output


def test_a_hessian_of_twenty_variables_is_cut_on_a_terminal_and_whole_in_a_pipe(invoke):
    formula = " + ".join(f"x{i}*x{i + 1}" for i in range(1, 20))
    piped = invoke("diff", formula, "--hessian")
    assert piped.exit_code == 0 and len(piped.stdout.splitlines()) == 20
    screen = strip_ansi(invoke("diff", formula, "--hessian", "--no-steps", terminal=True).stdout)
    assert "the first 12 of 20 rows and 12 of 20 columns: 256 more entries" in screen


def test_the_hessian_in_latex_is_a_matrix(invoke):
    assert invoke("diff", "x**2*y", "--hessian", "--latex").stdout.strip() == \
        r"H = \begin{pmatrix} 2 y & 2 x \\ 2 x & 0 \end{pmatrix}"


# --- the Jacobian ------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments", [["[x*y, x + sin(y)]", "--jacobian"], ["x*y, x + sin(y)", "--jacobian"]])
def test_the_jacobian_is_one_gradient_a_row(invoke, arguments):
    record = json.loads(invoke("diff", *arguments, "--json").stdout)
    functions = sympy.Matrix([_real(text) for text in record["functions"]])
    truth = functions.jacobian([x, y])
    assert record["variables"] == ["x", "y"]
    for i, row in enumerate(record["jacobian"]):
        for j, entry in enumerate(row):
            assert _equal(_real(entry), truth[i, j])


def test_the_jacobian_piped_is_a_row_a_line_and_at_a_point_its_values(invoke):
    assert invoke("diff", "[x*y, x + y]", "--jacobian").stdout.splitlines() == ["[y, x]", "[1, 1]"]
    assert invoke("diff", "[x*y, x + y]", "--jacobian", "--at", "x=2,y=5", "--vector").stdout.strip() == \
        "[[5, 2], [1, 1]]"


def test_a_vector_without_jacobian_is_not_read(invoke):
    result = invoke("diff", "[x*y, x + y]")
    assert result.exit_code == 2 and "with --jacobian" in result.stderr


@pytest.mark.parametrize("arguments, message", [
    (["[x*y, x + y]", "--wrt", "z"], "none of the functions depends on z"),
    (["[x*y, x + y]", "--expect", "[[y, x]]"], "the Jacobian is 2 × 2"),
    (["[x*y, ]"], "empty element"),
    (["[x*y, x + y]", "--order", "2"], "--order does not apply"),
    (["[x*y, x + y]", "--implicit", "y"], "cannot be combined"),
])
def test_a_mismatched_vector_is_a_usage_error(invoke, arguments, message):
    result = invoke("diff", *arguments, "--jacobian")
    assert result.exit_code == 2
    assert message in result.stderr


def test_expect_checks_a_jacobian(invoke):
    assert invoke("diff", "[x*y, x + y]", "--jacobian", "--expect", "[[y, x], [1, 1]]").exit_code == 0
    assert invoke("diff", "[x*y, x + y]", "--jacobian", "--expect", "[[y, x], [1, 2]]").exit_code == 1


# --- the tangent line --------------------------------------------------------------------------

def test_the_tangent_of_x_squared_at_3(invoke):
    assert invoke("diff", "x**2", "--at", "3", "--tangent").stdout.strip() == "6*x - 9"
    record = json.loads(invoke("diff", "x**2", "--at", "3", "--json").stdout)
    assert record["tangent"]["line"] == "6*x - 9"
    screen = strip_ansi(invoke("diff", "x**2", "--at", "3", terminal=True).stdout)
    assert "tangent: y = 6·x - 9" in screen
    assert "near x = 3, f(3.1) ≈ 9.6; the true value is 9.61" in screen


@pytest.mark.parametrize("formula, place", [
    ("sin(x)", "pi/4"), ("exp(x)", "0"), ("log(x)", "2"), ("x**3 - 2*x", "-1"), ("sqrt(x)", "9"),
])
def test_a_tangent_touches_f_at_the_point_with_its_slope(invoke, formula, place):
    line = _real(invoke("diff", formula, "--at", place, "--tangent").stdout.strip())
    function, a = _real(formula), _real(place)
    assert _equal(line.subs(x, a), function.subs(x, a))
    assert _equal(sympy.diff(line, x), sympy.diff(function, x).subs(x, a))
    assert sympy.diff(line, x, 2) == 0


def test_a_tangent_plane_touches_f_with_its_partials(invoke):
    line = _real(invoke("diff", "x**2*y + y", "--gradient", "--at", "x=1,y=2", "--tangent").stdout.strip())
    function = x**2 * y + y
    point = {x: 1, y: 2}
    assert line.subs(point) == function.subs(point)
    for variable in (x, y):
        assert sympy.diff(line, variable) == sympy.diff(function, variable).subs(point)


def test_expect_with_tangent_checks_the_line(invoke):
    assert invoke("diff", "x**2", "--at", "3", "--tangent", "--expect", "6*x - 9").exit_code == 0
    assert invoke("diff", "x**2", "--at", "3", "--tangent", "--expect", "6*x - 8").exit_code == 1
    assert invoke("diff", "x**2", "--at", "3", "--tangent", "--latex").stdout.strip() == "y = 6 x - 9"


@pytest.mark.parametrize("arguments, message", [
    (["x**2", "--tangent"], "--tangent needs the point"),
    (["x*y", "--at", "x=1,y=1", "--tangent"], "add --gradient"),
    (["x**2", "--at", "1", "--tangent", "--order", "2"], "first-order"),
])
def test_a_tangent_needs_a_point_and_one_variable(invoke, arguments, message):
    result = invoke("diff", *arguments)
    assert result.exit_code == 2
    assert message in result.stderr


# --- the manual's list of JSON keys is the real one ----------------------------------------------

@pytest.mark.parametrize("form, arguments", [
    ("--gradient", ["x*y", "--gradient"]),
    ("--hessian", ["x*y", "--hessian"]),
    ("--jacobian", ["[x*y, x]", "--jacobian"]),
    ("an equation", ["x**2 + y**2 = 1"]),
])
def test_the_json_keys_in_the_man_page_are_the_real_ones(invoke, form, arguments):
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "scripts"))
    import generate_man_page

    assert list(json.loads(invoke("diff", *arguments, "--json").stdout)) == generate_man_page.DIFF_FORM_KEYS[form]


def test_strict_is_refused_where_it_would_check_nothing(invoke):
    for arguments in (["x*y", "--gradient"], ["x**2 + y**2 = 1"]):
        result = invoke("diff", *arguments, "--strict")
        assert result.exit_code == 2 and "--strict" in result.stderr


@pytest.mark.parametrize("options", [["--gradient"], ["--hessian"], ["--jacobian"], ["--implicit", "y"]])
def test_the_hostile_corpus_through_the_new_forms(process, tmp_path, monkeypatch, options):
    """Every hostile line is refused (exit 2 or 4) under each new form; under --jacobian the one
    line that is a well-formed vector, [x, x], is a vector of functions and has its Jacobian."""
    from test_hostile import HOSTILE

    monkeypatch.chdir(tmp_path)
    result = process("diff", "-", *options, "--timeout", "3", "--json", input="\n".join(HOSTILE) + "\n",
                     timeout=len(HOSTILE) * 4 + 60)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(HOSTILE) and "Traceback" not in result.stderr
    for record in records:
        if record["input"] == "[x, x]" and options == ["--jacobian"]:
            assert record["jacobian"] == [["1"], ["1"]]
        else:
            assert record["error"]["status"] in (2, 4), record
    assert not (tmp_path / "DERIV_PWNED").exists()
