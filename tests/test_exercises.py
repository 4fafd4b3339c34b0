"""dlfs.exercises: the check() machinery, and every checker against right and known-wrong answers.

Each notebook's checkers are tested in tests/test_exercises_<notebook>.py; this file tests what
they share, and the cross entropy exercise that shows the pattern.
"""

import ast
from pathlib import Path

import numpy as np
import pytest
from exercise_checks import english, verdict  # noqa: F401 (english: an autouse fixture)

from dlfs import set_language
from dlfs.exercises import EXERCISES, check
from dlfs.exercises.core import is_stub
from dlfs.language import get_language

ROOT = Path(__file__).resolve().parents[1]


# -- the machinery ----------------------------------------------------------------------------
def test_unknown_id_lists_the_ids():
    with pytest.raises(ValueError, match=r"no exercise '01.crossentropy'.*01\.cross_entropy"):
        check("01.crossentropy", print)


def test_every_exercise_is_described():
    assert EXERCISES
    for ex_id, ex in EXERCISES.items():
        assert ex.id == ex_id and ex_id[:2].isdigit() and ex_id[2] == "."
        assert (ROOT / "notebooks" / ex.notebook).exists(), f"{ex_id}: no notebook {ex.notebook}"
        assert ex.kind in ("write", "bug hunt", "predict") and ex.title and ex.task


def test_stubs_are_recognised():
    def stub(y, t): ...

    def with_docstring(y, t):
        """Write me."""
        ...

    def passes(y, t):
        pass

    def returns_zero(y, t):
        return 0

    assert is_stub(...) and is_stub(stub) and is_stub(with_docstring) and is_stub(passes)
    assert not is_stub(returns_zero) and not is_stub(np.log)


def test_a_stub_is_not_yet_and_says_what_to_do(capsys):
    def cross_entropy_error(y, t): ...

    ok, out = verdict(capsys, "01.cross_entropy", cross_entropy_error)
    assert not ok and "not yet" in out and "in place of `...`" in out


def test_an_exception_in_the_learners_code_becomes_feedback_with_its_line(capsys):
    def cross_entropy_error(y, t):
        batch_size = y.shape[0]  # noqa: F841 - the learner meant this name
        return -np.sum(t * np.log(y + 1e-7)) / bacth_size  # noqa: F821 - the learner's typo

    ok, out = verdict(capsys, "01.cross_entropy", cross_entropy_error)
    assert not ok
    assert "NameError: name 'bacth_size' is not defined" in out
    assert "return -np.sum(t * np.log(y + 1e-7)) / bacth_size" in out  # the learner's own line


def test_passing_a_call_instead_of_the_function_is_explained(capsys):
    ok, out = verdict(capsys, "01.cross_entropy", 0.51)
    assert not ok and "not float" in out


def test_feedback_speaks_korean_after_set_language(capsys):
    def cross_entropy_error(y, t): ...

    set_language("ko")
    assert get_language() == "ko"
    ok, out = verdict(capsys, "01.cross_entropy", cross_entropy_error)
    assert not ok and "아직입니다" in out and "함수 본문" in out
    with pytest.raises(ValueError, match="must be one of"):
        set_language("jp")


def test_every_feedback_message_has_a_korean_text():
    for path in (ROOT / "dlfs" / "exercises").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say":
                has_ko = len(node.args) >= 2 or any(k.arg == "ko" for k in node.keywords)
                assert has_ko, f"{path.name}:{node.lineno}: say(...) without a Korean text"


# -- 01.cross_entropy --------------------------------------------------------------------------
def book_cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


def as_labels(y, t):
    """A batch y (N, C) and integer labels (N,), from the exercise's four forms of input."""
    y = y.reshape(-1, y.shape[-1])
    t = t.reshape(len(y), -1).argmax(axis=1) if t.size == y.size else t.reshape(-1)
    return y, t


def no_delta(y, t):
    y, t = as_labels(y, t)
    return -np.sum(np.log(y[np.arange(len(y)), t])) / len(y)


def summed(y, t):
    y, t = as_labels(y, t)
    return -np.sum(np.log(y[np.arange(len(y)), t] + 1e-7))


def one_hot_only(y, t):
    return -np.sum(t * np.log(y + 1e-7))


def no_minus(y, t):
    y, t = as_labels(y, t)
    return np.sum(np.log(y[np.arange(len(y)), t] + 1e-7)) / len(y)


def batch_size_of_a_single_sample_is_10(y, t):
    batch_size = y.shape[0]  # 10 for a single sample of shape (10,)
    y, t = as_labels(y, t)
    return -np.sum(np.log(y[np.arange(len(y)), t] + 1e-7)) / batch_size


def test_cross_entropy_accepts_the_books_function(capsys):
    ok, out = verdict(capsys, "01.cross_entropy", book_cross_entropy_error)
    assert ok and "right" in out


@pytest.mark.parametrize(
    "wrong, named",
    [
        (no_delta, "without the book's delta"),
        (summed, "summed over the batch"),
        (one_hot_only, "t holds labels"),
        (no_minus, "sign is flipped"),
        (batch_size_of_a_single_sample_is_10, "batch size is 1"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_cross_entropy_names_each_known_mistake(capsys, wrong, named):
    ok, out = verdict(capsys, "01.cross_entropy", wrong)
    assert not ok and named in out, out
