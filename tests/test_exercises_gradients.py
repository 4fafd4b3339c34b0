"""Exercises of notebooks/03_gradients.ipynb: each checker accepts right answers and names each known-wrong
one (the chapter's traps, and the learners' own: the 1-D loop of the study notes, an integer array)."""

import time

import numpy as np
import pytest
from exercise_checks import english, verdict  # noqa: F401 (english: an autouse fixture)

from dlfs import numerical_gradient, set_language
from dlfs.examples import function_2
from dlfs.exercises import EXERCISES, check
from dlfs.exercises.gradients import BOOK_W, simple_net_loss, unguarded_numerical_gradient


# -- answers to 03.numerical_gradient -------------------------------------------------------------
def nditer_version(f, x):
    """The book's algorithm with np.nditer, multi_index and op_flags=['readwrite']."""
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad


def ndenumerate_version(f, x):
    """Study note 002's version: np.ndenumerate gives each index and value."""
    h = 1e-4
    grad = np.zeros_like(x)
    for idx, x_i in np.ndenumerate(x):
        x[idx] = x_i + h
        f_forward = f(x)
        x[idx] = x_i - h
        f_backward = f(x)
        grad[idx] = (f_forward - f_backward) / (2 * h)
        x[idx] = x_i
    return grad


def flat_view_version(f, x):
    """x.reshape(-1) of a contiguous array is a view: nudging it nudges x."""
    h = 1e-4
    flat = x.reshape(-1)
    grad = np.zeros(x.size)
    for i in range(x.size):
        tmp_val = flat[i]
        flat[i] = tmp_val + h
        fxh1 = f(x)
        flat[i] = tmp_val - h
        fxh2 = f(x)
        grad[i] = (fxh1 - fxh2) / (2 * h)
        flat[i] = tmp_val
    return grad.reshape(x.shape)


def one_d_loop(f, x):
    """The study notes' (and the book's 4.4) 1-D loop, used on a 2-D array."""
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad


def row_loop(f, x):
    """range(len(x)): on a 2-D array x[idx] is a whole row (a view), so nothing raises."""
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(len(x)):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad


def no_restore(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
    return grad


def add_and_subtract(f, x):
    """Restores by arithmetic: +h, -2h, +h is not always exactly the starting float."""
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        fxh1 = f(x)
        x[idx] -= 2 * h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] += h
    return grad


def forward(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = tmp_val
    return grad


def backward(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val - h
        grad[idx] = (fx - f(x)) / h
        x[idx] = tmp_val
    return grad


def missing_two(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / h
        x[idx] = tmp_val
    return grad


def precedence(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / 2 * h
        x[idx] = tmp_val
    return grad


def nudges_a_copy(f, x):
    """A guard against integers that copies: x.astype(float) is a new array, even for floats."""
    x = x.astype(float)
    return nditer_version(f, x)


def fresh_arrays(f, x):
    """f(x + e): right for an f that reads its argument, all zeros for the book's lambda."""
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        grad[idx] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def flattened(f, x):
    return nditer_version(f, x).reshape(-1)


def clears_x(f, x):
    """Right numbers, but the caller's array is wiped afterwards."""
    grad = nditer_version(f, x)
    x[...] = 0.0
    return grad


def missing_return(f, x):
    nditer_version(f, x)


RIGHT = [nditer_version, ndenumerate_version, flat_view_version, numerical_gradient]

WRONG = [
    (one_d_loop, "1-D loop `for idx in range(x.size)`"),
    (row_loop, "a whole row was nudged at once"),
    (no_restore, "every entry of x is h = 1e-4 lower"),
    (add_and_subtract, "is back only to within"),
    (forward, "forward difference"),
    (backward, "backward difference"),
    (missing_two, "2 is missing from the denominator"),
    (precedence, "`(... / 2) * h`"),
    (nudges_a_copy, "the book's lambda w: net.loss(x, t), which ignores its argument"),
    (fresh_arrays, "the book's lambda w: net.loss(x, t), which ignores its argument"),
    (flattened, "the gradient has shape (6,), x has shape (2, 3)"),
    (missing_return, "forget `return`"),
    (clears_x, "your function changed x: [3., 4.] became [0., 0.]"),
]


@pytest.mark.parametrize("right", RIGHT, ids=lambda f: f.__name__)
def test_numerical_gradient_accepts_right_answers(capsys, right):
    ok, out = verdict(capsys, "03.numerical_gradient", right)
    assert ok and "right" in out, out


@pytest.mark.parametrize("wrong, named", WRONG, ids=lambda v: getattr(v, "__name__", ""))
def test_numerical_gradient_names_each_known_mistake(capsys, wrong, named):
    ok, out = verdict(capsys, "03.numerical_gradient", wrong)
    assert not ok and "not yet" in out and named in out, out


def test_the_one_d_loop_passes_the_one_d_cases_and_fails_on_the_weight_matrix(capsys):
    # the study notes' loop is right for the book's 1-D examples: the feedback must blame the 2-D case
    ok, out = verdict(capsys, "03.numerical_gradient", one_d_loop)
    assert "2×3 W" in out and "IndexError: index 2 is out of bounds" in out and "it.multi_index" in out


def test_the_stub_says_what_to_do(capsys):
    def my_numerical_gradient(f, x): ...

    ok, out = verdict(capsys, "03.numerical_gradient", my_numerical_gradient)
    assert not ok and "in place of `...`" in out


def test_the_books_numbers_are_the_first_case(capsys):
    ok, out = verdict(capsys, "03.numerical_gradient", forward)
    assert "function_2 at (3, 4)" in out and "expected [6., 8.]" in out


def test_the_weight_matrix_case_is_the_books_simple_net():
    # dW of the book's printed W: it matches the book's printed dW to the 6 decimals we show
    dW = numerical_gradient(simple_net_loss, BOOK_W.copy())
    book_dW = np.array([[0.21924763, 0.14356247, -0.36281009], [0.32887144, 0.2153437, -0.54421514]])
    assert np.array_equal(np.round(dW, 6), np.round(book_dW, 6))


# -- 03.integer_array ---------------------------------------------------------------------------------
def untouched(numerical_gradient):
    """The bug hunt's starting code, as the notebook commits it."""
    points = [np.array([3, 4]), np.array([0, 2]), np.array([3, 0])]
    return [numerical_gradient(function_2, p) for p in points]


def float_points(numerical_gradient):
    points = [np.array([3.0, 4.0]), np.array([0.0, 2.0]), np.array([3.0, 0.0])]
    return [numerical_gradient(function_2, p) for p in points]


def dtype_float(numerical_gradient):
    points = np.array([[3, 4], [0, 2], [3, 0]], dtype=float)
    return [numerical_gradient(function_2, p) for p in points]


def astype_before(numerical_gradient):
    points = [np.array([3, 4]), np.array([0, 2]), np.array([3, 0])]
    return [numerical_gradient(function_2, p.astype(float)) for p in points]


def astype_after(numerical_gradient):
    points = [np.array([3, 4]), np.array([0, 2]), np.array([3, 0])]
    return [numerical_gradient(function_2, p).astype(float) for p in points]


def float16(numerical_gradient):
    points = [np.array(p, dtype=np.float16) for p in ([3, 4], [0, 2], [3, 0])]
    return [numerical_gradient(function_2, p) for p in points]


def only_two(numerical_gradient):
    points = [np.array([3.0, 4.0]), np.array([0.0, 2.0])]
    return [numerical_gradient(function_2, p) for p in points]


def test_the_books_function_gives_garbage_for_integers_and_the_books_numbers_for_floats():
    garbage = [unguarded_numerical_gradient(function_2, np.array(p)) for p in ([3, 4], [0, 2], [3, 0])]
    assert [g.tolist() for g in garbage] == [[25000, 35000], [0, 15000], [25000, 0]]
    assert all(g.dtype.kind == "i" for g in garbage)
    for p in ([3.0, 4.0], [0.0, 2.0], [3.0, 0.0]):
        assert np.array_equal(
            unguarded_numerical_gradient(function_2, np.array(p)), numerical_gradient(function_2, np.array(p))
        )


@pytest.mark.parametrize("right", [float_points, dtype_float, astype_before], ids=lambda f: f.__name__)
def test_integer_array_accepts_each_fix(capsys, right):
    ok, out = verdict(capsys, "03.integer_array", right)
    assert ok and "[6. 8.], [0. 4.] and [6. 0.]" in out, out


def test_integer_array_gives_a_nudge_not_the_answer_for_the_untouched_code(capsys):
    ok, out = verdict(capsys, "03.integer_array", untouched)
    assert not ok and "got [25000 35000]" in out and "print(p.dtype)" in out
    assert "float" not in out and "3.0" not in out  # the committed notebook shows this before the hunt


@pytest.mark.parametrize(
    "wrong, named",
    [
        (astype_after, "converting the result is too late"),
        (float16, "float16 keeps only about 3 significant digits"),
        (only_two, "expected an array of shape (3, 2)"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_integer_array_names_each_wrong_fix(capsys, wrong, named):
    ok, out = verdict(capsys, "03.integer_array", wrong)
    assert not ok and named in out, out


# -- 03.call_count ----------------------------------------------------------------------------------
def test_call_count_is_what_numerical_gradient_really_does():
    calls = []

    def counting(W):
        calls.append(1)
        return float(np.sum(W**2))

    numerical_gradient(counting, np.zeros((2, 3)))
    assert len(calls) == 12


@pytest.mark.parametrize("answer", [12, 12.0, np.int64(12)])
def test_call_count_accepts_twelve(capsys, answer):
    ok, out = verdict(capsys, "03.call_count", answer)
    assert ok and "2 × 3 = 6 entries: 12" in out


@pytest.mark.parametrize(
    "answer, named",
    [
        (6, "one call per entry"),
        (7, "forward difference"),
        (13, "never calls f at x itself"),
        (4, "two calls per row"),
        (5, "adds the sides of the array"),
        (36, "the calls add up"),
        (100, "Count the entries of a 2×3 array"),
        (..., "Replace `...` with your prediction"),
        ("12", "The answer is a number"),
    ],
)
def test_call_count_names_each_wrong_prediction(capsys, answer, named):
    ok, out = verdict(capsys, "03.call_count", answer)
    assert not ok and named in out, out


# -- all three ------------------------------------------------------------------------------------------
def test_the_notebook_has_three_exercises_a_bug_hunt_among_them():
    mine = {k: v for k, v in EXERCISES.items() if v.notebook == "03_gradients.ipynb"}
    assert set(mine) == {"03.numerical_gradient", "03.integer_array", "03.call_count"}
    assert {v.kind for v in mine.values()} == {"write", "bug hunt", "predict"}


@pytest.mark.parametrize(
    "exercise_id, answer",
    [
        ("03.numerical_gradient", nditer_version),
        ("03.numerical_gradient", row_loop),
        ("03.integer_array", untouched),
        ("03.integer_array", float_points),
    ],
)
def test_each_check_runs_well_under_a_second(capsys, exercise_id, answer):
    start = time.perf_counter()
    check(exercise_id, answer)
    assert time.perf_counter() - start < 0.5


def test_feedback_speaks_korean(capsys):
    set_language("ko")
    ok, out = verdict(capsys, "03.numerical_gradient", no_restore)
    assert not ok and "복원하세요" in out
    ok, out = verdict(capsys, "03.integer_array", astype_after)
    assert not ok and "이미 늦습니다" in out
