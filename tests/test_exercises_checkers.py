"""Every exercise's checker: it accepts right answers and names each known wrong one by its message key.

The wrong answers are the chapter's traps, the learners' slips from study notes, the notebooks' own
starting code, and each misdiagnosis reported in issue 19 (marked "issue 19").
"""

import numpy as np
import pytest

from dlfs import SimpleNet, cross_entropy_error, numerical_gradient, sigmoid, softmax
from dlfs.exercises import verdict


def key(exercise_id, answer):
    return verdict(exercise_id, answer).key


# -- 01 ------------------------------------------------------------------------------------------------
def book_ce(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


def ce_with(log=np.log, delta=1e-7, total=False, batch_of=None, clip=False):
    def answer(y, t):
        n = y.shape[0] if batch_of == "shape0" else None
        y2 = y.reshape(1, -1) if y.ndim == 1 else y
        t2 = t.reshape(len(y2), -1).argmax(axis=1) if t.size == y2.size else t.reshape(-1)
        p = y2[np.arange(len(y2)), t2]
        logs = log(np.clip(p, 1e-7, 1)) if clip else log(p + delta)
        return -np.sum(logs) / (1 if total else n or len(y2))

    return answer


def mini_batch(t_from="t", masks=1, replace=True):
    def get_mini_batch(x_train, t_train, batch_size, rng):
        mask = rng.choice(x_train.shape[0], batch_size, replace=replace)
        source = x_train if t_from == "x" else t_train
        return x_train[mask], source[mask if masks == 1 else rng.choice(x_train.shape[0], batch_size)]

    return get_mini_batch


def notebook_mini_batch(x_train, t_train, batch_size, rng):
    train_size = x_train.shape[0]
    batch_mask = rng.choice(train_size, batch_size)
    x_batch = x_train[batch_mask]
    t_batch = x_train[rng.choice(train_size, batch_size)]
    return x_batch, t_batch


CASES_01 = [
    ("01.cross_entropy", book_ce, "right"),
    ("01.cross_entropy", lambda y, t: cross_entropy_error(y, t), "right"),
    ("01.cross_entropy", ce_with(delta=0), "no_delta"),
    ("01.cross_entropy", ce_with(clip=True), "clip"),  # issue 19: told "without the delta"
    ("01.cross_entropy", ce_with(log=np.log10), "log10"),  # issue 19: told about one-hot rows
    ("01.cross_entropy", lambda y, t: -np.mean(t * np.log(y + 1e-7)), "mean_all"),  # issue 19: told y.shape[0]
    ("01.cross_entropy", ce_with(total=True), "batch_sum"),
    ("01.cross_entropy", ce_with(batch_of="shape0"), "single_batch_size"),
    ("01.cross_entropy", lambda y, t: -ce_with()(y, t), "sign"),
    ("01.cross_entropy", lambda y, t: -np.sum(t * np.log(y + 1e-7)) / y.reshape(-1, 10).shape[0], "labels"),
    ("01.mini_batch", mini_batch(), "right"),
    ("01.mini_batch", mini_batch(replace=False), "right"),
    ("01.mini_batch", notebook_mini_batch, "targets_are_images"),
    ("01.mini_batch", mini_batch(masks=2), "two_masks"),
    ("01.mini_batch", lambda x, t, n, rng: (t[:n], x[:n]), "swapped"),
    ("01.mini_batch", lambda x, t, n, rng: (x[:n], t[:n]), "slice"),
    ("01.mini_batch", lambda x, t, n, rng: (x[rng.choice(n, n)], t[rng.choice(n, n)]), "two_masks"),
    ("01.mini_batch", lambda x, t, n, rng: mini_batch()(x, t, n, np.random.default_rng(0)), "same_rows"),
    ("01.mini_batch", lambda x, t, n, rng: (rng.shuffle(x), (x[:n], t[:n]))[1], "changed_data"),
    ("01.mini_batch", lambda x, t, n, rng: [x[:n]], "pair"),
    ("01.mini_batch", lambda x, t, n, rng: (x[:n] / 255, t[:n]), "not_rows"),
    ("01.untrained_loss", 2.3026, "right"),
    ("01.untrained_loss", np.float32(2.30), "right"),
    ("01.untrained_loss", np.array(2.3026), "right"),  # issue 19: a 0-d array was "not a number"
    ("01.untrained_loss", 0.2303, "mean_all"),  # issue 19: only "too low"
    ("01.untrained_loss", 0.1, "probability"),
    ("01.untrained_loss", 1.0, "log10"),
    ("01.untrained_loss", 230.26, "batch_sum"),
    ("01.untrained_loss", 0.69, "too_low"),
    ("01.untrained_loss", ..., "replace_dots"),
    ("01.untrained_loss", "2.3", "not_numbers"),
]


# -- 02 ------------------------------------------------------------------------------------------------
def diff(h=1e-4, kind="central"):
    def numerical_diff(f, x):
        return {
            "central": lambda: (f(x + h) - f(x - h)) / (2 * h),
            "forward": lambda: (f(x + h) - f(x)) / h,
            "slash": lambda: (f(x + h) - f(x - h)) / 2 * h,
        }[kind]()

    return numerical_diff


def notebook_buggy_numerical_diff(f, x):
    h = 10e-4  # 0.0001
    return (f(x + h) - f(x - h)) / 2 * h


def numerical_diff_h_1e5(f, x):
    h = 1e-5
    return (f(x + h) - f(x - h)) / (2 * h)


CASES_02 = [
    ("02.numerical_diff", diff(), "right"),
    ("02.numerical_diff", lambda f, x: (f(x + 1e-4) - f(x - 1e-4)) / 2e-4, "right"),
    ("02.numerical_diff", diff(kind="forward"), "forward"),
    ("02.numerical_diff", diff(kind="slash"), "slash_2h"),
    ("02.numerical_diff", diff(h=1e-3), "h_10e4"),
    ("02.numerical_diff", numerical_diff_h_1e5, "h_other"),
    ("02.numerical_diff", diff(h=1e-50), "zero"),
    ("02.fix_numerical_diff", notebook_buggy_numerical_diff, "both_slips"),
    ("02.fix_numerical_diff", diff(), "right"),
    ("02.forward_slope", 0.31, "right"),
    ("02.forward_slope", 0.3, "exact_at_x"),
    ("02.forward_slope", 0.5, "fallback"),
    ("02.partial_derivative", 10, "right"),
    ("02.partial_derivative", 10.00001, "forward"),  # issue 19: shown as "10" and told "hold x1 fixed"
    ("02.partial_derivative", 10.0001, "forward"),
    ("02.partial_derivative", 6, "x0_squared_only"),
    ("02.partial_derivative", 3, "d_dx1"),
]


def test_a_learners_number_is_shown_as_typed():  # issue 19: 10.00001 was shown as "You predicted 10."
    assert "10.00001" in verdict("02.partial_derivative", 10.00001).text
    assert "1.0000001" in verdict("04.largest_lr", 1.0000001).text


# -- 03 ------------------------------------------------------------------------------------------------
def gradient(h=1e-4, live_view=False, dtype=None, restore=True, loop_1d=False, stop=None):
    def numerical_gradient(f, x):
        grad = np.zeros(x.shape, dtype=dtype or x.dtype)
        it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
        for n, idx in enumerate(range(x.size) if loop_1d else np.ndindex(x.shape)):
            if n == stop:
                return grad, f(x)  # a ragged return
            tmp_val = it[0] if live_view else x[idx]
            x[idx] = tmp_val + h
            fxh1 = f(x)
            x[idx] = tmp_val - h
            fxh2 = f(x)
            grad[idx] = (fxh1 - fxh2) / (2 * h)
            if restore:
                x[idx] = tmp_val
            it.iternext()
        return grad

    return numerical_gradient


def gradient_of_a_copy(f, x):
    return gradient()(f, x.copy())


def integer_points(*fixed):
    def gradients_at_book_points(numerical_gradient):
        points = [np.array([3, 4]), np.array([0, 2]), np.array([3, 0])]
        points = [p.astype(fixed[0]) if i in fixed[1:] else p for i, p in enumerate(points)]
        return [numerical_gradient(lambda x: x[0] ** 2 + x[1] ** 2, p) for p in points]

    return gradients_at_book_points


CASES_03 = [
    ("03.numerical_gradient", gradient(), "right"),
    ("03.numerical_gradient", numerical_gradient, "right"),
    ("03.numerical_gradient", gradient(h=1e-5), "h_other"),  # issue 19: h = 1e-5 and 1e-6 were accepted
    ("03.numerical_gradient", gradient(h=1e-6), "h_other"),
    ("03.numerical_gradient", gradient(h=1e-7), "h_other"),  # issue 19: the generic recipe
    ("03.numerical_gradient", gradient(h=1e-3), "h_10e4"),  # issue 19: the generic recipe
    ("03.numerical_gradient", gradient(dtype=np.float32), "float32"),  # issue 19: expected and got printed alike
    ("03.numerical_gradient", gradient(live_view=True), "live_view"),  # issue 19: called "+= h rounding"
    ("03.numerical_gradient", gradient(restore=False), "not_restored"),
    ("03.numerical_gradient", gradient(loop_1d=True), "one_d_loop"),
    ("03.numerical_gradient", gradient_of_a_copy, "zeros_lambda"),
    ("03.numerical_gradient", gradient(stop=1), "ragged"),
    ("03.integer_array", integer_points(float, 0, 1, 2), "right"),
    ("03.integer_array", integer_points(int), "start"),
    ("03.integer_array", integer_points(float, 0), "integer"),  # issue 19: "converting the result is too late"
    ("03.integer_array", integer_points(np.float32, 0, 1, 2), "float32"),  # issue 19: "use floats"
    ("03.integer_array", lambda ng: [ng(lambda x: x @ x, p) for p in ([3.0, 4.0], [0.0, 2.0], [3.0, 0.0])], "list"),
    (
        "03.integer_array",
        lambda ng: [ng(lambda x: x @ x, np.array(p).astype(float)) for p in ([3, 4], [0, 2])],
        "shape",
    ),
    ("03.call_count", 12, "right"),
    ("03.call_count", 6, "one_per_entry"),
    ("03.call_count", 12.5, "fallback"),
]


def test_a_partial_fix_names_the_points_still_integer():
    assert "(0, 2), (3, 0)" in verdict("03.integer_array", integer_points(float, 0)).text


# -- 04 ------------------------------------------------------------------------------------------------
def descent(copy=True, sign=1, steps=0, return_in_loop=False):
    def gradient_descent(f, init_x, lr=0.01, step_num=100):
        x = init_x.copy() if copy else init_x
        for _ in range(step_num + steps):
            x -= sign * lr * numerical_gradient(f, x)
            if return_in_loop:
                return x
        return x

    return gradient_descent


def history(copy=False, append_copy=True):
    def my_descent_with_history(f, init_x, lr=0.01, step_num=100):
        x = init_x.copy() if copy else init_x
        x_history = []
        for _ in range(step_num):
            x_history.append(x.copy() if append_copy else x)
            x -= lr * numerical_gradient(f, x)
        return x, np.array(x_history)

    return my_descent_with_history


CASES_04 = [
    ("04.gradient_descent", descent(), "right"),
    ("04.gradient_descent", descent(copy=False), "mutated"),
    ("04.gradient_descent", descent(return_in_loop=True), "return_in_loop"),  # issue 19: the generic hint
    ("04.gradient_descent", descent(sign=-1), "ascent"),
    ("04.gradient_descent", descent(steps=1), "one_more"),
    ("04.gradient_descent", lambda f, x, lr, n: (x, [x]), "tuple_history"),
    ("04.descent_history", history(copy=True), "right"),
    ("04.descent_history", history(), "mutated"),
    ("04.descent_history", history(copy=True, append_copy=False), "append_view"),
    ("04.largest_lr", 1.0, "right"),
    ("04.largest_lr", 0.995, "right"),
    ("04.largest_lr", 1.0000001, "just_above"),  # issue 19: nonsense
    ("04.largest_lr", float("nan"), "not_finite"),  # issue 19: nonsense
    ("04.largest_lr", 20, "x0_alone"),
    ("04.largest_lr", 0.5, "x1_one_step"),
    ("04.largest_lr", 3, "diverges"),
    ("04.largest_lr", 0.3, "converges"),
    ("04.largest_lr", -1, "positive"),
]


# -- 05 ------------------------------------------------------------------------------------------------
def loss(softmax_axis=-1, mean_all=False, dtype=None, transpose=False):
    def my_simple_net_loss(W, x, t):
        W = W.astype(dtype) if dtype else W
        z = np.dot(x, W.T) if transpose else np.dot(x, W)
        z = z - np.max(z, axis=softmax_axis, keepdims=True)
        y = np.exp(z) / np.sum(np.exp(z), axis=softmax_axis, keepdims=True)
        if mean_all:
            return -np.mean(t * np.log(y + 1e-7))
        y, t = y.reshape(-1, 3), t.reshape(-1, 3)
        return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]

    return my_simple_net_loss


X, T = np.array([0.6, 0.9]), np.array([0, 0, 1])

CASES_05 = [
    ("05.simple_net_loss", loss(), "right"),
    ("05.simple_net_loss", lambda W, x, t: SimpleNet(W=W).loss(x, t), "right"),
    ("05.simple_net_loss", lambda W, x, t: cross_entropy_error(softmax(np.dot(x, W)), t), "right"),
    ("05.simple_net_loss", loss(softmax_axis=0), "axis_0"),  # issue 19: the generic hint
    ("05.simple_net_loss", loss(mean_all=True), "mean_all"),  # issue 19: the generic hint
    ("05.simple_net_loss", loss(transpose=True), "dot_transpose"),  # issue 19: blamed on np.dot(W, x)
    ("05.simple_net_loss", lambda W, x, t: cross_entropy_error(softmax(np.dot(W, x)), t), "dot_order"),
    ("05.simple_net_loss", loss(dtype=np.float32), "float32"),  # issue 19: rejected unexplained
    ("05.simple_net_loss", lambda W, x, t: SimpleNet(W=W).loss(x, t) * 2, "recipe"),
    ("05.simple_net_loss", lambda W, x, t: cross_entropy_error(softmax(np.dot(x, SimpleNet(seed=0).W)), t), "recipe"),
    ("05.loss_lambda", lambda W: SimpleNet(W=W).loss(X, T), "right"),
    ("05.loss_lambda", lambda: SimpleNet(W=np.ones((2, 3))).loss(X, T), "no_argument"),
    ("05.loss_lambda", lambda W: SimpleNet(W).loss(X, T), "simplenet_seed"),  # issue 19: "seed must be integer"
    ("05.loss_lambda", lambda W: SimpleNet(W=np.eye(2, 3)).loss(X, T), "wrong_loss"),
    ("05.loss_lambda", lambda W: SimpleNt(W).loss(X, T), "raised"),  # noqa: F821 - a typo, not the seed
    ("05.negative_entries", 3, "right"),
    ("05.negative_entries", 2, "book_x"),
    ("05.negative_entries", 7, "count_range"),
]


# -- 06 ------------------------------------------------------------------------------------------------
def predict(axis=1, keepdims=True, overflow_guard=True):
    def my_predict(params, x):
        a1 = np.dot(x, params["W1"]) + params["b1"]
        a2 = np.dot(sigmoid(a1), params["W2"]) + params["b2"]
        e = np.exp(a2 - (a2.max(axis=axis, keepdims=True) if overflow_guard else 0))
        return e / np.sum(e, axis=axis, keepdims=keepdims)

    return my_predict


def predict_with_swapped_bias(params, x):
    a1 = np.dot(x, params["W1"]) + params["b2"]
    return softmax(np.dot(sigmoid(a1), params["W2"]) + params["b1"])


def sgd(t_from="t", index_params=False, sign=-1, times=1, replace=True, labels=False, wipe=False):
    def my_sgd_step(network, x_train, t_train, batch_size, learning_rate, rng):
        batch_mask = rng.choice(x_train.shape[0], batch_size, replace=replace)
        t_batch = (x_train if t_from == "x" else t_train)[batch_mask]
        grads = network.gradient(x_train[batch_mask], t_batch.argmax(axis=1) if labels else t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            for _ in range(times):
                network.params[key] += sign * learning_rate * (grads.params[key] if index_params else grads[key])
        if wipe:
            network.params = {}

    return my_sgd_step


CASES_06 = [
    ("06.two_layer_predict", predict(), "right"),
    (
        "06.two_layer_predict",
        lambda p, x: softmax(np.dot(sigmoid(np.dot(x, p["W1"]) + p["b1"]), p["W2"]) + p["b2"]),
        "right",
    ),
    ("06.two_layer_predict", predict_with_swapped_bias, "bias_swap"),  # issue 19: blamed on keepdims
    ("06.two_layer_predict", predict(keepdims=False), "keepdims"),
    ("06.two_layer_predict", predict(axis=0), "axis_0"),
    ("06.two_layer_predict", predict(overflow_guard=False), "overflow"),
    ("06.two_layer_predict", lambda p, x: softmax(np.dot(x, p["W2"]) + p["b2"]), "x_W2"),
    ("06.sgd_step", sgd(), "right"),
    ("06.sgd_step", sgd(labels=True), "right"),  # issue 19: integer labels told "t_batch is not t_train[batch_mask]"
    ("06.sgd_step", sgd(replace=False), "right"),  # issue 19: replace=False told "not np.random"
    ("06.sgd_step", sgd(t_from="x", index_params=True, sign=1), "images_as_labels"),  # the notebook's code
    ("06.sgd_step", sgd(index_params=True, sign=1), "grads_params"),
    ("06.sgd_step", sgd(sign=1), "ascent"),
    ("06.sgd_step", sgd(times=2), "double"),  # issue 19: told "multiply by the learning rate"
    ("06.sgd_step", sgd(wipe=True), "params_missing"),  # issue 19: told "returned None"
    ("06.sgd_step", lambda net, x, t, n, lr, rng: sgd()(net, x, t, n, lr, np.random.default_rng(0)), "rng_unused"),
    ("06.numerical_forward_passes", 79520, "right"),
    ("06.numerical_forward_passes", 39760, "parameters"),
    ("06.numerical_forward_passes", 8, "four_calls"),
]


@pytest.mark.parametrize(
    "exercise_id, answer, expected",
    CASES_01 + CASES_02 + CASES_03 + CASES_04 + CASES_05 + CASES_06,
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_checker_names_the_answer(exercise_id, answer, expected):
    result = verdict(exercise_id, answer)
    assert (result.key, result.ok) == (expected, expected == "right"), result.text


def test_sgd_feedback_names_grads_without_asterisks():  # issue 19: `*asterisks*` and grad[key]
    for answer in (sgd(sign=1), sgd(index_params=True, sign=1)):
        text = verdict("06.sgd_step", answer).text.split(" (line ")[0]  # the message, without the learner's line
        assert "*" not in text and "grad[key]" not in text
