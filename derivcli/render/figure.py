"""Draw a ``--plot`` picture (SVG or PNG) from the samples of ``analysis.Figure``, with matplotlib.

matplotlib is an optional extra (``pip install 'deriv[plot]'``) and is imported only here, only
when a picture is asked for: it costs about half a second to load, which every other command is
spared. Everything drawn was computed in the guarded worker; this module only lays it out:
curves, marked points (each an SVG element with an id that names its kind and place), a legend,
contour maps, a logarithmic axis where f spans decades.
"""

from __future__ import annotations

import math

from derivcli.errors import UsageError
from derivcli.render.mathtext import unicode_math

FORMATS = ("svg", "png")
DEFAULT_SIZE = (800, 500)
DPI = 100
CAPTION = 60  # characters of a formula in a legend
MARK_STYLES = {  # kind: (marker, colour, legend words)
    "minimum": ("v", "tab:green", "local minimum"),
    "maximum": ("^", "tab:red", "local maximum"),
    "saddle": ("D", "tab:orange", "saddle point"),
    "inflection": ("D", "tab:purple", "inflection point"),
    "not_critical": ("o", "tab:cyan", "not critical"),
    "inconclusive": ("X", "black", "inconclusive"),
    "critical": ("o", "tab:blue", "critical point"),
    "endpoint": ("s", "tab:blue", "end of the interval"),
    "point": ("o", "black", "the point"),
    "start": ("o", "tab:gray", "start"),
    "end": ("*", "tab:red", "end"),
}
CURVE_STYLES = {
    "function": {"color": "tab:blue", "linewidth": 1.8},
    "derivative": {"color": "tab:orange", "linewidth": 1.4},
    "tangent": {"color": "tab:gray", "linewidth": 1.0, "linestyle": "--"},
    "loss": {"color": "tab:blue", "linewidth": 1.4},
    "path": {"color": "tab:red", "linewidth": 1.0, "marker": ".", "markersize": 3},
}


def format_of(path: str) -> str:
    """``svg`` or ``png`` from the file name; a usage error otherwise."""
    extension = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if extension not in FORMATS:
        raise UsageError(f"--plot writes .svg or .png files, not '{path}' (e.g. --plot f.svg)")
    return extension


def require_library() -> None:
    """A usage error (exit 2) naming the extra when matplotlib is not installed."""
    try:
        import matplotlib  # lazy: only a --plot run pays for it
    except ImportError:
        raise UsageError("--plot needs matplotlib, which is not installed: pip install 'deriv[plot]'") from None
    del matplotlib


def save(figure, path: str, size: tuple[int, int] = DEFAULT_SIZE) -> None:
    """Write the picture to ``path`` at ``size`` pixels (width, height)."""
    import matplotlib  # lazy: only a --plot run pays for it

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # lazy: as above

    width, height = size
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "deriv", "font.size": 9}):
        picture = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, layout="constrained")
        axes = picture.subplots(1, len(figure.panels), squeeze=False)[0]
        for panel, ax in zip(figure.panels, axes):
            _draw(panel, ax)
        picture.savefig(path, format=format_of(path), dpi=DPI, metadata=_metadata(path))


def _metadata(path: str) -> dict:
    """No creation date, so the same picture makes the same file."""
    return {"Date": None} if path.lower().endswith(".svg") else {}


def _draw(panel, ax) -> None:
    if panel.surface is not None:
        _contours(panel.surface, ax)
    for curve in panel.curves:
        xs, ys = _with_gaps(curve.points)
        ax.plot(xs, ys, label=_caption(curve), gid=f"curve:{curve.role}", **CURVE_STYLES.get(curve.role, {}))
    shown = set()
    for mark in panel.marks:
        marker, colour, words = MARK_STYLES.get(mark.kind, ("o", "black", mark.kind))
        label = words if mark.kind not in shown else None
        shown.add(mark.kind)
        ax.plot([mark.x], [mark.y], linestyle="none", marker=marker, color=colour, markersize=8, label=label,
                gid=f"mark:{mark.kind}:{mark.x!r}:{mark.y!r}", zorder=5)
        ax.annotate(mark.caption, (mark.x, mark.y), textcoords="offset points", xytext=(6, 6), fontsize=8)
    if panel.logarithmic:
        ax.set_yscale("log")
    else:
        _frame(panel, ax)
    ax.set_title(panel.title)
    ax.set_xlabel(panel.x_label)
    ax.set_ylabel(panel.y_label)
    ax.grid(True, linewidth=0.3)
    if panel.curves or panel.marks:
        ax.legend(loc="best", fontsize=8)


def _caption(curve) -> str:
    if curve.expression is None:
        return curve.name
    formula = unicode_math(curve.expression)
    if len(formula) > CAPTION:
        formula = formula[: CAPTION - 1] + "…"
    return f"{curve.name} = {formula}"


def _with_gaps(points):
    """x and y lists where an undefined value breaks the line (NaN), rather than joining across it."""
    xs = [x for x, _ in points]
    ys = [math.nan if y is None else y for _, y in points]
    return xs, ys


def _frame(panel, ax) -> None:
    """Keep the marked points and most of the curves in view when a curve runs off to a pole."""
    values = sorted(y for curve in panel.curves if curve.role != "tangent" for _, y in curve.points
                    if y is not None and math.isfinite(y))
    if panel.surface is not None or len(values) < 20:
        return
    cut = len(values) // 50
    low, high = values[cut], values[-1 - cut]
    for mark in panel.marks:
        low, high = min(low, mark.y), max(high, mark.y)
    if high - low > 0:
        pad = 0.08 * (high - low)
        ax.set_ylim(low - pad, high + pad)


def _contours(surface, ax) -> None:
    import numpy  # lazy: matplotlib's own dependency, only on this path

    values = numpy.array([[math.nan if value is None else value for value in row] for row in surface.values])
    if numpy.isnan(values).all():
        return
    filled = ax.contourf(surface.xs, surface.ys, values, levels=20, cmap="viridis", alpha=0.85)
    ax.contour(surface.xs, surface.ys, values, levels=20, colors="white", linewidths=0.3)
    ax.figure.colorbar(filled, ax=ax, label="f")
