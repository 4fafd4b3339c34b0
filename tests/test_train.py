"""dlfs.train: the book's SGD loop, its history, divergence and stalls, subclasses, bad input.

All on small synthetic data, so they run in seconds and need no MNIST download.
"""

import json
import math

import numpy as np
import pytest
from threadpoolctl import ThreadpoolController

from dlfs import TrainHistory, TrainingDiverged, TwoLayerNet
from dlfs.train import DIVERGE_WINDOW, TrainingStalled, train


def blobs(n=600, d=20, c=3, seed=1, spread=1.0):
    """n points in d dimensions around c random centres; labels 0..c-1."""
    rng = np.random.default_rng(seed)
    centres, t = rng.normal(0, 1.5, size=(c, d)), rng.integers(0, c, size=n)
    return (centres[t] + spread * rng.normal(size=(n, d))).astype(np.float32), t


@pytest.fixture
def data():
    x, t = blobs(800)
    return x[:600], t[:600], x[600:], t[600:]


def small_net(dtype=np.float64, seed=0):
    return TwoLayerNet(20, 10, 3, weight_init_std=0.1, seed=seed, dtype=dtype)


def test_train_is_the_books_loop(data):
    """Replay the book's loop by hand with the same batch draws: the same losses and parameters."""
    x, t, _, _ = data
    net, ref = small_net(), small_net()
    history = train(net, x, t, iters_num=25, batch_size=10, learning_rate=0.3, seed=5, progress=False)
    rng, losses = np.random.default_rng(5), []
    for _ in range(25):
        mask = rng.integers(0, len(x), size=10)  # with replacement, like np.random.choice
        losses.append(ref.loss(x[mask], t[mask]))  # the loss before the update
        grad = ref.gradient(x[mask], t[mask])
        for key in ref.params:
            ref.params[key] -= 0.3 * grad[key]
    np.testing.assert_allclose(history.loss, losses, rtol=1e-12)
    for key in ref.params:
        np.testing.assert_array_equal(net.params[key], ref.params[key])


def test_float32_training_learns_and_keeps_its_dtype(data):
    x, t, xt, tt = data
    net = small_net(np.float32)
    h = train(net, x, t, xt, tt, iters_num=300, batch_size=30, learning_rate=0.5, progress=False)
    assert all(p.dtype == np.float32 for p in net.params.values()) and h.config["dtype"] == "float32"
    assert np.mean(h.loss[-30:]) < 0.5 * np.mean(h.loss[:30])
    assert h.test_acc[-1] > 0.9 and h.test_acc[-1] > h.test_acc[0]


def test_one_hot_targets_and_seeds(data):
    x, t, xt, tt = data
    ha = train(small_net(), x, t, xt, tt, iters_num=20, batch_size=10, seed=3, progress=False)
    hb = train(small_net(), x, np.eye(3)[t], xt, np.eye(3)[tt], iters_num=20, batch_size=10, seed=3, progress=False)
    hc = train(small_net(), x, t, xt, tt, iters_num=20, batch_size=10, seed=4, progress=False)
    assert ha.loss == hb.loss and ha.test_acc == hb.test_acc and ha.loss != hc.loss


@pytest.mark.parametrize(
    "n, iters, batch, evaluations",
    [
        (600, 20, 100, [0, 6, 12, 18, 19]),  # the book's i % iter_per_epoch == 0, then the last update
        (1000, 11, 300, [0, 4, 7, 10]),  # iter_per_epoch 3.33: the first iteration past each epoch
        (50, 3, 50, [0, 1, 2]),
    ],
)
def test_evaluations_once_per_epoch_and_after_the_last_update(n, iters, batch, evaluations):
    x, t = blobs(n)
    h = train(small_net(), x, t, iters_num=iters, batch_size=batch, progress=False)
    assert h.epoch_iters == evaluations and len(h.train_acc) == len(evaluations) and h.test_acc == []


def test_the_mnist_schedule_gives_the_books_17_evaluations_and_one_more():
    x, t = blobs(600, d=4)  # 600 rows with batch 1: iter_per_epoch 600, as MNIST with batch 100
    h = train(TwoLayerNet(4, 3, 3, seed=0), x, t, iters_num=10_000, batch_size=1, learning_rate=0.01, progress=False)
    assert len(h.epoch_iters) == 18 and h.epoch_iters[-2:] == [9600, 9999]


def test_history_from_a_path_or_from_json_text(tmp_path, data):
    x, t, xt, tt = data
    h = train(small_net(), x, t, xt, tt, iters_num=12, batch_size=100, progress=False)
    text = h.to_json(tmp_path / "h.json")
    assert json.loads(text)["config"]["iters_num"] == 12 and h.elapsed > 0
    assert TrainHistory.from_json(tmp_path / "h.json") == TrainHistory.from_json(text) == h
    assert [p.name for p in tmp_path.iterdir()] == ["h.json"]  # no temporary file left over
    with pytest.raises(ValueError, match="Path"):  # a str is JSON text, never a file name
        TrainHistory.from_json(str(tmp_path / "h.json"))
    with pytest.raises(TypeError):
        TrainHistory.from_json(text.encode())


def test_progress_bar_goes_to_stderr(data, capsys):
    x, t, _, _ = data
    train(small_net(), x, t, iters_num=10, batch_size=10, progress=True)
    assert "10/10" in capsys.readouterr().err


def test_a_too_large_learning_rate_stops_with_diverged(data):
    x, t, xt, tt = data
    with pytest.raises(TrainingDiverged, match=r"diverged at iteration \d+ \(learning_rate=1000\)") as info:
        train(small_net(np.float32), x, t, xt, tt, iters_num=2000, batch_size=10, learning_rate=1000, progress=False)
    err = info.value
    assert DIVERGE_WINDOW - 1 <= err.iteration < 2000 and len(err.history.loss) == err.iteration + 1
    assert all(math.isfinite(v) for v in err.history.loss) and err.loss > 1.5 * err.history.loss[0]
    # the check can be turned off; a good learning rate is not called diverged
    options = {"iters_num": 200, "batch_size": 10, "progress": False}
    assert len(train(small_net(np.float32), x, t, learning_rate=1000, diverge_factor=None, **options).loss) == 200
    assert len(train(small_net(), x, t, learning_rate=1.0, **options).loss) == 200


def test_a_short_run_is_checked_at_its_end(data):
    x, t, _, _ = data  # fewer iterations than the divergence window
    with pytest.raises(TrainingDiverged, match="iteration 48"):
        train(small_net(np.float32), x, t, iters_num=49, batch_size=10, learning_rate=1000, progress=False)


class NaNAfter(TwoLayerNet):
    """A net whose gradient's loss turns NaN from the k-th call on (no real net does; this tests the guard)."""

    def __init__(self, k, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.k, self.calls = k, 0

    def gradient(self, x, t):
        self.calls += 1
        grads = super().gradient(x, t)
        grads.loss = float("nan") if self.calls > self.k else grads.loss
        return grads


def test_a_loss_that_is_not_finite_stops_at_its_iteration(data):
    x, t, _, _ = data
    with pytest.raises(TrainingDiverged, match="iteration 7 .*: the mini-batch loss became nan") as info:
        train(NaNAfter(7, 20, 10, 3, seed=0), x, t, iters_num=100, batch_size=10, progress=False)
    assert len(info.value.history.loss) == 7 and math.isnan(info.value.loss)


def test_parameters_that_blow_up_between_evaluations_stop_the_run_as_diverged(data):
    x, t, _, _ = data

    class InfAt(TwoLayerNet):  # its gradient blows W1 up at the third call
        calls = 0

        def gradient(self, xb, tb):
            grads, self.calls = super().gradient(xb, tb), self.calls + 1
            grads["W1"][0, 0] = -np.inf if self.calls == 3 else grads["W1"][0, 0]
            return grads

    with pytest.raises(TrainingDiverged, match=r"iteration 3 .*params\['W1'\] holds NaN or inf"):
        train(InfAt(20, 10, 3, seed=0), x, t, iters_num=100, batch_size=10, progress=False)


def test_a_subclass_gets_its_own_methods_called(data):
    x, t, _, _ = data
    calls = []

    class OwnGradient(TwoLayerNet):  # a learner's own backprop, returning a plain dict (no .loss)
        def gradient(self, xb, tb):
            calls.append("gradient")
            return dict(super().gradient(xb, tb))

        def loss(self, xb, tb):
            calls.append("loss")
            return super().loss(xb, tb)

        def accuracy(self, xb, tb):
            calls.append("accuracy")
            return super().accuracy(xb, tb)

    own, ref = OwnGradient(20, 4, 3, seed=0), TwoLayerNet(20, 4, 3, seed=0)
    h = train(own, x, t, iters_num=3, batch_size=5, progress=False)
    assert calls == ["gradient", "loss", "accuracy", "gradient", "loss", "gradient", "loss", "accuracy"]
    assert h.loss == train(ref, x, t, iters_num=3, batch_size=5, progress=False).loss


def test_numerical_training_calls_the_nets_fast_or_book_method(data):
    x, t, _, _ = data
    calls = []

    class Spy(TwoLayerNet):
        def fast_numerical_gradient(self, xb, tb):
            calls.append("fast")
            return super().fast_numerical_gradient(xb, tb)

    class NoFast(TwoLayerNet):
        fast_numerical_gradient = None  # a subclass that changes the loss hides the fast method

        def numerical_gradient(self, xb, tb):
            calls.append("loop")
            return super().numerical_gradient(xb, tb)

    options = {"iters_num": 3, "batch_size": 5, "learning_rate": 0.5, "progress": False}
    hs = train(Spy(20, 4, 3, seed=0), x, t, gradient="numerical", **options)
    hn = train(NoFast(20, 4, 3, seed=0), x, t, gradient="numerical", **options)
    hb = train(TwoLayerNet(20, 4, 3, seed=0), x, t, gradient="backprop", **options)
    assert calls == ["fast"] * 3 + ["loop"] * 3
    assert (hs.config["gradient_method"], hn.config["gradient_method"]) == (
        "fast_numerical_gradient",
        "numerical_gradient",
    )
    np.testing.assert_allclose(hs.loss, hb.loss, rtol=1e-7)  # numerical and backprop: the same SGD
    np.testing.assert_allclose(hn.loss, hb.loss, rtol=1e-7)


@pytest.mark.parametrize(
    "options, error",
    [
        ({"iters_num": 0}, ValueError),
        ({"iters_num": 2.5}, TypeError),
        ({"batch_size": 0}, ValueError),
        ({"batch_size": 601}, ValueError),  # larger than the training set
        ({"learning_rate": 0}, ValueError),
        ({"learning_rate": float("nan")}, ValueError),
        ({"learning_rate": 10**400}, ValueError),  # beyond the float range
        ({"learning_rate": "fast"}, TypeError),
        ({"gradient": "adam"}, ValueError),
        ({"diverge_factor": 0.5}, ValueError),
        ({"progress": "False"}, TypeError),  # a string where a bool is meant
        ({"blas_threads": 0}, ValueError),
        ({"gradient": "numerical", "net": small_net(np.float32)}, ValueError),  # h = 1e-4 is lost in float32
    ],
)
def test_bad_settings_are_refused_before_training(data, options, error):
    x, t, _, _ = data
    net = options.pop("net", small_net())
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(error):
        train(net, x, t, **{"progress": False, **options})
    assert all(np.array_equal(net.params[k], before[k]) for k in before)


@pytest.mark.parametrize(
    "change, error",
    [
        (lambda x, t: (x, t, x[:10], None), ValueError),  # test inputs without test labels
        (lambda x, t: (x[:, :5], t), ValueError),  # the wrong width
        (lambda x, t: (x.reshape(600, 4, 5), t), ValueError),  # not flattened
        (lambda x, t: (x, t[:-1]), ValueError),
        (lambda x, t: (x, np.where(t == 0, 3, t)), ValueError),  # a label out of range
        (lambda x, t: (np.where(np.arange(20) == 3, np.nan, x), t), ValueError),
        (lambda x, t: (np.where(np.arange(20) == 3, 1e300, x.astype(float)), t), ValueError),  # beyond float32
        (lambda x, t: (x.astype(bool), t), TypeError),
        (lambda x, t: (x.astype(complex), t), TypeError),
    ],
)
def test_bad_data_is_refused_before_training(data, change, error):
    x, t, _, _ = data
    with pytest.raises(error):
        train(small_net(np.float32), *change(x, t), iters_num=5, progress=False)


def test_a_net_that_is_not_one_or_already_holds_nan_is_refused(data):
    x, t, _, _ = data
    with pytest.raises(TypeError, match="params"):
        train(object(), x, t, progress=False)
    net = small_net()
    net.params["b1"][2] = np.nan
    with pytest.raises(ValueError, match=r"params\['b1'\] holds NaN or inf"):
        train(net, x, t, progress=False, iters_num=5)


def test_blas_threads_are_limited_during_the_steps_and_restored(data):
    blas = ThreadpoolController().select(user_api="blas")
    if not blas.lib_controllers:
        pytest.skip("no BLAS that threadpoolctl can control")
    threads = lambda: blas.info()[0]["num_threads"]  # noqa: E731
    seen = []

    class Spy(TwoLayerNet):
        def gradient(self, xb, tb):
            seen.append(("step", threads()))
            return super().gradient(xb, tb)

        def accuracy(self, xb, tb):
            seen.append(("evaluation", threads()))
            return super().accuracy(xb, tb)

    x, t, _, _ = data
    with blas.limit(limits=2):  # a known start other than 1
        train(Spy(20, 4, 3, seed=0), x, t, iters_num=2, batch_size=5, progress=False, blas_threads=1)
        assert seen == [("step", 1), ("evaluation", 2), ("step", 1), ("evaluation", 2)] and threads() == 2
        seen.clear()
        train(Spy(20, 4, 3, seed=0), x, t, iters_num=1, batch_size=5, progress=False, blas_threads=None)
        assert seen == [("step", 2), ("evaluation", 2)]


def synthetic_digits(lr):
    rng = np.random.default_rng(0)
    t = rng.integers(0, 10, 1000)
    x = np.clip(rng.random((10, 784))[t] + 0.3 * rng.normal(size=(1000, 784)), 0, 1).astype(np.float32)
    with pytest.warns(TrainingStalled):
        net = TwoLayerNet(784, 20, 10, seed=0, dtype=np.float32)
        return train(net, x, t, iters_num=120, batch_size=50, learning_rate=lr, progress=False)


def test_a_stall_says_why():
    assert "saturate" in synthetic_digits(10.0).problem  # lr = 10: the loss spikes, then settles near ln 10
    assert "learns too slowly" in synthetic_digits(0.001).problem
