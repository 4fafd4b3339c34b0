"""fast_numerical_gradient: the same central differences as the book's loop, entry by entry."""

import math
import tracemalloc

import numpy as np
import pytest

from dlfs import TwoLayerNet
from dlfs import fast_gradient as fg
from dlfs.fast_gradient import fast_numerical_gradient, series_order

KEYS = ("W1", "b1", "W2", "b2")


def make_net(sizes=(6, 4, 3), seed=0, scale=1.0):
    """A small float64 net with non-zero biases and weights of the given size."""
    rng = np.random.default_rng(seed)
    net = TwoLayerNet(*sizes, weight_init_std=scale, seed=seed)
    net.params["b1"][:] = rng.standard_normal(sizes[1])
    net.params["b2"][:] = rng.standard_normal(sizes[2])
    return net


def sparse_inputs(n, d, seed=1, density=0.3):
    """Inputs shaped like MNIST rows: mostly exact zeros, the rest in (0, 1], some repeated."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 256, size=(n, d)) / 255.0
    x[rng.random((n, d)) > density] = 0.0
    return x


def assert_matches_loop(net, x, t, atol=1e-10):
    before = {k: v.copy() for k, v in net.params.items()}
    fast = net.fast_numerical_gradient(x, t)
    for k in KEYS:  # read only: the parameters are untouched, bit for bit
        np.testing.assert_array_equal(net.params[k], before[k])
    loop = net.numerical_gradient(x, t)
    for k in KEYS:
        assert fast[k].shape == net.params[k].shape and fast[k].dtype == np.float64
        err = float(np.max(np.abs(fast[k] - loop[k])))
        assert err <= atol, f"{k}: max |fast - loop| = {err:.3g} > {atol}"
        # not trivially zero: the loop's gradient is of order 1e-3..1 here
        assert np.max(np.abs(loop[k])) > 1e-4
    return fast, loop


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sparse_inputs_integer_labels(seed):
    net = make_net(seed=seed)
    x = sparse_inputs(9, 6, seed=seed)
    t = np.random.default_rng(seed).integers(0, 3, size=9)
    assert_matches_loop(net, x, t)


def test_inputs_with_no_zeros():
    net = make_net((5, 7, 4), seed=3)
    x = np.random.default_rng(3).standard_normal((8, 5))
    assert np.all(x != 0)
    assert_matches_loop(net, x, np.arange(8) % 4)


def test_batch_of_one_as_row_and_as_vector():
    net = make_net(seed=4)
    x = sparse_inputs(1, 6, seed=4, density=0.6)
    fast_row, _ = assert_matches_loop(net, x, np.array([2]))
    fast_vec, _ = assert_matches_loop(net, x[0], 2)  # one sample of shape (D,), scalar label
    for k in KEYS:
        np.testing.assert_array_equal(fast_row[k], fast_vec[k])


def test_one_hot_and_integer_labels_give_the_same_gradient():
    net = make_net((6, 5, 4), seed=5)
    x = sparse_inputs(10, 6, seed=5)
    labels = np.random.default_rng(5).integers(0, 4, size=10)
    one_hot = np.eye(4)[labels]
    fast_hot, _ = assert_matches_loop(net, x, one_hot)
    fast_int = net.fast_numerical_gradient(x, labels)
    for k in KEYS:
        np.testing.assert_array_equal(fast_hot[k], fast_int[k])


@pytest.mark.parametrize("pixel_scale, w2_scale, expect_direct", [(20.0, 3.0, False), (255.0, 6.0, True)])
def test_large_nudges_use_more_terms_or_direct_expm1_and_still_match(pixel_scale, w2_scale, expect_direct):
    # unnormalised pixels and large output weights: each nudge moves the logits far,
    # so the series needs many terms, or hands over to one np.expm1 per class
    net = make_net((6, 4, 3), seed=6, scale=0.02)
    net.params["W2"] *= w2_scale / 0.02
    x = sparse_inputs(7, 6, seed=6) * pixel_scale
    t = np.array([0, 1, 2, 0, 1, 2, 0])
    order = series_order(1e-4 * pixel_scale / 4 * float(np.max(np.abs(net.params["W2"]))))
    if expect_direct:
        assert order is None
    else:
        assert order is not None and order >= 5
    assert_matches_loop(net, x, t, atol=1e-10)


def test_saturated_hidden_units_and_confident_outputs():
    # sigmoid(±800) saturates (exp overflows on the naive path); softmax near 0 or 1
    net = make_net((4, 3, 3), seed=7, scale=2.0)
    net.params["b1"][:] = [800.0, -800.0, 0.5]
    net.params["b2"][:] = [12.0, -12.0, 0.0]
    x = sparse_inputs(6, 4, seed=7, density=0.7)
    t = np.array([0, 1, 2, 1, 0, 2])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        fast = net.fast_numerical_gradient(x, t)
    loop = net.numerical_gradient(x, t)
    for k in KEYS:
        np.testing.assert_allclose(fast[k], loop[k], rtol=0, atol=1e-10)
    # a saturated unit's weights get (numerically) nothing
    assert np.max(np.abs(fast["W1"][:, :2])) < 1e-12


def test_series_and_direct_expm1_agree_to_rounding():
    net = make_net((30, 8, 10), seed=8, scale=0.5)
    x = sparse_inputs(20, 30, seed=8, density=0.2)
    t = np.arange(20) % 10
    series = net.fast_numerical_gradient(x, t)
    direct = net.fast_numerical_gradient(x, t, series=False)
    for k in KEYS:
        scale = float(np.max(np.abs(direct[k])))
        assert float(np.max(np.abs(series[k] - direct[k]))) <= 1e-13 * scale


def test_chunk_size_does_not_change_the_result():
    net = make_net((12, 5, 4), seed=9)
    x = sparse_inputs(15, 12, seed=9)
    t = np.arange(15) % 4
    ref = net.fast_numerical_gradient(x, t)
    # the blocks' partial sums are added in another order, so the results agree to rounding (a few ulp), not bit
    # for bit: which BLAS kernel runs depends on the block's shape and on the CPU
    for chunk in (1, 7, 10_000):
        out = net.fast_numerical_gradient(x, t, chunk=chunk)
        for k in KEYS:
            scale = float(np.max(np.abs(ref[k])))
            assert float(np.max(np.abs(out[k] - ref[k]))) <= 1e-14 * scale, (chunk, k)


def test_method_on_two_layer_net_delegates():
    net = make_net(seed=10)
    x = sparse_inputs(5, 6, seed=10)
    t = np.eye(3)[[0, 1, 2, 2, 1]]
    via_method = net.fast_numerical_gradient(x, t)
    direct = fast_numerical_gradient(net.params, x, np.array([0, 1, 2, 2, 1]))
    for k in KEYS:
        np.testing.assert_array_equal(via_method[k], direct[k])


def test_other_step_sizes_follow_the_loop():
    from dlfs import numerical_gradient

    net = make_net(seed=11)
    x = sparse_inputs(6, 6, seed=11)
    t = np.arange(6) % 3
    for h in (1e-3, 1e-2):
        fast = net.fast_numerical_gradient(x, t, h=h)
        loop = numerical_gradient(lambda _: net.loss(x, t), net.params["W1"], h=h)
        np.testing.assert_allclose(fast["W1"], loop, rtol=0, atol=1e-10)


def test_series_order_bound():
    for bound in (1e-8, 1e-5, 1e-4, 1e-3, 1e-2):
        m = series_order(bound)
        assert m is not None
        tail = bound**m * math.exp(bound) / math.factorial(m + 1)
        assert tail <= fg._TAIL
        if m > 1:  # and it is the lowest such power
            assert bound ** (m - 1) * math.exp(bound) / math.factorial(m) > fg._TAIL
    assert series_order(0.0) == 1
    assert series_order(0.5) is None  # too large: every expm1 is evaluated directly


def test_real_mnist_slice_matches_loop():
    from dlfs import load_mnist
    from dlfs.datasets import CACHE_NAME, default_data_dir

    if not (default_data_dir() / CACHE_NAME).is_file():
        pytest.skip("MNIST not cached: run python -m dlfs fetch-mnist")
    (x_train, t_train), _ = load_mnist()
    net = TwoLayerNet(784, 2, 10, seed=0)  # small, so the loop (3,204 forward passes) is quick
    x, t = x_train[:6], t_train[:6]
    assert_matches_loop(net, x, t, atol=1e-10)


# -- bad input -------------------------------------------------------------------


def test_float32_net_is_refused_with_a_fix():
    net = TwoLayerNet(4, 3, 2, seed=0, dtype=np.float32)
    with pytest.raises(TypeError, match="dtype=np.float64"):
        net.fast_numerical_gradient(np.ones((2, 4)), [0, 1])


@pytest.mark.parametrize(
    "options, error",
    [
        ({"h": 0}, ValueError),
        ({"h": float("nan")}, ValueError),
        ({"h": "1e-4"}, TypeError),
        ({"h": True}, TypeError),
        ({"chunk": 0}, ValueError),
        ({"chunk": 2.5}, TypeError),
        ({"series": "False"}, TypeError),  # a string where a bool is meant
    ],
)
def test_bad_options(options, error):
    with pytest.raises(error):
        make_net().fast_numerical_gradient(np.ones((2, 6)), [0, 1], **options)


def test_called_directly_it_checks_its_arguments_too():
    net = make_net()
    with pytest.raises(ValueError, match="N >= 1"):
        fast_numerical_gradient(net.params, np.zeros((0, 6)), np.zeros(0, dtype=np.intp))
    with pytest.raises(ValueError, match="0..2"):
        fast_numerical_gradient(net.params, np.ones((2, 6)), np.array([0, 3]))


def test_a_gradient_that_is_not_finite_is_refused():
    net = make_net()
    x = sparse_inputs(3, 6, density=1.0)
    with pytest.raises(ValueError, match="too large"):  # h = 1e300 saturates every sigmoid: 0/0 or overflow
        net.fast_numerical_gradient(x, [0, 1, 2], h=1e300)


def test_memory_stays_bounded_whatever_the_batch_size():
    # peak memory of one call, as tracemalloc sees numpy's allocations: a fixed bound, not one that grows with N
    net = make_net((300, 20, 10), seed=13, scale=0.1)
    peaks = {}
    for n in (200, 2000):
        x, t = sparse_inputs(n, 300, seed=n, density=0.5), np.arange(n) % 10
        tracemalloc.start()
        net.fast_numerical_gradient(x, t, chunk=20_000)
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    bound = 24 * 20_000 * 20  # the docstring's 24 · chunk · hidden_size bytes
    assert peaks[200] <= bound and peaks[2000] <= bound + 2000 * 32, peaks  # plus a few numbers per sample


# -- more accurate than the loop --------------------------------------------------


def _long_double_loss(p, x, t):
    a1 = x @ p["W1"] + p["b1"]
    z1 = 1 / (1 + np.exp(-a1))
    a2 = z1 @ p["W2"] + p["b2"]
    e = np.exp(a2 - a2.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    return -np.sum(np.log(y[np.arange(len(t)), t] + np.longdouble("1e-7"))) / len(t)


def _long_double_central_differences(net, x, t, h=1e-4):
    """The book's loop, evaluated in 80-bit long double (no float() rounding of the loss)."""
    p = {k: v.astype(np.longdouble) for k, v in net.params.items()}
    x = np.asarray(x, dtype=np.longdouble)
    out = {}
    for k in KEYS:
        g = np.zeros(p[k].shape, dtype=np.longdouble)
        for idx in np.ndindex(p[k].shape):
            orig = p[k][idx]
            p[k][idx] = orig + np.longdouble(h)
            up = _long_double_loss(p, x, t)
            p[k][idx] = orig - np.longdouble(h)
            down = _long_double_loss(p, x, t)
            p[k][idx] = orig
            g[idx] = (up - down) / (2 * np.longdouble(h))
        out[k] = g
    return out


@pytest.mark.skipif(np.finfo(np.longdouble).eps > 1e-18, reason="long double is not wider than float64 here")
def test_closer_to_a_long_double_reference_than_the_loop():
    # The loop subtracts two float64 losses near 2.3, so each entry carries about
    # 1e-16 / 2e-4 = 1e-12 of rounding; the per-sample differences do not.
    rng = np.random.default_rng(12)
    net = make_net((30, 8, 10), seed=12, scale=0.5)
    x = rng.random((20, 30))
    x[rng.random((20, 30)) < 0.7] = 0.0
    t = rng.integers(0, 10, size=20)
    ref = _long_double_central_differences(net, x, t)
    fast = net.fast_numerical_gradient(x, t)
    loop = net.numerical_gradient(x, t)
    fast_err = max(float(np.max(np.abs(fast[k] - ref[k]))) for k in KEYS)
    loop_err = max(float(np.max(np.abs(loop[k] - ref[k]))) for k in KEYS)
    assert fast_err < 1e-13
    assert fast_err < loop_err / 100
