"""Figures and explorer of notebooks/02_numerical_differentiation.ipynb, at the sliders' extreme values.

nbval only ever runs a slider's default value; here the view functions and the explorer are
called at the ends of their sliders under the Agg backend, with warnings turned into errors.
"""

import numpy as np
import pytest
from figure_checks import all_texts, check_figure, line, no_leaked_figures, slope_and_intercept  # noqa: F401
from matplotlib.backends.backend_agg import FigureCanvasAgg

from dlfs import examples, numerical_diff, widgets
from dlfs.plots import numerical_differentiation as diff_plots

pytestmark = pytest.mark.filterwarnings("error")

FIGURES = {
    "difference_error": diff_plots.difference_error_figure,
    "tangent": diff_plots.tangent_figure,
    "tangent_view": lambda: diff_plots.tangent_view(5.0, 1e-4)[0],
    "tangent_view_sin": lambda: diff_plots.tangent_view(1.0, 1e-4, "sin")[0],
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


def test_tangent_view_rejects_an_unknown_function():
    with pytest.raises(ValueError, match=r"function must be one of \['book', 'sin'\], got 'cos'"):
        diff_plots.tangent_view(5.0, 1e-4, "cos")


def texts_inside_their_axes(fig) -> None:
    """Every text drawn in an axes lies inside that axes' box: none is cut off or spills over a neighbour."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        for text in ax.texts:
            extent = text.get_window_extent(renderer)
            inside = box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1 and box.y0 - 1 <= extent.y0
            assert inside and extent.y1 <= box.y1 + 1, f"{text.get_text()!r} reaches outside its axes"


def test_difference_error_figure_labels_are_not_clipped():
    fig = diff_plots.difference_error_figure()
    texts_inside_their_axes(fig)  # the "truncation error" label used to run past h = 1 and was cut off


def test_difference_error_figure_marks_the_error_at_the_books_h():
    fig = diff_plots.difference_error_figure()
    error = abs(numerical_diff(np.sin, 1.0) - np.cos(1.0))
    assert 5e-10 < error < 5e-9  # about 9e-10: what the notebook's sentence quotes
    assert f"central error {error:.0e}" in all_texts(fig)
    assert any(
        list(ln.get_xdata()) == [1e-4] and ln.get_ydata()[0] == pytest.approx(error) for ln in fig.axes[0].get_lines()
    )


def markers(fig):
    """The two markers of the error panel: {"forward at h": (h, error), "central at h": (h, error)}."""
    right = fig.axes[1]
    return {
        ln.get_label(): (ln.get_xdata()[0], ln.get_ydata()[0]) for ln in right.get_lines() if "at h" in ln.get_label()
    }


@pytest.mark.parametrize("function", ["book", "sin"])
@pytest.mark.parametrize("k", [0, 60, 120, 160, 185, 210])  # h = 1e-20, 1e-14, 1e-8, 1e-4, about 0.3, 10
def test_the_h_marker_sits_on_the_error_curve(function, k):
    h = float(diff_plots.STEPS[k])
    ex = diff_plots.EXAMPLES[function]
    fig, text = diff_plots.tangent_view(5.0, h, function)
    curves = {ln.get_label(): np.asarray(ln.get_ydata(), float) for ln in fig.axes[1].get_lines()}
    for name in ("forward", "central"):
        marker_h, marker_error = markers(fig)[f"{name} at h"]
        assert marker_h == h
        on_curve = curves[f"{name} error"][k]
        if np.isnan(on_curve):  # an error of exactly 0: not on the log curve, on the floor instead
            assert marker_error == diff_plots.ERROR_FLOOR
        else:
            assert marker_error == on_curve
    exact = float(ex.dfdx(5.0))
    assert markers(fig)["central at h"][1] == max(abs(numerical_diff(ex.f, 5.0, h) - exact), diff_plots.ERROR_FLOOR)


def test_an_error_of_exactly_zero_sits_on_the_floor_with_a_note():
    fig, text = diff_plots.tangent_view(5.0, 10.0)  # the central difference is exact on the parabola
    assert markers(fig)["central at h"] == (10.0, diff_plots.ERROR_FLOOR)
    assert "error exactly 0" in all_texts(fig) and "error 0.0e+00" in text
    texts_inside_their_axes(fig)


@pytest.mark.parametrize("x", [1.0, 5.0])
def test_the_sin_curve_turns_near_1e_5_and_the_books_never_does(x):
    """What the notebook's "Try it" and open experiment ask the learner to find with the sliders."""
    fig, _ = diff_plots.tangent_view(x, 1e-4, "sin")
    central = np.asarray(line(fig, "central error").get_ydata(), float)
    assert 1e-7 <= diff_plots.STEPS[np.nanargmin(central)] <= 1e-4
    fig, _ = diff_plots.tangent_view(x, 1e-4, "book")
    central = np.asarray(line(fig, "central error").get_ydata(), float)
    forward = np.asarray(line(fig, "forward error").get_ydata(), float)
    big = diff_plots.STEPS > 1e-4
    assert np.nanmax(central[big]) < 1e-11  # no truncation error on a parabola: only rounding, falling with h
    assert 1e-9 <= diff_plots.STEPS[np.nanargmin(forward)] <= 1e-7  # the red curve turns near 1e-8


def test_at_x_0_even_the_smallest_h_works_for_the_book_function():
    """The notebook's "Try it": f(0) = 0, so there is almost nothing to round."""
    _, text = diff_plots.tangent_view(0.0, 1e-20)
    assert "x + h == x" not in text
    assert "central difference: 0.09999999999999999     error 1.4e-17" in text


def test_near_x_11_the_sin_truncation_error_almost_vanishes():
    """The open experiment's hint: the central truncation error is about h²/6·|cos x|, and cos 11 ≈ 0.004."""
    big_h = 1e-2
    at_1 = abs(numerical_diff(np.sin, 1.0, big_h) - np.cos(1.0))
    at_11 = abs(numerical_diff(np.sin, 11.0, big_h) - np.cos(11.0))
    assert at_11 < at_1 / 50


def test_the_dip_moves_with_x():
    """The notebook: "the dip moves with the function and with x" — for sin, from about 1e-6 at x = 5 to 1e-5 at 11."""

    def dip(x):
        fig, _ = diff_plots.tangent_view(x, 1e-4, "sin")
        return diff_plots.STEPS[np.nanargmin(np.asarray(line(fig, "central error").get_ydata(), float))]

    assert dip(11.0) > 5 * dip(5.0)


@pytest.mark.parametrize("x, h, function", [(0.0, 1e-20, "book"), (20.0, 1e-20, "sin"), (20.0, 10.0, "sin")])
def test_tangent_view_at_the_slider_corners_keeps_its_texts_inside(x, h, function):
    fig, text = diff_plots.tangent_view(x, h, function)
    check_figure(fig, f"tangent_view({x}, {h}, {function})")
    texts_inside_their_axes(fig)
    assert f"x = {x:g}, h = {h:.1e}" in text


def test_tangent_explorer_at_its_extremes(capsys):
    box = widgets.tangent_explorer()
    assert "0.1999999999990898" in box.text
    box.controls["h"].value = 1e-20
    assert "x + h == x" in box.text
    box.controls["x"].value = 10.0
    box.controls["h"].value = 1e-4
    assert "0.2999999999986347" in box.text
    box.controls["function"].value = "sin"
    assert f"exact cos x:        {float(np.cos(10.0))!r}" in box.text
    box.controls["h"].value = 10.0
    box.controls["x"].value = 0.0
    assert "h = 1.0e+01" in box.text and not box.text.startswith("could not draw")
    assert [c.description for c in box.controls.values()] == ["x (point of tangency)", "step h", "function f(x)"]
