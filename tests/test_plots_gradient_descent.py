"""Figures and explorer of notebooks/04_gradient_descent.ipynb, at the sliders' extreme values.

nbval only ever runs a slider's default value; here the view functions and the explorer are
called at the ends of their sliders under the Agg backend, with warnings turned into errors.
"""

import re

import ipywidgets
import numpy as np
import pytest
from figure_checks import all_texts, check_figure, line, no_leaked_figures, slope_and_intercept  # noqa: F401

from dlfs import widgets
from dlfs.plots import gradient_descent as descent_plots

pytestmark = pytest.mark.filterwarnings("error")

FIGURES = {
    "gradient_descent": descent_plots.gradient_descent_figure,
    "learning_rate_grid": descent_plots.learning_rate_grid_figure,
    "gradient_descent_view": lambda: descent_plots.gradient_descent_view(0.1, 20, -3.0, 4.0)[0],
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_white_titled_and_labelled(name):
    check_figure(FIGURES[name](), name)


def test_gradient_descent_figure_is_the_books_path():
    fig = descent_plots.gradient_descent_figure()
    path = line(fig, "x after 0 … 20 steps")
    xs, ys = path.get_xdata(), path.get_ydata()
    assert len(xs) == 21 and (xs[0], ys[0]) == (-3.0, 4.0)
    assert np.allclose([xs[1], ys[1]], [-2.4, 3.2])  # one step multiplies by 1 − 2·0.1 = 0.8
    assert fig.axes[0].get_xlim() == (-3.5, 3.5) and fig.axes[0].get_ylim() == (-4.5, 4.5)


@pytest.mark.parametrize(
    "lr, regime",
    [(0.01, "too small"), (0.1, "good"), (0.9, "oscillates"), (1.0, "bounces"), (1.1, "diverges"), (10, "diverges")],
)
def test_lr_regime(lr, regime):
    assert regime in descent_plots.lr_regime(lr)


@pytest.mark.parametrize(
    "lr, steps, expected",
    [
        (0.1, 100, "[-6.11110793e-10, 8.14814391e-10]"),
        (1e-10, 100, "[-2.99999994, 3.99999992]"),
        (0.01, 100, "[-0.397858668, 0.530478224]"),
    ],
)
def test_gradient_descent_view_prints_the_books_results(lr, steps, expected):
    fig, text = descent_plots.gradient_descent_view(lr, steps, -3.0, 4.0)
    assert text.startswith(f"after {steps} steps: x = {expected}, f(x) = ")
    assert "DIVERGED" not in all_texts(fig)


def test_gradient_descent_view_lr_10_says_diverged_and_keeps_a_readable_plot():
    fig, text = descent_plots.gradient_descent_view(10.0, 100, -3.0, 4.0)
    assert re.match(r"diverged after 2 steps: \|x\| = 1\.8\de\+03 exceeded 1000", text)
    assert "1 − 2·lr = -19" in text
    assert "DIVERGED after 2 steps" in all_texts(fig)
    ax = fig.axes[0]
    assert ax.get_xlim() == (-5, 5) and ax.get_ylim() == (-5, 5)  # the window did not zoom out to 1e13
    path = line(fig, "path")
    assert len(path.get_xdata()) == 3  # drawn up to the first point beyond the limit, not the overflowed rest


def test_gradient_descent_view_zero_steps_is_the_start():
    fig, text = descent_plots.gradient_descent_view(0.1, 0, -3.0, 4.0)
    assert text.startswith("after 0 steps: x = [-3, 4], f(x) = 25\n")


def test_gradient_descent_view_lr_1_bounces_without_diverging():
    fig, text = descent_plots.gradient_descent_view(1.0, 21, -3.0, 4.0)
    assert text.startswith("after 21 steps: x = [3, -4], f(x) = 25\n")
    assert "never converges" in text


@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_gradient_descent_view_rejects_bad_learning_rates(lr):
    with pytest.raises(ValueError, match="learning rate"):
        descent_plots.gradient_descent_view(lr, 20, -3.0, 4.0)


def test_gradient_descent_view_rejects_a_start_beyond_the_divergence_limit():
    with pytest.raises(ValueError, match="start point"):
        descent_plots.gradient_descent_view(0.1, 20, 2000.0, 0.0)


def test_gradient_descent_view_rejects_negative_steps():
    with pytest.raises(ValueError, match="step_num"):
        descent_plots.gradient_descent_view(0.1, -1, -3.0, 4.0)


def test_gradient_descent_explorer_at_its_extremes(capsys):
    box = widgets.gradient_descent_explorer()
    lr = box.controls["lr"]
    assert isinstance(lr, ipywidgets.FloatLogSlider)
    assert (lr.base, lr.min, lr.max) == (10, -10, 1)  # 1e-10 … 10
    assert box.text.startswith("after 20 steps: x = [-0.0345876451, 0.0461168602]")
    lr.value = 10.0
    assert box.text.startswith("diverged after 2 steps")
    assert "diverged after 2 steps" in capsys.readouterr().out  # printed into the output area
    lr.value = 1e-10
    box.controls["step_num"].value = 100
    assert box.text.startswith("after 100 steps: x = [-2.99999994, 3.99999992]")
    box.controls["step_num"].value = 0
    box.controls["x0"].value = 2.0
    assert box.text.startswith("after 0 steps: x = [2, 4], f(x) = 20\n")
