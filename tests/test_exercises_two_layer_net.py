"""The exercises of notebooks/06_two_layer_net_mnist.ipynb: each checker accepts a right answer and names
each known-wrong one, the learners' notes' bugs included (np.dot(x, W2), t_batch = x_train[batch_mask],
grads.params[key], an update with +=).
"""

import time

import numpy as np
import pytest
from exercise_checks import english, verdict  # noqa: F401 (english: an autouse fixture)

from dlfs import set_language, sigmoid, softmax
from dlfs.exercises import EXERCISES, check


def test_the_notebooks_exercises_are_registered():
    ids = {k for k, ex in EXERCISES.items() if ex.notebook == "06_two_layer_net_mnist.ipynb"}
    assert ids == {"06.two_layer_predict", "06.sgd_step", "06.numerical_forward_passes"}
    assert {EXERCISES[k].kind for k in ids} == {"write", "bug hunt", "predict"}


# -- 06.two_layer_predict ------------------------------------------------------------------------
def book_predict(params, x):
    W1, W2 = params["W1"], params["W2"]
    b1, b2 = params["b1"], params["b2"]
    a1 = np.dot(x, W1) + b1
    z1 = sigmoid(a1)
    a2 = np.dot(z1, W2) + b2
    return softmax(a2)


def hand_written_softmax(params, x):
    a2 = 1 / (1 + np.exp(-(x @ params["W1"] + params["b1"]))) @ params["W2"] + params["b2"]
    e = np.exp(a2 - a2.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def x_instead_of_z1(params, x):  # the learners' notes' typo
    a1 = np.dot(x, params["W1"]) + params["b1"]
    z1 = sigmoid(a1)  # noqa: F841 - computed, then not used: that is the bug
    return softmax(np.dot(x, params["W2"]) + params["b2"])


def no_sigmoid(params, x):
    return softmax((x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"])


def no_softmax(params, x):
    return sigmoid(x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]


def sigmoid_at_the_output(params, x):
    return sigmoid(sigmoid(x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"])


def softmax_over_axis_0(params, x):
    a2 = sigmoid(x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    e = np.exp(a2 - a2.max(axis=0))
    return e / e.sum(axis=0)


def one_d_softmax_on_a_batch(params, x):
    a2 = sigmoid(x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    e = np.exp(a2 - np.max(a2))
    return e / np.sum(e)


def no_b1(params, x):
    return softmax(sigmoid(x @ params["W1"]) @ params["W2"] + params["b2"])


def no_b2(params, x):
    return softmax(sigmoid(x @ params["W1"] + params["b1"]) @ params["W2"])


def no_biases(params, x):
    return softmax(sigmoid(x @ params["W1"]) @ params["W2"])


def softmax_without_the_max(params, x):
    a2 = sigmoid(x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    return np.exp(a2) / np.sum(np.exp(a2), axis=1, keepdims=True)


def row_sums_without_keepdims(params, x):
    a2 = sigmoid(x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    e = np.exp(a2 - a2.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


@pytest.mark.parametrize("right", [book_predict, hand_written_softmax], ids=lambda f: f.__name__)
def test_predict_accepts_right_answers(capsys, right):
    ok, out = verdict(capsys, "06.two_layer_predict", right)
    assert ok and "right" in out, out


@pytest.mark.parametrize(
    "wrong, named",
    [
        (x_instead_of_z1, "np.dot(x, W2) where it should be np.dot(z1, W2)"),
        (no_sigmoid, "without the sigmoid"),
        (no_softmax, "scores a2 themselves"),
        (sigmoid_at_the_output, "rows do not sum to 1"),
        (softmax_over_axis_0, "normalised over axis 0"),
        (one_d_softmax_on_a_batch, "1-D softmax applied to a batch"),
        (no_b1, "without b1"),
        (no_b2, "without b2"),
        (no_biases, "without the biases"),
        (softmax_without_the_max, "overflows"),
        (row_sums_without_keepdims, "keepdims=True"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_predict_names_each_known_mistake(capsys, wrong, named):
    ok, out = verdict(capsys, "06.two_layer_predict", wrong)
    assert not ok and "not yet" in out and named in out, out


def test_predict_shape_error_feedback_quotes_the_learners_line(capsys):
    ok, out = verdict(capsys, "06.two_layer_predict", x_instead_of_z1)
    assert not ok and "ValueError" in out and 'softmax(np.dot(x, params["W2"]) + params["b2"])' in out


def test_predict_stub_says_what_to_do(capsys):
    def my_predict(params, x):
        """Return the softmax probabilities."""
        ...

    ok, out = verdict(capsys, "06.two_layer_predict", my_predict)
    assert not ok and "in place of `...`" in out


# -- 06.sgd_step ---------------------------------------------------------------------------------
def sgd_step(network, x_train, t_train, batch_size, learning_rate, rng):
    train_size = x_train.shape[0]
    batch_mask = rng.choice(train_size, batch_size)
    x_batch = x_train[batch_mask]
    t_batch = t_train[batch_mask]
    grad = network.gradient(x_batch, t_batch)
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] -= learning_rate * grad[key]


def numerical_sgd_step(network, x_train, t_train, batch_size, learning_rate, rng):
    batch_mask = rng.choice(len(x_train), batch_size)
    grad = network.numerical_gradient(x_train[batch_mask], t_train[batch_mask])
    for key in grad:
        network.params[key] = network.params[key] - learning_rate * grad[key]


def notes_sgd_step(network, x_train, t_train, batch_size, learning_rate, rng):
    """The step as the learners' notes wrote it: all three bugs."""
    train_size = x_train.shape[0]
    batch_mask = rng.choice(train_size, batch_size)
    x_batch = x_train[batch_mask]
    t_batch = x_train[batch_mask]
    grads = network.gradient(x_batch, t_batch)
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] += learning_rate * grads.params[key]


def grads_params(network, x_train, t_train, batch_size, learning_rate, rng):
    batch_mask = rng.choice(x_train.shape[0], batch_size)
    grads = network.gradient(x_train[batch_mask], t_train[batch_mask])
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] -= learning_rate * grads.params[key]


def plus_equals(network, x_train, t_train, batch_size, learning_rate, rng):
    batch_mask = rng.choice(x_train.shape[0], batch_size)
    grad = network.gradient(x_train[batch_mask], t_train[batch_mask])
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] += learning_rate * grad[key]


def global_random(network, x_train, t_train, batch_size, learning_rate, rng):
    batch_mask = np.random.choice(x_train.shape[0], batch_size)
    grad = network.gradient(x_train[batch_mask], t_train[batch_mask])
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] -= learning_rate * grad[key]


def new_generator_every_step(network, x_train, t_train, batch_size, learning_rate, rng):
    batch_mask = np.random.default_rng(7).choice(x_train.shape[0], batch_size)
    grad = network.gradient(x_train[batch_mask], t_train[batch_mask])
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] -= learning_rate * grad[key]


def no_learning_rate(network, x_train, t_train, batch_size, learning_rate, rng):
    batch_mask = rng.choice(x_train.shape[0], batch_size)
    grad = network.gradient(x_train[batch_mask], t_train[batch_mask])
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] -= grad[key]


def weights_only(network, x_train, t_train, batch_size, learning_rate, rng):
    batch_mask = rng.choice(x_train.shape[0], batch_size)
    grad = network.gradient(x_train[batch_mask], t_train[batch_mask])
    for key in ("W1", "W2"):
        network.params[key] -= learning_rate * grad[key]


def local_names(network, x_train, t_train, batch_size, learning_rate, rng):
    batch_mask = rng.choice(x_train.shape[0], batch_size)
    grad = network.gradient(x_train[batch_mask], t_train[batch_mask])
    W1 = network.params["W1"]
    W1 = W1 - learning_rate * grad["W1"]  # noqa: F841 - a new local array; the network never sees it


def labels_of_another_batch(network, x_train, t_train, batch_size, learning_rate, rng):
    batch_mask = rng.choice(x_train.shape[0], batch_size)
    other = rng.choice(x_train.shape[0], batch_size)
    grad = network.gradient(x_train[batch_mask], t_train[other])
    for key in ("W1", "b1", "W2", "b2"):
        network.params[key] -= learning_rate * grad[key]


@pytest.mark.parametrize("right", [sgd_step, numerical_sgd_step], ids=lambda f: f.__name__)
def test_sgd_step_accepts_right_answers(capsys, right):
    ok, out = verdict(capsys, "06.sgd_step", right)
    assert ok and "right" in out, out


@pytest.mark.parametrize(
    "wrong, named",
    [
        (notes_sgd_step, "t_batch = x_train[batch_mask] should be t_train[batch_mask]"),
        (grads_params, "grads is a plain dict"),
        (plus_equals, "gradient ascent"),
        (global_random, "from the rng passed in"),
        (new_generator_every_step, "A new generator inside the function"),
        (no_learning_rate, "multiply it by the learning rate"),
        (weights_only, "b1, b2 did not change"),
        (local_names, "W1, b1, W2, b2 did not change"),
        (labels_of_another_batch, "same batch_mask as the images"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_sgd_step_names_each_known_mistake(capsys, wrong, named):
    ok, out = verdict(capsys, "06.sgd_step", wrong)
    assert not ok and "not yet" in out and named in out, out


def test_sgd_step_bugs_are_found_one_after_the_other(capsys):
    """Fixing the notes' bugs in order meets each one's feedback: t_batch, then grads.params, then +=."""

    def t_batch_fixed(network, x_train, t_train, batch_size, learning_rate, rng):
        batch_mask = rng.choice(x_train.shape[0], batch_size)
        t_batch = t_train[batch_mask]
        grads = network.gradient(x_train[batch_mask], t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] += learning_rate * grads.params[key]

    ok, out = verdict(capsys, "06.sgd_step", t_batch_fixed)
    assert not ok and "AttributeError: 'dict' object has no attribute 'params'" in out and "grads[key]" in out
    assert "network.params[key] += learning_rate * grads.params[key]" in out  # the learner's own line


def test_sgd_step_feedback_speaks_korean(capsys):
    set_language("ko")
    ok, out = verdict(capsys, "06.sgd_step", notes_sgd_step)
    assert not ok and "아직입니다" in out and "t_train[batch_mask]" in out and "레이블" in out


# -- 06.numerical_forward_passes -----------------------------------------------------------------
def test_forward_passes_accepts_79520(capsys):
    ok, out = verdict(capsys, "06.numerical_forward_passes", 79_520)
    assert ok and "79,520" in out


@pytest.mark.parametrize(
    "wrong, named",
    [
        (39_760, "number of parameters"),
        (39_761, "forward difference"),
        (79_400, "leaves out the biases"),
        (159_020, "100 hidden units"),
        (8, "called 4 times"),
        (1_000, "Count the parameters"),
        (..., "Replace `...`"),
        ("79520", "The answer is a number"),
    ],
)
def test_forward_passes_names_each_known_mistake(capsys, wrong, named):
    ok, out = verdict(capsys, "06.numerical_forward_passes", wrong)
    assert not ok and named in out, out


# -- all of them ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "exercise_id, answer",
    [
        ("06.two_layer_predict", book_predict),
        ("06.two_layer_predict", x_instead_of_z1),
        ("06.sgd_step", sgd_step),
        ("06.sgd_step", notes_sgd_step),
        ("06.numerical_forward_passes", 79_520),
    ],
)
def test_each_check_runs_well_under_a_second(capsys, exercise_id, answer):
    start = time.perf_counter()
    check(exercise_id, answer)
    assert time.perf_counter() - start < 0.5
