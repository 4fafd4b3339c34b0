"""The slider explorers of notebooks 01, 02 and 04 (and the Explorer that notebooks 05 and 06 use too).

Each ``*_explorer()`` returns an :class:`Explorer` (an ``ipywidgets.VBox``): display
it as a cell's value. Moving a slider and releasing it (``continuous_update=False``,
so nothing is recomputed while dragging) calls the matching pure function in
:mod:`dlfs.plots` with the slider values; the returned figure is rendered to PNG and
shown in one ``ipywidgets.Output``, which is cleared first with ``wait=True``, so
there is exactly one picture that gets replaced without flicker, and the result
sentence is printed under it.

Tests call the ``*_view`` functions of :mod:`dlfs.plots` directly at extreme values,
and drive the sliders of these explorers without a browser.
"""

from __future__ import annotations

import io
from typing import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from traitlets import Unicode

from . import plots

_STYLE = {"description_width": "initial"}  # show the whole description, never "learnin…"


class Explorer(widgets.VBox):
    """A VBox of controls above one output area, redrawn whenever a control is released.

    Attributes
    ----------
    controls : dict[str, ipywidgets.Widget]
        The sliders by the keyword they feed to the view function.
    output : ipywidgets.Output
        Where the figure and the text appear.
    text : str
        The result sentence of the last redraw (kernel side only; tests and the
        notebooks' assertion cells read it).
    """

    text = Unicode("")

    def __init__(self, view: Callable[..., tuple[Figure, str]], controls: dict[str, widgets.Widget],
                 rows: list[list[str]], dpi: int = 80) -> None:
        self.controls = controls
        self.output = widgets.Output()
        self._view = view
        self._dpi = dpi
        # a row of one control is the control itself; longer rows sit side by side
        boxes = [controls[row[0]] if len(row) == 1 else widgets.HBox([controls[name] for name in row]) for row in rows]
        super().__init__(children=[*boxes, self.output])
        for control in controls.values():
            control.observe(self.redraw, names="value")
        self.redraw()

    def redraw(self, change: dict | None = None) -> None:
        """Recompute the view from the current slider values and replace the picture and text."""
        values = {name: control.value for name, control in self.controls.items()}
        try:
            fig, text = self._view(**values)
            # a view that drew with pyplot would leave its figure registered there, and the
            # inline backend would show it again after the next cell runs
            plt.close(fig)
            png = _png(fig, self._dpi)
        except Exception as error:  # an observer's exception would vanish into the log; show it instead
            fig, png = None, None
            text = f"could not draw this: {type(error).__name__}: {error}"
        with self.output:
            self.output.clear_output(wait=True)
            if png is not None:
                display(Image(data=png, format="png"))
            print(text)
        self.text = text


def _png(fig: Figure, dpi: int) -> bytes:
    # Render with Agg directly: works whatever the notebook's backend is, and the
    # figure never enters pyplot, so nothing accumulates across redraws.
    buffer = io.BytesIO()
    FigureCanvasAgg(fig)  # attaches an Agg canvas to the figure
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def loss_probability_explorer(p: float = 0.6) -> Explorer:
    """Slider for the probability of the correct class; shows both losses (notebook 01).

    Feeds :func:`dlfs.plots.loss_probability_view`.
    """
    slider = widgets.FloatSlider(value=p, min=0.0, max=1.0, step=0.01, description="probability of the correct class",
                                 continuous_update=False, readout_format=".2f", style=_STYLE,
                                 layout=widgets.Layout(width="520px"))
    return Explorer(plots.loss_probability_view, {"p": slider}, [["p"]])


def tangent_explorer(x: float = 5.0, h: float = 1e-4) -> Explorer:
    """Sliders for the point x and the step h (log scale, 1e-20 … 10); redraws the tangent (notebook 02).

    Feeds :func:`dlfs.plots.tangent_view`.
    """
    x_slider = widgets.FloatSlider(value=x, min=0.0, max=20.0, step=0.5, description="x (point of tangency)",
                                   continuous_update=False, style=_STYLE, layout=widgets.Layout(width="400px"))
    h_slider = widgets.FloatLogSlider(value=h, base=10, min=-20, max=1, step=0.5, description="step h",
                                      continuous_update=False, readout_format=".0e", style=_STYLE,
                                      layout=widgets.Layout(width="400px"))
    return Explorer(plots.tangent_view, {"x": x_slider, "h": h_slider}, [["x", "h"]])


def gradient_descent_explorer(lr: float = 0.1, step_num: int = 20, x0: float = -3.0, x1: float = 4.0) -> Explorer:
    """Learning rate (log scale, 1e-10 … 10), steps and start point; redraws the path (notebook 04).

    Feeds :func:`dlfs.plots.gradient_descent_view`, which reports "diverged after k
    steps" in text once |x| exceeds :data:`dlfs.plots.DIVERGENCE_LIMIT`.
    """
    width = widgets.Layout(width="380px")
    controls = {
        "lr": widgets.FloatLogSlider(value=lr, base=10, min=-10, max=1, step=0.1, description="learning rate",
                                     continuous_update=False, readout_format=".2g", style=_STYLE, layout=width),
        "step_num": widgets.IntSlider(value=step_num, min=0, max=100, step=1, description="steps",
                                      continuous_update=False, style=_STYLE, layout=width),
        "x0": widgets.FloatSlider(value=x0, min=-4.0, max=4.0, step=0.5, description="x0 start",
                                  continuous_update=False, style=_STYLE, layout=width),
        "x1": widgets.FloatSlider(value=x1, min=-4.0, max=4.0, step=0.5, description="x1 start",
                                  continuous_update=False, style=_STYLE, layout=width),
    }
    return Explorer(plots.gradient_descent_view, controls, [["lr", "step_num"], ["x0", "x1"]])
