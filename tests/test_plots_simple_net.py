"""Figures and explorer of notebooks/05_simple_net.ipynb, at the sliders' extreme values.

nbval only runs the explorer's default; here the view is called at the ends of the learning-rate
slider for both sets of examples, and the notebook's claims about learning rates are checked
against what the runs do: with one example the loss never rises, whatever the learning rate;
with two that disagree it settles up to 3.4 and not from 3.5, where 2/L ≈ 3.42 puts the edge.
"""

import re

import ipywidgets
import numpy as np
import pytest
from figure_checks import check_figure, no_leaked_figures  # noqa: F401

from dlfs import SimpleNet, numerical_gradient, widgets
from dlfs.functions import CROSS_ENTROPY_DELTA
from dlfs.plots import simple_net as simple_net_plots
from dlfs.plots.simple_net import EXAMPLES, LEARNING_RATES, examples, first_rise, lowest_loss, simple_net_descent

pytestmark = pytest.mark.filterwarnings("error")

BOOK_W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]]
X = np.array([0.6, 0.9])
T = np.array([0, 0, 1])
ONE, PAIR = list(EXAMPLES)


def test_simple_net_descent_learns_and_leaves_W_alone():
    W = np.array(BOOK_W)
    path = simple_net_descent(W, X, T, learning_rate=0.1, step_num=300)
    np.testing.assert_array_equal(W, BOOK_W)
    assert path["loss"].shape == path["grad_norm"].shape == (301,)
    assert path["probs"].shape == (301, 3) and path["W"].shape == (301, 2, 3)
    assert abs(path["loss"][0] - SimpleNet(W=BOOK_W).loss(X, T)) < 1e-15
    assert np.all(np.diff(path["loss"]) < 0) and np.all(np.diff(path["grad_norm"]) < 0)
    assert path["probs"][-1, 2] > 0.8 > path["probs"][0, 2]
    np.testing.assert_allclose(path["probs"].sum(axis=1), 1)
    # the gradient's size is |x|·|y - t| (times the delta's factor, 1 - 2.5e-7 here)
    y = path["probs"][0]
    assert abs(path["grad_norm"][0] - np.linalg.norm(X) * np.linalg.norm(y - T)) < 1e-6


def test_the_examples_and_their_floors():
    x, t = examples(ONE)
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(t, T)
    x[0] = 99.0  # a copy: EXAMPLES is untouched
    assert EXAMPLES[ONE][0][0] == 0.6
    assert lowest_loss(T) == pytest.approx(-np.log(1 + CROSS_ENTROPY_DELTA), rel=1e-12)
    x_pair, t_pair = examples(PAIR)
    assert np.array_equal(x_pair[0], x_pair[1]) and [int(c) for c in t_pair.argmax(axis=1)] == [2, 0]
    assert lowest_loss(t_pair) == pytest.approx(-np.log(0.5 + CROSS_ENTROPY_DELTA), rel=1e-12)
    # no W gets below the floor: the pair shares one prediction y, and y = (1/2, 0, 1/2) is the best
    rng = np.random.default_rng(0)
    assert min(SimpleNet(W=rng.normal(0, 5, (2, 3))).loss(x_pair, t_pair) for _ in range(200)) > lowest_loss(t_pair)
    with pytest.raises(ValueError, match="no examples called 'three'"):
        examples("three")


@pytest.mark.parametrize("lr", LEARNING_RATES)
def test_with_one_example_the_loss_never_rises_whatever_the_learning_rate(lr):
    x, t = examples(ONE)
    path = simple_net_descent(BOOK_W, x, t, learning_rate=lr, step_num=60)
    assert first_rise(path["loss"]) is None
    assert np.all(np.diff(path["loss"]) <= 0)


def test_with_two_that_disagree_the_edge_lies_between_3_4_and_3_5():
    x, t = examples(PAIR)
    settles = simple_net_descent(BOOK_W, x, t, learning_rate=3.4, step_num=300)
    jumps = simple_net_descent(BOOK_W, x, t, learning_rate=3.5, step_num=300)
    assert first_rise(settles["loss"]) is None and settles["loss"][-1] - lowest_loss(t) < simple_net_plots.SETTLED
    assert first_rise(jumps["loss"]) == 41 and jumps["loss"][-1] - lowest_loss(t) > 0.03


def test_the_edge_is_2_over_the_steepest_curvature_at_the_bottom():
    """2/L with L the largest eigenvalue of the loss's Hessian (second derivatives) at the pair's bottom."""
    x, t = examples(PAIR)
    bottom = simple_net_descent(BOOK_W, x, t, learning_rate=1.0, step_num=2000)["W"][-1]

    def gradient_at(w):
        net = SimpleNet(W=w.reshape(2, 3))
        return numerical_gradient(lambda _: net.loss(x, t), net.W).ravel()

    h = 1e-4
    hessian = np.column_stack(
        [(gradient_at(bottom.ravel() + h * e) - gradient_at(bottom.ravel() - h * e)) / (2 * h) for e in np.eye(6)]
    )
    steepest = float(np.linalg.eigvalsh((hessian + hessian.T) / 2).max())
    assert 3.4 < 2 / steepest < 3.5
    assert 2 / steepest == pytest.approx(3.42, abs=0.01)
    # at the bottom y = (1/2, 0, 1/2), and the curvature is |x|²·(1/2): the edge moves with 1/|x|²
    assert steepest == pytest.approx(float(X @ X) / 2, rel=1e-3)


@pytest.mark.parametrize("name", [ONE, PAIR])
@pytest.mark.parametrize("lr", [LEARNING_RATES[0], 3.0, LEARNING_RATES[-1]])
def test_the_view_at_the_slider_ends(name, lr):
    fig, text = simple_net_plots.simple_net_lr_view(BOOK_W, name, lr, step_num=300)
    check_figure(fig, f"view {name} {lr}")
    assert text.startswith(f"{name}, lr = {lr:g}: ")
    assert fig.get_suptitle().startswith(f"{name}, lr = {lr:g}: ")
    if name == ONE or lr < 3.42:
        assert "the loss fell at every update" in text
    else:
        assert "stuck on a plateau" in text and "the gradient is exactly 0" in text
        assert re.search(r"p\(class 0\) = [0-9.]+e-\d\d, far below the 1e-7", text)


def test_the_view_names_the_jump_across_the_bottom_and_the_settling():
    _, text = simple_net_plots.simple_net_lr_view(BOOK_W, PAIR, 10.0, step_num=300)
    assert "the steps jump across the bottom (the loss first rose at update 2)" in text
    path = {"loss": np.array([1.0, 0.5, 0.6, 0.6931]), "grad_norm": np.ones(4), "probs": np.full((4, 3), 1 / 3)}
    headline, _ = simple_net_plots.descent_summary(path, examples(PAIR)[1], 1.0)
    assert headline == "the loss rose at update 2, then settled"


def test_figures_are_white_titled_and_labelled():
    check_figure(simple_net_plots.learning_rate_figure(BOOK_W, step_num=20), "learning_rate_figure")
    path = simple_net_descent(BOOK_W, X, T, learning_rate=0.1, step_num=20)
    check_figure(simple_net_plots.plot_simple_net_descent(path, T, learning_rate=0.1), "plot_simple_net_descent")


def test_simple_net_descent_rejects_bad_input():
    with pytest.raises(ValueError, match="learning_rate"):
        simple_net_descent(BOOK_W, X, T, learning_rate=0)
    with pytest.raises(ValueError, match="step_num"):
        simple_net_descent(BOOK_W, X, T, step_num=-1)


def test_the_explorer_defaults_controls_and_refusals():
    box = widgets.simple_net_lr_explorer(BOOK_W, step_num=30)
    assert set(box.controls) == {"examples_name", "learning_rate"}
    assert all(isinstance(c, ipywidgets.SelectionSlider) and not c.continuous_update for c in box.controls.values())
    assert box.controls["learning_rate"].description == "learning rate"
    assert box.controls["examples_name"].value == PAIR and box.controls["learning_rate"].value == 3.0
    assert box.text.startswith(f"{PAIR}, lr = 3: the loss fell at every update")
    box.controls["examples_name"].value = ONE
    box.controls["learning_rate"].value = 100.0
    assert box.text.startswith(f"{ONE}, lr = 100: the loss fell at every update")
    with pytest.raises(ValueError, match="one of the slider's stops"):
        widgets.simple_net_lr_explorer(BOOK_W, learning_rate=0.5)
    with pytest.raises(ValueError, match="examples_name must be one of"):
        widgets.simple_net_lr_explorer(BOOK_W, examples_name="three")
