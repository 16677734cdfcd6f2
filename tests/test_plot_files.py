"""--plot FILE (issue 17): the pictures open, have the size asked, and mark the points the
command found (each mark is an SVG element whose id names its kind and place)."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ElementTree

import pytest

SVG = "{http://www.w3.org/2000/svg}"


def marks(path) -> dict[str, list[tuple[float, float]]]:
    """{kind: [(x, y), …]} of the marked points of an SVG written by deriv."""
    found: dict[str, list] = {}
    for element in ElementTree.parse(path).getroot().iter():
        identifier = element.get("id", "")
        if identifier.startswith("mark:"):
            _, kind, x, y = identifier.split(":")
            found.setdefault(kind, []).append((float(x), float(y)))
    return found


def curves(path) -> set[str]:
    return {element.get("id")[len("curve:"):] for element in ElementTree.parse(path).getroot().iter()
            if element.get("id", "").startswith("curve:")}


def texts(path) -> str:
    return " ".join("".join(element.itertext()) for element in ElementTree.parse(path).getroot().iter(f"{SVG}text"))


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_diff_draws_f_its_derivative_and_the_tangent_at_the_point(invoke, tmp_path):
    picture = tmp_path / "slope.svg"
    result = invoke("diff", "x**2*sin(x)", "--at", "1", "--plot", str(picture))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "cos(1) + 2*sin(1)\n"  # the answer is unchanged by the picture
    assert curves(picture) == {"function", "derivative", "tangent"}
    [(x, y)] = marks(picture)["point"]
    assert x == 1.0 and y == pytest.approx(0.8414709848078965, rel=1e-12)  # sin(1), the closed form
    assert "tangent at x = 1 (slope 2.22324)" in texts(picture)  # 2·sin(1) + cos(1) = 2.223244…


def test_classify_marks_each_point_by_its_kind_with_the_inflection(invoke, tmp_path):
    picture = tmp_path / "cubic.svg"
    result = invoke("classify", "x**3 - 3*x", "--plot", str(picture))
    assert result.exit_code == 0, result.stderr
    found = marks(picture)
    assert found["maximum"] == [(-1.0, 2.0)] and found["minimum"] == [(1.0, -2.0)]  # f(∓1) = ±2
    assert found["inflection"] == [(0.0, 0.0)]  # f″ = 6x changes sign at 0
    legend = texts(picture)
    assert "local maximum" in legend and "local minimum" in legend and "inflection point" in legend


def test_a_png_has_the_signature_and_the_size_asked(invoke, tmp_path):
    picture = tmp_path / "cubic.png"
    result = invoke("critical", "x**3 - 3*x", "--plot", str(picture), "--plot-size", "640x400")
    assert result.exit_code == 0, result.stderr
    assert png_size(picture) == (640, 400)


def test_two_variables_get_a_contour_map_with_the_points_marked(invoke, tmp_path):
    picture = tmp_path / "saddle.svg"
    result = invoke("classify", "x**3 - 3*x + y**2", "--plot", str(picture))
    assert result.exit_code == 0, result.stderr
    found = marks(picture)
    assert found == {"saddle": [(-1.0, 0.0)], "minimum": [(1.0, 0.0)]}


def test_descend_draws_the_loss_and_the_path_to_the_point_it_reports(invoke, tmp_path):
    picture = tmp_path / "path.svg"
    arguments = ("descend", "(x - 1)**2 + 3*(y + 2)**2", "--from", "x=0,y=0")
    reported = json.loads(invoke(*arguments, "--json").stdout)
    result = invoke(*arguments, "--plot", str(picture))
    assert result.exit_code == 0, result.stderr
    assert curves(picture) == {"loss", "path"}
    found = marks(picture)
    assert (0.0, 0.0) in found["start"]
    end = (reported["at_numeric"]["x"], reported["at_numeric"]["y"])
    assert end in found["end"] and end == pytest.approx((1, -2), abs=1e-6)


def test_descend_writes_a_png_of_the_default_size(invoke, tmp_path):
    picture = tmp_path / "loss.png"
    result = invoke("descend", "x**2", "--from", "3", "--plot", str(picture))
    assert result.exit_code == 0, result.stderr
    assert png_size(picture) == (800, 500)


def test_odd_roots_are_drawn_real_on_both_sides(invoke, tmp_path):
    picture = tmp_path / "root.svg"
    result = invoke("diff", "x**(1/3)", "--at", "-8", "--plot", str(picture))
    assert result.exit_code == 0, result.stderr
    [(x, y)] = marks(picture)["point"]
    assert (x, y) == (-8.0, pytest.approx(-2.0, rel=1e-12))  # the real cube root of -8


@pytest.mark.parametrize("arguments, message", [
    (("diff", "x**2", "--plot", "slope.pdf"), "--plot writes .svg or .png files"),
    (("diff", "-", "--plot", "slope.svg"), "--plot draws one expression"),
    (("descend", "x**2", "--from", "1", "--plot", "a.svg", "--plot-size", "10x10"), "WIDTHxHEIGHT"),
])
def test_a_picture_that_cannot_be_drawn_is_a_usage_error(invoke, tmp_path, arguments, message):
    result = invoke(*arguments, input="x**2\n")
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_an_unspecified_function_gives_the_answer_and_says_why_there_is_no_picture(invoke, tmp_path):
    picture = tmp_path / "product.svg"
    result = invoke("diff", "f(x)*g(x)", "--plot", str(picture))
    assert result.stdout.startswith("f(x)*Derivative(g(x), x)")
    assert result.exit_code == 2
    assert result.stderr == "deriv: error: --plot draws formulas, not unspecified functions like f(x)\n"
    assert not picture.exists()


def test_without_matplotlib_the_error_names_the_extra(process, tmp_path):
    shadow = tmp_path / "shadow" / "matplotlib"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('not installed here')\n")
    picture = tmp_path / "slope.svg"
    result = process("diff", "x**2", "--plot", str(picture), env={"PYTHONPATH": str(shadow.parent)})
    assert result.returncode == 2
    assert result.stderr == ("deriv: error: --plot needs matplotlib, which is not installed: "
                             "pip install 'deriv[plot]'\n")
    assert result.stdout == "" and not picture.exists()
