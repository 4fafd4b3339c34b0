"""The exercises of notebook 04: each checker accepts a right answer and names each known mistake.

The wrong answers are the chapter's traps and the learners' slips from the study notes: the book's
``x = init_x`` that changes the caller's array, a flipped sign (gradient ascent), one step too many
or too few, a forgotten ``return``, a forward difference, ``x_history.append(x)`` without a copy.
"""

import time

import numpy as np
import pytest
from exercise_checks import english, verdict  # noqa: F401 (english: an autouse fixture)

from dlfs import numerical_gradient, set_language
from dlfs.exercises import EXERCISES, check


# -- 04.gradient_descent ----------------------------------------------------------------------
def copying_gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x


def rebinding_gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x  # no copy, but x = x - ... makes a new array, so init_x is safe: also right
    for _ in range(step_num):
        x = x - lr * numerical_gradient(f, x)
    return x


def books_gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x  # the book's line: x IS init_x
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x


def ascent(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    for _ in range(step_num):
        x += lr * numerical_gradient(f, x)
    return x


def one_step_too_many(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    for _ in range(step_num + 1):
        x -= lr * numerical_gradient(f, x)
    return x


def one_step_too_few(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    for _ in range(1, step_num):
        x -= lr * numerical_gradient(f, x)
    return x


def no_return(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)


def never_moves(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    for _ in range(step_num):
        grad = numerical_gradient(f, x)  # noqa: F841 - computed, never used: the learner's slip
    return x


def forward_difference(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    h = 1e-4
    for _ in range(step_num):
        grad = np.array([(f(x + h * e) - f(x)) / h for e in np.eye(x.size)])
        x -= lr * grad
    return x


def with_history(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    history = []
    for _ in range(step_num):
        history.append(x.copy())
        x -= lr * numerical_gradient(f, x)
    return x, np.array(history)


def two_coordinates_only(f, init_x, lr=0.01, step_num=100):
    x = np.array([init_x[0], init_x[1]], dtype=float)
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x


@pytest.mark.parametrize("right", [copying_gradient_descent, rebinding_gradient_descent], ids=lambda f: f.__name__)
def test_gradient_descent_accepts_right_answers(capsys, right):
    ok, out = verdict(capsys, "04.gradient_descent", right)
    assert ok and "right" in out and "[-6.1e-10, 8.1e-10]" in out, out


@pytest.mark.parametrize(
    "wrong, named",
    [
        (books_gradient_descent, "changed the caller's init_x"),
        (ascent, "gradient ascent"),
        (one_step_too_many, "one step too many"),
        (one_step_too_few, "one step too few"),
        (no_return, "forget `return`"),
        (never_moves, "x never moved"),
        (forward_difference, "forward difference"),
        (with_history, "return only the final x"),
        (two_coordinates_only, "x0² + 2x1² + 3x2² from (1, -2, 0.5)"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_gradient_descent_names_each_known_mistake(capsys, wrong, named):
    ok, out = verdict(capsys, "04.gradient_descent", wrong)
    assert not ok and "not yet" in out and named in out, out


def test_the_books_version_is_told_what_init_x_became_and_the_fix(capsys):
    ok, out = verdict(capsys, "04.gradient_descent", books_gradient_descent)
    assert not ok
    assert "the book's example" in out  # the first case already shows it
    assert "x = init_x" in out and "init_x.copy()" in out
    assert "[-6.111108e-10,  8.148144e-10]" in out  # what the caller's init_x now holds: the result


def test_gradient_descent_stub_says_what_to_do(capsys):
    def my_gradient_descent(f, init_x, lr=0.01, step_num=100): ...

    ok, out = verdict(capsys, "04.gradient_descent", my_gradient_descent)
    assert not ok and "in place of `...`" in out


# -- 04.descent_history (bug hunt) ------------------------------------------------------------
def books_descent_with_history(f, init_x, lr=0.01, step_num=100):
    x = init_x
    x_history = []
    for _ in range(step_num):
        x_history.append(x.copy())
        grad = numerical_gradient(f, x)
        x -= lr * grad
    return x, np.array(x_history)


def fixed_descent_with_history(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    x_history = []
    for _ in range(step_num):
        x_history.append(x.copy())
        grad = numerical_gradient(f, x)
        x -= lr * grad
    return x, np.array(x_history)


def history_without_copies(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    x_history = []
    for _ in range(step_num):
        x_history.append(x)  # the same array every time
        x -= lr * numerical_gradient(f, x)
    return x, np.array(x_history)


def history_with_the_final_point(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    x_history = [x.copy()]
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
        x_history.append(x.copy())
    return x, np.array(x_history)


def history_dropped(f, init_x, lr=0.01, step_num=100):
    x = init_x.copy()
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x


def test_descent_history_accepts_the_fix(capsys):
    ok, out = verdict(capsys, "04.descent_history", fixed_descent_with_history)
    assert ok and "same path" in out, out


def test_descent_history_rejects_the_books_code_by_its_second_call(capsys):
    ok, out = verdict(capsys, "04.descent_history", books_descent_with_history)
    assert not ok
    assert "second call with the same init_x started at [-0.034588,  0.046117]" in out, out
    assert "where the first ended" in out and "init_x.copy()" in out


@pytest.mark.parametrize(
    "wrong, named",
    [
        (history_without_copies, "append(x.copy())"),
        (history_with_the_final_point, "x_history has 21 rows; the book's has 20"),
        (history_dropped, "expected the pair (x, x_history)"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_descent_history_names_each_known_mistake(capsys, wrong, named):
    ok, out = verdict(capsys, "04.descent_history", wrong)
    assert not ok and named in out, out


def test_descent_history_catches_a_change_of_init_x_that_leaves_both_paths_right(capsys):
    def writes_back(f, init_x, lr=0.01, step_num=100):
        x, history = fixed_descent_with_history(f, init_x.copy(), lr, step_num)
        start = init_x.copy()
        init_x[:] = x  # changes the caller's array, then ...
        result = (x, history)
        init_x[:] = start + 1.0  # ... leaves it wrong, though every path starts right
        return result

    def restores_start(f, init_x, lr=0.01, step_num=100):
        x, history = fixed_descent_with_history(f, init_x, lr, step_num)
        init_x += 0.0  # harmless: nothing changes
        return x, history

    ok, out = verdict(capsys, "04.descent_history", restores_start)
    assert ok, out
    ok, out = verdict(capsys, "04.descent_history", writes_back)
    assert not ok and "started at" in out, out


# -- 04.largest_lr (predict) ------------------------------------------------------------------
@pytest.mark.parametrize("answer", [1.0, 1, 0.999, 0.99])
def test_largest_lr_accepts_the_limit_2_over_L(capsys, answer):
    ok, out = verdict(capsys, "04.largest_lr", answer)
    assert ok and "2/L = 2/2 = 1" in out and "-1" in out and "diverges" in out, out


@pytest.mark.parametrize(
    "answer, named",
    [
        (20, "limit of x0 alone"),
        (40, "coefficient 0.05"),
        (10, "x0 would land on 0 in one step"),
        (2, "second derivative of x1², which is 2"),
        (0.5, "zig-zags"),
        (0.95, "*fastest*"),
        (0.1, "a larger learning rate converges too"),
        (1.5, "1 − 2·lr = -2"),
        (1.01, "It diverges"),
        (0, "positive"),
        (-1, "positive"),
        (1e300, "It diverges"),
    ],
)
def test_largest_lr_explains_each_wrong_answer(capsys, answer, named):
    ok, out = verdict(capsys, "04.largest_lr", answer)
    assert not ok and named in out, out


@pytest.mark.parametrize("answer, named", [(..., "Replace `...`"), ("1.0", "The answer is a number")])
def test_largest_lr_wants_a_number(capsys, answer, named):
    ok, out = verdict(capsys, "04.largest_lr", answer)
    assert not ok and named in out, out


# -- all three ---------------------------------------------------------------------------------
def test_the_notebooks_exercises_are_registered():
    ours = {k: v for k, v in EXERCISES.items() if v.notebook == "04_gradient_descent.ipynb"}
    assert {k: v.kind for k, v in ours.items()} == {
        "04.gradient_descent": "write",
        "04.descent_history": "bug hunt",
        "04.largest_lr": "predict",
    }


@pytest.mark.parametrize(
    "exercise_id, answer",
    [
        ("04.gradient_descent", copying_gradient_descent),
        ("04.gradient_descent", forward_difference),
        ("04.descent_history", books_descent_with_history),
        ("04.largest_lr", 0.3),
    ],
)
def test_each_check_runs_well_under_a_second(capsys, exercise_id, answer):
    start = time.perf_counter()
    check(exercise_id, answer)
    assert time.perf_counter() - start < 0.5


def test_feedback_speaks_korean(capsys):
    set_language("ko")
    ok, out = verdict(capsys, "04.gradient_descent", books_gradient_descent)
    assert not ok and "아직입니다" in out and "init_x.copy()" in out and "같은 배열" in out
    ok, out = verdict(capsys, "04.largest_lr", 1.0)
    assert ok and "정답입니다" in out and "곡률" in out
