"""The slider explorers of notebooks 01, 02, 04, 05 and 06.

Each ``*_explorer()`` returns an :class:`Explorer` (an ``ipywidgets.VBox``): display
it as a cell's value. Moving a slider and releasing it (``continuous_update=False``,
so nothing is recomputed while dragging) calls the matching pure function in the
notebook's :mod:`dlfs.plots` module with the slider values; the returned figure is rendered to PNG and
shown in one ``ipywidgets.Output``, which is cleared first with ``wait=True``, so
there is exactly one picture that gets replaced without flicker, and the result
sentence is printed under it.

Tests call those pure functions directly at extreme values,
and drive the sliders of these explorers without a browser.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from traitlets import Unicode

from .plots.gradient_descent import LANDSCAPES, LEARNING_RATES, gradient_descent_view
from .plots.loss_functions import loss_probability_view
from .plots.numerical_differentiation import tangent_view
from .plots.simple_net import EXAMPLES as SIMPLE_NET_EXAMPLES
from .plots.simple_net import LEARNING_RATES as SIMPLE_NET_LEARNING_RATES
from .plots.simple_net import simple_net_lr_view
from .plots.two_layer_net import draw_training_run

STYLE = {"description_width": "initial"}  # show the whole description, never "learnin…"


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

    def __init__(
        self,
        view: Callable[..., tuple[Figure, str]],
        controls: dict[str, widgets.Widget],
        rows: list[list[str]],
        dpi: int = 80,
    ) -> None:
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


def loss_probability_explorer(p: float = 0.6, rest: str = "evenly") -> Explorer:
    """Slider for the probability of the correct class, and where the rest goes; shows both losses (notebook 01).

    Feeds :func:`dlfs.plots.loss_functions.loss_probability_view`. The second control (a
    two-position slider, so it too updates only on release) puts the rest, 1 − p, either
    evenly on the other nine classes or all on class 7: the sum of squares changes, the
    cross entropy does not.
    """
    slider = widgets.FloatSlider(
        value=p,
        min=0.0,
        max=1.0,
        step=0.01,
        description="probability of the correct class",
        continuous_update=False,
        readout_format=".2f",
        style=STYLE,
        layout=widgets.Layout(width="520px"),
    )
    rest_control = widgets.SelectionSlider(
        options=[("shared by the other 9", "evenly"), ("all on class 7", "on one wrong class")],
        value=rest,
        description="the rest, 1 − p, is",
        continuous_update=False,
        style=STYLE,
        layout=widgets.Layout(width="520px"),
    )
    return Explorer(loss_probability_view, {"p": slider, "rest": rest_control}, [["p"], ["rest"]])


def tangent_explorer(x: float = 5.0, h: float = 1e-4, function: str = "book") -> Explorer:
    """Sliders for the point x, the step h (log scale, 1e-20 … 10) and the function; redraws the tangent (notebook 02).

    Feeds :func:`dlfs.plots.numerical_differentiation.tangent_view`: the tangent at x, and
    beside it the error against h with a marker where the slider's h sits. ``function`` is
    "book" (the book's 0.01x² + 0.1x) or "sin" (sin x, whose central difference has a
    truncation error too, so its error curve turns).
    """
    x_slider = widgets.FloatSlider(
        value=x,
        min=0.0,
        max=20.0,
        step=0.5,
        description="x (point of tangency)",
        continuous_update=False,
        style=STYLE,
        layout=widgets.Layout(width="400px"),
    )
    h_slider = widgets.FloatLogSlider(
        value=h,
        base=10,
        min=-20,
        max=1,
        step=0.5,
        description="step h",
        continuous_update=False,
        readout_format=".0e",
        style=STYLE,
        layout=widgets.Layout(width="400px"),
    )
    # a two-stop slider rather than a dropdown: like every control here it acts on release
    function_slider = widgets.SelectionSlider(
        options=[("0.01x² + 0.1x (the book's)", "book"), ("sin x", "sin")],
        value=function,
        description="function f(x)",
        continuous_update=False,
        style=STYLE,
        layout=widgets.Layout(width="400px"),
    )
    controls = {"x": x_slider, "h": h_slider, "function": function_slider}
    return Explorer(tangent_view, controls, [["x", "h"], ["function"]])


def gradient_descent_explorer(
    lr: float = 0.1, step_num: int = 20, x0: float = -3.0, x1: float = 4.0, function: str = "elongated bowl"
) -> Explorer:
    """A function to descend, the learning rate, steps and start point; redraws the path (notebook 04).

    The learning-rate slider stops at :data:`dlfs.plots.gradient_descent.LEARNING_RATES`:
    most stops lie between 0.05 and 1.1, where the paths start to zig-zag and then diverge;
    its ends are the book's 1e-10 and 10. Feeds :func:`dlfs.plots.gradient_descent.gradient_descent_view`,
    which reports "diverged after k steps" in text once |x| exceeds its DIVERGENCE_LIMIT.

    Raises
    ------
    ValueError
        ``lr`` is not one of the slider's stops, or ``function`` is not a known function.
    """
    where = "gradient_descent_explorer"
    if lr not in LEARNING_RATES:
        raise ValueError(f"{where}: lr must be one of the slider's stops {LEARNING_RATES}, got {lr!r}; try 0.1.")
    if function not in LANDSCAPES:
        raise ValueError(f"{where}: function must be one of {sorted(LANDSCAPES)}, got {function!r}.")
    width = widgets.Layout(width="380px")
    controls = {
        # a slider of three stops rather than a dropdown: released like the others, and driven the same way
        "function": widgets.SelectionSlider(
            options=list(LANDSCAPES),
            value=function,
            description="function",
            continuous_update=False,
            style=STYLE,
            layout=width,
        ),
        "lr": widgets.SelectionSlider(
            options=[(f"{v:g}", v) for v in LEARNING_RATES],
            value=lr,
            description="learning rate",
            continuous_update=False,
            style=STYLE,
            layout=width,
        ),
        "step_num": widgets.IntSlider(
            value=step_num,
            min=0,
            max=100,
            step=1,
            description="steps",
            continuous_update=False,
            style=STYLE,
            layout=width,
        ),
        "x0": widgets.FloatSlider(
            value=x0,
            min=-4.0,
            max=4.0,
            step=0.5,
            description="x0 start",
            continuous_update=False,
            style=STYLE,
            layout=width,
        ),
        "x1": widgets.FloatSlider(
            value=x1,
            min=-4.0,
            max=4.0,
            step=0.5,
            description="x1 start",
            continuous_update=False,
            style=STYLE,
            layout=width,
        ),
    }
    return Explorer(gradient_descent_view, controls, [["function"], ["lr", "step_num"], ["x0", "x1"]])


def simple_net_lr_explorer(
    W, examples_name: str = "two that disagree", learning_rate: float = 3.0, step_num: int = 300
) -> Explorer:
    """The training examples and the learning rate of SimpleNet's descent from ``W`` (notebook 05).

    Two controls: the examples (:data:`dlfs.plots.simple_net.EXAMPLES`: the book's one example,
    or two that disagree about the class of the same input) and a learning rate among
    :data:`dlfs.plots.simple_net.LEARNING_RATES` (0.01 … 100, most stops near 2/L ≈ 3.42, where
    the pair's descent stops settling). Feeds :func:`dlfs.plots.simple_net.simple_net_lr_view`,
    which runs ``step_num`` updates and says whether the loss fell at every update, settled,
    jumps across the bottom, or is stuck on a plateau.

    Raises
    ------
    ValueError
        ``learning_rate`` is not one of the slider's stops, or ``examples_name`` is not a key of EXAMPLES.
    """
    where = "simple_net_lr_explorer"
    if learning_rate not in SIMPLE_NET_LEARNING_RATES:
        raise ValueError(
            f"{where}: learning_rate must be one of the slider's stops {SIMPLE_NET_LEARNING_RATES}, "
            f"got {learning_rate!r}; try 3.0."
        )
    if examples_name not in SIMPLE_NET_EXAMPLES:
        raise ValueError(f"{where}: examples_name must be one of {list(SIMPLE_NET_EXAMPLES)}, got {examples_name!r}.")
    width = widgets.Layout(width="420px")
    controls = {
        # sliders of stops rather than a dropdown: released like the others, and driven the same way
        "examples_name": widgets.SelectionSlider(
            options=list(SIMPLE_NET_EXAMPLES),
            value=examples_name,
            description="training examples",
            continuous_update=False,
            style=STYLE,
            layout=width,
        ),
        "learning_rate": widgets.SelectionSlider(
            options=[(f"{v:g}", v) for v in SIMPLE_NET_LEARNING_RATES],
            value=learning_rate,
            description="learning rate",
            continuous_update=False,
            style=STYLE,
            layout=width,
        ),
    }
    return Explorer(
        lambda examples_name, learning_rate: simple_net_lr_view(W, examples_name, learning_rate, step_num),
        controls,
        [["examples_name"], ["learning_rate"]],
        dpi=80,
    )


def training_explorer(x_train, t_train, x_test, t_test, iters_num: int = 500, seed: int = 0) -> Explorer:
    """Sliders for learning rate, batch size and hidden size; each change retrains a short run (notebook 06).

    Feeds :func:`dlfs.plots.two_layer_net.draw_training_run`: loss, accuracy (the last point is the
    final network) and the hidden outputs; the text names the images seen and the wall time, and for
    a run that did not learn, train's reason (``history.problem``) and the measured saturation. The
    learning rate moves in eighths of a decade (0.001 … 31.6), so the way from learning (up to 7.5)
    through the stall of saturated sigmoids (10 … 17.8) to divergence (23.7, 31.6) takes several steps.
    """

    def view(learning_rate, batch_size, hidden_size):
        fig, _, summary = draw_training_run(
            x_train, t_train, x_test, t_test, learning_rate, batch_size, hidden_size, iters_num=iters_num, seed=seed
        )
        return fig, summary

    controls = {
        "learning_rate": widgets.FloatLogSlider(
            value=0.1,
            base=10,
            min=-3,
            max=1.5,
            step=0.125,
            description="learning rate",
            continuous_update=False,
            readout_format=".3g",
            style=STYLE,
        ),
        "batch_size": widgets.SelectionSlider(
            options=[1, 10, 32, 100, 300, 1000],
            value=100,
            description="batch size",
            continuous_update=False,
            style=STYLE,
        ),
        "hidden_size": widgets.SelectionSlider(
            options=[2, 5, 10, 20, 50, 100, 200],
            value=50,
            description="hidden units",
            continuous_update=False,
            style=STYLE,
        ),
    }
    return Explorer(view, controls, [["learning_rate", "batch_size", "hidden_size"]], dpi=80)
