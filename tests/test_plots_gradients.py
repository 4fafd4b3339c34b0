"""Figures of notebooks/03_gradients.ipynb (the notebook has no slider): what they draw, at their defaults
and at the ends of their parameters, rendered under the Agg backend with warnings turned into errors.
"""

import itertools
from unittest import mock

import numpy as np
import pytest
from figure_checks import check_figure, no_leaked_figures  # noqa: F401
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.quiver import Quiver
from matplotlib.text import Text

from dlfs import examples, gradient_descent_path, numerical_gradient
from dlfs.plots import gradients as grad_plots

pytestmark = pytest.mark.filterwarnings("error")

FIGURES = {
    "surface": grad_plots.surface_figure,
    "quiver": grad_plots.quiver_figure,
    "second_function": grad_plots.second_function_figure,
    "second_function_gradient_arrows": lambda: grad_plots.second_function_figure(arrows="gradient"),
    "plateau": grad_plots.plateau_figure,
}


def overlapping_tick_labels(fig) -> list[tuple[str, str]]:
    """Pairs of neighbouring tick labels, on any axis of any panel, whose drawn boxes overlap.

    The boxes are taken while each label is drawn: a 3-D axes places its tick labels during its
    own draw, and asking for their extent afterwards gives positions far off the figure.
    """
    drawn = {}
    text_draw = Text.draw

    def draw_and_measure(text, renderer):
        text_draw(text, renderer)
        if text.get_visible() and text.get_text():
            drawn[id(text)] = text.get_window_extent(renderer)

    with mock.patch.object(Text, "draw", draw_and_measure):
        fig.draw(FigureCanvasAgg(fig).get_renderer())
    clashes = []
    for ax in fig.axes:
        for axis in [ax.xaxis, ax.yaxis] + ([ax.zaxis] if hasattr(ax, "zaxis") else []):
            boxes = [(t.get_text(), drawn[id(t)]) for t in axis.get_ticklabels() if id(t) in drawn]
            assert len(boxes) >= 2, "an axis with fewer than two tick labels drawn"
            clashes += [(a, b) for (a, box_a), (b, box_b) in itertools.pairwise(boxes) if box_a.overlaps(box_b)]
    return clashes


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_white_titled_and_labelled(name):
    check_figure(FIGURES[name](), name)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_no_tick_labels_run_into_each_other(name):
    # issue 12: the 3-D x0 labels of the two-valley surface ran together ("−2.0−1.5−1.0−0.5")
    assert overlapping_tick_labels(FIGURES[name]()) == []


def test_quiver_uses_the_book_grid_and_every_arrow_points_to_the_minimum():
    fig = grad_plots.quiver_figure()
    ax = fig.axes[0]
    (quiver,) = [c for c in ax.collections if isinstance(c, Quiver)]
    X, Y = quiver.X.reshape(-1), quiver.Y.reshape(-1)
    U, V = np.asarray(quiver.U).reshape(-1), np.asarray(quiver.V).reshape(-1)
    assert np.allclose(np.unique(X), np.arange(-2, 2.5, 0.25)) and len(X) == 18 * 18
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-2, 2)
    away = (X != 0) | (Y != 0)
    # −∇f = (−2x0, −2x1) points straight at the origin: parallel to −(X, Y), twice as long
    assert np.allclose(U[away], -2 * X[away], atol=1e-6) and np.allclose(V[away], -2 * Y[away], atol=1e-6)
    assert np.all(U[away] * X[away] + V[away] * Y[away] < 0)


def test_quiver_legend_covers_no_arrow():
    fig = grad_plots.quiver_figure()
    ax = fig.axes[0]
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    (quiver,) = [c for c in ax.collections if isinstance(c, Quiver)]
    legend_box = ax.get_legend().get_window_extent(renderer)
    tails = ax.transData.transform(np.column_stack([quiver.X.reshape(-1), quiver.Y.reshape(-1)]))
    assert not legend_box.count_contains(tails), "the legend covers arrows"


def test_double_well_critical_points_have_zero_gradient_and_descents_end_in_different_minima():
    crit = examples.tilted_double_well_critical_points()
    for point in crit.values():
        assert np.allclose(numerical_gradient(examples.tilted_double_well, point.copy()), 0, atol=1e-6)
    assert examples.tilted_double_well(crit["global minimum"]) < examples.tilted_double_well(crit["local minimum"])
    fig = grad_plots.second_function_figure()
    ends = [
        np.array([ln.get_xdata()[-1], ln.get_ydata()[-1]])
        for ln in fig.axes[-1].get_lines()
        if ln.get_label().startswith("descent from")
    ]
    assert len(ends) == 2
    assert np.allclose(ends[0], crit["global minimum"], atol=1e-3)
    assert np.allclose(ends[1], crit["local minimum"], atol=1e-3)


def arrow_lengths(fig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (quiver,) = [c for c in fig.axes[-1].collections if isinstance(c, Quiver)]
    length = np.hypot(np.asarray(quiver.U).reshape(-1), np.asarray(quiver.V).reshape(-1))
    return quiver.X.reshape(-1), quiver.Y.reshape(-1), length


def test_direction_arrows_have_one_length_and_gradient_arrows_vanish_at_the_critical_points():
    _, _, length = arrow_lengths(grad_plots.second_function_figure())
    assert np.allclose(length, 1.0)
    X, Y, length = arrow_lengths(grad_plots.second_function_figure(arrows="gradient"))
    grads = [numerical_gradient(examples.tilted_double_well, np.array([x, y])) for x, y in zip(X, Y, strict=True)]
    assert np.allclose(length, np.linalg.norm(grads, axis=1))
    # the open experiment's answer: the shortest arrows sit next to the two minima and the saddle
    shortest = np.argsort(length)[:3]
    crit = np.array(list(examples.tilted_double_well_critical_points().values()))
    nearest = np.min(np.hypot(X[shortest, None] - crit[:, 0], Y[shortest, None] - crit[:, 1]), axis=1)
    assert np.all(nearest < 0.3)
    assert length.max() > 40 * length.min()


@pytest.mark.parametrize(
    "starts", [[(0.075, 1.5)], [(-1.5, -1.5), (1.5, 1.5), (0, 1), (0.2, -1), (-1, 0.5), (1, -1.5)]]
)
def test_second_function_draws_one_to_six_descents(starts):
    fig = grad_plots.second_function_figure(starts=starts, step_num=0)
    lines = [ln for ln in fig.axes[-1].get_lines() if ln.get_label().startswith("descent from")]
    assert len(lines) == len(starts)
    check_figure(fig)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"arrows": "length"}, ValueError, "arrows must be one of"),
        ({"arrows": 1}, TypeError, "arrows must be one of"),
        ({"starts": 0.5}, TypeError, "starts must be a list of points"),
        ({"starts": []}, ValueError, "1 to 6 points"),
        ({"starts": [(0.0, 1.0, 2.0)]}, ValueError, "got shape (3,)"),
        ({"starts": [("a", "b")]}, TypeError, "must be real numbers"),
        ({"lr": 0}, ValueError, "lr"),
        ({"step_num": 2.5}, TypeError, "step_num"),
    ],
)
def test_second_function_refuses_bad_arguments_with_a_message(kwargs, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        grad_plots.second_function_figure(**kwargs)


# -- the plateau ---------------------------------------------------------------------------------------
def test_plateau_well_is_what_its_docstring_says():
    f = grad_plots.plateau_well
    assert f(np.zeros(2)) == 0.0 and 0.0 < f(np.array([3.0, 0.0])) < 1.0
    assert 1.0 - f(np.array([3.0, 0.0])) == pytest.approx(1.23e-4, rel=0.01)
    slope = {r: float(np.linalg.norm(numerical_gradient(f, np.array([r, 0.0])))) for r in (1 / np.sqrt(2), 2.0, 3.0)}
    assert slope[1 / np.sqrt(2)] == pytest.approx(0.858, abs=1e-3)
    assert slope[2.0] == pytest.approx(0.0733, abs=1e-4)
    assert slope[3.0] == pytest.approx(7.40e-4, rel=1e-3)
    grid = f(np.stack(np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))))
    assert grid.shape == (5, 5) and grid.min() == 0.0


def test_plateau_descents_take_60_and_2608_steps():
    # the numbers the notebook quotes: one unit farther out, the plateau costs 43 times as many steps
    near, far = (grad_plots.plateau_descent(s, lr=0.1, step_num=3000) for s in grad_plots.PLATEAU_STARTS)
    assert near.shape == far.shape == (3001,)
    assert grad_plots.steps_to_arrive(near) == 60 and grad_plots.steps_to_arrive(far) == 2608
    assert np.all(np.diff(far) <= 0)  # descent never goes up here
    assert far[2500] > 0.9  # after 2500 steps it is still on the plateau
    assert grad_plots.steps_to_arrive(far, 0.999) == 2152  # "for its first 2,150 steps f stays above 0.999"
    path = gradient_descent_path(grad_plots.plateau_well, grad_plots.PLATEAU_STARTS[1], lr=0.1, step_num=3000)
    step_lengths = np.hypot(*np.diff(path, axis=0).T)
    assert np.all(step_lengths[:600] < 1e-4)  # "each of its first 600 steps moves x by less than 0.0001"
    assert grad_plots.steps_to_arrive(far[:100]) is None


def test_plateau_figure_labels_the_step_counts_and_handles_short_runs():
    fig = grad_plots.plateau_figure()
    labels = [ln.get_label() for ln in fig.axes[1].get_lines() if not ln.get_label().startswith("_")]
    assert labels == ["from (2, 0): below 0.01 after 60 steps", "from (3, 0): below 0.01 after 2608 steps"]
    short = grad_plots.plateau_figure(step_num=1, starts=[(5.0, 5.0)])
    assert [ln.get_label() for ln in short.axes[1].get_lines()] == ["from (5, 5): never below 0.01"]
    check_figure(short)
    with pytest.raises(ValueError, match="step_num must be at least 1"):
        grad_plots.plateau_figure(step_num=0)
