"""Numerical differentiation and gradient descent: the book's numbers, the traps, bad input."""

import numpy as np
import pytest

from dlfs import gradient_descent, gradient_descent_path, numerical_diff, numerical_gradient


def function_1(x):
    return 0.01 * x**2 + 0.1 * x


def function_2(x):
    return x[0] ** 2 + x[1] ** 2


def test_numerical_diff_book_values():
    assert numerical_diff(function_1, 5) == 0.1999999999990898
    assert numerical_diff(function_1, 10) == 0.2999999999986347


def test_partial_derivatives_book_values():
    assert numerical_diff(lambda x0: x0 * x0 + 4.0**2.0, 3.0) == 6.00000000000378
    assert numerical_diff(lambda x1: 3.0**2.0 + x1 * x1, 4.0) == 7.999999999999119


@pytest.mark.parametrize(
    "point, expected", [([3.0, 4.0], [6.0, 8.0]), ([0.0, 2.0], [0.0, 4.0]), ([3.0, 0.0], [6.0, 0.0])]
)
def test_numerical_gradient_book_values(point, expected):
    np.testing.assert_allclose(numerical_gradient(function_2, np.array(point)), expected, atol=1e-9)


def test_numerical_gradient_any_shape_matches_analytic():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4, 2))
    before = x.copy()
    g = numerical_gradient(lambda a: np.sum(a**3), x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, 3 * x**2, atol=1e-7)
    np.testing.assert_array_equal(x, before)  # restored bit for bit


def test_numerical_gradient_nudges_the_array_in_place():
    # the book's `lambda W: net.loss(x, t)` idiom: f ignores its argument and reads W itself
    W = np.array([1.0, 2.0])
    g = numerical_gradient(lambda _: float(np.sum(W**2)), W)
    np.testing.assert_allclose(g, [2.0, 4.0], atol=1e-9)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f(a):
        calls.append(a.copy())
        if len(calls) == 3:  # fails while x[1] is nudged
            raise RuntimeError("boom")
        return float(np.sum(a))

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    assert calls[2][1] == 2.0 + 1e-4  # it really was nudged when f raised
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_numerical_gradient_refuses_integer_arrays():
    # the book's version returns [25000 35000] here
    with pytest.raises(TypeError, match="float"):
        numerical_gradient(function_2, np.array([3, 4]))


def test_numerical_gradient_refuses_non_array():
    with pytest.raises(TypeError, match="numpy array"):
        numerical_gradient(function_2, [3.0, 4.0])


def test_numerical_gradient_refuses_non_scalar_f():
    with pytest.raises(ValueError, match=r"single number.*shape \(2,\)"):
        numerical_gradient(lambda a: a**2, np.array([3.0, 4.0]))


def test_numerical_gradient_refuses_non_contiguous_view():
    # nudging a copy would silently give a zero gradient
    x = np.arange(6.0).reshape(2, 3).T
    with pytest.raises(ValueError, match="contiguous"):
        numerical_gradient(lambda a: float(np.sum(a**2)), x)


@pytest.mark.parametrize(
    "lr, expected, rtol",
    [
        (0.1, [-6.11110793e-10, 8.14814391e-10], 1e-8),
        (10.0, [-2.58983747e13, -1.29524862e12], 1e-8),
        (1e-10, [-2.99999994, 3.99999992], 1e-8),
        (0.01, [-0.39785867, 0.53047822], 1e-7),
    ],
)
def test_gradient_descent_book_values(lr, expected, rtol):
    np.testing.assert_allclose(
        gradient_descent(function_2, np.array([-3.0, 4.0]), lr=lr, step_num=100), expected, rtol=rtol
    )


def test_gradient_descent_does_not_mutate_init_x():
    init_x = np.array([-3.0, 4.0])
    gradient_descent(function_2, init_x, lr=0.1)
    np.testing.assert_array_equal(init_x, [-3.0, 4.0])
    # so two calls from the same start agree (with the book's version the second starts near 0)
    a = gradient_descent(function_2, init_x, lr=10)
    b = gradient_descent(function_2, init_x, lr=10)
    np.testing.assert_array_equal(a, b)


def test_gradient_descent_accepts_integer_start():
    np.testing.assert_allclose(
        gradient_descent(function_2, [-3, 4], lr=0.1), [-6.11110793e-10, 8.14814391e-10], rtol=1e-8
    )


def test_gradient_descent_path():
    path = gradient_descent_path(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=20)
    assert path.shape == (21, 2)
    np.testing.assert_array_equal(path[0], [-3.0, 4.0])
    # on x0²+x1² each step multiplies x by (1 - 2 lr) = 0.8
    np.testing.assert_allclose(path[1:] / path[:-1], 0.8, rtol=1e-6)
    np.testing.assert_array_equal(path[-1], gradient_descent(function_2, [-3.0, 4.0], lr=0.1, step_num=20))


def test_gradient_descent_zero_steps_returns_start():
    np.testing.assert_array_equal(gradient_descent(function_2, np.array([-3.0, 4.0]), step_num=0), [-3.0, 4.0])


def test_gradient_descent_negative_steps():
    with pytest.raises(ValueError, match="step_num must be 0 or more, got -1"):
        gradient_descent(function_2, np.array([-3.0, 4.0]), step_num=-1)


def test_gradient_descent_non_integer_steps():
    with pytest.raises(TypeError, match="whole number"):
        gradient_descent(function_2, np.array([-3.0, 4.0]), step_num=2.5)
