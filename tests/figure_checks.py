"""Checks shared by the figure tests: every figure is a white, labelled matplotlib Figure.

Imported by tests/test_plots_*.py (pytest puts tests/ on sys.path).
"""

import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


@pytest.fixture(autouse=True)
def no_leaked_figures():
    """Figures are built without pyplot: none may be left registered there."""
    assert plt.get_fignums() == []
    yield
    assert plt.get_fignums() == [], "a figure was registered with pyplot and never closed"


def check_figure(fig: Figure, name: str = "figure") -> None:
    """White background, a title and both axis labels on every visible axes; renders without warnings."""
    assert isinstance(fig, Figure)
    assert matplotlib.colors.to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
    visible = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    assert visible, f"{name}: no visible axes"
    for ax in visible:
        assert ax.get_title(), f"{name}: an axes without a title"
        assert ax.get_xlabel() and ax.get_ylabel(), f"{name}: an axes without axis labels"
    no_korean_text(fig, name)
    fig.savefig(io.BytesIO(), format="png")


def no_korean_text(fig: Figure, name: str = "figure") -> None:
    """Figures are shared by both editions and drawn with matplotlib's own fonts, which have no Hangul:
    a Korean word in a figure would show as empty boxes on a machine without a Korean font."""
    korean = [t.get_text() for t in fig.findobj(Text) if HANGUL.search(t.get_text())]
    assert not korean, f"{name}: Korean text in a figure (drawn as empty boxes without a Korean font): {korean}"


def line(fig: Figure, label: str):
    lines = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_label() == label]
    assert len(lines) == 1, f"expected one line labelled {label!r}, found {len(lines)}"
    return lines[0]


def slope_and_intercept(ln) -> tuple[float, float]:
    x, y = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
    slope, intercept = np.polyfit(x, y, 1)
    assert np.allclose(slope * x + intercept, y, atol=1e-9), "the line is not straight"
    return float(slope), float(intercept)


def all_texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)


def labelled(fig: Figure) -> None:
    """White background; every drawn axes with a visible frame has a title and both axis labels; renders."""
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    drawn = [ax for ax in fig.axes if ax.has_data()]
    assert drawn
    for ax in drawn:
        if ax.axison and ax.get_label() != "<colorbar>":
            assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    no_korean_text(fig)
    fig.canvas.draw()  # actually renders: catches errors that only drawing shows
