"""The descent renderer: thinning, the loss curve, the table width, the learning-rate story."""

import io

import pytest
import sympy
from rich.console import Console

from derivcli.descent import TraceRow, gradient_descent
from derivcli.render import descent as render

x, y = sympy.symbols("x y", real=True)


def rows(values):
    return [TraceRow(k, (float(k),), v, 1.0, 0.1) for k, v in enumerate(values)]


def screen(result, width=100, height=40) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, height=height, color_system=None, force_terminal=False)
    console.print(render.rich(result, None))
    return buffer.getvalue()


@pytest.mark.parametrize("size, budget", [(5, 10), (100, 10), (1001, 20), (21, 20)])
def test_thin_keeps_the_ends_and_the_budget(size, budget):
    trace = rows(range(size))
    kept = render.thin(trace, budget)
    assert kept[0] is trace[0] and kept[-1] is trace[-1]
    assert len(kept) == min(size, budget)
    assert [row.iteration for row in kept] == sorted({row.iteration for row in kept})


def test_loss_curve_labels_and_log_scale():
    lines = [line.plain for line in render.loss_curve(rows([4.0, 1.0, 1e-3, 1e-9]), 30, 6, "f(x)")]
    assert "log scale" in lines[0]
    assert lines[1].strip().startswith("4 ┤")  # the largest value at the top
    assert lines[6].strip().startswith("1e-9 ┤") or lines[6].strip().startswith("1e-09 ┤")
    assert sum(line.count("•") for line in lines) == 4


def test_loss_curve_of_negative_values_is_linear():
    lines = [line.plain for line in render.loss_curve(rows([-0.1, -0.5, -1.0]), 30, 5, "f(x)")]
    assert "log scale" not in lines[0]
    assert lines[1].strip().startswith("-0.1 ┤")
    assert lines[5].strip().startswith("-1 ┤")


def test_constant_loss_curve_does_not_divide_by_zero():
    lines = render.loss_curve(rows([2.0, 2.0, 2.0]), 20, 4, "f(x)")
    assert sum(line.plain.count("•") for line in lines) >= 1


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_table_fits_the_width_without_cutting_numbers(width):
    result = gradient_descent(x**2 + 3 * y**2 + x * y, [x, y], [2, 1], method="momentum", learning_rate=0.05)
    text = screen(result, width=width)
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= width


def test_story_explains_the_bound_and_its_verdict():
    converging = gradient_descent((5 - x) ** 2, [x], [3])
    assert "2/c = 1" in render.learning_rate_story(converging)
    assert "below it" in render.learning_rate_story(converging)
    diverging = gradient_descent(x**2, [x], [3], learning_rate=1.5)
    assert "above it" in render.learning_rate_story(diverging)
    newton = gradient_descent(x**2, [x], [3], method="newton")
    assert "Newton" in render.learning_rate_story(newton)


def test_story_uses_the_end_curvature_when_the_start_curves_down():
    result = gradient_descent(-sympy.exp(-(x**2)), [x], [1.5])
    story = render.learning_rate_story(result)
    assert "curves downward" in story
    assert "Where it stopped the curvature is 2" in story


def test_plain_prints_the_point_only_when_converged():
    class Quiet:
        def __init__(self):
            self.notes = []

        def warn(self, text):
            self.notes.append(text)

    output = Quiet()
    (line,) = render.plain(gradient_descent((x - 2) ** 2, [x], [0]), output)
    assert line.startswith("x=") and float(line[2:]) == pytest.approx(2, abs=1e-9)
    assert render.plain(gradient_descent(x**2, [x], [3], learning_rate=1.5), output) == []
    render.plain(gradient_descent(-(x**2) + 4 * x, [x], [0], method="newton"), output)
    assert any("Newton" in note for note in output.notes)


def test_latex_of_the_final_point():
    text = render.latex(gradient_descent((x - 2) ** 2 + (y + 1) ** 2, [x, y], [0, 0], method="newton"), None)
    assert text.startswith("x = 2.0")
    assert "y = -1.0" in text and "f = " in text
