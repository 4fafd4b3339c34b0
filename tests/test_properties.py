"""Property-based tests (Hypothesis) of dlfs's public numeric API, from softmax to train.

For generated shapes (0-d, empty, up to 3-D), dtypes (bool, int8/int64/uint8, float16/32/64,
complex, object), layouts (non-contiguous views, read-only arrays, plain lists) and values
(NaN, ±inf, huge, subnormal, tiny and ordinary numbers), every call must either

* return a finite result of the documented shape and dtype, or
* raise TypeError (a value of the wrong kind) or ValueError (out of range) with a message,

and never raise anything else, never let numpy warn (RuntimeWarnings are errors here), never
return NaN, and never change the caller's arrays. Where the input is valid the call must
succeed and agree with a plain formula, so a function that refused everything fails too.

The tier runs with every ``make test``. Two Hypothesis profiles, chosen by the environment
variable HYPOTHESIS_PROFILE:

* ``ci`` (the default): 200 derandomized examples per test (the same every run), about
  15 seconds on two cores;
* ``thorough``: 4,000 random examples per test (new ones every run), about 4 minutes; run it
  after changing a check or a kernel::

      HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest -p no:nbval -o addopts="" tests/test_properties.py

(The profile comes from the environment variable only; pytest's --hypothesis-profile is
overridden.) Add ``--hypothesis-show-statistics`` to see how often each function returned
and how often it refused. A failure prints the smallest input that breaks the property,
and in the thorough profile a ``@reproduce_failure`` blob to paste above the test.
"""

from __future__ import annotations

import math
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlfs import (
    SimpleNet,
    TrainingDiverged,
    TrainingStalled,
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

# numpy's overflow/invalid warnings inside dlfs mean an unforeseen NaN or inf: fail on them
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

KEYS = ("W1", "b1", "W2", "b2")
FLOATS = (np.float16, np.float32, np.float64)
DTYPES = (np.bool_, np.int8, np.int64, np.uint8, *FLOATS, np.complex128, np.object_)
TOLERANCE = {np.dtype(np.float16): 4e-3, np.dtype(np.float32): 2e-6, np.dtype(np.float64): 1e-12}


# ---------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------
def elements(dtype: np.dtype, ordinary: bool) -> st.SearchStrategy:
    """Values of ``dtype``: small ordinary numbers, or the whole range (NaN, ±inf, huge, subnormal)."""
    if ordinary and dtype.kind == "f":
        return st.floats(-4, 4, width=8 * dtype.itemsize)
    if ordinary and dtype.kind in "iu":
        return st.integers(0 if dtype.kind == "u" else -4, 4)
    return hnp.from_dtype(dtype)


@st.composite
def layouts(draw, a: np.ndarray):
    """``a`` as it is, read-only, as a non-contiguous view, transposed in memory, or as a list."""
    kind = draw(st.sampled_from(["plain", "plain", "read-only", "strided", "fortran", "list"]))
    if kind == "read-only":
        a = a.copy()
        a.flags.writeable = False
    elif kind == "strided" and a.ndim:
        wide = np.repeat(a, 2, axis=-1)
        a = wide[..., ::2]  # the same values, every second element of a bigger buffer
    elif kind == "fortran" and a.ndim >= 2:
        a = np.asfortranarray(a)
    elif kind == "list":
        return a.tolist()
    return a


@st.composite
def arrays(draw, dtypes=DTYPES, shape=None, max_dims: int = 3, max_side: int = 4, ordinary=None):
    """An array of any of ``dtypes``, of ``shape`` (or any shape), in any layout.

    Two arrays in three hold only small ordinary numbers (unless ``ordinary`` says), so that
    valid input is common enough to check the results; the rest range over every value.
    """
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    if shape is None:
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=max_side))
    if ordinary is None:
        ordinary = draw(st.sampled_from([True, True, False]))
    if dtype.kind == "O":  # boxed Python floats
        a = draw(hnp.arrays(np.float64, shape, elements=elements(np.dtype(np.float64), ordinary))).astype(object)
    else:
        a = draw(hnp.arrays(dtype, shape, elements=elements(dtype, ordinary)))
    return draw(layouts(a))


def fingerprint(value):
    """Everything observable about an argument: dtype, shape, bytes (or the list), writeability."""
    if isinstance(value, np.ndarray):
        data = repr(value.tolist()) if value.dtype.kind == "O" else value.tobytes()
        return (value.dtype.str, value.shape, value.strides, data, value.flags.writeable)
    if isinstance(value, dict):
        return {k: fingerprint(v) for k, v in value.items()}
    return repr(value)


def outcome(function, *args, **kwargs):
    """``function(*args, **kwargs)``, or the TypeError/ValueError it raised (which must have a message).

    Any other exception propagates and fails the test; the arguments must come back unchanged.
    """
    before = [fingerprint(a) for a in args] + [fingerprint(v) for v in kwargs.values()]
    name = getattr(function, "__name__", repr(function))
    try:
        result = function(*args, **kwargs)
    except (TypeError, ValueError) as error:
        assert str(error).strip(), f"{type(error).__name__} without a message"
        result = error
    # how often each function returned or refused: --hypothesis-show-statistics lists these
    event(f"{name}: {type(result).__name__ if isinstance(result, Exception) else 'returned'}")
    after = [fingerprint(a) for a in args] + [fingerprint(v) for v in kwargs.values()]
    assert before == after, f"{name} changed the caller's arguments"
    return result


def real(value) -> np.ndarray | None:
    """``value`` as an array if it holds real numbers (bool, integers, floats), else None."""
    try:
        a = np.asarray(value)
    except ValueError:
        return None
    return a if a.dtype.kind in "biuf" else None


def finite(a: np.ndarray) -> bool:
    return bool(np.isfinite(a.astype(np.float64)).all()) if a.dtype.kind == "f" else True


def expect_error(result, error_type=(TypeError, ValueError)):
    assert isinstance(result, error_type), f"expected {error_type}, got {result!r}"


def expect_finite_array(result, shape, dtype=None):
    assert isinstance(result, np.ndarray), f"expected an array, got {result!r}"
    assert result.shape == shape, (result.shape, shape)
    if dtype is not None:
        assert result.dtype == dtype, (result.dtype, dtype)
    assert np.isfinite(result).all(), result


def float_dtype(a: np.ndarray) -> np.dtype:
    """The dtype activations return for ``a``: floats keep theirs, bools and integers become float64."""
    return a.dtype if a.dtype.kind == "f" else np.dtype(np.float64)


def quiet(function):
    """A test function f that overflows to inf like numpy does, without warning (dlfs must report it)."""

    def f(*args):
        with np.errstate(all="ignore"):
            return function(*args)

    f.__name__ = function.__name__
    return f


# ---------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------
@given(x=arrays())
def test_softmax(x):
    result = outcome(softmax, x)
    a = real(x)
    if a is None:
        return expect_error(result, TypeError)
    if a.ndim == 0 or a.shape[-1] == 0 or not finite(a):
        return expect_error(result, ValueError)
    expect_finite_array(result, a.shape, float_dtype(a))
    tol = TOLERANCE[result.dtype]
    assert (result >= 0).all() and (result <= 1).all()
    np.testing.assert_allclose(result.sum(axis=-1, dtype=np.float64), 1.0, rtol=4 * tol * a.shape[-1])
    a64 = a.astype(np.float64)
    with np.errstate(over="ignore"):
        e = np.exp(a64 - a64.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(result, e / e.sum(axis=-1, keepdims=True), rtol=10 * tol, atol=10 * tol)


@pytest.mark.parametrize("function, top", [(sigmoid, 1.0), (sigmoid_grad, 0.25)])
@given(x=arrays())
def test_sigmoid_and_its_derivative(function, top, x):
    result = outcome(function, x)
    a = real(x)
    if a is None:
        return expect_error(result, TypeError)
    if a.dtype.kind == "f" and np.isnan(a.astype(np.float64)).any():  # ±inf is fine: the limits
        return expect_error(result, ValueError)
    expect_finite_array(result, a.shape, float_dtype(a))
    assert (result >= 0).all() and (result <= top).all()
    with np.errstate(over="ignore"):
        s = 1 / (1 + np.exp(-a.astype(np.float64)))
    expected = s if function is sigmoid else s * (1 - s)
    # the book's s·(1 − s) loses the digits of 1 − s near s = 1: an absolute error of about eps
    eps = float(np.finfo(result.dtype).eps)
    np.testing.assert_allclose(result, expected, rtol=10 * TOLERANCE[result.dtype], atol=2 * eps)


# ---------------------------------------------------------------------------
# losses
# ---------------------------------------------------------------------------
@given(data=st.data())
def test_sum_squares_error(data):
    y = data.draw(arrays(), label="y")
    same = data.draw(st.booleans(), label="t shaped like y")
    t = data.draw(arrays(shape=np.shape(y)) if same and real(y) is not None else arrays(), label="t")
    result = outcome(sum_squares_error, y, t)
    ya, ta = real(y), real(t)
    if ya is None or ta is None:
        return expect_error(result, TypeError)
    if ya.shape != ta.shape or not (finite(ya) and finite(ta)):
        return expect_error(result, ValueError)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = float(0.5 * np.sum((ya.astype(np.float64) - ta.astype(np.float64)) ** 2))
    if not math.isfinite(expected):
        return expect_error(result, ValueError)
    assert result == expected


@st.composite
def probabilities(draw):
    """Rows of probabilities (N, C) or one row (C,), as softmax makes them, in any float dtype."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5))
    scores = draw(hnp.arrays(np.float64, shape, elements=st.floats(-30, 30)))
    dtype = draw(st.sampled_from(FLOATS))
    return draw(layouts(softmax(scores).astype(dtype)))


@st.composite
def targets(draw, y):
    """Targets for predictions ``y``: labels, one-hot rows, or anything at all."""
    a = np.asarray(y)
    n, c = (1, a.shape[0]) if a.ndim == 1 else (a.shape[0], a.shape[-1]) if a.ndim else (1, 1)
    c = max(c, 1)  # predictions with no classes still get some targets
    kind = draw(st.sampled_from(["labels", "labels", "labels", "one-hot", "scalar label", "bad labels", "anything"]))
    if kind in ("labels", "bad labels"):
        labels = draw(
            hnp.arrays(np.int64, n, elements=st.integers(0, c - 1) if kind == "labels" else st.integers(-1, c))
        )
        dtype = draw(st.sampled_from([np.int64, np.uint8, np.float64, np.float32]))
        return draw(layouts(labels.astype(dtype) if labels.min(initial=0) >= 0 or dtype != np.uint8 else labels))
    if kind == "one-hot":
        labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)))
        return draw(layouts(np.eye(c)[labels].reshape((c,) if a.ndim == 1 else (n, c))))
    if kind == "scalar label":
        return draw(st.integers(-1, c))
    return draw(arrays())


@given(data=st.data())
def test_cross_entropy_error(data):
    y = data.draw(st.one_of(probabilities(), arrays()), label="y")
    t = data.draw(targets(y), label="t")
    result = outcome(cross_entropy_error, y, t)
    if isinstance(result, Exception):
        return
    assert isinstance(result, float) and math.isfinite(result)
    assert -1e-6 <= result <= -math.log(1e-7) + 1e-6  # between -log(1 + 1e-7) and -log(0 + 1e-7)


@given(y=probabilities(), data=st.data())
def test_cross_entropy_error_accepts_probabilities_with_labels_or_one_hot(y, data):
    a = np.asarray(y, dtype=np.float64).reshape(-1, np.shape(y)[-1])
    n, c = a.shape
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)), label="labels")
    expected = -np.sum(np.log(a[np.arange(n), labels] + 1e-7)) / n
    for t in (labels, np.eye(c)[labels].reshape(np.shape(y)) if c > 1 else labels):
        result = outcome(cross_entropy_error, y, t)
        assert isinstance(result, float), result
        assert result == pytest.approx(expected, rel=1e-3 if np.asarray(y).dtype.itemsize < 8 else 1e-12, abs=1e-6)


# ---------------------------------------------------------------------------
# numerical differentiation and gradient descent
# ---------------------------------------------------------------------------
@quiet
def parabola(x):
    return 0.01 * x**2 + 0.1 * x


@quiet
def sum_of_squares(x):
    return np.sum(x**2)


@quiet
def sum_of_cubes(x):
    return float(np.sum(np.asarray(x, dtype=np.float64) ** 3))


SCALAR_FUNCTIONS = [parabola, quiet(np.sin), quiet(np.exp), quiet(np.log), lambda x: 7.0, lambda x: [x, x]]
SCALAR_FUNCTIONS += [lambda x: x * 1j, lambda x: "slope", lambda x: np.nan, lambda x: 1e308 * np.sign(x - 1)]

numbers = st.one_of(
    st.floats(-1e3, 1e3),
    st.floats(),
    st.integers(),
    st.booleans(),
    st.complex_numbers(max_magnitude=10),
    st.sampled_from([np.float32(1.5), np.float16(3.0), np.int64(2), np.array(2.0), np.array([1.0, 2.0]), "2", None]),
)
steps = st.one_of(st.just(1e-4), st.floats(1e-8, 1.0), numbers)


@given(f=st.sampled_from(SCALAR_FUNCTIONS), x=st.one_of(st.floats(-1e3, 1e3), st.integers(-100, 100), numbers), h=steps)
def test_numerical_diff(f, x, h):
    result = outcome(numerical_diff, f, x, h)
    if isinstance(result, Exception):
        ok_x = isinstance(x, (int, float, np.floating, np.integer)) and not isinstance(x, bool)
        ok_h = isinstance(h, (int, float)) and not isinstance(h, bool) and math.isfinite(h) and h > 0
        if f is parabola and ok_x and ok_h and abs(x) <= 1e6 and h <= 1:  # nothing wrong with these
            pytest.fail(f"numerical_diff refused a valid input: {result!r}")
        return
    assert isinstance(result, float) and math.isfinite(result)
    if f is parabola:  # the book's formula, computed the same way
        x, h = float(x), float(h)
        assert result == (parabola(np.float64(x + h)) - parabola(np.float64(x - h))) / (2 * h)


@given(
    f=st.sampled_from([sum_of_squares, sum_of_squares, sum_of_cubes, lambda x: np.nan, lambda x: x]),
    x=st.one_of(arrays(dtypes=(np.float32, np.float64)), arrays(dtypes=(np.float32, np.float64)), arrays()),
    h=st.one_of(st.just(1e-4), steps),
)
def test_numerical_gradient(f, x, h):
    result = outcome(numerical_gradient, f, x, h=h)
    valid_x = isinstance(x, np.ndarray) and x.dtype in (np.float32, np.float64) and x.flags.writeable and finite(x)
    if not valid_x:
        return expect_error(result)
    if isinstance(result, Exception):
        ok_h = isinstance(h, (int, float)) and not isinstance(h, bool) and math.isfinite(h) and 0 < h <= 1
        bound = 1e100 if x.dtype == np.float64 else 1e15  # where the sum of squares stays finite
        if f is sum_of_squares and ok_h and np.abs(x).max(initial=0) <= bound:
            pytest.fail(f"numerical_gradient refused a valid input: {result!r}")
        return
    expect_finite_array(result, x.shape, x.dtype)
    if f is sum_of_squares and x.dtype == np.float64 and h == 1e-4 and np.abs(x).max(initial=0) <= 1e3:
        np.testing.assert_allclose(result, 2 * x, rtol=1e-6, atol=1e-4)


learning_rates = st.one_of(
    st.sampled_from([0.01, 0.1, 0.5, 1.0, 10.0, 1e300]), st.floats(), st.integers(-2, 3), numbers
)
step_nums = st.one_of(st.integers(-2, 12), st.sampled_from([2.0, True, "3", None]))


@given(init_x=arrays(max_dims=2, max_side=3), lr=learning_rates, step_num=step_nums)
def test_gradient_descent_and_its_path(init_x, lr, step_num):
    final = outcome(gradient_descent, sum_of_squares, init_x, lr=lr, step_num=step_num)
    path = outcome(gradient_descent_path, sum_of_squares, init_x, lr=lr, step_num=step_num)
    start = real(init_x)
    valid = (
        start is not None
        and finite(start)
        and isinstance(lr, (int, float, np.integer, np.floating))
        and not isinstance(lr, bool)
        and math.isfinite(lr)
        and lr > 0
        and isinstance(step_num, int)
        and not isinstance(step_num, bool)
        and step_num >= 0
    )
    if not valid:
        expect_error(final)
        return expect_error(path)
    if isinstance(final, Exception):  # only a descent that left the float range may fail
        assert "diverged" in str(final) and "lower the learning rate" in str(final), final
        assert lr > 0.5 or np.abs(start.astype(np.float64)).max() > 1e100, "a contracting descent was refused"
        return expect_error(path, ValueError)
    expect_finite_array(final, start.shape, np.dtype(np.float64))
    expect_finite_array(path, (step_num + 1, *start.shape), np.dtype(np.float64))
    np.testing.assert_array_equal(path[0], start.astype(np.float64))
    np.testing.assert_array_equal(path[-1], final)


# ---------------------------------------------------------------------------
# the networks
# ---------------------------------------------------------------------------
@given(
    W=st.one_of(st.none(), arrays(shape=(2, 3)), arrays(max_dims=2)),
    x=st.one_of(arrays(shape=(2,)), arrays(shape=(3, 2)), arrays()),
    t=st.one_of(st.integers(-1, 3), arrays(shape=(3,)), arrays()),
)
def test_simple_net(W, x, t):
    net = outcome(SimpleNet, seed=0, W=W)
    w = real(W)
    if isinstance(net, Exception):
        assert W is not None and (w is None or w.shape != (2, 3) or not finite(w)), f"valid weights refused: {net!r}"
        return
    weights = net.W.copy()
    scores = outcome(net.predict, x)
    loss = outcome(net.loss, x, t)
    np.testing.assert_array_equal(net.W, weights)  # predict and loss only read W
    a = real(x)
    if a is None or a.shape[-1:] != (2,) or not finite(a):
        expect_error(scores)
        return expect_error(loss)
    if float(np.abs(a.astype(np.float64)).max(initial=0)) * float(np.abs(weights).max()) <= 1e300:  # no overflow
        expect_finite_array(scores, a.shape[:-1] + (3,), np.dtype(np.float64))
    if not isinstance(loss, Exception):
        assert isinstance(loss, float) and -1e-6 <= loss <= 17


net_shapes = st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))


@given(
    sizes=st.tuples(
        *[st.one_of(st.integers(1, 4), st.integers(1, 4), st.sampled_from([0, -1, 2.5, True, "3", 10**9]))] * 3
    ),
    std=st.one_of(st.sampled_from([0.01, 1.0]), st.floats(1e-3, 10), st.floats(), st.integers(-1, 2), st.just("0.01")),
    dtype=st.sampled_from([np.float64, np.float32, np.float64, np.float32, np.float16, np.int64, "float64", "bogus"]),
)
def test_two_layer_net_construction(sizes, std, dtype):
    net = outcome(TwoLayerNet, *sizes, weight_init_std=std, seed=0, dtype=dtype)
    valid = (
        all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= 4 for s in sizes)
        and isinstance(std, (int, float))
        and not isinstance(std, bool)
        and dtype in (np.float64, np.float32, "float64")
        and 0 < std <= (1e30 if dtype == np.float32 else 1e300)  # beyond, the weights overflow the dtype
    )
    if not valid:
        return expect_error(net)
    for key, shape in zip(KEYS, [sizes[:2], sizes[1:2], sizes[1:], sizes[2:]], strict=True):
        expect_finite_array(net.params[key], tuple(shape), np.dtype(dtype))


@st.composite
def networks(draw, dtypes=(np.float64, np.float32), broken=None):
    """A small TwoLayerNet, sometimes (always if ``broken``) with a parameter set to NaN, inf or 3e38."""
    sizes = draw(net_shapes)
    std = draw(st.sampled_from([0.01, 0.5, 3.0]))
    net = TwoLayerNet(*sizes, weight_init_std=std, seed=draw(st.integers(0, 3)), dtype=draw(st.sampled_from(dtypes)))
    if broken or (broken is None and draw(st.integers(0, 5)) == 0):
        key = draw(st.sampled_from(KEYS))
        flat = net.params[key].reshape(-1)
        flat[draw(st.integers(0, flat.size - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf, 3e38]))
    return net


@st.composite
def batches(draw, net):
    """Inputs and targets for ``net``: usually the right width, anything at all sometimes."""
    d, c = net.input_size, net.output_size
    kind = draw(st.sampled_from(["batch", "batch", "batch", "one sample", "anything"]))
    if kind == "batch":
        shape = (draw(st.integers(0, 4)), d)
        x = draw(
            st.one_of(arrays(dtypes=(np.float32, np.float64, np.uint8, np.int64), shape=shape), arrays(shape=shape))
        )
    elif kind == "one sample":
        x = draw(arrays(shape=(d,)))
    else:
        x = draw(arrays())
    y = np.zeros(c) if kind == "one sample" else np.zeros((np.shape(x)[0] if np.ndim(x) else 1, c))
    return x, draw(targets(y))


def check_net_results(net, x, t, results):
    """Each method's result: finite and of the documented shape, or a TypeError/ValueError."""
    a = real(x)
    for name, result in results.items():
        if isinstance(result, Exception):
            continue
        if name == "predict":
            n_shape = (
                (net.output_size,) if np.ndim(x) == 1 else (a.reshape(-1, net.input_size).shape[0], net.output_size)
            )
            expect_finite_array(result, n_shape, net.params["W1"].dtype)
        elif name == "loss":
            assert isinstance(result, float) and -1e-6 <= result <= 17, result
        elif name == "accuracy":
            assert isinstance(result, float) and 0 <= result <= 1, result
        else:
            loss, grads = result if name == "loss_and_gradient" else (0.0, result)
            assert math.isfinite(loss)
            assert set(grads) == set(KEYS)
            for key in KEYS:
                expect_finite_array(grads[key], net.params[key].shape)


def valid_batch(net, x, t) -> bool:
    """Inputs and targets every method of a healthy ``net`` must accept."""
    a, labels = real(x), real(t)
    if a is None or a.dtype.kind == "b" or a.ndim not in (1, 2) or a.shape[-1] != net.input_size:
        return False
    n = 1 if a.ndim == 1 else a.shape[0]
    if n == 0 or not finite(a) or np.abs(a.astype(np.float64)).max() > 100:
        return False
    if labels is None or labels.dtype.kind not in "iu" or labels.size != n or labels.ndim > 1:
        return False
    return bool(((labels >= 0) & (labels < net.output_size)).all())


@given(data=st.data())
def test_two_layer_net_methods(data):
    net = data.draw(networks(), label="net")
    x, t = data.draw(batches(net), label="x, t")
    params = {k: v.copy() for k, v in net.params.items()}
    methods = ["predict", "loss", "accuracy", "gradient", "loss_and_gradient", "fast_numerical_gradient"]
    results = {m: outcome(getattr(net, m), x) if m == "predict" else outcome(getattr(net, m), x, t) for m in methods}
    if net.input_size * net.hidden_size * net.output_size <= 16:  # the loop: 2 forward passes per parameter
        results["numerical_gradient"] = outcome(net.numerical_gradient, x, t)
    for key in KEYS:  # every method only reads the parameters (the loop restores its nudges)
        np.testing.assert_array_equal(net.params[key], params[key])
    check_net_results(net, x, t, results)
    healthy = all(np.isfinite(v).all() and np.abs(v).max() < 1e3 for v in net.params.values())
    if healthy and valid_batch(net, x, t):
        refused = {m: r for m, r in results.items() if isinstance(r, Exception)}
        if net.params["W1"].dtype == np.float32:
            assert isinstance(refused.pop("fast_numerical_gradient", None), TypeError)
        assert not refused, f"valid input refused: {refused}"


@given(sizes=net_shapes, seed=st.integers(0, 3), data=st.data())
def test_two_layer_net_gradients_agree_on_valid_input(sizes, seed, data):
    net = TwoLayerNet(*sizes, weight_init_std=0.5, seed=seed)
    n = data.draw(st.integers(1, 4), label="n")
    x = data.draw(hnp.arrays(np.float64, (n, net.input_size), elements=st.floats(-2, 2)), label="x")
    t = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, net.output_size - 1)), label="t")
    # where the target's probability is below about 1e-5 the book's 1e-7 inside the log
    # visibly separates the central difference (with it) from backprop (without it)
    assume(net.predict(x)[np.arange(n), t].min() > 1e-2)
    backprop = net.gradient(x, t)
    fast = net.fast_numerical_gradient(x, t)
    loop = net.numerical_gradient(x, t)
    for key in KEYS:
        np.testing.assert_allclose(backprop[key], fast[key], atol=1e-4, err_msg=key)
        np.testing.assert_allclose(loop[key], fast[key], atol=1e-9, err_msg=key)


# ---------------------------------------------------------------------------
# training
# ---------------------------------------------------------------------------
@given(data=st.data())
def test_train_on_tiny_data(data):
    # a valid run, or one with a single thing broken, so that each refusal has one cause
    broken = data.draw(st.sampled_from([None, None, None, "net", "x", "t", "iters", "batch", "lr", "gradient"]))
    net = data.draw(networks(broken=broken == "net"), label="net")
    n = data.draw(st.integers(1, 6), label="n")
    shape = (n, net.input_size)
    if broken == "x":
        x = data.draw(st.one_of(arrays(shape=shape), arrays(max_dims=2)), label="x")
    else:
        x = data.draw(
            arrays(dtypes=(np.float32, np.float64, np.uint8, np.int64), shape=shape, ordinary=True), label="x"
        )
    rows = np.shape(x)[0] if np.ndim(x) else 1
    if broken == "t":
        t = data.draw(targets(np.zeros((rows, net.output_size))), label="t")
    else:
        t = data.draw(hnp.arrays(np.int64, rows, elements=st.integers(0, net.output_size - 1)), label="t")
    options = {
        "iters_num": data.draw(
            st.sampled_from([0, -1, 2.5, True, "3"]) if broken == "iters" else st.integers(1, 25), label="iters_num"
        ),
        "batch_size": data.draw(
            st.sampled_from([0, n + 1, 1.0, None]) if broken == "batch" else st.integers(1, n), label="batch_size"
        ),
        "learning_rate": data.draw(
            st.one_of(st.floats(), st.just("0.1")) if broken == "lr" else st.sampled_from([0.01, 0.1, 1.0, 50.0]),
            label="learning_rate",
        ),
        "gradient": data.draw(
            st.sampled_from(["adam", None]) if broken == "gradient" else st.sampled_from(["backprop", "numerical"]),
            label="gradient",
        ),
        "fast": data.draw(st.booleans(), label="fast"),
    }
    if options["gradient"] == "numerical" and net.params["W1"].dtype == np.float32:
        broken = "numerical gradient of a float32 net"  # refused: h = 1e-4 is lost in float32
    params = {k: v.copy() for k, v in net.params.items()}
    data_before = (fingerprint(x), fingerprint(t))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TrainingStalled)
        try:
            history = outcome(train, net, x, t, progress=False, seed=0, **options)
        except TrainingDiverged as diverged:  # documented: a loss or a parameter blew up
            assert all(math.isfinite(v) for v in diverged.history.loss)
            assert "diverged at iteration" in str(diverged)
            assert (fingerprint(x), fingerprint(t)) == data_before
            return
    if isinstance(history, Exception):
        assert broken is not None, f"train refused valid input: {history!r}"
        for key in KEYS:  # refused before training: the net is untouched
            np.testing.assert_array_equal(net.params[key], params[key])
        return
    assert len(history.loss) == options["iters_num"]
    assert all(math.isfinite(v) for v in history.loss)
    assert history.epoch_iters[-1] == options["iters_num"] - 1
    assert all(0 <= a <= 1 for a in history.train_acc)
    assert all(np.isfinite(v).all() for v in net.params.values())
    stalled = [str(w.message) for w in caught if issubclass(w.category, TrainingStalled)]
    assert stalled == ([history.problem] if history.problem else [])
