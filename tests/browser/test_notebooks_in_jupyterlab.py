"""Every notebook, run the way a learner runs it: JupyterLab in Chromium, Run All, sliders dragged.

Screenshots go to tests/browser/artifacts/ (git-ignored, kept by CI):
<notebook>.png after Run All, <notebook>-<step>.png of an explorer after a slider move,
FAILED-<test>.png when a test fails.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest


def _shows_clean(name, notebook_page, artifacts):
    """After Run All (or as committed, if the notebook was only opened): no error, every widget rendered."""
    notebook = notebook_page(name)
    shot = notebook.screenshot(artifacts / f"{name.replace('/', '-').removesuffix('.ipynb')}.png")
    took = "?" if notebook.result.seconds is None else f"{notebook.result.seconds:.1f}"
    when = f"after Run All (took {took} s)" if notebook.run_all else "as committed (not run)"
    print(f"{name}: {when}; screenshot {shot}")
    for note in notebook.notes:
        print(f"{name}: note: {note}")

    problems = notebook.problems()
    if notebook.run_all and notebook.has_slider_code() and notebook.rendered_sliders() == 0:
        problems.append("the notebook makes sliders but none rendered as a slider (no .widget-slider handle)")
    committed, rendered = notebook.committed_widget_views(), notebook.rendered_widget_views()
    if notebook.run_all and rendered < committed:
        problems.append(f"the committed notebook shows {committed} widget(s); JupyterLab rendered only {rendered}")
    if problems and notebook.console:
        counts = Counter(notebook.console)
        problems.append(
            "the browser console said:\n  "
            + "\n  ".join(f"{message}" + (f" (×{n})" if n > 1 else "") for message, n in list(counts.items())[-15:])
        )
    assert not problems, notebook.where(f"{when} in JupyterLab:\n- " + "\n- ".join(problems))


def _number(readout: str) -> float:
    try:
        return float(readout)
    except ValueError:
        raise AssertionError(f"slider readout {readout!r} is not a number") from None


def _step_slider(executed_notebook, name):
    """Notebook 02: a tiny step h makes x + h == x, and the explorer says so."""
    notebook = executed_notebook(name)
    shot = name.replace("/", "-").removesuffix(".ipynb")
    explorer = notebook.explorer("step h")
    start = explorer.state()
    assert start[0].startswith("data:image/png"), notebook.where("the explorer shows no PNG picture after Run All")
    assert "x + h == x" not in start[1], notebook.where(f"the default h already fails: {start[1]!r}")

    explorer.drag("step h", -0.5)  # past the left end: the minimum, h = 1e-20
    tiny = explorer.wait_for_redraw(start, "dragging the step h to its minimum")
    h = explorer.readout("step h")
    assert _number(h) == pytest.approx(1e-20), notebook.where(
        f"dragging past the left end should give h = 1e-20, got {h}"
    )
    assert "x + h == x" in tiny[1], notebook.where(f"h = 1e-20 should show the rounding failure; text: {tiny[1]!r}")
    explorer.screenshot(f"{shot}-h-tiny")

    explorer.press("step h", "ArrowRight", 30)  # 30 steps of 0.5 decades: h = 1e-5
    keyed = explorer.wait_for_redraw(tiny, "pressing ArrowRight 30 times on the step slider")
    assert re.search(r"h = 1\.0e-05", keyed[1]), notebook.where(
        f"30 × ArrowRight from 1e-20 should give h = 1e-5: {keyed[1]!r}"
    )
    assert "x + h == x" not in keyed[1], notebook.where(f"h = 1e-5 should not fail: {keyed[1]!r}")


# pytest-xdist's --dist loadscope gives each class to one worker: the two editions run side by side. A slider test
# sits in the class of its notebook, whose page is still open after the Run All test.
class TestEnglish:
    """Every English notebook run in JupyterLab (Run All), and the sliders dragged."""

    edition = "en"

    def test_notebook_runs_clean_in_jupyterlab(self, notebook_name, executed_notebook, artifacts):
        """Parametrized by conftest over this edition's notebooks, so a new notebook is tested without an edit here."""
        _shows_clean(notebook_name, executed_notebook, artifacts)

    @pytest.mark.notebook("02_numerical_differentiation.ipynb")
    def test_numerical_differentiation_step_slider(self, executed_notebook):
        _step_slider(executed_notebook, "02_numerical_differentiation.ipynb")

    @pytest.mark.notebook("01_loss_functions.ipynb")
    def test_loss_functions_probability_slider(self, executed_notebook):
        """Notebook 01: the losses follow the probability of the correct class, by mouse and keyboard."""
        notebook = executed_notebook("01_loss_functions.ipynb")
        description = "probability of the correct class"
        explorer = notebook.explorer(description)
        start = explorer.state()
        assert start[0].startswith("data:image/png"), notebook.where("the explorer shows no PNG picture after Run All")

        explorer.drag(description, 0.2)
        dragged = explorer.wait_for_redraw(start, "dragging the probability slider with the mouse")
        p = explorer.readout(description)
        assert _number(p) == pytest.approx(0.2, abs=0.03), notebook.where(f"dragging to 1/5 of the track gave p = {p}")
        assert dragged[1].startswith(f"p = {p}:"), notebook.where(
            f"the text does not follow the slider (p = {p}): {dragged[1]!r}"
        )
        explorer.screenshot("01_loss_functions-p-dragged")

        explorer.press(description, "ArrowLeft", 5)
        keyed = explorer.wait_for_redraw(dragged, "pressing ArrowLeft five times on the probability slider")
        p2 = explorer.readout(description)
        assert _number(p2) == pytest.approx(_number(p) - 0.05, abs=1e-9), notebook.where(f"5 × ArrowLeft: {p} -> {p2}")
        assert keyed[1].startswith(f"p = {p2}:"), notebook.where(
            f"the text does not follow the slider (p = {p2}): {keyed[1]!r}"
        )

    @pytest.mark.notebook("04_gradient_descent.ipynb")
    def test_gradient_descent_learning_rate_slider(self, executed_notebook):
        """Notebook 04: drag the learning rate, move it with the keyboard, push it to divergence."""
        notebook = executed_notebook("04_gradient_descent.ipynb")
        explorer = notebook.explorer("learning rate")
        # scrolls the explorer into view first: JupyterLab renders the cells above it (and their figures) only as
        # they come into view, so a single scroll to the slider can leave its handle off screen for the drag
        explorer.screenshot("04_gradient_descent-lr-start")
        start = explorer.state()
        assert start[0].startswith("data:image/png"), notebook.where("the explorer shows no PNG picture after Run All")
        assert "diverged" not in start[1], notebook.where(f"the default learning rate already diverges: {start[1]!r}")
        lr0 = _number(explorer.readout("learning rate"))

        explorer.drag("learning rate", 0.05)  # stops from 1e-10 to 10, most between 0.05 and 1.1: near the left end
        dragged = explorer.wait_for_redraw(start, "dragging the learning-rate slider with the mouse")
        lr1 = _number(explorer.readout("learning rate"))
        assert lr1 < lr0, notebook.where(f"dragging left should lower the learning rate: {lr0} -> {lr1}")
        explorer.screenshot("04_gradient_descent-lr-dragged")

        explorer.press("learning rate", "ArrowRight", 3)
        keyed = explorer.wait_for_redraw(dragged, "pressing ArrowRight three times on the learning-rate slider")
        lr2 = _number(explorer.readout("learning rate"))
        assert lr2 > lr1, notebook.where(f"ArrowRight should raise the learning rate: {lr1} -> {lr2}")
        explorer.screenshot("04_gradient_descent-lr-keyboard")

        explorer.drag("learning rate", 1.5)  # past the right end: the last stop, lr = 10 (the book's example)
        diverged = explorer.wait_for_redraw(keyed, "dragging the learning rate to its maximum")
        lr3 = _number(explorer.readout("learning rate"))
        assert lr3 == pytest.approx(10), notebook.where(f"dragging past the right end should give lr = 10, got {lr3}")
        assert "diverged" in diverged[1], notebook.where(
            f"lr = 10 should report 'diverged'; the text is {diverged[1]!r}"
        )
        explorer.screenshot("04_gradient_descent-lr-diverged")

    @pytest.mark.notebook("05_simple_net.ipynb")
    def test_simple_net_learning_rate_slider(self, executed_notebook):
        """Notebook 05: the learning-rate stops redraw SimpleNet's descent (checked by its picture)."""
        notebook = executed_notebook("05_simple_net.ipynb")
        explorer = notebook.explorer("learning rate")
        explorer.screenshot("05_simple_net-lr-start")  # brings the explorer into view first, as in notebook 04's test
        start = explorer.state()
        assert start[0].startswith("data:image/png"), notebook.where("the explorer shows no PNG picture after Run All")
        lr0 = _number(explorer.readout("learning rate"))

        explorer.drag("learning rate", 0.25)  # 16 stops from 0.01 to 100, the default 3 at about 40%
        dragged = explorer.wait_for_redraw(start, "dragging the learning-rate slider with the mouse", text=False)
        lr1 = _number(explorer.readout("learning rate"))
        assert lr1 < lr0, notebook.where(
            f"dragging to a quarter of the track should lower the learning rate: {lr0} -> {lr1}"
        )
        explorer.screenshot("05_simple_net-lr-dragged")

        explorer.press("learning rate", "ArrowRight", 2)
        explorer.wait_for_redraw(dragged, "pressing ArrowRight twice on the learning-rate slider", text=False)
        lr2 = _number(explorer.readout("learning rate"))
        assert lr2 > lr1, notebook.where(f"ArrowRight should raise the learning rate: {lr1} -> {lr2}")

    @pytest.mark.notebook("06_two_layer_net_mnist.ipynb")
    def test_two_layer_net_learning_rate_slider(self, executed_notebook):
        """Notebook 06: the learning rate retrains a short run; its last stop diverges, four stops lower it stalls."""
        notebook = executed_notebook("06_two_layer_net_mnist.ipynb")
        explorer = notebook.explorer("learning rate")
        start = explorer.state()
        assert start[0].startswith("data:image/png"), notebook.where("the explorer shows no PNG picture after Run All")
        assert "test acc" in start[1], notebook.where(
            f"the default run (lr 0.1) should learn; the text is {start[1]!r}"
        )

        explorer.drag("learning rate", 1.5)  # past the right end: the last stop, lr = 10**1.5 = 31.6
        diverged = explorer.wait_for_redraw(start, "dragging the learning rate to its maximum")
        lr1 = _number(explorer.readout("learning rate"))
        assert lr1 == pytest.approx(31.6, rel=1e-3), notebook.where(f"the right end should be lr = 31.6, got {lr1}")
        assert "diverged" in diverged[1], notebook.where(
            f"lr = 31.6 should report 'diverged'; the text is {diverged[1]!r}"
        )
        explorer.screenshot("06_two_layer_net-lr-diverged")

        explorer.press("learning rate", "ArrowLeft", 4)  # eighths of a decade: 31.6 -> 23.7 -> 17.8 -> 13.3 -> 10
        stalled = explorer.wait_for_redraw(diverged, "pressing ArrowLeft four times on the learning-rate slider")
        lr2 = _number(explorer.readout("learning rate"))
        assert lr2 == pytest.approx(10, rel=1e-3), notebook.where(f"four stops below 31.6 should be lr = 10, got {lr2}")
        assert "did not learn" in stalled[1] and "saturate" in stalled[1], notebook.where(
            f"lr = 10 should stall with saturated sigmoids; the text is {stalled[1]!r}"
        )
        explorer.screenshot("06_two_layer_net-lr-stalled")


class TestKorean:
    """Every Korean notebook opened in JupyterLab as committed, and ko/02 run with its slider dragged.

    A Korean notebook runs the English notebook's code: test_korean_edition.py requires the same code up to
    comments (and the first cell's strings), TestEnglish runs that code in JupyterLab, and nbval runs both
    editions and compares every output, the Korean feedback of check() included. Running each Korean notebook
    here too cost about a quarter of make test's CPU time and checked the same code again; what differs is
    what JupyterLab shows, checked here: the Korean text, formulas, committed outputs and saved widgets.
    """

    edition = "ko"

    def test_notebook_shows_clean_in_jupyterlab(self, notebook_name, opened_notebook, artifacts):
        """Parametrized by conftest over this edition's notebooks, so a new notebook is tested without an edit here."""
        _shows_clean(notebook_name, opened_notebook, artifacts)

    @pytest.mark.notebook("ko/02_numerical_differentiation.ipynb")
    def test_numerical_differentiation_step_slider(self, executed_notebook):
        _step_slider(executed_notebook, "ko/02_numerical_differentiation.ipynb")
