"""Property-based tests (Hypothesis) of dlfs's public API, from softmax to train.

For generated shapes (0-d, empty, up to 3-D), dtypes (bool, integers, float16/32/64, complex, object),
layouts (views, read-only arrays, lists) and values (NaN, ±inf, huge, tiny), every call must return a
finite answer of the documented shape, or raise TypeError or ValueError with a message; never anything
else, never a numpy warning (RuntimeWarnings are errors here), never a change to the caller's arrays.
Where the input is valid the call must succeed and agree with the plain formula, so that a function
refusing everything fails too. ``HYPOTHESIS_PROFILE=thorough`` runs 4,000 random examples per test
instead of 200 fixed ones (after changing a check or a kernel).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlfs import (
    SimpleNet,
    TrainingDiverged,
    TwoLayerNet,
    cross_entropy_error,
    gradient_descent,
    gradient_descent_path,
    numerical_diff,
    numerical_gradient,
    sigmoid,
    sigmoid_grad,
    softmax,
    sum_squares_error,
)
from dlfs.train import train

_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=200, derandomize=True, **_COMMON)
settings.register_profile("thorough", max_examples=4000, print_blob=True, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning"),
]

KEYS = ("W1", "b1", "W2", "b2")
FLOATS = (np.float16, np.float32, np.float64)
DTYPES = (np.bool_, np.int8, np.int64, np.uint8, *FLOATS, np.complex128, np.object_)


@st.composite
def arrays(draw, dtypes=DTYPES, shape=None, max_dims=3):
    """An array of any of ``dtypes`` and shape; two in three hold small ordinary numbers, the rest anything."""
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=4)) if shape is None else shape
    ordinary = draw(st.sampled_from([True, True, False]))
    base = np.dtype(np.float64) if dtype.kind == "O" else dtype
    if ordinary and base.kind in "fiu":
        values = st.floats(-4, 4, width=8 * base.itemsize) if base.kind == "f" else st.integers(0, 4)
    else:
        values = hnp.from_dtype(base)
    a = draw(hnp.arrays(base, shape, elements=values)).astype(dtype)
    layout = draw(st.sampled_from(["plain", "plain", "read-only", "view", "list", "masked", "matrix"]))
    if layout == "read-only":
        a.flags.writeable = False
    elif layout == "view" and a.ndim:
        a = np.repeat(a, 2, axis=-1)[..., ::2]
    elif layout == "list":
        return a.tolist()
    elif layout == "masked":
        return np.ma.masked_array(a)
    elif layout == "matrix" and a.ndim == 2:
        return np.matrix(a)
    return a


def fingerprint(value):
    if isinstance(value, np.ndarray):
        return (value.dtype.str, value.shape, repr(value.tolist()), value.flags.writeable)
    if isinstance(value, dict):
        return {k: fingerprint(v) for k, v in value.items()}
    return repr(value)


def outcome(function, *args, **kwargs):
    """``function(...)``, or the TypeError/ValueError it raised; the arguments must come back unchanged."""
    before = [fingerprint(a) for a in (*args, *kwargs.values())]
    try:
        result = function(*args, **kwargs)
    except (TypeError, ValueError) as error:
        assert str(error).strip(), f"{type(error).__name__} without a message"
        result = error
    assert before == [fingerprint(a) for a in (*args, *kwargs.values())], "the caller's arguments changed"
    return result


def real(value):
    """``value`` as a plain array if it is one of real numbers (what dlfs accepts), else None."""
    if isinstance(value, (np.ma.MaskedArray, np.matrix)):
        return None
    try:
        a = np.asarray(value)
    except ValueError:
        return None
    return a if a.dtype.kind in "biuf" else None


def finite(a) -> bool:
    return a.dtype.kind != "f" or bool(np.isfinite(a.astype(np.float64)).all())


def refused(result, kind=(TypeError, ValueError)):
    assert isinstance(result, kind), f"expected {kind}, got {result!r}"


def answer(result, shape):
    assert not isinstance(result, Exception), f"valid input refused: {result!r}"
    result = np.asarray(result)
    assert result.shape == shape and np.isfinite(result).all(), result
    return result


@given(x=arrays())
def test_softmax(x):
    result, a = outcome(softmax, x), real(x)
    if a is None:
        return refused(result, TypeError)
    if a.ndim == 0 or a.shape[-1] == 0 or not finite(a):
        return refused(result, ValueError)
    y = answer(result, a.shape)
    assert (y >= 0).all() and np.allclose(y.sum(axis=-1, dtype=np.float64), 1, rtol=1e-2)


@pytest.mark.parametrize("function, top", [(sigmoid, 1.0), (sigmoid_grad, 0.25)])
@given(x=arrays())
def test_sigmoid_and_its_derivative(function, top, x):
    result, a = outcome(function, x), real(x)
    if a is None:
        return refused(result, TypeError)
    if a.dtype.kind == "f" and np.isnan(a.astype(np.float64)).any():  # ±inf is fine: the limits
        return refused(result, ValueError)
    y = answer(result, a.shape)
    assert (y >= 0).all() and (y <= top).all()


@given(y=arrays(), t=arrays(), same=st.booleans())
def test_sum_squares_error(y, t, same):
    ya = real(y)
    if same and ya is not None and real(t) is not None:
        t = np.resize(np.asarray(t), ya.shape)
    result, ta = outcome(sum_squares_error, y, t), real(t)
    if ya is None or ta is None:
        return refused(result)  # TypeError, or a ValueError about the other argument
    with np.errstate(over="ignore", invalid="ignore"):
        expected = 0.5 * np.sum((ya.astype(np.float64) - ta) ** 2) if ya.shape == ta.shape else math.nan
    if not (finite(ya) and finite(ta) and math.isfinite(expected)):
        return refused(result, ValueError)
    assert result == float(expected)


@st.composite
def probabilities(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5))
    return softmax(draw(hnp.arrays(np.float64, shape, elements=st.floats(-30, 30)))).astype(
        draw(st.sampled_from(FLOATS))
    )


@given(y=st.one_of(probabilities(), arrays()), data=st.data())
def test_cross_entropy_error(y, data):
    a = np.asarray(y) if real(y) is not None else np.zeros((1, 1))
    n, c = (1, a.shape[-1]) if a.ndim == 1 else (a.shape[0], a.shape[-1]) if a.ndim == 2 else (1, 1)
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(-1, max(c, 1))), label="labels")
    t = data.draw(st.sampled_from([labels, labels.astype(float), np.eye(max(c, 1))[labels.clip(0, max(c - 1, 0))]]))
    t = data.draw(st.one_of(st.just(t), arrays()), label="t")
    result = outcome(cross_entropy_error, y, t)
    if not isinstance(result, Exception):
        assert isinstance(result, float) and -1e-6 <= result <= -math.log(1e-7) + 1e-6
    valid = a.ndim == 2 and a.size and t is labels and ((labels >= 0) & (labels < c)).all() and real(y) is not None
    if valid and isinstance(y, np.ndarray) and (a >= 0).all() and (a <= 1).all():
        assert result == pytest.approx(-np.mean(np.log(a.astype(np.float64)[np.arange(n), labels] + 1e-7)))


def quiet(function):
    def f(*args):
        with np.errstate(all="ignore"):
            return function(*args)

    return f


SCALAR_FUNCTIONS = [quiet(lambda x: 0.01 * x**2 + 0.1 * x), quiet(np.log), lambda x: [x, x], lambda x: "slope"]
numbers = st.one_of(
    st.floats(),
    st.integers(),
    st.booleans(),
    st.complex_numbers(max_magnitude=10),
    st.sampled_from([np.float32(1.5), np.int64(2), np.array(2.0), np.array([1.0, 2.0]), "2", None]),
)


@given(
    f=st.sampled_from(SCALAR_FUNCTIONS), x=st.one_of(st.floats(-1e3, 1e3), numbers), h=st.one_of(st.just(1e-4), numbers)
)
def test_numerical_diff(f, x, h):
    result = outcome(numerical_diff, f, x, h)
    valid = all(isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool) for v in (x, h))
    if f is SCALAR_FUNCTIONS[0] and valid and abs(x) <= 1e6 and 1e-8 <= h <= 1:
        assert isinstance(result, float) and math.isfinite(result), result
    elif not isinstance(result, Exception):
        assert isinstance(result, float) and math.isfinite(result)


@given(x=st.one_of(arrays(dtypes=(np.float32, np.float64)), arrays()), h=st.one_of(st.just(1e-4), numbers))
def test_numerical_gradient(x, h):
    result = outcome(numerical_gradient, quiet(lambda a: np.sum(a.astype(np.float64) ** 2)), x, h)
    plain = type(x) is np.ndarray and x.dtype in (np.float32, np.float64) and x.flags.writeable and finite(x)
    if not plain:
        return refused(result)
    if isinstance(h, float) and 1e-8 <= h <= 1 and np.abs(x).max(initial=0) <= 1e15:
        g = answer(result, x.shape)
        if x.dtype == np.float64 and h == 1e-4 and np.abs(x).max(initial=0) <= 1e3:
            np.testing.assert_allclose(g, 2 * x, rtol=1e-6, atol=1e-4)


@given(
    init_x=arrays(max_dims=2),
    lr=st.one_of(st.sampled_from([0.01, 0.1, 1.0, 1e300]), numbers),
    step_num=st.one_of(st.integers(-2, 10), st.sampled_from([2.0, True, "3"])),
)
def test_gradient_descent_and_its_path(init_x, lr, step_num):
    f = quiet(lambda a: np.sum(a**2))
    final, path = (
        outcome(gradient_descent, f, init_x, lr, step_num),
        outcome(gradient_descent_path, f, init_x, lr, step_num),
    )
    start = real(init_x)
    number = lr[()] if isinstance(lr, np.ndarray) and lr.ndim == 0 else lr  # a 0-d array of a number is one
    valid_lr = isinstance(number, (int, float, np.floating, np.integer)) and not isinstance(number, (bool, np.bool_))
    valid_lr = valid_lr and math.isfinite(number) and number > 0
    valid_steps = isinstance(step_num, int) and not isinstance(step_num, bool) and step_num >= 0
    if start is None or not finite(start) or not valid_lr or not valid_steps:
        refused(final)
        return refused(path)
    if isinstance(final, Exception):  # only a descent that left the float range may fail
        assert "lower lr" in str(final) and (number > 0.5 or np.abs(start.astype(float)).max() > 1e100), final
        return refused(path, ValueError)
    answer(final, start.shape)
    np.testing.assert_array_equal(answer(path, (step_num + 1, *start.shape))[-1], final)


@given(W=st.one_of(st.none(), arrays(shape=(2, 3)), arrays()), x=arrays(), t=st.one_of(st.integers(-1, 3), arrays()))
def test_simple_net(W, x, t):
    net = outcome(SimpleNet, seed=0, W=W)
    if isinstance(net, Exception):
        w = real(W)
        assert w is None or w.shape != (2, 3) or not finite(w), f"valid weights refused: {net!r}"
        return
    scores, loss = outcome(net.predict, x), outcome(net.loss, x, t)
    a = real(x)
    if a is None or a.shape[-1:] != (2,) or not finite(a):
        refused(scores)
        return refused(loss)
    if np.abs(a.astype(np.float64)).max(initial=0) * np.abs(net.W).max() <= 1e300:
        answer(scores, a.shape[:-1] + (3,))
    if not isinstance(loss, Exception):
        assert -1e-6 <= loss <= 17


@st.composite
def networks(draw):
    """A small TwoLayerNet; one in six has a parameter set to NaN, inf or 3e38."""
    net = TwoLayerNet(
        *draw(st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))),
        weight_init_std=draw(st.sampled_from([0.01, 0.5, 3.0])),
        seed=draw(st.integers(0, 3)),
        dtype=draw(st.sampled_from([np.float64, np.float32])),
    )
    if draw(st.integers(0, 5)) == 0:
        flat = net.params[draw(st.sampled_from(KEYS))].reshape(-1)
        flat[draw(st.integers(0, flat.size - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf, 3e38]))
    return net


@given(
    sizes=st.tuples(*[st.one_of(st.integers(1, 4), st.sampled_from([0, -1, 2.5, True, "3"]))] * 3),
    std=st.one_of(st.floats(1e-3, 10), st.floats(), st.just("0.01")),
    dtype=st.sampled_from([np.float64, np.float32, np.float16, np.int64, "float64", "bogus"]),
)
def test_two_layer_net_construction(sizes, std, dtype):
    net = outcome(TwoLayerNet, *sizes, weight_init_std=std, seed=0, dtype=dtype)
    valid = all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= 4 for s in sizes)
    valid = valid and isinstance(std, float) and 0 < std < math.inf and dtype in (np.float64, np.float32, "float64")
    if not valid:
        return refused(net)
    if std > 1e30:  # the weights may overflow the dtype: refused, or finite
        assert isinstance(net, ValueError) or np.isfinite(net.params["W1"]).all()
        return
    for key, shape in zip(KEYS, [sizes[:2], sizes[1:2], sizes[1:], sizes[2:]], strict=True):
        assert answer(net.params[key], tuple(shape)).dtype == np.dtype(dtype)


@given(net=networks(), data=st.data())
def test_two_layer_net_methods(net, data):
    d, c = net.input_size, net.output_size
    n = data.draw(st.integers(0, 4), label="n")
    x = data.draw(st.one_of(arrays(dtypes=(np.float32, np.float64, np.uint8), shape=(n, d)), arrays()), label="x")
    t = data.draw(st.one_of(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)), arrays()), label="t")
    params = {k: v.copy() for k, v in net.params.items()}
    methods = ["loss", "accuracy", "gradient", "fast_numerical_gradient"] + ["numerical_gradient"] * (d * c <= 8)
    results = {m: outcome(getattr(net, m), x, t) for m in methods} | {"predict": outcome(net.predict, x)}
    for key in KEYS:  # every method only reads the parameters (the loop restores its nudges)
        np.testing.assert_array_equal(net.params[key], params[key])  # (NaN equals NaN here)
    for name, result in results.items():
        if isinstance(result, Exception):
            continue
        if name in ("loss", "accuracy"):
            assert isinstance(result, float) and -1e-6 <= result <= 17
        elif name == "predict":
            answer(result, np.shape(result))
        else:
            for key in KEYS:
                answer(result[key], net.params[key].shape)
    a, labels = real(x), real(t)
    healthy = all(np.isfinite(v).all() and np.abs(v).max() < 1e3 for v in net.params.values())
    valid = a is not None and a.dtype.kind != "b" and a.shape == (n, d) and n and finite(a) and np.abs(a).max() <= 100
    if healthy and valid and labels is not None and labels.dtype.kind in "iu" and labels.shape == (n,):
        if ((labels >= 0) & (labels < c)).all():
            wrong = {m: r for m, r in results.items() if isinstance(r, Exception)}
            if net.params["W1"].dtype == np.float32:
                refused(wrong.pop("fast_numerical_gradient", None), TypeError)
            assert not wrong, f"valid input refused: {wrong}"


@given(sizes=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(2, 4)), seed=st.integers(0, 3), data=st.data())
def test_backprop_fast_and_loop_gradients_agree(sizes, seed, data):
    net = TwoLayerNet(*sizes, weight_init_std=0.5, seed=seed)
    n = data.draw(st.integers(1, 4), label="n")
    x = data.draw(hnp.arrays(np.float64, (n, sizes[0]), elements=st.floats(-2, 2)), label="x")
    t = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, sizes[2] - 1)), label="t")
    assume(net.predict(x)[np.arange(n), t].min() > 1e-2)  # else the book's 1e-7 separates backprop visibly
    backprop, fast, loop = net.gradient(x, t), net.fast_numerical_gradient(x, t), net.numerical_gradient(x, t)
    for key in KEYS:
        np.testing.assert_allclose(backprop[key], fast[key], atol=1e-4, err_msg=key)
        np.testing.assert_allclose(loop[key], fast[key], atol=1e-9, err_msg=key)


@given(net=networks(), data=st.data())
def test_train(net, data):
    n = data.draw(st.integers(1, 6), label="n")
    good = {
        "x": hnp.arrays(np.float32, (n, net.input_size), elements=st.floats(0, 1, width=32)),
        "t": hnp.arrays(np.int64, n, elements=st.integers(0, net.output_size - 1)),
        "iters_num": st.integers(1, 20),
        "batch_size": st.integers(1, n),
        "learning_rate": st.sampled_from([0.01, 1.0, 50.0]),
        "gradient": st.sampled_from(["backprop", "numerical"]),
        "progress": st.just(False),
    }
    bad = {
        "x": arrays(),
        "t": arrays(),
        "iters_num": st.sampled_from([0, 2.5, "3"]),
        "batch_size": st.sampled_from([0, n + 1]),
    }
    bad |= {"learning_rate": st.one_of(st.floats(max_value=0), st.just("0.1")), "gradient": st.just("adam")}
    bad |= {"progress": st.just("False")}
    broken = data.draw(st.sampled_from([None, None, *good]), label="broken")  # one thing broken at most
    options = {k: data.draw(bad[k] if k == broken else good[k], label=k) for k in good}
    params = {k: v.copy() for k, v in net.params.items()}
    try:
        history = outcome(train, net, options.pop("x"), options.pop("t"), seed=0, **options)
    except TrainingDiverged as diverged:  # documented: a loss or a parameter blew up
        assert all(math.isfinite(v) for v in diverged.history.loss)
        return
    healthy = all(np.isfinite(v).all() for v in net.params.values())
    if isinstance(history, Exception):  # refused before training: the net is untouched
        assert all(np.array_equal(net.params[k], params[k], equal_nan=True) for k in KEYS)
        float32_numerical = options["gradient"] == "numerical" and net.params["W1"].dtype == np.float32
        assert broken or not healthy or float32_numerical, f"valid input refused: {history!r}"
        return
    assert len(history.loss) == options["iters_num"] and all(math.isfinite(v) for v in history.loss)
    assert all(0 <= a <= 1 for a in history.train_acc) and all(np.isfinite(v).all() for v in net.params.values())
