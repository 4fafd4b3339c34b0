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


def test_numerical_gradient_nudges_a_non_contiguous_view_in_place():
    # a transposed view: nudging a reshaped copy would silently give a zero gradient,
    # so the nudges must land in the view itself (and through it in W)
    W = np.arange(6.0).reshape(2, 3)
    view = W.T
    g = numerical_gradient(lambda _: float(np.sum(W**2)), view)
    np.testing.assert_allclose(g, 2 * view, atol=1e-7)
    np.testing.assert_array_equal(W, np.arange(6.0).reshape(2, 3))


def test_numerical_gradient_refuses_float16():
    # h = 1e-4 is lost in float16 rounding: the unchecked loop returns [0, 0] here
    with pytest.raises(TypeError, match="float16.*rounds back to x"):
        numerical_gradient(function_2, np.array([3.0, 4.0], dtype=np.float16))


def test_numerical_gradient_of_an_empty_array_is_empty():
    calls = []
    g = numerical_gradient(lambda a: calls.append(1) or 0.0, np.zeros((0, 3)))
    assert g.shape == (0, 3) and g.dtype == np.float64
    assert calls == []  # nothing to nudge, so f is never called


def test_numerical_gradient_of_a_0d_array():
    np.testing.assert_allclose(numerical_gradient(lambda a: float(a) ** 2, np.array(3.0)), 6.0, atol=1e-8)


def test_numerical_gradient_refuses_read_only_and_non_finite_x():
    x = np.array([3.0, 4.0])
    x.flags.writeable = False
    with pytest.raises(ValueError, match=r"read-only.*x.copy\(\)"):
        numerical_gradient(function_2, x)
    with pytest.raises(ValueError, match="NaN or inf"):
        numerical_gradient(function_2, np.array([3.0, np.nan]))


@pytest.mark.parametrize(
    "f, error, message",
    [
        (lambda a: np.nan, ValueError, r"f returned nan at x\[0\] \+ h"),
        (lambda a: np.inf if a[1] < 4 else 0.0, ValueError, r"f returned inf at x\[1\] - h"),
        (lambda a: np.sum(a) * 1j, TypeError, "real number"),
        (lambda a: "loss", TypeError, "real number"),
        (lambda a: 1e308 if a[0] > 3 else -1e308, ValueError, "overflows"),
    ],
)
def test_numerical_gradient_refuses_values_of_f_without_a_derivative(f, error, message):
    x = np.array([3.0, 4.0])
    with pytest.raises(error, match=message):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [3.0, 4.0])


def test_numerical_gradient_float32_quotient_beyond_its_range():
    # 1e39 fits the Python float but not float32, where it would be stored as inf
    with pytest.raises(ValueError, match="overflows float32"):
        numerical_gradient(lambda a: 1e39 * float(a[0]), np.array([1.0], dtype=np.float32))


@pytest.mark.parametrize(
    "h, error", [(0.0, ValueError), (-1e-4, ValueError), (np.nan, ValueError), ("1e-4", TypeError)]
)
def test_numerical_gradient_and_diff_check_h(h, error):
    with pytest.raises(error, match="h must be"):
        numerical_gradient(function_2, np.array([3.0, 4.0]), h=h)
    with pytest.raises(error, match="h must be"):
        numerical_diff(function_1, 5.0, h=h)


def test_numerical_diff_returns_zero_where_h_is_lost_to_rounding():
    # notebook 02's error-versus-h figure draws exactly this: x + h == x, an error of 100 %
    assert numerical_diff(function_1, 5.0, h=1e-20) == 0.0
    assert isinstance(numerical_diff(np.sin, np.float32(1.0)), float)


@pytest.mark.parametrize(
    "f, x, error, message",
    [
        (function_1, np.nan, ValueError, "x must be a finite number"),
        (function_1, np.inf, ValueError, "x must be a finite number"),
        (function_1, 10**400, ValueError, "too large for a float"),
        (function_1, 1.0 + 2j, TypeError, "single real number"),
        (function_1, np.array([1.0, 2.0]), TypeError, "single real number"),
        (function_1, True, TypeError, "must be a number"),
        (np.log, 0.0, ValueError, "f returned nan at x - h"),
        (lambda x: [x, x], 1.0, ValueError, "single number"),
        (function_1, 1e200, ValueError, "f returned inf at x \\+ h"),  # not Python's OverflowError
        (lambda x: 1e308 if x > 1 else -1e308, 1.0, ValueError, "overflows"),
    ],
)
def test_numerical_diff_bad_input(f, x, error, message):
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        with pytest.raises(error, match=message):
            numerical_diff(f, x)
    with pytest.raises(ValueError, match="x ± h overflows"):
        numerical_diff(function_1, 1.7e308, h=1e308)


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


@pytest.mark.parametrize(
    "lr, error",
    [(-0.1, ValueError), (0.0, ValueError), (np.nan, ValueError), (np.inf, ValueError), ("0.1", TypeError)],
)
def test_gradient_descent_refuses_a_learning_rate_that_is_not_a_positive_number(lr, error):
    for descent in (gradient_descent, gradient_descent_path):
        with pytest.raises(error, match="lr"):
            descent(function_2, np.array([-3.0, 4.0]), lr=lr, step_num=3)


@pytest.mark.parametrize(
    "init_x, error, message",
    [
        (np.array([-3.0, np.nan]), ValueError, "NaN or inf"),
        (np.array([-3.0 + 1j, 4.0]), TypeError, "complex"),
        (np.array(["-3", "4"]), TypeError, "real numbers"),
        ([[1.0, 2.0], [3.0]], ValueError, "rectangular"),
    ],
)
def test_gradient_descent_refuses_a_start_that_is_not_real_numbers(init_x, error, message):
    with pytest.raises(error, match=message):
        gradient_descent(function_2, init_x)


def quiet_function_2(x):
    with np.errstate(over="ignore"):
        return function_2(x)


@pytest.mark.parametrize("descent", [gradient_descent, gradient_descent_path])
def test_gradient_descent_that_overflows_is_reported_not_returned_as_nan(descent):
    # lr = 1e300: the first step lands near 6e300, where f = x0² + x1² is inf
    with pytest.raises(ValueError, match=r"step 2 of 100, lr=1e\+300.*f returned inf.*lower the learning rate"):
        descent(quiet_function_2, np.array([-3.0, 4.0]), lr=1e300)
    # lr = 1e308: the first step itself overflows
    with pytest.raises(ValueError, match=r"diverged: after step 1 of 100 with lr=1e\+308.*no longer finite"):
        descent(quiet_function_2, np.array([-3.0, 4.0]), lr=1e308)


def test_gradient_descent_does_not_allocate_the_path():
    # 10**15 steps: a path would need 16 PB; gradient_descent must start descending anyway
    calls = []

    class Stop(Exception):
        pass

    def f(x):
        calls.append(1)
        if len(calls) > 6:
            raise Stop
        return function_2(x)

    with pytest.raises(Stop):
        gradient_descent(f, np.array([-3.0, 4.0]), lr=0.1, step_num=10**15)


def test_gradient_descent_path_refuses_a_path_beyond_the_memory_budget():
    with pytest.raises(ValueError, match=r"path of 1000000000000 steps of 2 coordinates would take .* GiB"):
        gradient_descent_path(function_2, np.array([-3.0, 4.0]), step_num=10**12)


def test_gradient_descent_of_empty_and_0d_starts():
    assert gradient_descent(function_2, np.zeros((0,))).shape == (0,)
    np.testing.assert_allclose(gradient_descent(lambda x: float(x) ** 2, 3.0, lr=0.5, step_num=1), 0.0, atol=1e-8)


def test_numerical_gradient_refuses_a_step_that_overflows_the_dtype():
    # found by tests/test_properties.py: float32 x + 3.4e38 became inf with a RuntimeWarning
    with pytest.raises(ValueError, match=r"x ± h overflows float32"):
        numerical_gradient(lambda a: 0.0, np.array([0.0, 1e37], dtype=np.float32), h=3.4e38)
