"""The data of the function plot that critical and classify show on a terminal: samples of f
over a window that holds the marked points.  Data only; render/ draws it."""

from __future__ import annotations

import math

import sympy

from derivcli.calculus import real_function, to_float

from .results import PlotData

SAMPLES = 480  # more than any terminal has columns: the renderer bins them into the columns it has


def plot_data(expr, variable, points, interval=None, families=(), columns: int = SAMPLES) -> PlotData | None:
    """Samples of f for a text plot around the points (or on the interval); marks are (x, f(x), label).

    ``points`` are (CriticalPoint, label) pairs, ``families`` (Family, label) pairs.
    Sampling only: nothing is solved here.
    """
    located = [(point.numeric_coordinates[0], point.numeric_value, label) for point, label in points]
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
