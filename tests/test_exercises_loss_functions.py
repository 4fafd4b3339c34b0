"""The exercises of notebooks/01_loss_functions.ipynb: each checker accepts right answers and names known mistakes.

01.cross_entropy is tested in tests/test_exercises.py (it shows the pattern); here are 01.mini_batch (a bug
hunt built from the learners' `t_batch = x_train[batch_mask]`) and 01.untrained_loss (predict, then check).
"""

import math
import time

import numpy as np
import pytest
from exercise_checks import english, verdict  # noqa: F401 (english: an autouse fixture)

from dlfs import set_language
from dlfs.exercises import EXERCISES, check
from dlfs.exercises.loss_functions import UNTRAINED_LOSS, UNTRAINED_LOSS_TOLERANCE


def test_the_notebook_has_three_checked_exercises_a_bug_hunt_among_them():
    ours = {ex_id: ex for ex_id, ex in EXERCISES.items() if ex.notebook == "01_loss_functions.ipynb"}
    assert set(ours) == {"01.cross_entropy", "01.mini_batch", "01.untrained_loss"}
    assert {ex.kind for ex in ours.values()} == {"write", "bug hunt", "predict"}


# -- 01.mini_batch -----------------------------------------------------------------------------
def the_notebooks_buggy_code(x_train, t_train, batch_size, rng):
    """The starting point of the bug hunt in the notebook: the study notes' bug, and a second mask."""
    train_size = x_train.shape[0]
    batch_mask = rng.choice(train_size, batch_size)
    x_batch = x_train[batch_mask]
    t_batch = x_train[rng.choice(train_size, batch_size)]
    return x_batch, t_batch


def the_study_notes_code(x_train, t_train, batch_size, rng):
    """The learners' line exactly: the targets taken from x_train with the right mask."""
    train_size = x_train.shape[0]
    batch_mask = rng.choice(train_size, batch_size)
    x_batch = x_train[batch_mask]
    t_batch = x_train[batch_mask]
    return x_batch, t_batch


def the_first_bug_fixed(x_train, t_train, batch_size, rng):
    """The notebook's code with x_train -> t_train fixed: the second mask remains, and nothing shows it but pairs."""
    train_size = x_train.shape[0]
    batch_mask = rng.choice(train_size, batch_size)
    x_batch = x_train[batch_mask]
    t_batch = t_train[rng.choice(train_size, batch_size)]
    return x_batch, t_batch


def fixed(x_train, t_train, batch_size, rng):
    train_size = x_train.shape[0]
    batch_mask = rng.choice(train_size, batch_size)
    return x_train[batch_mask], t_train[batch_mask]


def without_replacement(x_train, t_train, batch_size, rng):
    batch_mask = rng.choice(len(x_train), batch_size, replace=False)
    return x_train[batch_mask], t_train[batch_mask]


def the_books_global_generator(x_train, t_train, batch_size, rng):
    batch_mask = np.random.choice(x_train.shape[0], batch_size)  # the book's np.random.choice: random, unseeded
    return x_train[batch_mask], t_train[batch_mask]


def two_masks(x_train, t_train, batch_size, rng):
    train_size = x_train.shape[0]
    x_batch = x_train[rng.choice(train_size, batch_size)]
    t_batch = t_train[rng.choice(train_size, batch_size)]
    return x_batch, t_batch


def first_rows(x_train, t_train, batch_size, rng):
    return x_train[:batch_size], t_train[:batch_size]


def draws_from_batch_size(x_train, t_train, batch_size, rng):
    batch_mask = rng.choice(batch_size, batch_size)
    return x_train[batch_mask], t_train[batch_mask]


def seeded_inside(x_train, t_train, batch_size, rng):
    batch_mask = np.random.default_rng(0).choice(x_train.shape[0], batch_size)
    return x_train[batch_mask], t_train[batch_mask]


def swapped(x_train, t_train, batch_size, rng):
    batch_mask = rng.choice(x_train.shape[0], batch_size)
    return t_train[batch_mask], x_train[batch_mask]


def shuffles_the_training_data(x_train, t_train, batch_size, rng):
    rng.shuffle(x_train)
    return x_train[:batch_size], t_train[:batch_size]


def forgets_return(x_train, t_train, batch_size, rng):
    batch_mask = rng.choice(x_train.shape[0], batch_size)
    x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]  # noqa: F841 - the learner forgot `return`


def ten_instead_of_batch_size(x_train, t_train, batch_size, rng):
    batch_mask = rng.choice(x_train.shape[0], 10)  # the book's 10, typed in
    return x_train[batch_mask], t_train[batch_mask]


def normalizes_again(x_train, t_train, batch_size, rng):
    batch_mask = rng.choice(x_train.shape[0], batch_size)
    return x_train[batch_mask] / 255.0, t_train[batch_mask]


def ragged(x_train, t_train, batch_size, rng):
    return [[1.0], [2.0, 3.0]], t_train[:batch_size]


@pytest.mark.parametrize("right", [fixed, without_replacement, the_books_global_generator], ids=lambda f: f.__name__)
def test_mini_batch_accepts_a_right_answer(capsys, right):
    ok, out = verdict(capsys, "01.mini_batch", right)
    assert ok and "right" in out, out


@pytest.mark.parametrize(
    "wrong, named",
    [
        (the_notebooks_buggy_code, "it was taken from x_train"),
        (the_study_notes_code, "Take the targets from t_train, with the same mask as the images"),
        (the_first_bug_fixed, "Did you draw two masks?"),
        (two_masks, "Did you draw two masks?"),
        (first_rows, "a slice is not a random sample"),
        (draws_from_batch_size, "rng.choice(batch_size, ...) draws from range(batch_size)"),
        (seeded_inside, "drew the same rows"),
        (swapped, "they are swapped"),
        (shuffles_the_training_data, "your function changed x_train or t_train"),
        (forgets_return, "return the two arrays"),
        (ten_instead_of_batch_size, "x_batch has shape (10, 784), expected (25, 784)"),
        (normalizes_again, "is not a row of x_train"),
        (ragged, "must be arrays"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_mini_batch_names_each_known_mistake(capsys, wrong, named):
    ok, out = verdict(capsys, "01.mini_batch", wrong)
    assert not ok and "not yet" in out and named in out, out


def test_mini_batch_shows_which_image_got_the_wrong_target(capsys):
    ok, out = verdict(capsys, "01.mini_batch", two_masks)
    assert not ok and "is training example" in out and "whose target is" in out and "but t_batch[" in out


def test_mini_batch_stub_and_a_raising_answer_are_feedback(capsys):
    def get_mini_batch(x_train, t_train, batch_size, rng): ...

    ok, out = verdict(capsys, "01.mini_batch", get_mini_batch)
    assert not ok and "in place of `...`" in out

    def typo(x_train, t_train, batch_size, rng):
        batch_mask = rng.choice(x_train.shape[0], batch_size)
        return x_train[batch_mask], t_trian[batch_mask]  # noqa: F821 - the learner's typo

    ok, out = verdict(capsys, "01.mini_batch", typo)
    assert not ok and "NameError" in out and "t_trian[batch_mask]" in out


def test_mini_batch_feedback_speaks_korean(capsys):
    set_language("ko")
    ok, out = verdict(capsys, "01.mini_batch", the_notebooks_buggy_code)
    assert not ok and "아직입니다" in out and "t_batch = t_train[batch_mask]" in out and "정답 레이블" in out


# -- 01.untrained_loss -------------------------------------------------------------------------
def test_the_untrained_loss_is_ln_10_up_to_the_delta():
    assert UNTRAINED_LOSS == pytest.approx(math.log(10), abs=1e-6)
    assert UNTRAINED_LOSS != math.log(10)  # the 1e-7 is in: it moves the 7th digit


@pytest.mark.parametrize("right", [2.3026, 2.30, 2.3, math.log(10), UNTRAINED_LOSS, np.float32(2.3026)])
def test_untrained_loss_accepts_ln_10_to_the_stated_tolerance(capsys, right):
    ok, out = verdict(capsys, "01.untrained_loss", right)
    assert ok and "ln 10" in out and f"within {UNTRAINED_LOSS_TOLERANCE}" in out, out


@pytest.mark.parametrize(
    "wrong, named",
    [
        (0.1, "the probability itself"),
        (-2.3026, "sign is flipped"),
        (1.0, "natural log"),
        (230.26, "sum over the 100 images"),
        (23.026, "for all ten classes"),
        (0.45, "sum of squares error"),
        (16.12, "-log(1e-7)"),
        (2.31, "Too high"),
        (0.69, "Too low"),
        (float("nan"), "finite number"),
        (..., "Replace `...`"),
        ("2.3026", "The answer is a number"),
    ],
)
def test_untrained_loss_names_each_known_mistake(capsys, wrong, named):
    ok, out = verdict(capsys, "01.untrained_loss", wrong)
    assert not ok and "not yet" in out and named in out, out


def test_every_check_of_this_notebook_is_fast(capsys):
    def cross_entropy(y, t):
        y2 = y.reshape(-1, y.shape[-1])
        labels = t.reshape(-1) if t.size == len(y2) else t.reshape(len(y2), -1).argmax(axis=1)
        return -np.sum(np.log(y2[np.arange(len(y2)), labels] + 1e-7)) / len(y2)

    for exercise_id, answer in [
        ("01.cross_entropy", cross_entropy),
        ("01.mini_batch", fixed),
        ("01.untrained_loss", 2.3026),
    ]:
        start = time.perf_counter()
        assert check(exercise_id, answer)
        assert time.perf_counter() - start < 0.5, exercise_id
