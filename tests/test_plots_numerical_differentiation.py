"""Figures and explorer of notebooks/02_numerical_differentiation.ipynb, at the sliders' extreme values.

nbval only ever runs a slider's default value; here the view functions and the explorer are
called at the ends of their sliders under the Agg backend, with warnings turned into errors.
"""

import numpy as np
import pytest
from figure_checks import all_texts, check_figure, line, no_leaked_figures, slope_and_intercept  # noqa: F401

from dlfs import examples, numerical_diff, widgets
from dlfs.plots import numerical_differentiation as diff_plots

pytestmark = pytest.mark.filterwarnings("error")

FIGURES = {
    "difference_error": diff_plots.difference_error_figure,
    "tangent": diff_plots.tangent_figure,
    "tangent_view": lambda: diff_plots.tangent_view(5.0, 1e-4)[0],
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_white_titled_and_labelled(name):
    check_figure(FIGURES[name](), name)


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
    slope, intercept = slope_and_intercept(line)
    assert slope == pytest.approx(expected, abs=1e-12)
    assert slope * x + intercept == pytest.approx(examples.function_1(x), abs=1e-9)


@pytest.mark.parametrize("x", [0.0, 5.0, 20.0])
def test_tangent_view_at_the_book_h_has_the_numerical_slope(x):
    fig, text = diff_plots.tangent_view(x, 1e-4)
    slope, intercept = slope_and_intercept(line(fig, "central difference"))
    assert slope == pytest.approx(numerical_diff(examples.function_1, x), abs=1e-12)
    assert slope * x + intercept == pytest.approx(examples.function_1(x), abs=1e-9)  # touches the curve at x
    exact, _ = slope_and_intercept(line(fig, "exact tangent"))
    assert exact == pytest.approx(0.02 * x + 0.1, abs=1e-12)
    assert repr(numerical_diff(examples.function_1, x)) in text
    assert "x + h == x" not in text


def test_tangent_view_at_h_1e_50_shows_the_rounding_failure():
    fig, text = diff_plots.tangent_view(5.0, 1e-50)
    for label in ("central difference", "forward difference"):
        assert np.all(line(fig, label).get_ydata() == examples.function_1(5.0))  # flat: slope exactly 0
    assert "x + h == x" in text and "x + h == x" in all_texts(fig)
    assert "error 2.0e-01" in text


def test_tangent_view_with_a_large_h_separates_forward_from_central():
    fig, text = diff_plots.tangent_view(5.0, 10.0)
    assert slope_and_intercept(line(fig, "central difference"))[0] == pytest.approx(0.2)  # exact on a parabola
    assert slope_and_intercept(line(fig, "forward difference"))[0] == pytest.approx(0.3)  # off by 0.01h


@pytest.mark.parametrize("h", [0.0, -1e-4, float("inf"), float("nan")])
def test_tangent_view_rejects_bad_steps(h):
    with pytest.raises(ValueError, match="step h"):
        diff_plots.tangent_view(5.0, h)


def test_tangent_explorer_at_its_extremes(capsys):
    box = widgets.tangent_explorer()
    assert "0.1999999999990898" in box.text
    box.controls["h"].value = 1e-20
    assert "x + h == x" in box.text
    box.controls["x"].value = 10.0
    box.controls["h"].value = 1e-4
    assert "0.2999999999986347" in box.text
