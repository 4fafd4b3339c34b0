"""Exercises of notebooks/02_numerical_differentiation.ipynb: each checker accepts a right answer and
names each known-wrong one (the chapter's traps and the slips of learners' retyped code)."""

import time

import numpy as np
import pytest
from exercise_checks import english, verdict  # noqa: F401 (english: an autouse fixture)

from dlfs import set_language
from dlfs.examples import function_1
from dlfs.exercises import EXERCISES, check


# -- answers to 02.numerical_diff and 02.fix_numerical_diff -----------------------------------------
def book_numerical_diff(f, x):
    h = 1e-4  # 0.0001
    return (f(x + h) - f(x - h)) / (2 * h)


def reordered(f, x):
    """The same formula in another order: rounding differs in the last digits, and must be forgiven."""
    h = 0.0001
    return f(x + h) / (2 * h) - f(x - h) / (2 * h)


def forward(f, x):
    h = 1e-4
    return (f(x + h) - f(x)) / h


def book_bad_first_try(f, x):
    """The book's own first, "bad" version (4.3.1), as seed 001 retypes it: forward, and h far too small."""
    h = 10e-50
    return (f(x + h) - f(x)) / h


def central_too_small(f, x):
    h = 1e-50
    return (f(x + h) - f(x - h)) / (2 * h)


def missing_two(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / h


def missing_return(f, x):
    h = 1e-4
    (f(x + h) - f(x - h)) / (2 * h)


def backward(f, x):
    h = 1e-4
    return (f(x) - f(x - h)) / h


def precedence(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / 2 * h


def ten_e_minus_four(f, x):
    h = 10e-4  # 0.0001 -- says the comment; it is 0.001
    return (f(x + h) - f(x - h)) / (2 * h)


def both_slips(f, x):
    """The bug hunt's starting code."""
    h = 10e-4  # 0.0001
    return (f(x + h) - f(x - h)) / 2 * h


def smaller_h(f, x):
    h = 1e-5
    return (f(x + h) - f(x - h)) / (2 * h)


def always_function_1(f, x):
    h = 1e-4
    return (function_1(x + h) - function_1(x - h)) / (2 * h)


def returns_an_array(f, x):
    h = 1e-4
    return np.array([f(x + h), f(x - h)]) / (2 * h)


WRONG_DIFFS = [
    (forward, "forward difference"),
    (book_bad_first_try, "x + h rounds back to x"),
    (central_too_small, "x + h rounds back to x"),
    (missing_two, "2 is missing from the denominator"),
    (missing_return, "forget `return`"),
    (backward, "backward difference"),
    (precedence, "`(... / 2) * h`"),
    (ten_e_minus_four, "`10e-4` means 10 × 10⁻⁴ = 0.001"),
    (smaller_h, "a smaller h adds rounding error"),
    (always_function_1, "call the f that is passed in"),
    (returns_an_array, "expected one number"),
]


@pytest.mark.parametrize("right", [book_numerical_diff, reordered], ids=lambda f: f.__name__)
@pytest.mark.parametrize("exercise_id", ["02.numerical_diff", "02.fix_numerical_diff"])
def test_central_difference_exercises_accept_the_books_function(capsys, exercise_id, right):
    ok, out = verdict(capsys, exercise_id, right)
    assert ok and "right" in out, out


@pytest.mark.parametrize("wrong, named", WRONG_DIFFS, ids=lambda v: getattr(v, "__name__", ""))
def test_numerical_diff_names_each_known_mistake(capsys, wrong, named):
    ok, out = verdict(capsys, "02.numerical_diff", wrong)
    assert not ok and "not yet" in out and named in out, out


def test_numerical_diff_stub_says_what_to_do(capsys):
    def my_numerical_diff(f, x): ...

    ok, out = verdict(capsys, "02.numerical_diff", my_numerical_diff)
    assert not ok and "in place of `...`" in out


def test_the_book_numbers_are_the_first_cases(capsys):
    ok, out = verdict(capsys, "02.numerical_diff", forward)
    assert "expected 0.1999999999990898" in out  # the book's number at x = 5 (4.3.2)


def test_bug_hunt_gives_a_nudge_not_the_answer_for_the_untouched_code(capsys):
    ok, out = verdict(capsys, "02.fix_numerical_diff", both_slips)
    assert not ok and "two slips" in out and "how h is written" in out
    assert "10e-4" not in out and "(2*h)" not in out  # the committed notebook shows this before the hunt


@pytest.mark.parametrize(
    "half_fixed, named",
    [(precedence, "`(... / 2) * h`"), (ten_e_minus_four, "`10e-4` means 10 × 10⁻⁴ = 0.001")],
    ids=["h fixed, parentheses not", "parentheses fixed, h not"],
)
def test_bug_hunt_names_the_slip_that_is_left(capsys, half_fixed, named):
    ok, out = verdict(capsys, "02.fix_numerical_diff", half_fixed)
    assert not ok and named in out, out


def test_both_slips_are_named_by_the_write_exercise(capsys):
    ok, out = verdict(capsys, "02.numerical_diff", both_slips)
    assert not ok and "Two slips at once" in out and "`/ (2*h)`" in out


def test_an_exception_in_the_learners_function_is_feedback(capsys):
    def typo(f, x):
        h = 1e-4
        return (f(x + h) - f(x - h)) / (2 * hh)  # noqa: F821 - the learner's typo

    ok, out = verdict(capsys, "02.numerical_diff", typo)
    assert not ok and "NameError" in out and "(2 * hh)" in out


# -- 02.forward_slope ----------------------------------------------------------------------------------
def test_forward_slope_accepts_the_slope_at_the_middle_of_the_step(capsys):
    actual = (function_1(11.0) - function_1(10.0)) / 1.0
    ok, out = verdict(capsys, "02.forward_slope", 0.31)
    assert ok and actual == pytest.approx(0.31) and "x = 10.5" in out


@pytest.mark.parametrize(
    "wrong, named",
    [
        (0.3, "exact derivative at x = 10"),
        (0.32, "slope at x + h = 11"),
        (0.2, "Work it out"),
        (..., "Replace `...`"),
        ("0.31", "The answer is a number"),
    ],
)
def test_forward_slope_names_each_wrong_prediction(capsys, wrong, named):
    ok, out = verdict(capsys, "02.forward_slope", wrong)
    assert not ok and named in out, out


# -- 02.partial_derivative -----------------------------------------------------------------------------
@pytest.mark.parametrize("right", [10, 10.0, 10.000000000029985])
def test_partial_derivative_accepts_the_exact_and_the_numerical_value(capsys, right):
    ok, out = verdict(capsys, "02.partial_derivative", right)
    assert ok, out


@pytest.mark.parametrize(
    "wrong, named",
    [
        (6, "slope of x0² alone"),
        (3, "∂f/∂x1"),
        (21, "value f(3, 4)"),
        (8, "Hold x1 fixed at 4"),
    ],
)
def test_partial_derivative_names_each_wrong_prediction(capsys, wrong, named):
    ok, out = verdict(capsys, "02.partial_derivative", wrong)
    assert not ok and named in out, out


# -- all of them ---------------------------------------------------------------------------------------
NOTEBOOK_02 = sorted(ex_id for ex_id, ex in EXERCISES.items() if ex.notebook == "02_numerical_differentiation.ipynb")


def test_notebook_02_has_a_write_a_bug_hunt_and_a_predict_exercise():
    assert NOTEBOOK_02 == [
        "02.fix_numerical_diff",
        "02.forward_slope",
        "02.numerical_diff",
        "02.partial_derivative",
    ]
    assert {EXERCISES[i].kind for i in NOTEBOOK_02} == {"write", "bug hunt", "predict"}


@pytest.mark.parametrize("exercise_id", NOTEBOOK_02)
def test_feedback_speaks_korean(capsys, exercise_id):
    set_language("ko")
    ok, out = verdict(capsys, exercise_id, ...)
    assert not ok and "아직입니다" in out


def test_korean_feedback_names_the_trap(capsys):
    set_language("ko")
    ok, out = verdict(capsys, "02.numerical_diff", forward)
    assert not ok and "전방 차분" in out and "중심 차분" in out


@pytest.mark.parametrize(
    "exercise_id, answer",
    [("02.numerical_diff", book_numerical_diff), ("02.fix_numerical_diff", smaller_h), ("02.forward_slope", 0.3)],
)
def test_each_check_runs_well_under_a_second(capsys, exercise_id, answer):
    start = time.perf_counter()
    check(exercise_id, answer)
    assert time.perf_counter() - start < 0.2
