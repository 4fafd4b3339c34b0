"""Numerical differentiation and gradient descent: the book's numbers, its traps, bad input."""

import numpy as np
import pytest

from dlfs import gradient_descent, gradient_descent_path, numerical_diff, numerical_gradient


def function_1(x):  # the book's 4.3.2 example
    return 0.01 * x**2 + 0.1 * x


def function_2(x):  # the book's 4.3.3 example
    return x[0] ** 2 + x[1] ** 2


def test_numerical_diff_book_values():
    assert numerical_diff(function_1, 5) == 0.1999999999990898
    assert numerical_diff(function_1, 10) == 0.2999999999986347
    assert numerical_diff(lambda x0: x0 * x0 + 4.0**2.0, 3.0) == 6.00000000000378
    assert numerical_diff(lambda x1: 3.0**2.0 + x1 * x1, 4.0) == 7.999999999999119
    assert numerical_diff(function_1, 5.0, h=1e-20) == 0.0  # x + h rounds back to x: notebook 02's lesson


@pytest.mark.parametrize("point, expected", [([3.0, 4.0], [6.0, 8.0]), ([0.0, 2.0], [0.0, 4.0]), ([3.0, 0.0], [6, 0])])
def test_numerical_gradient_book_values(point, expected):
    np.testing.assert_allclose(numerical_gradient(function_2, np.array(point)), expected, atol=1e-9)


def test_numerical_gradient_of_any_shape_restores_x_bit_for_bit():
    x = np.random.default_rng(0).standard_normal((3, 4, 2))
    before = x.copy()
    np.testing.assert_allclose(numerical_gradient(lambda a: np.sum(a**3), x), 3 * x**2, atol=1e-7)
    np.testing.assert_array_equal(x, before)
    assert numerical_gradient(lambda a: 1.0, np.zeros((0, 3))).shape == (0, 3)
    np.testing.assert_allclose(numerical_gradient(lambda a: float(a) ** 2, np.array(3.0)), 6.0, atol=1e-8)


def test_the_books_idiom_nudges_the_array_itself_also_through_a_view():
    W = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(numerical_gradient(lambda _: float(np.sum(W**2)), W), 2 * W, atol=1e-7)
    np.testing.assert_allclose(numerical_gradient(lambda _: float(np.sum(W**2)), W.T), 2 * W.T, atol=1e-7)
    np.testing.assert_array_equal(W, np.arange(6.0).reshape(2, 3))


def test_x_is_restored_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    seen = []

    def f(a):
        seen.append(a.copy())
        if len(seen) == 3:  # while x[1] is nudged
            raise RuntimeError("boom")
        return float(np.sum(a))

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    assert seen[2][1] == 2.0 + 1e-4
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("change", [lambda a: a.__imul__(2), lambda a: a.__setitem__(0, 0.0), lambda a: a.sort()])
def test_an_f_that_changes_its_argument_is_refused_and_x_restored(change):
    x = np.array([3.0, 1.0, 2.0])

    def f(a):
        change(a)
        return float(np.sum(a**2))

    with pytest.raises(ValueError, match="changed its argument"):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [3.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="changed its argument"):
        gradient_descent(f, x)


@pytest.mark.parametrize(
    "x, h, error, problem",
    [
        (np.array([3, 4]), 1e-4, TypeError, "float32 or float64"),  # the book's loop returns [25000 35000]
        (np.array([3.0, 4.0], dtype=np.float16), 1e-4, TypeError, "float32 or float64"),  # x ± h rounds to x
        ([3.0, 4.0], 1e-4, TypeError, "numpy array"),
        (np.ma.masked_array([3.0, 4.0]), 1e-4, TypeError, "numpy array"),
        (np.array([3.0, np.nan]), 1e-4, ValueError, "NaN or inf"),
        (np.array([0.0, 1e37], dtype=np.float32), 3.4e38, ValueError, "overflows"),
        (np.array([3.0, 4.0]), 0.0, ValueError, "h must be"),
        (np.array([3.0, 4.0]), "1e-4", TypeError, "h must be"),
    ],
)
def test_numerical_gradient_refuses_an_x_or_h_it_cannot_use(x, h, error, problem):
    with pytest.raises(error, match=problem):
        numerical_gradient(function_2, x, h)


def test_numerical_gradient_refuses_a_read_only_x():
    x = np.array([3.0, 4.0])
    x.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        numerical_gradient(function_2, x)


@pytest.mark.parametrize(
    "f, error",
    [
        (lambda a: np.nan, ValueError),
        (lambda a: np.inf if a[1] < 4 else 0.0, ValueError),
        (lambda a: a**2, TypeError),  # an array, not the loss
        (lambda a: np.sum(a) * 1j, TypeError),
        (lambda a: "loss", TypeError),
        (lambda a: 1e308 if a[0] > 3 else -1e308, ValueError),  # the quotient overflows
    ],
)
def test_values_of_f_without_a_derivative_are_refused(f, error):
    for x in (np.array([3.0, 4.0]), np.array([3.0, 4.0], dtype=np.float32)):
        with pytest.raises(error):
            numerical_gradient(f, x)
        np.testing.assert_array_equal(x, [3.0, 4.0])
    with pytest.raises(ValueError, match="overflows float32"):  # 1e39 fits a float, not a float32
        numerical_gradient(lambda a: 1e39 * float(a[0]), np.array([1.0], dtype=np.float32))


@pytest.mark.parametrize(
    "x, h, error",
    [
        (np.nan, 1e-4, ValueError),
        (10**400, 1e-4, ValueError),  # beyond the float range
        (1.0 + 2j, 1e-4, TypeError),
        (np.array([1.0, 2.0]), 1e-4, TypeError),
        (True, 1e-4, TypeError),
        ("5", 1e-4, TypeError),
        (5.0, 0.0, ValueError),
        (5.0, -1e-4, ValueError),
        (5.0, "1e-4", TypeError),
        (1e200, 1e-4, ValueError),  # f overflows
    ],
)
def test_numerical_diff_refuses_what_has_no_derivative(x, h, error):
    with np.errstate(over="ignore"), pytest.raises(error):
        numerical_diff(function_1, x, h)
    with np.errstate(divide="ignore", invalid="ignore"), pytest.raises(ValueError):
        numerical_diff(np.log, 0.0)


@pytest.mark.parametrize(
    "lr, expected",
    [
        (0.1, [-6.11110793e-10, 8.14814391e-10]),
        (10.0, [-2.58983747e13, -1.29524862e12]),
        (1e-10, [-2.99999994, 3.99999992]),
    ],
)
def test_gradient_descent_book_values(lr, expected):
    np.testing.assert_allclose(
        gradient_descent(function_2, np.array([-3.0, 4.0]), lr=lr, step_num=100), expected, rtol=1e-8
    )


def test_gradient_descent_never_modifies_init_x():
    init_x = np.array([-3.0, 4.0])
    a = gradient_descent(function_2, init_x, lr=10)
    np.testing.assert_array_equal(init_x, [-3.0, 4.0])
    np.testing.assert_array_equal(a, gradient_descent(function_2, init_x, lr=10))  # the same start twice
    np.testing.assert_allclose(
        gradient_descent(function_2, [-3, 4], lr=0.1), [-6.11110793e-10, 8.14814391e-10], rtol=1e-8
    )


def test_gradient_descent_path():
    path = gradient_descent_path(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=20)
    assert path.shape == (21, 2)
    np.testing.assert_array_equal(path[0], [-3.0, 4.0])
    np.testing.assert_allclose(path[1:] / path[:-1], 0.8, rtol=1e-6)  # each step multiplies x by 1 - 2 lr
    np.testing.assert_array_equal(path[-1], gradient_descent(function_2, [-3.0, 4.0], lr=0.1, step_num=20))
    np.testing.assert_array_equal(gradient_descent(function_2, [-3.0, 4.0], step_num=0), [-3.0, 4.0])


@pytest.mark.parametrize(
    "options, error",
    [
        ({"step_num": -1}, ValueError),
        ({"step_num": 2.5}, TypeError),
        ({"step_num": "3"}, TypeError),
        ({"lr": 0.0}, ValueError),
        ({"lr": np.inf}, ValueError),
        ({"lr": "0.1"}, TypeError),
        ({"init_x": [-3.0, np.nan]}, ValueError),
        ({"init_x": [-3.0 + 1j, 4.0]}, TypeError),
        ({"init_x": [[1.0, 2.0], [3.0]]}, ValueError),
    ],
)
def test_gradient_descent_bad_arguments(options, error):
    for descent in (gradient_descent, gradient_descent_path):
        with pytest.raises(error):
            descent(function_2, **{"init_x": [-3.0, 4.0], **options})


@pytest.mark.parametrize("descent", [gradient_descent, gradient_descent_path])
def test_a_descent_that_leaves_the_floats_is_named_not_returned_as_nan(descent):
    with pytest.raises(ValueError, match="lower lr"):
        descent(lambda x: float(np.sum(np.square(x, dtype=np.float64))), np.array([-3.0, 4.0]), lr=1e300)
    with pytest.raises(ValueError, match="diverged at step 1"):
        descent(function_2, np.array([-3.0, 4.0]), lr=1e308)
