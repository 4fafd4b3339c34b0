"""How every figure of dlfs is built: a matplotlib ``Figure`` made directly, not through pyplot.

A Figure built directly is never registered with pyplot, so calling a figure function
leaves no open figures behind (``plt.get_fignums()`` stays empty), a slider can build a
new figure on every move without piling them up, and tests can call everything under
any backend. In a notebook, a returned figure shows itself when it is a cell's value.
Figures get an opaque white background so they stay readable in JupyterLab's dark theme,
and constrained layout so titles and labels are not clipped.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

FACECOLOR = "white"


def new_figure(width: float, height: float) -> Figure:
    """An empty white figure of ``width`` × ``height`` inches with constrained layout."""
    return Figure(figsize=(width, height), facecolor=FACECOLOR, layout="constrained")


def figure_and_axes(ax: Any, figsize: tuple[float, float]) -> tuple[Figure, Any]:
    """``(figure, ax)``: a new figure with one axes when ``ax`` is None, else ``ax`` and its figure.

    Lets a plot function draw into a panel of a bigger figure or stand alone.
    """
    if ax is None:
        fig = new_figure(*figsize)
        return fig, fig.subplots()
    return ax.figure, ax
