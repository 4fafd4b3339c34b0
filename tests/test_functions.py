"""Activations and losses: the book's printed numbers, their properties, and bad input."""

import numpy as np
import pytest

from dlfs import cross_entropy_error, sigmoid, sigmoid_grad, softmax, sum_squares_error

T2 = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
Y_GOOD = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])  # most probable: 2 (right)
Y_BAD = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])  # most probable: 7 (wrong)
Y_BATCH = np.array([[0.19632642, 0.44743231, 0.35624127], [0.32645762, 0.33436991, 0.33917247]])


def test_the_books_loss_values():
    assert sum_squares_error(Y_GOOD, T2) == pytest.approx(0.0975, abs=1e-15)
    assert sum_squares_error(Y_BAD, T2) == pytest.approx(0.5975, abs=1e-15)
    assert cross_entropy_error(Y_GOOD, T2) == 0.510825457099338
    assert cross_entropy_error(Y_BAD, T2) == 2.302584092994546
    assert cross_entropy_error(Y_GOOD, 3) == pytest.approx(-np.log(1e-7))  # the delta keeps log(0) finite


@pytest.mark.parametrize("t", [np.array([[1, 0, 0], [0, 1, 0]]), np.array([0, 1]), np.array([0.0, 1.0])])
def test_one_hot_and_label_targets_agree(t):
    assert cross_entropy_error(Y_BATCH, t) == pytest.approx(1.361741586147387, abs=1e-15)
    assert cross_entropy_error(Y_GOOD, 2) == cross_entropy_error(Y_GOOD, np.array(2)) == cross_entropy_error(Y_GOOD, T2)


def test_softmax_rows_sum_to_one_are_shift_invariant_and_do_not_overflow():
    x = np.random.default_rng(1).standard_normal((20, 7)) * 5
    y = softmax(x)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(x + 123.4), y, rtol=1e-12)
    np.testing.assert_allclose(softmax(x[3]), y[3], rtol=1e-15)
    with np.errstate(all="raise"):
        big = softmax(np.array([1010.0, 1000.0, 990.0]))
        np.testing.assert_array_equal(softmax(np.array([1e308, -1e308])), [1.0, 0.0])
    assert big[0] == pytest.approx(1 / (1 + np.exp(-10) + np.exp(-20)))
    assert softmax(np.zeros((2, 3), dtype=np.float32)).dtype == np.float32


def test_sigmoid_values_limits_and_derivative():
    with np.errstate(over="raise", invalid="raise"):
        s = sigmoid(np.array([-np.inf, -1000.0, 0.0, 1000.0, np.inf]))
    np.testing.assert_array_equal(s, [0.0, 0.0, 0.5, 1.0, 1.0])
    x = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(sigmoid_grad(x), (sigmoid(x + 1e-5) - sigmoid(x - 1e-5)) / 2e-5, atol=1e-10)


@pytest.mark.parametrize(
    "call, error, problem",
    [
        (lambda: sum_squares_error(Y_GOOD, T2.reshape(10, 1)), ValueError, "same shape"),  # would broadcast to 10×10
        (lambda: sum_squares_error(np.array([1e200, 0.0]), np.array([0.0, 1.0])), ValueError, "overflows"),
        (lambda: cross_entropy_error(Y_BATCH, np.array([0, 1, 2])), ValueError, "targets"),
        (lambda: cross_entropy_error(Y_BATCH, np.array([-1, 0])), ValueError, "0..2"),  # not the last class
        (lambda: cross_entropy_error(Y_BATCH, np.array([0, 3])), ValueError, "0..2"),
        (lambda: cross_entropy_error(Y_BATCH, np.array([0.5, 1.0])), TypeError, "whole numbers"),
        (lambda: cross_entropy_error(Y_BATCH, np.array([True, False])), TypeError, "bool"),
        (lambda: cross_entropy_error(Y_BATCH, np.array([[0.5, 0.5, 0], [0, 1, 0]])), ValueError, "one-hot"),
        (lambda: cross_entropy_error(np.zeros((0, 10)), np.zeros(0, dtype=int)), ValueError, "N, C >= 1"),
        (lambda: cross_entropy_error(Y_BATCH - 0.3, [0, 1]), ValueError, "probabilities"),  # log of a negative
        (lambda: cross_entropy_error(Y_BATCH * 3, [0, 1]), ValueError, "softmax"),  # scores, not probabilities
        (lambda: softmax(np.array(3.0)), ValueError, "at least one score"),
        (lambda: softmax(np.array([0.0, np.inf])), ValueError, "NaN or inf"),
        (lambda: sigmoid(np.array([0.0, np.nan])), ValueError, "NaN"),
    ],
)
def test_bad_values_are_named(call, error, problem):
    with pytest.raises(error, match=problem):
        call()


@pytest.mark.parametrize("function", [softmax, sigmoid, sigmoid_grad, lambda y: cross_entropy_error(y, [0, 1])])
@pytest.mark.parametrize(
    "make",
    [
        lambda: np.array([0.2 + 1j, 0.8]),  # the imaginary part would be dropped
        lambda: np.array(["0.2", "0.8"]),
        lambda: np.array([0.2, 0.8], dtype=object),
        lambda: np.ma.masked_array([0.2, 0.8], mask=[True, False]),  # the mask would be dropped
        lambda: np.matrix([[0.2, 0.8]]),  # its * is a matrix product
    ],
)
@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
def test_what_is_not_a_plain_array_of_real_numbers_is_refused(function, make):
    with pytest.raises(TypeError, match="real numbers|plain array"):
        function(make())


def test_float16_predictions_are_computed_in_float64():
    y16 = Y_BATCH.astype(np.float16)
    assert cross_entropy_error(y16, [0, 1]) == cross_entropy_error(y16.astype(np.float64), [0, 1])
