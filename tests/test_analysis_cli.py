"""`deriv critical` and `deriv classify` through the real entry point (click's runner and real processes)."""

import json

import pytest

from conftest import strip_ansi

TRUTH_TABLE = [
    # (expression, extra options, {point line: words})
    ("x**3 - 3*x", [], {"x=-1": "local maximum", "x=1": "local minimum"}),
    ("x**4", [], {"x=0": "local minimum"}),
    ("x**3", [], {"x=0": "inflection point"}),
    ("x*exp(-x)", [], {"x=1": "local maximum"}),
    ("x**2*exp(-x)", [], {"x=0": "local minimum", "x=2": "local maximum"}),
    ("x + 1/x", [], {"x=-1": "local maximum", "x=1": "local minimum"}),
    ("sin(x)", ["--in", "0:2*pi"], {"x=pi/2": "local maximum", "x=3*pi/2": "local minimum"}),
    ("abs(x)", [], {"x=0": "local minimum"}),
    ("x^(2/3)", [], {"x=0": "local minimum"}),
    ("ln(x) - x", [], {"x=1": "local maximum"}),
    ("x**2 + y**2", [], {"x=0,y=0": "local minimum"}),
    ("x**2 - y**2", [], {"x=0,y=0": "saddle point"}),
    ("x**3 - 3*x + y**2", [], {"x=1,y=0": "local minimum", "x=-1,y=0": "saddle point"}),
    ("x**4 + y**4", [], {"x=0,y=0": "local minimum"}),
    ("(1-x)**2 + 100*(y-x**2)**2", [], {"x=1,y=1": "local minimum"}),
    (
        "x*y*exp(-(x**2+y**2)/2)",
        [],
        {"x=0,y=0": "saddle point", "x=1,y=1": "local maximum", "x=-1,y=-1": "local maximum",
         "x=1,y=-1": "local minimum", "x=-1,y=1": "local minimum"},
    ),
]

TESTS = {
    "x**4": "higher_order_derivative",
    "abs(x)": "first_derivative",
    "x^(2/3)": "first_derivative",
    "x**4 + y**4": "even_powers",
    "x**3 - 3*x": "second_derivative",
    "x**2 - y**2": "hessian",
}


def _lines(output):
    return [line for line in output.splitlines() if line]


@pytest.mark.parametrize("expression, options, expected", TRUTH_TABLE, ids=[case[0] for case in TRUTH_TABLE])
def test_classify_truth_table(invoke, expression, options, expected):
    result = invoke("classify", expression, *options)
    assert result.exit_code == 0, result.stderr
    found = dict(line.split("\t") for line in _lines(result.stdout) if "absolute" not in line)
    assert found == expected


@pytest.mark.parametrize("expression, options, expected", TRUTH_TABLE, ids=[case[0] for case in TRUTH_TABLE])
def test_critical_truth_table(invoke, expression, options, expected):
    result = invoke("critical", expression, *options)
    assert result.exit_code == 0, result.stderr
    assert sorted(_lines(result.stdout)) == sorted(expected)


@pytest.mark.parametrize("expression, test", sorted(TESTS.items()))
def test_json_names_the_deciding_test(invoke, expression, test):
    result = invoke("classify", expression, "--json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert {point["test"] for point in record["points"]} == {test}


def test_each_point_composes_with_classify_at(invoke):
    for expression, options, expected in TRUTH_TABLE:
        for line in _lines(invoke("critical", expression, *options).stdout):
            answer = invoke("classify", expression, "--at", line)
            assert answer.exit_code == 0, (expression, line, answer.stderr)
            assert answer.stdout == f"{line}\t{expected[line]}\n"


def test_composition_through_real_processes(process):
    first = process("critical", "x**3 - 3*x")
    assert first.returncode == 0 and first.stdout == "x=-1\nx=1\n"
    top = first.stdout.splitlines()[0]
    answer = process("classify", "x**3 - 3*x", "--at", top)
    assert (answer.returncode, answer.stdout, answer.stderr) == (0, "x=-1\tlocal maximum\n", "")
    several = process("critical", "x**3 - 3*x + y**2")
    lines = several.stdout.splitlines()
    assert lines == ["x=-1,y=0", "x=1,y=0"]
    answer = process("classify", "x**3 - 3*x + y**2", "--at", lines[1])
    assert answer.stdout == "x=1,y=0\tlocal minimum\n"


def test_a_family_line_names_its_parameter(invoke):
    result = invoke("critical", "sin(x)")
    assert result.stdout == "x=pi*n + pi/2 (n integer)\n"
    classified = invoke("classify", "sin(x)")
    assert classified.stdout == "x=2*pi*n + pi/2 (n integer)\tlocal maximum\nx=2*pi*n + 3*pi/2 (n integer)\tlocal minimum\n"


def test_critical_json_keys(invoke):
    record = json.loads(invoke("critical", "sin(x)", "--in", "0:2*pi", "--json").stdout)
    assert set(record) >= {"expression", "variables", "derivatives", "equations", "points", "families",
                           "endpoints", "interval", "complete", "method", "constant", "notes"}
    assert record["equations"] == ["cos(x) = 0"]
    assert record["interval"] == ["0", "2*pi"]
    first = record["points"][0]
    assert set(first) >= {"text", "at", "at_numeric", "value", "value_numeric", "approximate", "reason"}
    assert first["at"] == {"x": "pi/2"} and abs(first["at_numeric"]["x"] - 1.5707963267948966) < 1e-12
    assert first["value"] == "1" and first["approximate"] is False
    assert [point["text"] for point in record["endpoints"]] == ["x=0", "x=2*pi"]
    (family,) = record["families"]
    assert family["text"] == "x=pi*n + pi/2 (n integer)" and len(family["members"]) == 2


def test_classify_json_keys(invoke):
    record = json.loads(invoke("classify", "x**3 - 3*x + y**2", "--json").stdout)
    by_point = {point["text"]: point for point in record["points"]}
    saddle = by_point["x=-1,y=0"]
    assert set(saddle) >= {"kind", "words", "test", "values", "hessian", "eigenvalues", "determinant", "explanation"}
    assert (saddle["kind"], saddle["words"], saddle["test"]) == ("saddle", "saddle point", "hessian")
    assert saddle["hessian"] == [["-6", "0"], ["0", "2"]]
    assert saddle["eigenvalues"] == ["-6", "2"] and saddle["determinant"] == "-12"
    one = json.loads(invoke("classify", "x**4", "--json").stdout)["points"][0]
    assert one["kind"] == "minimum" and one["values"]["f⁽⁴⁾(0)"] == "24"


def test_classify_interval_gives_absolute_extrema(invoke):
    record = json.loads(invoke("classify", "x**3 - 3*x", "--in", "0:3", "--json").stdout)
    absolute = record["absolute"]
    assert absolute["minimum"]["value"] == "-2" and [p["text"] for p in absolute["minimum"]["points"]] == ["x=1"]
    assert absolute["maximum"]["value"] == "18" and [p["text"] for p in absolute["maximum"]["points"]] == ["x=3"]
    assert absolute["maximum"]["value_numeric"] == 18.0
    plain = invoke("classify", "x**3 - 3*x", "--in", "0:3").stdout
    assert "x=3\tabsolute maximum" in plain


def test_classify_on_a_box_gives_absolute_extrema_in_several_variables(invoke, process):
    plain = invoke("classify", "x**2 - y**2 + x*y", "--in", "0:1")
    assert plain.exit_code == 0
    assert "x=0,y=1\tabsolute minimum" in plain.stdout and "x=1,y=1/2\tabsolute maximum" in plain.stdout
    record = json.loads(invoke("classify", "x**2 - y**2 + x*y", "--in", "0:1", "--json").stdout)
    maximum = record["absolute"]["maximum"]
    assert maximum["value"] == "5/4" and [p["text"] for p in maximum["points"]] == ["x=1,y=1/2"]
    assert any(candidate["reason"] == "boundary" for candidate in record["absolute"]["candidates"])
    screen = strip_ansi(invoke("classify", "x**2 - y**2 + x*y", "--in", "0:1", terminal=True).stdout)
    assert "[0, 1]²" in screen and "on the closed box" in screen and "(x = 1, y = 1/2)" in screen
    refused = process("classify", "x/y", "--in", "-1:1")  # a real process: nested budgets in the guard's worker
    assert refused.returncode == 0 and "absolute" not in refused.stdout
    assert "no absolute extrema: could not verify that f is continuous on the box" in refused.stderr
    assert "Traceback" not in refused.stderr and "Exception ignored" not in refused.stderr


def test_inflections_option(invoke):
    result = invoke("classify", "x**4 - 6*x**2", "--inflections")
    lines = result.stdout.splitlines()
    assert "x=-1\tinflection point" in lines and "x=1\tinflection point" in lines
    none = invoke("classify", "x**4", "--inflections", "--json")
    assert json.loads(none.stdout)["inflections"]["points"] == []


def test_not_critical_point(invoke):
    result = invoke("classify", "x**3 - 3*x", "--at", "2")
    assert result.stdout == "x=2\tnot critical\n"
    record = json.loads(invoke("classify", "x**3 - 3*x", "--at", "2", "--json").stdout)
    assert record["points"][0]["trend"] == "increasing"


def test_exit_statuses(invoke):
    assert invoke("classify", "x**2 + y**2", "--at", "x=1").exit_code == 2  # y missing
    assert invoke("classify", "x**2", "--at", "y=1").exit_code == 2  # not a variable
    assert invoke("classify", "x**2", "--at", "x=1", "--in", "0:1").exit_code == 2
    assert invoke("critical", "x**2", "--in", "3:1").exit_code == 2
    assert invoke("critical", "x**2", "--in", "3").exit_code == 2
    assert invoke("critical", "x**", ).exit_code == 2
    assert invoke("classify", "ln(x)", "--at", "-1").exit_code == 3
    constant = invoke("critical", "7")
    assert constant.exit_code == 0 and constant.stdout == ""
    assert "no isolated critical points" in constant.stderr


def test_incomplete_search_says_so(invoke):
    result = invoke("critical", "exp(x) - 3*x**2 + sin(x)")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2
    assert "incomplete" in result.stderr


def test_terminal_shows_equation_table_and_plot(invoke):
    result = invoke("classify", "x**3 - 3*x", terminal=True, columns=120)
    text = strip_ansi(result.stdout)
    assert "solve  3·x² - 3 = 0" in text
    assert "local maximum" in text and "second-derivative test" in text and "f″(-1) = -6" in text
    assert "▲" in text and "▼" in text  # the plot marks the maximum and the minimum


def test_batch_input(invoke):
    result = invoke("classify", "-", input="x**3 - 3*x\nx**4\n")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["x=-1\tlocal maximum", "x=1\tlocal minimum", "x=0\tlocal minimum"]


def test_a_solver_out_of_its_share_of_the_timeout_falls_back_to_numeric_search(invoke, monkeypatch):
    import threading
    import time

    import sympy

    x = sympy.Symbol("x")
    # the oracle, computed before the solvers are stalled: f′ = 7x⁶ − 9x² + 1 has four real roots
    roots = sorted(float(root) for root in sympy.Poly(7 * x**6 - 9 * x**2 + 1, x).nroots(n=30) if root.is_real)
    assert len(roots) == 4

    def stalled(*arguments, **options):
        """Never finishes; the worker forked by invoke inherits it. Idle until the budget ends it."""
        never, deadline = threading.Event(), time.monotonic() + 60
        while not never.wait(0.001):
            if time.monotonic() > deadline:
                pytest.fail("the budget never interrupted the stalled solver")

    monkeypatch.setattr(sympy.Poly, "real_roots", stalled)
    monkeypatch.setattr(sympy, "solveset", stalled)
    result = invoke("critical", "x**7 - 3*x**3 + x", "--timeout", "5", "--json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["complete"] is False and record["method"] == "numeric"
    assert [point["at_numeric"]["x"] for point in record["points"]] == pytest.approx(roots, rel=1e-9)


def test_rounded_points_from_critical_compose(invoke):
    for expression in ("x**7 - 3*x**3 + x", "exp(x) - 3*x**2 + sin(x)"):
        lines = _lines(invoke("critical", expression).stdout)
        assert len(lines) == 4 if expression.startswith("x**7") else len(lines) == 2
        kinds = []
        for line in lines:
            answer = invoke("classify", expression, "--at", line)
            assert answer.exit_code == 0
            point, words = answer.stdout.rstrip("\n").split("\t")
            assert point == line
            kinds.append(words)
        # extrema of a smooth function alternate along the line
        assert all(kind in ("local minimum", "local maximum") for kind in kinds)
        assert all(first != second for first, second in zip(kinds, kinds[1:]))
        record = json.loads(invoke("classify", expression, "--at", lines[0], "--json").stdout)
        assert record["points"][0]["approximate"] is True
        assert "rounded critical point" in record["points"][0]["explanation"]


def test_a_point_merely_near_a_critical_point_is_not_critical(invoke):
    assert invoke("classify", "x**2", "--at", "0.0000000000001").stdout == "x=0.0000000000001\tnot critical\n"
    assert invoke("classify", "x**2", "--at", "1/1000000").stdout == "x=1/1000000\tnot critical\n"


def test_infinite_interval_ends(invoke):
    assert invoke("classify", "x*exp(-x)", "--in", "0:oo").stdout == "x=1\tlocal maximum\n"
    assert invoke("critical", "x**3 - 3*x", "--in", "-oo:0").stdout == "x=-1\n"
    periodic = invoke("classify", "sin(x)", "--in", "0:oo")
    assert periodic.exit_code == 0 and "local maximum" in periodic.stdout
    assert "listed whole" in periodic.stderr


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("critical", "x**3 - 3*x", "--expect", "x=-1; x=1"), 0),
        (("critical", "x**3 - 3*x", "--expect", "x=1;x=-1"), 0),  # any order
        (("critical", "x**3 - 3*x", "--expect", "x=1"), 1),
        (("critical", "x**3 - 3*x", "--expect", "x=-1; x=1; x=2"), 1),
        (("critical", "sin(x)", "--expect", "x=pi*n + pi/2 (n integer)"), 0),
        (("critical", "sin(x)", "--expect", "none"), 1),
        (("critical", "x**2 + 1 - x**2", "--expect", "none"), 0),
        (("critical", "x**6/6 - x**2/2 + x", "--expect", "x=-1.16730397826142"), 0),  # a CRootOf, as printed
        (("critical", "x**3 - 3*x + y**2", "--expect", "x=1,y=0; x=-1,y=0"), 0),
        (("classify", "x**3 - 3*x", "--at", "1", "--expect", "minimum"), 0),
        (("classify", "x**3 - 3*x", "--at", "1", "--expect", "local minimum"), 0),
        (("classify", "x**3 - 3*x", "--at", "1", "--expect", "maximum"), 1),
        (("classify", "x**2 - y**2", "--at", "x=0,y=0", "--expect", "saddle point"), 0),
        (("classify", "x**3", "--at", "1", "--expect", "not_critical"), 0),
        (("classify", "x**3 - 3*x", "--expect", "minimum"), 2),  # which point? --at is needed
        (("classify", "x**3 - 3*x", "--at", "1", "--expect", "minimal"), 2),
        (("critical", "x**3 - 3*x", "--expect", "z=1"), 2),
    ],
)
def test_expect_for_critical_and_classify(invoke, args, status):
    result = invoke(*args)
    assert result.exit_code == status, (args, result.stdout, result.stderr)
    if status == 1:
        assert result.stderr.startswith("deriv: error: expected ")
        assert result.stdout  # the answer is still printed, for the reader of the CI log


def test_expect_lines_in_a_batch_for_classify(invoke):
    lines = "x**2 => minimum\nx**3 => inflection\n-x**2 => minimum\n"
    result = invoke("classify", "-", "--at", "0", input=lines)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["x=0\tlocal minimum", "x=0\tinflection point", "x=0\tlocal maximum"]
    assert "line 3: expected local minimum at x=0, got local maximum" in result.stderr
    assert "line 1" not in result.stderr and "line 2" not in result.stderr
