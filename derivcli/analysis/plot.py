"""The data of plots: the function plot that critical and classify show on a terminal (samples of
f over a window that holds the marked points), and the curves, marks and grids of the picture
files of ``--plot``. Samples only, with deriv's real reading of f (odd roots of negatives are
real); nothing is solved here, and render/ draws it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy

from derivcli.calculus import real_function, to_float

from .results import PlotData

SAMPLES = 480  # more than any terminal has columns: the renderer bins them into the columns it has


def plot_data(expr, variable, points, interval=None, families=(), columns: int = SAMPLES) -> PlotData | None:
    """Samples of f for a text plot around the points (or on the interval); marks are (x, f(x), label).

    ``points`` are (CriticalPoint, label) pairs, ``families`` (Family, label) pairs.
    Sampling only: nothing is solved here.
    """
    stretches = [(family, label) for family, label in families if family.parameter_kind == "interval"]
    families = [(family, label) for family, label in families if family.parameter_kind != "interval"]
    located = [(point.numeric_coordinates[0], point.numeric_value, label) for point, label in points]
    # a flat stretch is marked at its (finite) ends
    located += [(to_float(end), to_float(real_function(expr).subs(variable, end)), label)
                for family, label in stretches for end in (family.low, family.high) if end is not None and end.is_finite]
    located = [item for item in located if item[0] is not None and item[1] is not None]
    if interval and all(end.is_finite for end in interval):
        low, high = float(interval[0]), float(interval[1])
    elif located:
        low, high = min(item[0] for item in located), max(item[0] for item in located)
        pad = max(1.0, 0.5 * (high - low))
        low, high = low - pad, high + pad
    elif families:
        # symmetric about 0, wide enough for a period and the members nearest 0
        reach = []
        for family, _ in families:
            step = to_float(abs(sympy.expand(family.coordinates[0]).coeff(family.parameter, 1)))
            first = to_float(family.coordinates[0].subs(family.parameter, 0))
            if step is not None and first is not None:
                reach.append(max(step, abs(first)))
        if not reach:
            return None
        low, high = -max(reach), max(reach)
    else:
        return None
    f = real_function(expr)
    try:
        compiled = sympy.lambdify([variable], f, modules=["math"])
    except Exception:
        return None
    samples = []
    for index in range(columns):
        position = low + (high - low) * index / (columns - 1)
        try:
            value = float(compiled(position))
            value = value if math.isfinite(value) else None
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            value = None
        samples.append((position, value))
    if families and not (interval and all(end.is_finite for end in interval)):
        for family, label in families:
            for index in range(-40, 41):
                member = to_float(family.coordinates[0].subs(family.parameter, index))
                if member is not None and low <= member <= high:
                    value = to_float(f.subs(variable, family.coordinates[0].subs(family.parameter, index)))
                    if value is not None:
                        located.append((member, value, label))
    return PlotData(window=(low, high), samples=tuple(samples), marks=tuple(located))


# ---------------------------------------------------------------- figures for --plot FILE

FIGURE_SAMPLES = 600  # points along a curve of a picture file
GRID_SAMPLES = 80     # points along each side of a contour map


@dataclass
class Curve:
    """A line of a picture: (x, y) pairs, y None where the function has no real value; ``name``
    (f(x), f′(x)) and ``expression`` let the renderer caption it in its own notation."""

    name: str
    points: tuple
    role: str = "function"  # function, derivative, tangent, loss, path
    expression: sympy.Expr | None = None


@dataclass
class Mark:
    """A marked point: where it is, what it is (a kind or role), and its caption."""

    x: float
    y: float
    kind: str
    caption: str


@dataclass
class Surface:
    """Values of f of two variables on a grid, for a contour map."""

    xs: tuple
    ys: tuple
    values: tuple  # rows: values[j][i] = f(xs[i], ys[j]), None where undefined


@dataclass
class Panel:
    """One picture of a figure: curves, marked points, and perhaps a contour map below them."""

    title: str
    x_label: str
    y_label: str
    curves: tuple = ()
    marks: tuple = ()
    surface: Surface | None = None
    logarithmic: bool = False


@dataclass
class Figure:
    """The data of a picture file: one or two panels side by side. Data only; render/ draws it."""

    panels: tuple = ()


def compiled(expr, variables):
    """A float function of ``expr`` with deriv's real reading (odd roots of negatives are real)."""
    return sympy.lambdify(list(variables), real_function(expr), modules=["math"])


def _value(function, *arguments):
    try:
        value = float(function(*arguments))
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None
    return value if math.isfinite(value) else None


def sample(expr, variable, low: float, high: float, count: int = FIGURE_SAMPLES) -> tuple:
    """(x, f(x)) at ``count`` evenly spaced x in [low, high]; None where f has no real value."""
    function = compiled(expr, [variable])
    positions = [low + (high - low) * index / (count - 1) for index in range(count)]
    return tuple((position, _value(function, position)) for position in positions)


def sample_grid(expr, variables, x_range, y_range, count: int = GRID_SAMPLES) -> Surface:
    """f(x, y) on a count × count grid over the two ranges."""
    function = compiled(expr, variables)
    xs = tuple(x_range[0] + (x_range[1] - x_range[0]) * index / (count - 1) for index in range(count))
    ys = tuple(y_range[0] + (y_range[1] - y_range[0]) * index / (count - 1) for index in range(count))
    return Surface(xs, ys, tuple(tuple(_value(function, x, y) for x in xs) for y in ys))


def window_around(positions, least: float = 1.0, share: float = 0.5) -> tuple[float, float]:
    """An interval holding the positions with room around them (``share`` of their spread, at least ``least``)."""
    positions = [position for position in positions if position is not None and math.isfinite(position)]
    if not positions:
        return (-5.0, 5.0)
    low, high = min(positions), max(positions)
    pad = max(least, share * (high - low), 1e-9 * max(abs(low), abs(high)))
    return (low - pad, high + pad)


def real_value(expr, variables, point) -> float | None:
    """f at a point (floats), read the real way; None where it has no real value."""
    return _value(compiled(expr, variables), *point)
