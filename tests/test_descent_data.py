"""descend --data: fits checked against numpy's least squares, reproducible SGD, the 2/λ_max
bound computed independently, comparisons, and bad data files through real processes."""

import json
import random

import numpy
import pytest

from conftest import strip_ansi
from derivcli.render.descent import SHADES

LINEAR = "(y - (w*x + b))**2"


def write_points(path, rows=200, seed=3, scale=1.0):
    generator = random.Random(seed)
    xs = [generator.uniform(-2, 2) * scale for _ in range(rows)]
    ys = [1.5 * x / scale - 0.7 + generator.gauss(0, 0.3) for x in xs]
    path.write_text("x,y\n" + "".join(f"{x!r},{y!r}\n" for x, y in zip(xs, ys)))
    return numpy.array(xs), numpy.array(ys)


@pytest.fixture
def points(tmp_path):
    path = tmp_path / "points.csv"
    xs, ys = write_points(path)
    return path, xs, ys


def least_squares(xs, ys):
    design = numpy.column_stack([xs, numpy.ones_like(xs)])
    return numpy.linalg.lstsq(design, ys, rcond=None)[0]


def descend_json(invoke, *arguments):
    result = invoke("descend", *arguments, "--json")
    return result, json.loads(result.stdout)


def test_full_batch_weights_match_numpy_least_squares(invoke, points):
    path, xs, ys = points
    result, record = descend_json(invoke, LINEAR, "--data", str(path), "--wrt", "w", "--wrt", "b",
                                  "--from", "w=0,b=0", "--lr", "0.1", "--max-iter", "20000", "--verify")
    assert result.exit_code == 0, record["message"]
    w, b = least_squares(xs, ys)
    assert record["at_numeric"]["w"] == pytest.approx(w, abs=1e-6)
    assert record["at_numeric"]["b"] == pytest.approx(b, abs=1e-6)
    assert record["data"]["verification"]["agrees"] is True
    assert record["data"]["rows"] == 200


def test_sum_objective_has_the_same_minimum_and_a_rows_times_larger_loss(invoke, points):
    path, xs, ys = points
    _, mean = descend_json(invoke, LINEAR, "--data", str(path), "--from", "w=0,b=0", "--lr", "0.1",
                           "--max-iter", "20000")
    _, total = descend_json(invoke, LINEAR, "--data", str(path), "--from", "w=0,b=0", "--lr", "0.0005",
                            "--max-iter", "20000", "--sum", "--tol", "1e-8")
    w, b = least_squares(xs, ys)
    assert total["at_numeric"]["w"] == pytest.approx(w, abs=1e-6)
    residual = ys - (w * xs + b)
    assert mean["value_numeric"] == pytest.approx(numpy.mean(residual**2), rel=1e-9)
    assert total["value_numeric"] == pytest.approx(numpy.sum(residual**2), rel=1e-9)


def test_newton_on_a_quadratic_loss_lands_in_one_step(invoke, points):
    path, xs, ys = points
    _, record = descend_json(invoke, LINEAR, "--data", str(path), "--from", "w=5,b=-3", "--method", "newton")
    assert record["converged"] and record["iterations"] == 1
    assert [record["at_numeric"]["w"], record["at_numeric"]["b"]] == pytest.approx(least_squares(xs, ys), abs=1e-9)


def test_sgd_with_a_seed_is_reproducible_and_lands_near_the_minimum(invoke, points):
    path, xs, ys = points
    arguments = (LINEAR, "--data", str(path), "--from", "w=0,b=0", "--lr", "0.02", "--batch-size", "10",
                 "--epochs", "30")
    _, first = descend_json(invoke, *arguments, "--seed", "7")
    _, again = descend_json(invoke, *arguments, "--seed", "7")
    _, other = descend_json(invoke, *arguments, "--seed", "8")
    assert first["at_numeric"] == again["at_numeric"] and first["trace"] == again["trace"]
    assert first["at_numeric"] != other["at_numeric"]
    assert first["data"]["unit"] == "epoch" and len(first["trace"]) == 31  # epoch 0 and each epoch
    assert [first["at_numeric"]["w"], first["at_numeric"]["b"]] == pytest.approx(least_squares(xs, ys), abs=0.05)


def test_the_stable_bound_is_two_over_the_largest_eigenvalue(invoke, points):
    path, xs, ys = points
    hessian = 2 * numpy.array([[numpy.mean(xs * xs), numpy.mean(xs)], [numpy.mean(xs), 1.0]])
    largest = numpy.linalg.eigvalsh(hessian)[-1]
    result, record = descend_json(invoke, LINEAR, "--data", str(path), "--wrt", "w", "--wrt", "b",
                                  "--from", "w=0,b=0", "--lr", str(2.5 / largest))
    assert result.exit_code == 3 and record["reason"] == "diverged"
    assert record["curvature"] == pytest.approx(largest, rel=1e-12)
    assert record["stable_learning_rate"] == pytest.approx(2 / largest, rel=1e-12)
    assert "2/λ_max" in record["hint"]
    suggested = float(record["hint"].split("--lr ")[1].split()[0])
    assert suggested < 2 / largest  # a rate below the bound, one that was run


def test_divergence_on_unscaled_features_mentions_feature_scaling(process, tmp_path):
    path = tmp_path / "unscaled.csv"
    write_points(path, scale=1000.0)
    done = process("descend", LINEAR, "--data", str(path), "--from", "w=0,b=0", "--lr", "0.01")
    assert done.returncode == 3
    assert "diverged" in done.stderr and "feature scaling" in done.stderr
    assert "Traceback" not in done.stderr


def test_comparison_has_one_curve_and_one_row_per_run(invoke, points):
    path, _, _ = points
    arguments = (LINEAR, "--data", str(path), "--from", "w=0,b=0", "--lr", "0.01", "--lr", "0.1", "--lr", "1.0")
    screen = strip_ansi(invoke("descend", *arguments, terminal=True).stdout)
    legend = [line for line in screen.splitlines() if "lr = 0.01" in line and "lr = 1" in line]
    assert len(legend) == 1 and legend[0].count("lr = ") == 3
    rows = [line for line in screen.splitlines() if line.strip().startswith(("•", "×", "○"))
            and ("converged" in line or "diverged" in line or "max iterations" in line)]
    assert len(rows) == 3
    result, record = descend_json(invoke, *arguments)
    assert [run["learning_rate"] for run in record["runs"]] == [0.01, 0.1, 1.0]
    assert [run["reason"] for run in record["runs"]][2] == "diverged"
    assert all(run["start_numeric"] == {"b": 0.0, "w": 0.0} for run in record["runs"])
    assert result.exit_code == 0  # some run converged


def test_methods_compare_from_the_same_start(invoke, points):
    path, _, _ = points
    result = invoke("descend", LINEAR, "--data", str(path), "--from", "w=0,b=0", "--method", "gd",
                    "--method", "momentum", "--method", "newton", "--lr", "0.1", "--max-iter", "3000", "--plain")
    lines = result.stdout.splitlines()
    assert [line.split("\t")[2] for line in lines] == ["gd", "momentum", "newton"]


def test_data_from_stdin(invoke, points):
    path, xs, ys = points
    result = invoke("descend", LINEAR, "--data", "-", "--from", "w=0,b=0", "--lr", "0.1", "--max-iter", "20000",
                    "--plain", input=path.read_text())
    assert result.exit_code == 0
    fitted = dict(part.split("=") for part in result.stdout.strip().split(","))
    assert float(fitted["w"]) == pytest.approx(least_squares(xs, ys)[0], abs=1e-6)


BAD_FILES = [
    ("empty", "", 2, "is empty"),
    ("header only", "x,y\n", 2, "no rows"),
    ("ragged", "x,y\n1,2\n3\n", 2, "line 3"),
    ("not a number", "x,y\n1,2\n3,abc\n", 2, "'abc' is not a number"),
    ("nan", "x,y\n1,nan\n", 2, "not a finite number"),
    ("infinity", "x,y\n1,2\n-inf,3\n", 2, "not a finite number"),
    ("function name", "sin,x,y\n1,2,3\n", 2, "named like a function"),
    ("code in a cell", "x,y\n1,__import__('os').system('echo hacked')\n", 2, "is not a number"),
    ("a million columns", ",".join(f"c{i}" for i in range(1_000_000)) + "\n", 2, "limit"),
]


@pytest.mark.parametrize("name, text, status, words", BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_data_files_are_clear_errors(process, tmp_path, name, text, status, words):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    done = process("descend", LINEAR, "--data", str(path), "--from", "w=0,b=0")
    assert done.returncode == status, done.stderr
    assert done.stderr.startswith("deriv: error: ") and words in done.stderr
    assert "Traceback" not in done.stderr and "hacked" not in done.stdout  # quoted in the error, never run


def test_a_weight_that_is_a_column_and_a_missing_file(process, points):
    path, _, _ = points
    done = process("descend", LINEAR, "--data", str(path), "--wrt", "x", "--wrt", "b", "--from", "x=0,b=0")
    assert done.returncode == 2 and "both a weight" in done.stderr
    done = process("descend", LINEAR, "--data", str(path) + ".missing", "--from", "w=0,b=0")
    assert done.returncode == 2 and "cannot read" in done.stderr


def test_data_options_need_data(invoke):
    result = invoke("descend", "x**2", "--from", "1", "--batch-size", "4")
    assert result.exit_code == 2


def _map_rows(screen: str) -> list[str]:
    """The cells of the loss map drawn on a terminal: the rows between its title and its axis."""
    lines = screen.splitlines()
    start = next(i for i, line in enumerate(lines) if "the path from S to E" in line)
    rows = []
    for line in lines[start + 1:]:
        if "│" not in line:
            break
        rows.append(line.split("│", 1)[1])
    return rows


def test_a_two_weight_fit_draws_its_loss_map_on_a_terminal_only(invoke, points):
    """On a terminal the loss over (w, b) is drawn with the path from S (the start) to E (the
    end): the cells around E are lighter (lower loss) than those around S, as the loss computed
    here with numpy at the two points says. Piped, and in JSON, no map is drawn or computed."""
    path, xs, ys = points
    arguments = (LINEAR, "--data", str(path), "--from", "w=-1,b=2", "--lr", "0.1", "--max-iter", "20000")
    screen = strip_ansi(invoke("descend", *arguments, terminal=True, columns=100).stdout)
    rows = _map_rows(screen)
    assert len(rows) >= 10

    def darkness_around(mark: str) -> float:
        (j, i), = [(j, row.index(mark)) for j, row in enumerate(rows) if mark in row]
        shades = [SHADES.index(rows[q][p]) for q in range(j - 1, j + 2) for p in range(i - 1, i + 2)
                  if 0 <= q < len(rows) and 0 <= p < len(rows[q]) and rows[q][p] in SHADES]
        return sum(shades) / len(shades)

    w, b = least_squares(xs, ys)
    loss = lambda weight, bias: float(numpy.mean((ys - (weight * xs + bias)) ** 2))  # noqa: E731
    assert loss(w, b) < loss(-1, 2)
    assert darkness_around("E") < darkness_around("S")
    piped = invoke("descend", *arguments)
    assert piped.exit_code == 0 and "path from S to E" not in piped.stdout + piped.stderr


def test_the_loss_map_is_computed_only_when_it_will_be_drawn(points):
    from derivcli import jobs

    path, _, _ = points
    request = dict(expression=LINEAR, start="w=0,b=0", learning_rates=(0.1,), max_iterations=50, data=str(path))
    assert jobs.descend(jobs.DescentRequest(**request, plot=False)).data.loss_map is None
    drawn = jobs.descend(jobs.DescentRequest(**request)).data.loss_map
    assert drawn is not None and sorted(drawn.names) == ["b", "w"]


def test_the_drawn_path_keeps_the_first_iterates_when_the_trace_is_thinned(invoke, points):
    """With --max-iter 20000 the trace keeps every 20th iteration, yet the drawn path still holds
    each of the first iterates: they equal gradient descent done here with numpy, and the map on
    the screen is the one drawn for the same run unthinned."""
    from derivcli import jobs

    path, xs, ys = points
    request = dict(expression=LINEAR, start="w=-1,b=2", wrt=("w", "b"), learning_rates=(0.1,), data=str(path))
    result = jobs.descend(jobs.DescentRequest(**request, max_iterations=20000))
    assert result.trace[1].iteration == 20
    w, b, expected = -1.0, 2.0, []
    for _ in range(10):
        expected.append((w, b))
        residual = ys - (w * xs + b)
        w, b = w + 0.1 * 2 * numpy.mean(residual * xs), b + 0.1 * 2 * numpy.mean(residual)
    assert numpy.allclose(result.data.loss_map.path[:10], expected, rtol=1e-12, atol=1e-12)
    arguments = (LINEAR, "--data", str(path), "--from", "w=-1,b=2", "--lr", "0.1")
    thinned = _map_rows(strip_ansi(invoke("descend", *arguments, "--max-iter", "20000", terminal=True).stdout))
    unthinned = _map_rows(strip_ansi(invoke("descend", *arguments, terminal=True).stdout))
    assert thinned == unthinned and sum(row.count("•") for row in thinned) >= 10
