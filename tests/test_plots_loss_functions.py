"""Figures and explorer of notebooks/01_loss_functions.ipynb, at the sliders' extreme values.

nbval only ever runs a slider's default value; here the view functions and the explorer are
called at the ends of their sliders under the Agg backend, with warnings turned into errors.
"""

import numpy as np
import pytest
from figure_checks import all_texts, check_figure, line, no_leaked_figures, slope_and_intercept  # noqa: F401

from dlfs import examples, numerical_diff, widgets
from dlfs.plots import loss_functions as loss_plots

pytestmark = pytest.mark.filterwarnings("error")

FIGURES = {
    "accuracy_vs_loss": loss_plots.accuracy_vs_loss_figure,
    "neg_log": loss_plots.neg_log_figure,
    "loss_probability": lambda: loss_plots.loss_probability_view(0.6)[0],
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_white_titled_and_labelled(name):
    check_figure(FIGURES[name](), name)


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


def test_loss_probability_explorer_at_its_extremes(capsys):
    box = widgets.loss_probability_explorer()
    assert "cross entropy = 0.5108" in box.text
    box.controls["p"].value = 0.0
    assert "cross entropy = 16.1181" in box.text
    box.controls["p"].value = 1.0
    assert "cross entropy = 0.0000" in box.text


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
