"""The exercises of notebook 05: each checker accepts right answers and names each known mistake.

The wrong answers are the chapter's traps and the learners' slips: ``np.dot(W, x)`` instead of
``np.dot(x, W)``, a forgotten softmax or 1e-7, a batch sum instead of the mean, a softmax that
shares one sum across the batch or overflows, a function that ignores W (the book's
``lambda W: net.loss(x, t)``), and the lambda whose "useless" argument was dropped.
"""

import time

import numpy as np
import pytest
from exercise_checks import english, verdict  # noqa: F401 (english: an autouse fixture)

from dlfs import SimpleNet, cross_entropy_error, set_language, softmax
from dlfs.exercises import EXERCISES, check
from dlfs.exercises.simple_net import BOOK_T, BOOK_W, BOOK_X, negative_entries

NET = SimpleNet(W=BOOK_W)  # the notebook's `net`


def test_the_three_exercises_are_registered():
    kinds = {ex_id: EXERCISES[ex_id].kind for ex_id in EXERCISES if ex_id.startswith("05.")}
    assert kinds == {"05.simple_net_loss": "write", "05.loss_lambda": "bug hunt", "05.negative_entries": "predict"}
    assert all(EXERCISES[ex_id].notebook == "05_simple_net.ipynb" for ex_id in kinds)


# -- 05.simple_net_loss -----------------------------------------------------------------------
def with_dlfs(W, x, t):
    return cross_entropy_error(softmax(np.dot(x, W)), t)


def from_scratch(W, x, t):
    z = np.dot(x, W)
    z = z - np.max(z, axis=-1, keepdims=True)
    y = np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True)
    y, t = y.reshape(-1, 3), t.reshape(-1, 3)
    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]


def through_simple_net(W, x, t):
    return SimpleNet(W=W).loss(x, t)


@pytest.mark.parametrize("answer", [with_dlfs, from_scratch, through_simple_net])
def test_simple_net_loss_accepts_right_answers(capsys, answer):
    ok, out = verdict(capsys, "05.simple_net_loss", answer)
    assert ok and "right" in out and "0.9280682858" in out


def dot_W_x(W, x, t):
    return cross_entropy_error(softmax(np.dot(W, x)), t)


def no_delta(W, x, t):
    y = softmax(np.dot(x, W)).reshape(-1, 3)
    return -np.sum(t.reshape(-1, 3) * np.log(y)) / y.shape[0]


def no_softmax(W, x, t):
    z = np.dot(x, W).reshape(-1, 3)
    return -np.sum(t.reshape(-1, 3) * np.log(z + 1e-7)) / z.shape[0]


def batch_sum(W, x, t):
    y = softmax(np.dot(x, W)).reshape(-1, 3)
    return -np.sum(t.reshape(-1, 3) * np.log(y + 1e-7))


def one_sum_softmax(W, x, t):
    z = np.dot(x, W)
    z = z - np.max(z)
    y = (np.exp(z) / np.sum(np.exp(z))).reshape(-1, 3)  # one sum for the whole batch
    return -np.sum(t.reshape(-1, 3) * np.log(y + 1e-7)) / y.shape[0]


def overflowing_softmax(W, x, t):
    z = np.dot(x, W)  # no max subtracted: exp(1000) is inf
    y = (np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True)).reshape(-1, 3)
    return -np.sum(t.reshape(-1, 3) * np.log(y + 1e-7)) / y.shape[0]


def ignores_W(W, x, t):
    return NET.loss(x, t)


def squares(W, x, t):
    y = softmax(np.dot(x, W)).reshape(-1, 3)
    return 0.5 * np.sum((y - t.reshape(-1, 3)) ** 2) / y.shape[0]


def changes_W(W, x, t):
    W -= 0.1  # writes into the caller's array
    return with_dlfs(W + 0.1, x, t)


def forgets_return(W, x, t):
    with_dlfs(W, x, t)


def stub(W, x, t): ...


@pytest.mark.parametrize(
    "answer, named",
    [
        (dot_W_x, ["ValueError", "not aligned", "np.dot(x, W)", "np.dot(W, x) multiplies in the wrong order"]),
        (no_delta, ["the book's W", "without the book's delta", "np.log(y + 1e-7)"]),
        (no_softmax, ["cross entropy of the scores themselves", "softmax"]),
        (batch_sum, ["a batch of 4", "4 times the answer", "divide by the batch size"]),
        (one_sum_softmax, ["a batch of 4", "one sum over the whole batch", "axis=1, keepdims=True"]),
        (overflowing_softmax, ["large inputs", "overflows", "Subtract the largest score"]),
        (ignores_W, ["another W", "the loss at the book's W", "ignores its argument W"]),
        (squares, ["sum of squares error"]),
        (changes_W, ["changed one of its arguments"]),
        (forgets_return, ["returned None", "return"]),
        (stub, ["in place of `...`"]),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_simple_net_loss_names_each_mistake(capsys, answer, named):
    ok, out = verdict(capsys, "05.simple_net_loss", answer)
    assert not ok and "not yet" in out
    for words in named:
        assert words in out, f"{answer.__name__}: {words!r} not in {out!r}"


# -- 05.loss_lambda ---------------------------------------------------------------------------
def test_loss_lambda_accepts_functions_that_use_their_argument(capsys):
    def builds_a_net(W):
        return SimpleNet(W=W).loss(BOOK_X, BOOK_T)

    net = SimpleNet(W=BOOK_W)

    def points_net_at_W(W):
        net.W = W  # the network now reads the very array it is handed
        return net.loss(BOOK_X, BOOK_T)

    for answer in (builds_a_net, points_net_at_W, lambda W: cross_entropy_error(softmax(BOOK_X @ W), BOOK_T)):
        ok, out = verdict(capsys, "05.loss_lambda", answer)
        assert ok and "for net.W and for a copy alike" in out


def test_loss_lambda_names_the_dropped_argument(capsys):
    ok, out = verdict(capsys, "05.loss_lambda", lambda: NET.loss(BOOK_X, BOOK_T))
    assert not ok
    assert "takes no argument" in out and "numerical_gradient calls f(x) with one" in out
    assert "takes 0 positional arguments but 1 was given" in out


def test_loss_lambda_names_the_books_lambda_that_ignores_W(capsys):
    ok, out = verdict(capsys, "05.loss_lambda", lambda W: NET.loss(BOOK_X, BOOK_T))
    assert not ok
    assert "f(another W)" in out and "returns the same loss for every W" in out
    assert "lambda W: net.loss(x, t)" in out and "zeros" in out


def test_loss_lambda_names_other_mistakes(capsys):
    def wrong_input(W):
        return SimpleNet(W=W).loss(np.array([0.9, 0.6]), BOOK_T)

    def changes_W(W):
        W += 1.0
        return SimpleNet(W=W - 1.0).loss(BOOK_X, BOOK_T)

    def forgets_return(W):
        SimpleNet(W=W).loss(BOOK_X, BOOK_T)

    def stub(W): ...

    for answer, words in [
        (wrong_input, "for the book's x = (0.6, 0.9) and t = (0, 0, 1)"),
        (changes_W, "changed the array it was given"),
        (stub, "in place of `...`"),
        (forgets_return, "returned None"),
    ]:
        ok, out = verdict(capsys, "05.loss_lambda", answer)
        assert not ok and words in out, out


# -- 05.negative_entries ----------------------------------------------------------------------
def test_negative_entries_is_what_the_numerical_gradient_shows():
    assert negative_entries() == 3


def test_negative_entries(capsys):
    ok, out = verdict(capsys, "05.negative_entries", 3)
    assert ok and "(-, -, +)" in out
    for answer, words in [
        (2, "the count for the book's x = (0.6, 0.9)"),
        (4, "dW = x^T (y - t)"),
        (2.5, "a whole number from 0 to 6"),
        (7, "a whole number from 0 to 6"),
        (..., "Replace `...`"),
        ("3", "The answer is a number"),
    ]:
        ok, out = verdict(capsys, "05.negative_entries", answer)
        assert not ok and words in out, out


# -- all three --------------------------------------------------------------------------------
def test_korean_feedback(capsys):
    set_language("ko")
    ok, out = verdict(capsys, "05.loss_lambda", lambda W: NET.loss(BOOK_X, BOOK_T))
    assert not ok and "인수를 무시하고" in out
    ok, out = verdict(capsys, "05.simple_net_loss", dot_W_x)
    assert not ok and "곱하는 순서가 반대" in out


@pytest.mark.parametrize(
    "exercise_id, answer",
    [("05.simple_net_loss", with_dlfs), ("05.loss_lambda", lambda W: SimpleNet(W=W).loss(BOOK_X, BOOK_T))],
)
def test_each_check_is_fast(capsys, exercise_id, answer):
    start = time.perf_counter()
    assert check(exercise_id, answer)
    assert time.perf_counter() - start < 0.5


def test_loss_lambda_with_two_arguments_is_not_called_argumentless(capsys):
    from dlfs.exercises import check

    ok = check("05.loss_lambda", lambda W, y: 0.0)
    out = capsys.readouterr().out
    assert not ok and "cannot be called with one argument" in out and "takes no argument" not in out
