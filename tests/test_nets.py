"""SimpleNet and TwoLayerNet: the book's example, gradient agreement, label forms, bad input."""

import numpy as np
import pytest

from dlfs import SimpleNet, TwoLayerNet, numerical_gradient

BOOK_W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]]
X = np.array([0.6, 0.9])
T = np.array([0, 0, 1])


def test_simple_net_book_example():
    net = SimpleNet(W=BOOK_W)
    np.testing.assert_allclose(net.predict(X), [1.05414809, 0.63071653, 1.1328074], atol=1e-8)
    dW = numerical_gradient(lambda W: net.loss(X, T), net.W)
    # the printed W is rounded to 8 digits, so dW agrees with the book's to about 1e-7
    book_dW = [[0.21924763, 0.14356247, -0.36281009], [0.32887144, 0.2153437, -0.54421514]]
    np.testing.assert_allclose(dW, book_dW, atol=2e-7)
    np.testing.assert_array_equal(net.W, BOOK_W)  # restored after the nudges


def test_simple_net_seeded_and_label_target():
    a, b = SimpleNet(seed=3), SimpleNet(seed=3)
    np.testing.assert_array_equal(a.W, b.W)
    assert a.W.shape == (2, 3)
    assert not np.array_equal(a.W, SimpleNet(seed=4).W)
    assert a.loss(X, 2) == a.loss(X, T)


def test_simple_net_one_update_lowers_loss():
    net = SimpleNet(W=BOOK_W)
    before = net.loss(X, T)
    net.W -= 0.1 * numerical_gradient(lambda W: net.loss(X, T), net.W)
    assert net.loss(X, T) < before


def test_simple_net_wrong_target_length():
    with pytest.raises(ValueError, match="one-hot of length 3"):
        SimpleNet(seed=0).loss(X, np.array([0, 1]))


def test_simple_net_wrong_input_width():
    with pytest.raises(ValueError, match="2 features"):
        SimpleNet(seed=0).predict(np.array([1.0, 2.0, 3.0]))


def small_problem(seed=0, n=7, sizes=(5, 4, 3)):
    rng = np.random.default_rng(seed)
    net = TwoLayerNet(*sizes, weight_init_std=0.5, seed=seed)
    x = rng.standard_normal((n, sizes[0]))
    t = rng.integers(0, sizes[2], size=n)
    return net, x, t


def test_two_layer_net_shapes_and_seed():
    net = TwoLayerNet(784, 100, 10, seed=0)
    assert {k: v.shape for k, v in net.params.items()} == {"W1": (784, 100), "b1": (100,), "W2": (100, 10), "b2": (10,)}
    assert all(v.dtype == np.float64 for v in net.params.values())
    again = TwoLayerNet(784, 100, 10, seed=0)
    for k in net.params:
        np.testing.assert_array_equal(net.params[k], again.params[k])
    assert np.std(net.params["W1"]) == pytest.approx(0.01, rel=0.05)


def test_two_layer_net_predict_returns_probabilities():
    net, x, _ = small_problem()
    y = net.predict(x)
    assert y.shape == (7, 3)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    np.testing.assert_allclose(net.predict(x[0]), y[0])  # one sample of shape (input,)


def test_backprop_agrees_with_numerical_gradient():
    net, x, t = small_problem()
    numerical = net.numerical_gradient(x, t)
    backprop = net.gradient(x, t)
    for key in ("W1", "b1", "W2", "b2"):
        assert backprop[key].shape == net.params[key].shape
        # the book's 1e-7 delta inside the log makes the exact derivatives differ by O(1e-7)
        np.testing.assert_allclose(backprop[key], numerical[key], atol=1e-6, err_msg=key)


def test_loss_and_gradient_returns_the_loss():
    net, x, t = small_problem(seed=1)
    loss, grads = net.loss_and_gradient(x, t)
    assert loss == pytest.approx(net.loss(x, t), rel=1e-14)
    assert set(grads) == {"W1", "b1", "W2", "b2"}


def test_one_hot_and_labels_agree_everywhere():
    net, x, t = small_problem(seed=2)
    one_hot = np.eye(3)[t]
    assert net.loss(x, t) == net.loss(x, one_hot)
    assert net.accuracy(x, t) == net.accuracy(x, one_hot)
    for key, g in net.gradient(x, t).items():
        np.testing.assert_array_equal(g, net.gradient(x, one_hot)[key])
    for key, g in net.numerical_gradient(x, t).items():
        np.testing.assert_array_equal(g, net.numerical_gradient(x, one_hot)[key])


def test_accuracy_counts_correct_rows():
    net, x, _ = small_problem(seed=3)
    predicted = net.predict(x).argmax(axis=1)
    assert net.accuracy(x, predicted) == 1.0
    wrong = (predicted + 1) % 3
    assert net.accuracy(x, wrong) == 0.0
    mixed = predicted.copy()
    mixed[:2] = wrong[:2]
    assert net.accuracy(x, mixed) == pytest.approx(5 / 7)


def test_float32_net_trains_like_float64():
    net64, x, t = small_problem(seed=4)
    net32 = TwoLayerNet(5, 4, 3, weight_init_std=0.5, seed=4, dtype=np.float32)
    assert net32.params["W1"].dtype == np.float32
    g32, g64 = net32.gradient(x.astype(np.float32), t), net64.gradient(x, t)
    for key in g64:
        assert g32[key].dtype == np.float32
        np.testing.assert_allclose(g32[key], g64[key], atol=1e-5)


def test_wrong_input_width_names_expected_width():
    net = TwoLayerNet(784, 50, 10, seed=0)
    with pytest.raises(ValueError, match=r"width 784.*got shape \(2, 28, 28\)"):
        net.predict(np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match="width 784"):
        net.loss(np.zeros((2, 100)), np.array([1, 2]))


def test_target_count_must_match_inputs():
    net, x, t = small_problem()
    for method in (net.loss, net.accuracy, net.gradient, net.numerical_gradient):
        with pytest.raises(ValueError, match="7 inputs but 6 targets"):
            method(x, t[:6])


def test_label_out_of_range_in_net():
    net, x, t = small_problem()
    t = t.copy()
    t[0] = 3
    with pytest.raises(ValueError, match="label 3 is outside 0..2"):
        net.accuracy(x, t)


@pytest.mark.parametrize(
    "sizes, error, message",
    [
        ((0, 5, 3), ValueError, "input_size must be at least 1, got 0"),
        ((4, -1, 3), ValueError, "hidden_size must be at least 1, got -1"),
        ((4, 5, 0), ValueError, "output_size must be at least 1, got 0"),
        ((4, 2.5, 3), TypeError, r"hidden_size must be a whole number \(an int\), got 2.5"),
    ],
)
def test_non_positive_layer_size(sizes, error, message):
    with pytest.raises(error, match=message):
        TwoLayerNet(*sizes)


@pytest.mark.parametrize("std", [float("nan"), float("inf"), -0.01, 0.0])
def test_weight_init_std_must_be_a_positive_finite_number(std):
    with pytest.raises(ValueError, match="weight_init_std must be a finite number > 0"):
        TwoLayerNet(4, 3, 2, weight_init_std=std)


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble, np.int32, complex])
def test_two_layer_net_dtype_is_float32_or_float64(dtype):
    with pytest.raises(TypeError, match="np.float32 or np.float64"):
        TwoLayerNet(4, 3, 2, dtype=dtype)


def test_two_layer_net_too_large_to_allocate_is_refused_with_its_size():
    # 10**6 × 10**6 weights: numpy would raise MemoryError (7 TiB)
    with pytest.raises(ValueError, match=r"weights of a 1000000-1000000-10 net would take 7.45e\+03 GiB"):
        TwoLayerNet(10**6, 10**6, 10)


def test_inputs_beyond_float32_are_refused_not_turned_into_nan():
    net32 = TwoLayerNet(5, 4, 3, weight_init_std=0.5, seed=0, dtype=np.float32)
    x = np.full((2, 5), 1e300)  # finite in float64, inf in float32
    for method in (net32.loss, net32.accuracy, net32.gradient):
        with pytest.raises(ValueError, match="do not fit the net's float32"):
            method(x, [0, 1])
    with pytest.raises(ValueError, match="do not fit the net's float32"):
        net32.predict(x)


def test_forward_pass_that_overflows_is_refused_not_returned_as_nan():
    # finite weights whose class-0 score sums to 4 × 1e308 = inf; softmax would make it NaN
    net, x, t = small_problem()
    net.params["b1"][:] = 50.0  # every hidden unit outputs 1
    net.params["W2"][:, 0] = 1e308
    for method in (net.loss, net.accuracy, net.gradient, net.fast_numerical_gradient):
        with pytest.raises(ValueError, match="overflow float64 .* with these weights|too large for these weights"):
            method(x, t)
    with pytest.raises(ValueError, match="overflow float64"):
        net.predict(x)


def test_parameters_holding_nan_are_reported_by_every_method():
    # e.g. after a learner's own diverged update loop; argmax would count NaN rows as class 0
    net, x, t = small_problem()
    net.params["b2"][1] = np.nan
    for method in (net.loss, net.accuracy, net.gradient, net.numerical_gradient):
        with pytest.raises(ValueError, match=r"params\['b2'\] holds NaN or inf"):
            method(x, t)
    with pytest.raises(ValueError, match=r"\['b2'\] hold NaN or inf"):
        net.fast_numerical_gradient(x, t)
    with pytest.raises(ValueError, match=r"params\['b2'\] holds NaN or inf"):
        net.predict(x)
    # an infinite weight may only saturate a sigmoid, but it has no central difference
    net, x, t = small_problem()
    net.params["W1"][0, 0] = np.inf
    with pytest.raises(ValueError, match=r"numerical_gradient: params\['W1'\] holds NaN or inf"):
        net.numerical_gradient(x, t)


@pytest.mark.parametrize(
    "x, error, message",
    [
        (np.zeros((2, 5), dtype=bool), TypeError, "dtype bool"),
        (np.zeros((2, 5), dtype=complex), TypeError, "complex"),
        (np.zeros((2, 5), dtype=object), TypeError, "real numbers"),
        (np.full((2, 5), np.inf), ValueError, "NaN or inf"),
    ],
)
def test_two_layer_net_refuses_inputs_that_are_not_finite_real_numbers(x, error, message):
    net, _, _ = small_problem()
    with pytest.raises(error, match=message):
        net.loss(x, [0, 1])


def test_simple_net_refuses_weights_and_inputs_without_a_finite_score():
    with pytest.raises(TypeError, match="complex"):
        SimpleNet(W=np.array(BOOK_W) + 1j)  # would drop the imaginary part with a warning
    with pytest.raises(ValueError, match="NaN or inf"):
        SimpleNet(W=[[np.nan, 0, 0], [0, 0, 0]])
    net = SimpleNet(W=BOOK_W)
    with pytest.raises(ValueError, match="overflow float64"):
        net.predict(np.array([1.7e308, 1.7e308]))  # 1.33 × 1.7e308 in the first column
    net.W[0, 0] = np.inf
    with pytest.raises(ValueError, match="W holds NaN or inf"):
        net.loss(X, T)


def test_simple_net_copies_the_weights_it_is_given():
    W = np.array(BOOK_W)
    net = SimpleNet(W=W)
    net.W -= 1.0
    np.testing.assert_array_equal(W, BOOK_W)
