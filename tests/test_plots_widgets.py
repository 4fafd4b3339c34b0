"""Figures of dlfs.plots and the slider explorers of dlfs.widgets, at the sliders' extreme values.

nbval only ever runs a slider's default value; here every view function is called at
the ends of its sliders (lr 1e-10 and 10, zero steps, h = 1e-50, p = 0 and 1) under
the Agg backend, with warnings turned into errors.
"""

import io
import re

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.quiver import Quiver  # noqa: E402

from dlfs import (  # noqa: E402
    examples,  # noqa: E402
    numerical_diff,
    numerical_gradient,
    widgets,  # noqa: E402
)
from dlfs.plots import gradient_descent as descent_plots  # noqa: E402
from dlfs.plots import gradients as grad_plots  # noqa: E402
from dlfs.plots import loss_functions as loss_plots  # noqa: E402
from dlfs.plots import numerical_differentiation as diff_plots  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def no_leaked_figures():
    assert plt.get_fignums() == []
    yield
    assert plt.get_fignums() == [], "a figure was registered with pyplot and never closed"


def _line(fig: Figure, label: str):
    lines = [line for ax in fig.axes for line in ax.get_lines() if line.get_label() == label]
    assert len(lines) == 1, f"expected one line labelled {label!r}, found {len(lines)}"
    return lines[0]


def _slope_and_intercept(line) -> tuple[float, float]:
    x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    slope, intercept = np.polyfit(x, y, 1)
    assert np.allclose(slope * x + intercept, y, atol=1e-9), "the line is not straight"
    return float(slope), float(intercept)


def _all_texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)


# ----------------------------------------------------------------------------------------- all figures


FIGURES = {
    "accuracy_vs_loss": loss_plots.accuracy_vs_loss_figure,
    "neg_log": loss_plots.neg_log_figure,
    "loss_probability": lambda: loss_plots.loss_probability_view(0.6)[0],
    "difference_error": diff_plots.difference_error_figure,
    "tangent": diff_plots.tangent_figure,
    "tangent_view": lambda: diff_plots.tangent_view(5.0, 1e-4)[0],
    "surface": grad_plots.surface_figure,
    "quiver": grad_plots.quiver_figure,
    "second_function": grad_plots.second_function_figure,
    "gradient_descent": descent_plots.gradient_descent_figure,
    "learning_rate_grid": descent_plots.learning_rate_grid_figure,
    "gradient_descent_view": lambda: descent_plots.gradient_descent_view(0.1, 20, -3.0, 4.0)[0],
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_has_white_background_titles_and_axis_labels(name):
    fig = FIGURES[name]()
    assert isinstance(fig, Figure)
    assert matplotlib.colors.to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert visible
    for ax in visible:
        assert ax.get_title(), f"{name}: an axes without a title"
        assert ax.get_xlabel() and ax.get_ylabel(), f"{name}: an axes without axis labels"
    fig.savefig(io.BytesIO(), format="png")  # renders without warnings (they are errors here)


# ----------------------------------------------------------------------------------------- notebook 01


def test_accuracy_is_a_staircase_and_the_loss_is_not():
    x, t = examples.tiny_model_data()
    ws = np.linspace(-3, 3, 61)[1:-1]
    acc_slopes = np.array([numerical_diff(lambda w: examples.tiny_model_accuracy(w, x, t), w) for w in ws])
    loss_slopes = np.array([numerical_diff(lambda w: examples.tiny_model_loss(w, x, t), w) for w in ws])
    # at almost every w the accuracy does not change under a nudge of 1e-4: no signal
    assert np.mean(acc_slopes == 0) > 0.9
    assert np.all(np.abs(loss_slopes[ws < 1.5]) > 1e-3)
    # and the accuracy really changes somewhere in the sweep (it is a staircase, not a constant)
    accs = {examples.tiny_model_accuracy(w, x, t) for w in np.linspace(-3, 3, 601)}
    assert len(accs) > 5


@pytest.mark.parametrize(
    "p, sse, cee",
    [
        (0.6, 0.5 * (0.4**2 + 9 * (0.4 / 9) ** 2), 0.510825457099338),
        (0.0, 0.5 * (1 + 9 / 81), 16.11809565095832),
        (1.0, 0.0, -np.log(1 + 1e-7)),
    ],
)
def test_loss_probability_view_reports_both_losses(p, sse, cee):
    fig, text = loss_plots.loss_probability_view(p)
    assert f"sum of squares = {round(sse, 4) + 0.0:.4f}" in text
    assert f"cross entropy = {round(cee, 4) + 0.0:.4f}" in text
    assert "-0.0000" not in text
    bars = [patch.get_height() for patch in fig.axes[0].patches]
    assert len(bars) == 10 and bars[2] == pytest.approx(p) and sum(bars) == pytest.approx(1.0)


def test_loss_probability_view_at_zero_mentions_the_delta():
    assert "delta" in loss_plots.loss_probability_view(0.0)[1]


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_loss_probability_view_rejects_non_probabilities(p):
    with pytest.raises(ValueError, match="probability"):
        loss_plots.loss_probability_view(p)


# ----------------------------------------------------------------------------------------- notebook 02


def test_difference_errors_match_the_book_and_the_theory():
    fwd, cen = diff_plots.difference_errors(examples.function_1, 0.2, 5.0, [1e-4])
    assert cen[0] == pytest.approx(abs(0.1999999999990898 - 0.2))
    assert fwd[0] == pytest.approx(0.01 * 1e-4, rel=1e-3)  # truncation error f''·h/2 = 0.01h
    hs = np.logspace(-20, 0, 201)
    fwd, cen = diff_plots.difference_errors(np.sin, np.cos(1.0), 1.0, hs)
    assert 1e-7 <= hs[np.argmin(cen)] <= 1e-4  # the central optimum near 1e-5
    assert 1e-10 <= hs[np.argmin(fwd)] <= 1e-7  # the forward optimum near 1e-8
    tiny = hs < 1e-17  # x + h == x: both differences are exactly 0
    assert np.all(fwd[tiny] == np.cos(1.0)) and np.all(cen[tiny] == np.cos(1.0))


@pytest.mark.parametrize("x, expected", [(5.0, 0.1999999999990898), (10.0, 0.2999999999986347)])
def test_tangent_figure_lines_have_the_book_slopes_and_touch_the_curve(x, expected):
    fig = diff_plots.tangent_figure()
    line = next(ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith(f"tangent at x = {x:g},"))
    slope, intercept = _slope_and_intercept(line)
    assert slope == pytest.approx(expected, abs=1e-12)
    assert slope * x + intercept == pytest.approx(examples.function_1(x), abs=1e-9)


@pytest.mark.parametrize("x", [0.0, 5.0, 20.0])
def test_tangent_view_at_the_book_h_has_the_numerical_slope(x):
    fig, text = diff_plots.tangent_view(x, 1e-4)
    slope, intercept = _slope_and_intercept(_line(fig, "central difference"))
    assert slope == pytest.approx(numerical_diff(examples.function_1, x), abs=1e-12)
    assert slope * x + intercept == pytest.approx(examples.function_1(x), abs=1e-9)  # touches the curve at x
    exact, _ = _slope_and_intercept(_line(fig, "exact tangent"))
    assert exact == pytest.approx(0.02 * x + 0.1, abs=1e-12)
    assert repr(numerical_diff(examples.function_1, x)) in text
    assert "x + h == x" not in text


def test_tangent_view_at_h_1e_50_shows_the_rounding_failure():
    fig, text = diff_plots.tangent_view(5.0, 1e-50)
    for label in ("central difference", "forward difference"):
        assert np.all(_line(fig, label).get_ydata() == examples.function_1(5.0))  # flat: slope exactly 0
    assert "x + h == x" in text and "x + h == x" in _all_texts(fig)
    assert "error 2.0e-01" in text


def test_tangent_view_with_a_large_h_separates_forward_from_central():
    fig, text = diff_plots.tangent_view(5.0, 10.0)
    assert _slope_and_intercept(_line(fig, "central difference"))[0] == pytest.approx(0.2)  # exact on a parabola
    assert _slope_and_intercept(_line(fig, "forward difference"))[0] == pytest.approx(0.3)  # off by 0.01h


@pytest.mark.parametrize("h", [0.0, -1e-4, float("inf"), float("nan")])
def test_tangent_view_rejects_bad_steps(h):
    with pytest.raises(ValueError, match="step h"):
        diff_plots.tangent_view(5.0, h)


# ----------------------------------------------------------------------------------------- notebook 03


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


# ----------------------------------------------------------------------------------------- notebook 04


def test_gradient_descent_figure_is_the_books_path():
    fig = descent_plots.gradient_descent_figure()
    line = _line(fig, "x after 0 … 20 steps")
    xs, ys = line.get_xdata(), line.get_ydata()
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
    assert "DIVERGED" not in _all_texts(fig)


def test_gradient_descent_view_lr_10_says_diverged_and_keeps_a_readable_plot():
    fig, text = descent_plots.gradient_descent_view(10.0, 100, -3.0, 4.0)
    assert re.match(r"diverged after 2 steps: \|x\| = 1\.8\de\+03 exceeded 1000", text)
    assert "1 − 2·lr = -19" in text
    assert "DIVERGED after 2 steps" in _all_texts(fig)
    ax = fig.axes[0]
    assert ax.get_xlim() == (-5, 5) and ax.get_ylim() == (-5, 5)  # the window did not zoom out to 1e13
    path = _line(fig, "path")
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


# ----------------------------------------------------------------------------------------- the explorers


EXPLORERS = {
    "loss_probability": widgets.loss_probability_explorer,
    "tangent": widgets.tangent_explorer,
    "gradient_descent": widgets.gradient_descent_explorer,
}


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_explorer_sliders_update_on_release_and_say_what_they_are(name, capsys):
    box = EXPLORERS[name]()
    assert isinstance(box, ipywidgets.VBox) and box.output in box.children
    for control in box.controls.values():
        assert control.continuous_update is False
        assert len(control.description) >= 5 or control.description.startswith("x"), control.description
    assert box.text and not box.text.startswith("could not draw")


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


def test_tangent_explorer_at_its_extremes(capsys):
    box = widgets.tangent_explorer()
    assert "0.1999999999990898" in box.text
    box.controls["h"].value = 1e-20
    assert "x + h == x" in box.text
    box.controls["x"].value = 10.0
    box.controls["h"].value = 1e-4
    assert "0.2999999999986347" in box.text


def test_loss_probability_explorer_at_its_extremes(capsys):
    box = widgets.loss_probability_explorer()
    assert "cross entropy = 0.5108" in box.text
    box.controls["p"].value = 0.0
    assert "cross entropy = 16.1181" in box.text
    box.controls["p"].value = 1.0
    assert "cross entropy = 0.0000" in box.text


def test_explorer_shows_an_error_as_text_instead_of_swallowing_it(capsys):
    def broken_view(a):
        raise ValueError("a must be positive")

    box = widgets.Explorer(broken_view, {"a": ipywidgets.FloatSlider(value=-1.0, description="a value")}, [["a"]])
    assert box.text == "could not draw this: ValueError: a must be positive"
    assert "a must be positive" in capsys.readouterr().out


def test_mini_batch_figure_titles_each_image_with_its_label():
    rng = np.random.default_rng(0)
    x = rng.random((4, 784))
    labels = np.array([3, 1, 4, 1])
    for t in (labels, np.eye(10)[labels]):
        fig = loss_plots.mini_batch_figure(x, t)
        assert [ax.get_title() for ax in fig.axes] == ["label 3", "label 1", "label 4", "label 1"]
        assert fig._suptitle is not None and "4 training images" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="784 pixels"):
        loss_plots.mini_batch_figure(rng.random((4, 100)), labels)
    with pytest.raises(ValueError, match="4 images but targets"):
        loss_plots.mini_batch_figure(x, labels[:3])
