"""Activations and losses: the book's printed numbers, properties, and bad input."""

import numpy as np
import pytest

from dlfs import cross_entropy_error, sigmoid, sigmoid_grad, softmax, sum_squares_error

T2 = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
Y_GOOD = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])  # most probable: 2 (right)
Y_BAD = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])  # most probable: 7 (wrong)
Y_BATCH = np.array([[0.19632642, 0.44743231, 0.35624127], [0.32645762, 0.33436991, 0.33917247]])


# -- the book's numbers ------------------------------------------------------------
def test_sum_squares_error_book_values():
    assert sum_squares_error(Y_GOOD, T2) == pytest.approx(0.0975, abs=1e-15)
    assert sum_squares_error(Y_BAD, T2) == pytest.approx(0.5975, abs=1e-15)


def test_cross_entropy_error_book_values():
    assert cross_entropy_error(Y_GOOD, T2) == 0.510825457099338
    assert cross_entropy_error(Y_BAD, T2) == 2.302584092994546


def test_cross_entropy_batch_one_hot_and_labels_agree_with_book():
    one_hot = cross_entropy_error(Y_BATCH, np.array([[1, 0, 0], [0, 1, 0]]))
    labels = cross_entropy_error(Y_BATCH, np.array([0, 1]))
    assert one_hot == pytest.approx(1.361741586147387, abs=1e-15)
    assert labels == pytest.approx(1.361741586147387, abs=1e-15)


def test_cross_entropy_single_sample_label_forms():
    # a single prediction with its label as a plain int, a 0-d array, or a one-hot row
    assert cross_entropy_error(Y_GOOD, 2) == cross_entropy_error(Y_GOOD, T2)
    assert cross_entropy_error(Y_GOOD, np.array(2)) == cross_entropy_error(Y_GOOD, T2)


def test_cross_entropy_delta_keeps_zero_probability_finite():
    # -log(0 + 1e-7) = 16.118...: large but finite, the role of the book's delta
    loss = cross_entropy_error(Y_GOOD, 3)
    assert loss == pytest.approx(-np.log(1e-7))
    assert np.isfinite(loss)


def test_one_hot_and_labels_agree_on_random_batches():
    rng = np.random.default_rng(0)
    y = softmax(rng.standard_normal((50, 10)))
    labels = rng.integers(0, 10, size=50)
    assert cross_entropy_error(y, labels) == pytest.approx(cross_entropy_error(y, np.eye(10)[labels]), rel=1e-15)


# -- softmax and sigmoid -----------------------------------------------------------
def test_softmax_rows_sum_to_one_and_shift_invariant():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((20, 7)) * 5
    y = softmax(x)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(x + 123.4), y, rtol=1e-12)
    np.testing.assert_allclose(softmax(x[3]), y[3], rtol=1e-15)  # 1-D equals the batched row


def test_softmax_does_not_overflow_for_large_logits():
    with np.errstate(all="raise"):
        y = softmax(np.array([1010.0, 1000.0, 990.0]))
    assert np.all(np.isfinite(y))
    assert y.sum() == pytest.approx(1.0)
    assert y[0] == pytest.approx(1 / (1 + np.exp(-10) + np.exp(-20)))


def test_softmax_keeps_float32():
    assert softmax(np.zeros((2, 3), dtype=np.float32)).dtype == np.float32


def test_sigmoid_values_and_no_overflow_warning():
    with np.errstate(over="raise", invalid="raise"):  # underflow to 0 is harmless
        s = sigmoid(np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0]))
    np.testing.assert_allclose(s, [0.0, 1 / (1 + np.e), 0.5, 1 / (1 + np.exp(-1)), 1.0])


def test_sigmoid_grad_matches_numerical_derivative():
    x = np.linspace(-5, 5, 11)
    h = 1e-5
    np.testing.assert_allclose(sigmoid_grad(x), (sigmoid(x + h) - sigmoid(x - h)) / (2 * h), atol=1e-10)


# -- bad input -----------------------------------------------------------------------
def test_sum_squares_error_refuses_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match=r"same shape.*\(10,\).*\(10, 1\)"):
        sum_squares_error(Y_GOOD, T2.reshape(10, 1))


def test_cross_entropy_counts_must_match():
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        cross_entropy_error(Y_BATCH, np.array([0, 1, 2]))


@pytest.mark.parametrize("label", [-1, 3, 10])
def test_cross_entropy_label_out_of_range(label):
    with pytest.raises(ValueError, match=rf"label {label} is outside 0..2"):
        cross_entropy_error(Y_BATCH, np.array([0, label]))


def test_cross_entropy_negative_label_is_not_wrapped():
    # numpy indexing would silently read y[:, -1], the last class
    with pytest.raises(ValueError, match="silently wrap"):
        cross_entropy_error(Y_BATCH, np.array([-1, 0]))


def test_cross_entropy_non_integer_labels():
    with pytest.raises(TypeError, match="whole numbers"):
        cross_entropy_error(Y_BATCH, np.array([0.5, 1.0]))
    with pytest.raises(TypeError, match="integers"):
        cross_entropy_error(Y_BATCH, np.array(["0", "1"]))


def test_cross_entropy_float_whole_labels_are_accepted():
    assert cross_entropy_error(Y_BATCH, np.array([0.0, 1.0])) == cross_entropy_error(Y_BATCH, np.array([0, 1]))


def test_cross_entropy_two_d_targets_must_be_one_hot():
    with pytest.raises(ValueError, match="one-hot"):
        cross_entropy_error(Y_BATCH, np.array([[0.5, 0.5, 0], [0, 1, 0]]))
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        cross_entropy_error(Y_BATCH, np.array([[1, 0], [0, 1]]))


def test_cross_entropy_empty_batch_is_refused_not_nan():
    # the unchecked mean over no rows is 0/0: NaN and a RuntimeWarning
    with pytest.raises(ValueError, match=r"shape \(0, 10\) hold no samples"):
        cross_entropy_error(np.zeros((0, 10)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match="no samples or no classes"):
        cross_entropy_error(np.zeros((2, 0)), np.zeros(2, dtype=int))


@pytest.mark.parametrize(
    "y, error, message",
    [
        (Y_BATCH.astype(complex), TypeError, "complex"),  # would drop the imaginary part with a warning
        (Y_BATCH.astype(object), TypeError, "real numbers"),
        (np.where(Y_BATCH > 0.4, np.nan, Y_BATCH), ValueError, "NaN or inf"),
        (Y_BATCH - 0.3, ValueError, r"probabilities in \[0, 1\], got -0\.1"),  # log of a negative: NaN
        (Y_BATCH * 3, ValueError, r"Pass softmax\(scores\)"),
    ],
)
def test_cross_entropy_refuses_predictions_that_are_not_probabilities(y, error, message):
    with pytest.raises(error, match=message):
        cross_entropy_error(y, np.array([0, 1]))


def test_cross_entropy_float16_predictions_are_computed_in_float64():
    assert cross_entropy_error(Y_BATCH.astype(np.float16), [0, 1]) == pytest.approx(
        cross_entropy_error(Y_BATCH.astype(np.float16).astype(np.float64), [0, 1]), rel=1e-15
    )


@pytest.mark.parametrize("function", [softmax, sigmoid, sigmoid_grad])
def test_activations_refuse_complex_and_non_numeric_input(function):
    with pytest.raises(TypeError, match="complex"):
        function(np.array([1.0 + 2.0j, 0.5]))
    with pytest.raises(TypeError, match="real numbers"):
        function(np.array(["1", "2"]))
    with pytest.raises(TypeError, match="real numbers"):
        function(np.array([1.0, 2.0], dtype=object))


def test_sigmoid_accepts_infinity_and_refuses_nan():
    np.testing.assert_array_equal(sigmoid(np.array([-np.inf, np.inf])), [0.0, 1.0])
    np.testing.assert_array_equal(sigmoid_grad(np.array([-np.inf, np.inf])), [0.0, 0.0])
    with pytest.raises(ValueError, match=r"contains NaN \(first at index \(1,\)"):
        sigmoid(np.array([0.0, np.nan]))


def test_softmax_refuses_nan_and_inf_and_takes_scores_a_float_range_apart():
    with pytest.raises(ValueError, match="NaN or inf"):
        softmax(np.array([0.0, np.inf]))
    with np.errstate(all="raise"):  # no overflow warning for the right answer
        np.testing.assert_array_equal(softmax(np.array([1e308, -1e308])), [1.0, 0.0])


def test_sum_squares_error_refuses_what_has_no_finite_error():
    t = np.array([0.0, 1.0])
    with pytest.raises(TypeError, match="complex"):
        sum_squares_error(np.array([0.5 + 1j, 0.5]), t)
    with pytest.raises(ValueError, match="NaN or inf"):
        sum_squares_error(np.array([np.nan, 0.5]), t)
    with pytest.raises(ValueError, match="overflows float64"):
        sum_squares_error(np.array([1e200, 0.0]), t)
    assert sum_squares_error(np.zeros(0), np.zeros(0)) == 0.0  # a sum of nothing
