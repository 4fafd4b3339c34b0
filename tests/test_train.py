"""Tests for dlfs.train: the SGD loop, its history, divergence, validation and the CLI.

All on small synthetic data, so they run in seconds and need no MNIST download.
"""

import json
import math

import numpy as np
import pytest

from dlfs import TrainHistory, TrainingDiverged, TwoLayerNet, sigmoid, softmax
from dlfs.nets import two_layer_correct, two_layer_loss_and_gradient
from dlfs.train import DIVERGE_WINDOW, TrainingStalled, train


def blobs(n=600, d=20, c=3, seed=1, spread=1.0):
    """n points in d dimensions around c random centres; labels 0..c-1 (int64)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1.5, size=(c, d))
    t = rng.integers(0, c, size=n)
    x = centres[t] + spread * rng.normal(size=(n, d))
    return x.astype(np.float32), t


@pytest.fixture
def data():
    x, t = blobs(800)
    return x[:600], t[:600], x[600:], t[600:]


def small_net(dtype=np.float64, seed=0, d=20, h=10, c=3):
    return TwoLayerNet(d, h, c, weight_init_std=0.1, seed=seed, dtype=dtype)


# ---------------------------------------------------------------------------
# the lean path is the same SGD on the same network
# ---------------------------------------------------------------------------
def book_loss_and_gradient(params, x, t):
    """TwoLayerNet's forward and backward pass written plainly, one line per step, as the book does."""
    a1 = x @ params["W1"] + params["b1"]
    z1 = sigmoid(a1)
    y = softmax(z1 @ params["W2"] + params["b2"])
    n = x.shape[0]
    loss = -np.sum(np.log(y[np.arange(n), t] + 1e-7)) / n
    dy = (y - np.eye(y.shape[1])[t]) / n
    da1 = (dy @ params["W2"].T) * (1 - z1) * z1
    return loss, {"W1": x.T @ da1, "b1": da1.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}


def test_the_kernel_is_the_books_forward_and_backward_pass(data):
    x, t, _, _ = data
    net = small_net()
    xb = x[:50].astype(np.float64)
    params = {k: v.copy() for k, v in net.params.items()}
    loss, grads = two_layer_loss_and_gradient(params, xb, t[:50].astype(np.intp))
    book_loss, book_grads = book_loss_and_gradient(net.params, xb, t[:50])
    assert math.isclose(loss, book_loss, rel_tol=1e-12)
    for key in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(grads[key], book_grads[key], rtol=1e-10, atol=1e-14)
        np.testing.assert_array_equal(params[key], net.params[key])  # the kernel does not touch params
    # and the net's own method is the kernel after its checks
    method_loss, method_grads = net.loss_and_gradient(xb, t[:50])
    assert method_loss == loss and all(np.array_equal(method_grads[k], grads[k]) for k in grads)


def test_kernel_accuracy_equals_net_accuracy_across_chunks(data):
    x, t, _, _ = data
    net = small_net()
    train(net, x, t, iters_num=30, batch_size=20, progress=False)
    expected = float(np.mean(net.predict(x).argmax(axis=1) == t))
    assert (
        two_layer_correct(net.params, x.astype(np.float64), t, chunk=7) / len(t) == expected
    )  # many chunks, last ragged
    assert net.accuracy(x, t) == expected


def test_fast_and_reference_loops_agree_in_float64(data):
    x, t, xt, tt = data
    a, b = small_net(), small_net()
    ha = train(a, x, t, xt, tt, iters_num=40, batch_size=25, learning_rate=0.5, progress=False, fast=True)
    hb = train(b, x, t, xt, tt, iters_num=40, batch_size=25, learning_rate=0.5, progress=False, fast=False)
    assert ha.config["fast"] and not hb.config["fast"]
    np.testing.assert_allclose(ha.loss, hb.loss, rtol=1e-10)
    assert ha.train_acc == hb.train_acc and ha.test_acc == hb.test_acc
    for key in a.params:
        np.testing.assert_allclose(a.params[key], b.params[key], rtol=1e-9, atol=1e-12)


def test_train_is_the_books_loop(data):
    """Replay the book's loop by hand with the same batch draws: same parameters after."""
    x, t, _, _ = data
    net, ref = small_net(), small_net()
    history = train(net, x, t, iters_num=25, batch_size=10, learning_rate=0.3, seed=5, progress=False)
    rng = np.random.default_rng(5)
    losses = []
    for _ in range(25):
        mask = rng.integers(0, len(x), size=10)  # what train draws: with replacement, like np.random.choice
        losses.append(ref.loss(x[mask], t[mask]))  # the loss before the update
        grad = ref.gradient(x[mask], t[mask])
        for key in ("W1", "b1", "W2", "b2"):
            ref.params[key] -= 0.3 * grad[key]
    np.testing.assert_allclose(history.loss, losses, rtol=1e-10)
    for key in ref.params:
        np.testing.assert_allclose(net.params[key], ref.params[key], rtol=1e-9, atol=1e-12)


def test_float32_training_learns_and_keeps_dtype(data):
    x, t, xt, tt = data
    net = small_net(np.float32)
    h = train(net, x, t, xt, tt, iters_num=300, batch_size=30, learning_rate=0.5, progress=False)
    assert all(p.dtype == np.float32 for p in net.params.values())
    assert np.mean(h.loss[-30:]) < 0.5 * np.mean(h.loss[:30])
    assert h.test_acc[-1] > 0.9 and h.test_acc[-1] > h.test_acc[0]


def test_one_hot_targets_train_like_labels(data):
    x, t, xt, tt = data
    a, b = small_net(), small_net()
    ha = train(a, x, t, xt, tt, iters_num=20, batch_size=10, progress=False)
    hb = train(b, x, np.eye(3)[t], xt, np.eye(3)[tt], iters_num=20, batch_size=10, progress=False)
    assert ha.loss == hb.loss and ha.test_acc == hb.test_acc


# ---------------------------------------------------------------------------
# reproducibility and the epoch schedule
# ---------------------------------------------------------------------------
def test_same_seed_same_history_other_seed_differs(data):
    x, t, xt, tt = data
    h1 = train(small_net(), x, t, xt, tt, iters_num=30, batch_size=10, seed=3, progress=False)
    h2 = train(small_net(), x, t, xt, tt, iters_num=30, batch_size=10, seed=3, progress=False)
    h3 = train(small_net(), x, t, xt, tt, iters_num=30, batch_size=10, seed=4, progress=False)
    assert h1.loss == h2.loss and h1.train_acc == h2.train_acc
    assert h1.loss != h3.loss


def test_evaluates_once_per_epoch_like_the_book(data):
    x, t, xt, tt = data  # 600 training rows
    h = train(small_net(), x, t, xt, tt, iters_num=20, batch_size=100, progress=False)
    assert h.config["iter_per_epoch"] == 6
    assert h.epoch_iters == [0, 6, 12, 18, 19]  # the book's `i % iter_per_epoch == 0`, then the last update
    assert len(h.loss) == 20 and len(h.train_acc) == len(h.test_acc) == 5


def test_mnist_schedule_gives_the_books_17_evaluations_and_one_of_the_final_net():
    # 600 rows with batch 1 has iter_per_epoch 600, as MNIST's 60,000 with batch 100
    x, t = blobs(600, d=4)
    h = train(TwoLayerNet(4, 3, 3, seed=0), x, t, iters_num=10_000, batch_size=1, learning_rate=0.01, progress=False)
    assert len(h.epoch_iters) == 18 and h.epoch_iters[-2:] == [9600, 9999]


def test_fractional_epochs_evaluate_at_the_first_iteration_past_each_epoch():
    x, t = blobs(1000)
    h = train(small_net(), x, t, iters_num=11, batch_size=300, progress=False)
    # iter_per_epoch = 3.33...: the book's float test `i % 3.33 == 0` would fire only at 0
    assert h.epoch_iters == [0, 4, 7, 10]
    assert h.test_acc == []  # no test set given


def test_batch_size_equal_to_train_size_evaluates_every_iteration(data):
    x, t, _, _ = data
    h = train(small_net(), x[:50], t[:50], iters_num=3, batch_size=50, progress=False)
    assert h.epoch_iters == [0, 1, 2]


# ---------------------------------------------------------------------------
# history
# ---------------------------------------------------------------------------
def test_history_json_round_trip(tmp_path, data):
    x, t, xt, tt = data
    h = train(small_net(), x, t, xt, tt, iters_num=12, batch_size=100, progress=False)
    text = h.to_json(tmp_path / "h.json")
    assert json.loads(text)["config"]["iters_num"] == 12
    back = TrainHistory.from_json(tmp_path / "h.json")
    assert back == TrainHistory.from_json(text)
    assert back.loss == h.loss and back.epoch_iters == h.epoch_iters and back.config == h.config
    assert h.elapsed > 0
    assert [p.name for p in tmp_path.iterdir()] == ["h.json"]  # no temporary file left over


def test_progress_bar_goes_to_stderr(data, capsys):
    x, t, xt, tt = data
    train(small_net(), x, t, xt, tt, iters_num=10, batch_size=10, progress=True)
    err = capsys.readouterr().err
    assert "10/10" in err and "SGD lr=0.1" in err


# ---------------------------------------------------------------------------
# divergence
# ---------------------------------------------------------------------------
def test_too_large_learning_rate_stops_with_diverged(data):
    x, t, xt, tt = data
    net = small_net(np.float32)
    with pytest.raises(TrainingDiverged, match=r"diverged at iteration \d+.*learning_rate=1000") as info:
        train(net, x, t, xt, tt, iters_num=2000, batch_size=10, learning_rate=1000, progress=False)
    err = info.value
    assert DIVERGE_WINDOW - 1 <= err.iteration < 2000
    assert len(err.history.loss) == err.iteration + 1
    assert all(math.isfinite(v) for v in err.history.loss)
    assert err.loss > 1.5 * err.history.loss[0]


def test_diverge_check_can_be_turned_off(data):
    x, t, _, _ = data
    h = train(
        small_net(np.float32),
        x,
        t,
        iters_num=200,
        batch_size=10,
        learning_rate=1000,
        progress=False,
        diverge_factor=None,
    )
    assert len(h.loss) == 200


def test_good_learning_rate_is_not_called_diverged(data):
    x, t, _, _ = data
    h = train(small_net(), x, t, iters_num=500, batch_size=10, learning_rate=1.0, progress=False)
    assert len(h.loss) == 500


class NaNAfter(TwoLayerNet):
    """A net whose loss turns NaN from the k-th call on (no real net does; this tests the guard)."""

    def __init__(self, k, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.k, self.calls = k, 0

    def loss_and_gradient(self, x, t):
        self.calls += 1
        loss, grads = super().loss_and_gradient(x, t)
        return (float("nan") if self.calls > self.k else loss), grads


def test_non_finite_loss_stops_at_that_iteration(data):
    x, t, _, _ = data
    net = NaNAfter(7, 20, 10, 3, seed=0)
    with pytest.raises(TrainingDiverged, match="diverged at iteration 7: the mini-batch loss became nan") as info:
        train(net, x, t, iters_num=100, batch_size=10, progress=False)
    assert len(info.value.history.loss) == 7
    assert math.isnan(info.value.loss)


# ---------------------------------------------------------------------------
# numerical gradient
# ---------------------------------------------------------------------------
def test_numerical_uses_fast_numerical_gradient_when_the_net_has_it(data):
    x, t, _, _ = data
    calls = []

    class Spy(TwoLayerNet):
        def fast_numerical_gradient(self, xb, tb):
            calls.append(len(xb))
            return self.gradient(xb, tb)

    h = train(Spy(20, 4, 3, seed=0), x, t, iters_num=3, batch_size=5, gradient="numerical", progress=False)
    assert calls == [5, 5, 5]
    assert h.config["gradient_method"] == "fast_numerical_gradient"


def test_numerical_falls_back_to_the_books_numerical_gradient(data):
    x, t, _, _ = data
    calls = []

    class NoFast(TwoLayerNet):
        fast_numerical_gradient = None  # hide it, whether or not TwoLayerNet has one

        def numerical_gradient(self, xb, tb):
            calls.append(len(xb))
            return super().numerical_gradient(xb, tb)

    net, ref = NoFast(20, 4, 3, seed=0), TwoLayerNet(20, 4, 3, seed=0)
    hn = train(net, x, t, iters_num=3, batch_size=5, gradient="numerical", learning_rate=0.5, progress=False)
    hb = train(ref, x, t, iters_num=3, batch_size=5, gradient="backprop", learning_rate=0.5, progress=False)
    assert calls == [5, 5, 5] and hn.config["gradient_method"] == "numerical_gradient"
    # the same SGD: numerical and backprop agree to central-difference accuracy
    np.testing.assert_allclose(hn.loss, hb.loss, rtol=1e-7)
    for key in net.params:
        np.testing.assert_allclose(net.params[key], ref.params[key], atol=1e-6)  # O(h²) = 1e-8 per step


def test_numerical_needs_float64(data):
    x, t, _, _ = data
    with pytest.raises(ValueError, match="float64"):
        train(small_net(np.float32), x, t, iters_num=1, gradient="numerical", progress=False)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"iters_num": 0}, ValueError, "iters_num must be at least 1"),
        ({"iters_num": 2.5}, TypeError, "iters_num must be a whole number"),
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
        ({"batch_size": 601}, ValueError, "larger than the training set"),
        ({"learning_rate": 0}, ValueError, "learning_rate must be a finite number > 0"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate must be a finite number > 0"),
        ({"learning_rate": float("nan")}, ValueError, "finite"),
        ({"learning_rate": float("inf")}, ValueError, "finite"),
        ({"learning_rate": "fast"}, TypeError, "learning_rate must be a number"),
        ({"gradient": "adam"}, ValueError, "'backprop' or 'numerical'"),
        ({"diverge_factor": 0.5}, ValueError, "diverge_factor"),
    ],
)
def test_bad_hyperparameters_are_named(data, kwargs, error, message):
    x, t, _, _ = data
    with pytest.raises(error, match=message):
        train(small_net(), x, t, progress=False, **kwargs)


def test_bad_data_is_named(data):
    x, t, xt, tt = data
    net = small_net()
    with pytest.raises(ValueError, match="both x_test and t_test"):
        train(net, x, t, xt, None, progress=False)
    with pytest.raises(ValueError, match="takes 20 inputs per row"):
        train(net, x[:, :5], t, progress=False)
    with pytest.raises(ValueError, match="2-D array"):
        train(net, x.reshape(600, 4, 5), t, progress=False)
    with pytest.raises(ValueError, match="600 predictions but 599 targets"):
        train(net, x, t[:-1], progress=False)
    with pytest.raises(ValueError, match="outside 0..2"):
        train(net, x, np.where(t == 0, 3, t), progress=False)
    bad = x.copy()
    bad[3, 3] = np.nan
    with pytest.raises(ValueError, match="NaN or inf"):
        train(net, bad, t, progress=False)
    with pytest.raises(TypeError, match="dict of parameter arrays"):
        train(object(), x, t, progress=False)


def test_a_net_without_numerical_gradient_trains_by_backprop_but_not_numerically(data):
    x, t, _, _ = data

    class BackpropOnly:
        """Duck-typed net: params, loss, gradient, accuracy; no numerical_gradient."""

        def __init__(self):
            self.inner = small_net()
            self.params = self.inner.params
            self.input_size, self.output_size = 20, 3

        def loss(self, xb, tb):
            return self.inner.loss(xb, tb)

        def gradient(self, xb, tb):
            return self.inner.gradient(xb, tb)

        def accuracy(self, xb, tb):
            return self.inner.accuracy(xb, tb)

    h = train(BackpropOnly(), x, t, iters_num=5, batch_size=10, seed=np.int64(2), progress=False)
    assert len(h.loss) == 5 and not h.config["fast"] and h.config["seed"] == 2
    with pytest.raises(TypeError, match="needs a net with a numerical_gradient"):
        train(BackpropOnly(), x, t, iters_num=1, gradient="numerical", progress=False)


def test_blas_threads_are_limited_during_training_and_restored(data):
    from dlfs.blas import blas_thread_limit, openblas_thread_controls

    controls = openblas_thread_controls()
    if controls is None:
        pytest.skip("numpy here does not use OpenBLAS; blas_thread_limit is a no-op")
    setter, getter = controls
    initial = getter()
    setter(2)  # a known start other than 1 (make test runs with OPENBLAS_NUM_THREADS=1)
    before = getter()
    seen = []

    class Spy(TwoLayerNet):
        def loss_and_gradient(self, xb, tb):
            seen.append(getter())
            return super().loss_and_gradient(xb, tb)

    x, t, _, _ = data
    train(Spy(20, 4, 3, seed=0), x, t, iters_num=2, batch_size=5, progress=False, blas_threads=1)
    assert seen == [1, 1] and getter() == before
    with pytest.raises(RuntimeError):
        with blas_thread_limit(1):
            assert getter() == 1
            raise RuntimeError("restored even on error")
    assert getter() == before
    seen.clear()
    train(Spy(20, 4, 3, seed=0), x, t, iters_num=1, batch_size=5, progress=False, blas_threads=None)
    assert seen == [before]
    with pytest.raises(ValueError, match="blas_threads must be at least 1"):
        train(Spy(20, 4, 3, seed=0), x, t, progress=False, blas_threads=0)
    setter(initial)


def test_inputs_that_do_not_fit_the_nets_dtype_are_refused_before_training(data):
    # 1e300 is finite in float64 but inf in a float32 net: the first loss would be NaN and
    # the run would be called diverged, with advice about the weights
    x, t, _, _ = data
    big = x.astype(np.float64)
    big[5, 5] = 1e300
    with pytest.raises(ValueError, match=r"training inputs as large as 1e\+300 do not fit the net's float32"):
        train(small_net(np.float32), big, t, progress=False, iters_num=5)


@pytest.mark.parametrize(
    "x_kind, error, message",
    [(bool, TypeError, "dtype bool"), (complex, TypeError, "complex"), (object, TypeError, "real numbers")],
)
def test_inputs_that_are_not_real_numbers_are_refused(data, x_kind, error, message):
    x, t, _, _ = data
    with pytest.raises(error, match=message):
        train(small_net(), x.astype(x_kind), t, progress=False, iters_num=5)


def test_a_net_whose_parameters_already_hold_nan_is_refused_before_training(data):
    # found by tests/test_properties.py: it used to "diverge at iteration 0" with advice
    # about weight_init_std, after numpy's warnings about invalid values
    x, t, _, _ = data
    net = small_net()
    net.params["b1"][2] = np.nan
    with pytest.raises(ValueError, match=r"params\['b1'\] holds NaN or inf before training"):
        train(net, x, t, progress=False, iters_num=5)


def test_a_stall_from_saturated_sigmoids_is_not_called_a_slow_start():
    """lr = 10: the hidden outputs saturate within two updates; the loss spikes, then settles near ln 10.

    The first losses' spike made the settled loss look like a falling one, and the advice was to
    raise the learning rate.
    """
    rng = np.random.default_rng(0)
    templates = rng.random((10, 784))
    t = rng.integers(0, 10, 1000)
    x = np.clip(templates[t] + 0.3 * rng.normal(size=(1000, 784)), 0, 1).astype(np.float32)
    net = TwoLayerNet(784, 20, 10, seed=0, dtype=np.float32)
    with pytest.warns(TrainingStalled):
        history = train(net, x, t, iters_num=120, batch_size=50, learning_rate=10.0, progress=False)
    assert "saturate" in history.problem and "raise the learning rate" not in history.problem, history.problem


def test_a_small_learning_rate_that_has_not_left_the_plateau_is_told_to_train_longer():
    rng = np.random.default_rng(0)
    templates = rng.random((10, 784))
    t = rng.integers(0, 10, 1000)
    x = np.clip(templates[t] + 0.3 * rng.normal(size=(1000, 784)), 0, 1).astype(np.float32)
    net = TwoLayerNet(784, 20, 10, seed=0, dtype=np.float32)
    with pytest.warns(TrainingStalled):
        history = train(net, x, t, iters_num=120, batch_size=50, learning_rate=0.001, progress=False)
    assert "learns too slowly" in history.problem, history.problem
