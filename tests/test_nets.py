"""SimpleNet and TwoLayerNet: the book's example, backprop against the numerical gradient, label forms, bad input."""

import numpy as np
import pytest

from dlfs import SimpleNet, TwoLayerNet, numerical_gradient

BOOK_W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]]
X = np.array([0.6, 0.9])
T = np.array([0, 0, 1])
KEYS = ("W1", "b1", "W2", "b2")


def test_simple_net_book_example():
    net = SimpleNet(W=BOOK_W)
    np.testing.assert_allclose(net.predict(X), [1.05414809, 0.63071653, 1.1328074], atol=1e-8)
    dW = numerical_gradient(lambda W: net.loss(X, T), net.W)
    # the printed W is rounded to 8 digits, so dW agrees with the book's to about 1e-7
    book_dW = [[0.21924763, 0.14356247, -0.36281009], [0.32887144, 0.2153437, -0.54421514]]
    np.testing.assert_allclose(dW, book_dW, atol=2e-7)
    np.testing.assert_array_equal(net.W, BOOK_W)
    assert net.loss(X, 2) == net.loss(X, T)
    net.W -= 0.1 * dW
    assert net.loss(X, T) < 0.9280682857864075  # one step lowers the book's loss


def test_simple_net_seed_and_copied_weights():
    np.testing.assert_array_equal(SimpleNet(seed=3).W, SimpleNet(seed=3).W)
    assert not np.array_equal(SimpleNet(seed=3).W, SimpleNet(seed=4).W)
    W = np.array(BOOK_W)
    SimpleNet(W=W).W -= 1.0
    np.testing.assert_array_equal(W, BOOK_W)


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda net: net.loss(X, np.array([0, 1])), ValueError),  # a target of the wrong length
        (lambda net: net.predict(np.array([1.0, 2.0, 3.0])), ValueError),  # 3 features, not 2
        (lambda net: net.predict(np.array([1.7e308, 1.7e308])), ValueError),  # the scores overflow
        (lambda net: SimpleNet(W=np.array(BOOK_W) + 1j), TypeError),
        (lambda net: SimpleNet(W=[[np.nan, 0, 0], [0, 0, 0]]), ValueError),
        (lambda net: SimpleNet(W=np.zeros((3, 2))), ValueError),
    ],
)
def test_simple_net_bad_input(call, error):
    with pytest.raises(error):
        call(SimpleNet(W=BOOK_W))


def small_problem(seed=0, n=7, sizes=(5, 4, 3)):
    rng = np.random.default_rng(seed)
    net = TwoLayerNet(*sizes, weight_init_std=0.5, seed=seed)
    return net, rng.standard_normal((n, sizes[0])), rng.integers(0, sizes[2], size=n)


def test_two_layer_net_shapes_dtypes_and_seed():
    net = TwoLayerNet(784, 100, 10, seed=0)
    assert {k: v.shape for k, v in net.params.items()} == {"W1": (784, 100), "b1": (100,), "W2": (100, 10), "b2": (10,)}
    assert all(v.dtype == np.float64 for v in net.params.values())
    assert all(np.array_equal(v, TwoLayerNet(784, 100, 10, seed=0).params[k]) for k, v in net.params.items())
    assert np.std(net.params["W1"]) == pytest.approx(0.01, rel=0.05)
    assert TwoLayerNet(4, 3, 2, dtype=np.float32).params["b2"].dtype == np.float32


def test_predict_loss_and_accuracy():
    net, x, t = small_problem()
    y = net.predict(x)
    assert y.shape == (7, 3)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    np.testing.assert_allclose(net.predict(x[0]), y[0])  # one sample of shape (input,)
    assert net.loss(x[0], t[0]) == pytest.approx(-np.log(y[0, t[0]] + 1e-7))
    predicted = y.argmax(axis=1)
    assert net.accuracy(x, predicted) == 1.0 and net.accuracy(x, (predicted + 1) % 3) == 0.0
    assert net.accuracy(x, np.r_[(predicted[:2] + 1) % 3, predicted[2:]]) == pytest.approx(5 / 7)


def test_backprop_agrees_with_the_numerical_gradient():
    net, x, t = small_problem()
    numerical, backprop = net.numerical_gradient(x, t), net.gradient(x, t)
    assert backprop.loss == pytest.approx(net.loss(x, t), rel=1e-14)  # the loss of its forward pass
    for key in KEYS:
        # the book's 1e-7 inside the log makes the exact derivatives differ by O(1e-7)
        np.testing.assert_allclose(backprop[key], numerical[key], atol=1e-6, err_msg=key)


def test_one_hot_and_labels_agree_everywhere():
    net, x, t = small_problem(seed=2)
    one_hot = np.eye(3)[t]
    assert net.loss(x, t) == net.loss(x, one_hot) and net.accuracy(x, t) == net.accuracy(x, one_hot)
    for method in (net.gradient, net.numerical_gradient, net.fast_numerical_gradient):
        a, b = method(x, t), method(x, one_hot)
        assert all(np.array_equal(a[k], b[k]) for k in KEYS)


def test_float32_net_computes_like_float64():
    net64, x, t = small_problem(seed=4)
    net32 = TwoLayerNet(5, 4, 3, weight_init_std=0.5, seed=4, dtype=np.float32)
    g32, g64 = net32.gradient(x.astype(np.float32), t), net64.gradient(x, t)
    for key in KEYS:
        assert g32[key].dtype == np.float32
        np.testing.assert_allclose(g32[key], g64[key], atol=1e-5)


def test_a_subclass_is_used_consistently():
    class Relu(TwoLayerNet):
        def predict(self, x):
            return np.full((len(x), self.output_size), 1 / self.output_size)  # a constant guess

    net, x, t = small_problem()
    relu = Relu(5, 4, 3, weight_init_std=0.5, seed=0)
    assert relu.loss(x, t) == pytest.approx(np.log(3), rel=1e-6)  # loss calls the subclass's predict
    assert all(np.allclose(g, 0) for g in relu.numerical_gradient(x, t).values())  # and the loop its loss
    assert net.loss(x, t) != relu.loss(x, t)


@pytest.mark.parametrize(
    "method", ["predict", "loss", "accuracy", "gradient", "numerical_gradient", "fast_numerical_gradient"]
)
@pytest.mark.parametrize(
    "x, t, error, problem",
    [
        (np.zeros((2, 28, 28)), [0, 1], ValueError, r"shape \(N, 5\)"),
        (np.zeros((2, 6)), [0, 1], ValueError, r"shape \(N, 5\)"),
        (np.zeros((2, 5), dtype=bool), [0, 1], TypeError, "bool"),
        (np.zeros((2, 5), dtype=complex), [0, 1], TypeError, "real numbers"),
        (np.zeros((2, 5), dtype=object), [0, 1], TypeError, "real numbers"),
        (np.full((2, 5), np.inf), [0, 1], ValueError, "NaN or inf"),
        (np.array([[0.0] * 4 + [np.nan]] * 2), [0, 1], ValueError, "NaN or inf"),
        (np.zeros((2, 5)), [0, 1, 2], ValueError, "targets"),
        (np.zeros((2, 5)), [0, 3], ValueError, "0..2"),
        (np.zeros((2, 5)), [0, -1], ValueError, "0..2"),
        (np.zeros((2, 5)), [0.5, 1], TypeError, "whole numbers"),
        (np.zeros((0, 5)), np.zeros(0, int), ValueError, "empty|N, C >= 1"),
    ],
)
def test_bad_input_is_named_by_every_method(method, x, t, error, problem):
    net, _, _ = small_problem()
    if method == "predict" and (len(x) == 0 or "targets" in problem or "0..2" in problem or "whole" in problem):
        pytest.skip("predict takes no targets; an empty batch has empty predictions")
    args = (x,) if method == "predict" else (x, t)
    with pytest.raises(error, match=problem):
        getattr(net, method)(*args)


@pytest.mark.parametrize("key, value", [("b2", np.nan), ("W1", np.inf), ("W2", -np.inf)])
def test_parameters_holding_nan_or_inf_are_named_by_every_method(key, value):
    net, x, t = small_problem()
    net.params[key].flat[0] = value  # e.g. after a learner's own diverged update loop
    for method in (net.loss, net.accuracy, net.gradient, net.numerical_gradient, net.fast_numerical_gradient):
        with pytest.raises(ValueError, match=rf"params\['{key}'\] holds NaN or inf"):
            method(x, t)
    with pytest.raises(ValueError, match=rf"params\['{key}'\]"):
        net.predict(x)


def test_values_beyond_the_nets_dtype_are_refused_not_turned_into_nan():
    net, x, t = small_problem()
    net.params["b1"][:] = 50.0  # every hidden unit outputs 1 ...
    net.params["W2"][:, 0] = 1e308  # ... and the class-0 score sums to 4e308 = inf
    for method in (net.loss, net.accuracy, net.gradient, net.fast_numerical_gradient):
        with pytest.raises(ValueError, match="overflow|too large"):
            method(x, t)
    net32 = TwoLayerNet(5, 4, 3, seed=0, dtype=np.float32)
    for method in (net32.loss, net32.accuracy, net32.gradient):
        with pytest.raises(ValueError, match="too large for the net's float32"):
            method(np.full((2, 5), 1e300), [0, 1])  # finite in float64, inf in float32


@pytest.mark.parametrize(
    "args, error",
    [
        ((0, 5, 3), ValueError),
        ((4, -1, 3), ValueError),
        ((4, 2.5, 3), TypeError),
        ((4, True, 3), TypeError),
        ((4, 3, 2, float("nan")), ValueError),
        ((4, 3, 2, 0.0), ValueError),
        ((4, 3, 2, "0.01"), TypeError),
        ((4, 3, 2, 1e300, 0, np.float32), ValueError),  # weights that overflow float32
    ],
)
def test_bad_sizes_and_scales(args, error):
    with pytest.raises(error):
        TwoLayerNet(*args)


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble, np.int32, complex, "bogus"])
def test_the_dtype_is_float32_or_float64(dtype):
    with pytest.raises(TypeError):
        TwoLayerNet(4, 3, 2, dtype=dtype)
