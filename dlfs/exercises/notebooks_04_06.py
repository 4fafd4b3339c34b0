"""Checkers of notebooks 04 (gradient descent), 05 (SimpleNet) and 06 (TwoLayerNet on MNIST)."""

from __future__ import annotations

import inspect

import numpy as np

from ..nets import TwoLayerNet
from .core import NotYet, agree, by_line, call, compare, describe, exercise, numbers, require_function
from .notebooks_01_03 import BOOK_W, BOOK_X, book_gradient, cross_entropy, function_2, gradient_variant, softmax


# -- 04.gradient_descent, 04.descent_history -----------------------------------------------------------
def descend(f, init_x, lr: float, step_num: int, kind: str = "", sign: float = 1.0) -> np.ndarray:
    """x after step_num steps of x <- x - lr * grad (or of a learner's variant), from a copy of init_x."""
    x = np.array(init_x, dtype=np.float64)
    for _ in range(step_num):
        x = x - sign * lr * (gradient_variant(f, x, kind) if kind else book_gradient(f, x))
    return x


DESCENT_CASES = [("case_book", function_2, [-3.0, 4.0], 0.1, 100)]
DESCENT_CASES += [("case_bowl", lambda x: 0.05 * x[0] ** 2 + x[1] ** 2, [-3.0, 4.0], 0.9, 7)]
DESCENT_CASES += [("case_no_steps", function_2, [1.5, -2.0], 0.1, 0)]
DESCENT_CASES += [("case_three", lambda x: np.sum(np.array([1.0, 2.0, 3.0]) * x**2), [1.0, -2.0, 0.5], 0.2, 5)]
DESCENT_SLIPS = {
    "never_moved": lambda f, x, lr, n: np.asarray(x) if n else np.nan,
    "return_in_loop": lambda f, x, lr, n: descend(f, x, lr, 1) if n > 1 else np.nan,
    "ascent": lambda f, x, lr, n: descend(f, x, lr, n, sign=-1.0) if n else np.nan,
    "one_more": lambda f, x, lr, n: descend(f, x, lr, n + 1),
    "one_less": lambda f, x, lr, n: descend(f, x, lr, n - 1) if n else np.nan,
    "forward": lambda f, x, lr, n: descend(f, x, lr, n, "forward") if n else np.nan,
}


def _descent_of(answer, case: str, f, init_x: list, lr: float, step_num: int) -> np.ndarray:
    given = np.array(init_x)  # the caller's array: the learner's function must leave it as it was
    raw = call(answer, f, given, lr, step_num, case=case)
    if isinstance(raw, tuple):
        raise NotYet("tuple_history", case=case, got=describe(raw))
    if not np.array_equal(given, init_x):
        raise NotYet("mutated", case=case)
    return numbers(raw, case, given.shape)


compare("04.gradient_descent", "write", DESCENT_CASES, descend, DESCENT_SLIPS, _descent_of)


@exercise("04.descent_history", "bug hunt")
def check_descent_history(answer) -> str:
    require_function(answer)
    case, init_x, lr, step_num = "case_history", np.array([-3.0, 4.0]), 0.1, 20
    path = [descend(function_2, init_x, lr, k) for k in range(step_num + 1)]
    given = init_x.copy()  # the caller holds this array and passes it twice, as the notebook does
    for attempt in (1, 2):
        raw = call(answer, function_2, given, lr, step_num, case=case)
        if not (isinstance(raw, tuple) and len(raw) == 2):
            raise NotYet("pair", case=case, got=describe(raw))
        if np.shape(raw[1]) == (step_num + 1, 2):
            raise NotYet("history_rows", case=case, rows=step_num + 1, step_num=step_num)
        x, history = numbers(raw[0], case, (2,)), numbers(raw[1], case, (step_num, 2))
        if attempt == 2 and not agree(history[0], init_x):
            raise NotYet("mutated", case=case, start=np.array2string(history[0], precision=4))
        if np.all(history == history[-1]):
            raise NotYet("append_view", case=case)
        if not (agree(x, path[-1]) and agree(history, path[:-1])):
            raise NotYet("recipe", case=case)
    return "right"


# -- 05.simple_net_loss, 05.loss_lambda -------------------------------------------------------------------
def net_loss(W, x, t) -> float:
    """SimpleNet's loss at weights W: the scores np.dot(x, W), softmax, the cross entropy with 1e-7."""
    return cross_entropy(softmax(np.dot(x, W)), t)


def _mean_log(W, x, t, how: str = "", log=np.log, delta: float = 1e-7) -> float:
    """The cross entropy of a learner's variant of softmax(x W): no max subtracted, one sum, over axis 0."""
    z = np.dot(x, W).reshape(-1, 3)
    e = np.exp(z - {"no_max": 0, "one_sum": z.max(), "axis_0": z.max(axis=0)}.get(how, z.max(axis=1, keepdims=True)))
    y = e / {"one_sum": e.sum(), "axis_0": e.sum(axis=0)}.get(how, e.sum(axis=1, keepdims=True))
    return float(-np.mean(log((y if how != "scores" else z)[t.reshape(-1, 3).astype(bool)] + delta)))


LOSS_SLIPS = {
    "ignores_W": lambda W, x, t: net_loss(BOOK_W, x, t),
    "overflow": lambda W, x, t: _mean_log(W, x, t, "no_max"),
    "no_delta": lambda W, x, t: _mean_log(W, x, t, delta=0),
    "no_softmax": lambda W, x, t: _mean_log(W, x, t, "scores"),
    "batch_sum": lambda W, x, t: net_loss(W, x, t) * x.reshape(-1, 2).shape[0],
    "one_sum": lambda W, x, t: _mean_log(W, x, t, "one_sum"),
    "axis_0": lambda W, x, t: _mean_log(W, x, t, "axis_0" if x.ndim > 1 else ""),
    "sign": lambda W, x, t: -net_loss(W, x, t),
    "squares": lambda W, x, t: 0.5 * np.sum((softmax(np.dot(x, W)) - t) ** 2) / x.reshape(-1, 2).shape[0],
    "squares_sum": lambda W, x, t: 0.5 * np.sum((softmax(np.dot(x, W)) - t) ** 2),
    "log10": lambda W, x, t: _mean_log(W, x, t, log=np.log10),
    "mean_all": lambda W, x, t: net_loss(W, x, t) / 3,
}
_rng = np.random.default_rng(5)
_W, _X4 = _rng.standard_normal((2, 3)), _rng.uniform(-1, 1, size=(4, 2))
_t0, _t2 = np.eye(3)[0], np.array([0, 0, 1])
LOSS_CASES = [("case_book", BOOK_W, BOOK_X, _t2), ("case_other_W", _W, np.array([1.0, -0.5]), _t0)]
LOSS_CASES += [("case_batch", _W, _X4, np.eye(3)[[2, 0, 1, 2]]), ("case_large", BOOK_W, np.array([600.0, 900.0]), _t0)]


def _loss_of(answer, case: str, W, x, t) -> float:
    args = (W.copy(), x.copy(), t.copy())
    try:
        raw = call(answer, *args, case=case)
    except NotYet as not_yet:
        shapes = {r"W\.T.*\n.*align": "dot_transpose", r"(dot\(\s*W\b|\bW\s*@).*\n.*align": "dot_order"}
        raise by_line(not_yet, shapes | {"align|matmul|broadcast": "dot_shape"}) from None
    if not all(np.array_equal(a, b) for a, b in zip(args, (W, x, t), strict=True)):
        raise NotYet("mutates", case=case)
    if numbers(raw, case).dtype == np.float32:
        raise NotYet("float32", case=case)
    return numbers(raw, case, ())


_precision = lambda answer, r, W, x, t: "float32" if agree(r, net_loss(W, x, t), rtol=1e-6) else "recipe"  # noqa: E731
compare("05.simple_net_loss", "write", LOSS_CASES, net_loss, LOSS_SLIPS, _loss_of, _precision)


def _loss_at(answer, W: np.ndarray, case: str) -> float:
    W_in = W.copy()
    try:
        value = numbers(call(answer, W_in, case=case), case, ())
    except NotYet as not_yet:  # SimpleNet(W) puts W in the first parameter, seed
        raise by_line(not_yet, {r"SimpleNet\(\s*[^\s=)]+\s*\).*\n(?!name )": "simplenet_seed"}) from None
    if not np.array_equal(W_in, W):
        raise NotYet("mutates", case=case)
    return value


@exercise("05.loss_lambda", "bug hunt")
def check_loss_lambda(answer) -> str:
    require_function(answer)
    try:
        inspect.signature(answer).bind(BOOK_W)
    except TypeError:
        raise NotYet("no_argument" if not inspect.signature(answer).parameters else "arity") from None
    except ValueError:  # no signature to read: let the call decide
        pass
    other, t = np.random.default_rng(7).standard_normal((2, 3)), np.array([0, 0, 1])
    at_book = _loss_at(answer, BOOK_W, "case_book_W")
    if not agree(at_book, net_loss(BOOK_W, BOOK_X, t)):
        raise NotYet("wrong_loss", case="case_book_W")
    at_other = _loss_at(answer, other, "case_other_W")
    if not agree(at_other, net_loss(other, BOOK_X, t)):
        raise NotYet("ignores_W" if agree(at_other, at_book) else "wrong_loss", case="case_other_W")
    dW = numbers(call(book_gradient, answer, BOOK_W.copy(), case="case_gradient"), "case_gradient", (2, 3))
    if not agree(dW, book_gradient(lambda W: net_loss(W, BOOK_X, t), BOOK_W.copy())):
        raise NotYet("wrong_gradient", case="case_gradient")
    return "right"


# -- 06.two_layer_predict, 06.sgd_step ------------------------------------------------------------------------
KEYS = ("W1", "b1", "W2", "b2")


def _params(rng: np.random.Generator, sizes: tuple[int, int, int], scale: float = 1.0) -> dict[str, np.ndarray]:
    """Seeded parameters whose biases are not zero, so that a forgotten bias shows."""
    n_in, n_hidden, n_out = sizes
    shapes = {"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_out), "b2": (n_out,)}
    return {k: rng.normal(0, {"W1": 0.1, "W2": 0.5 * scale}.get(k, 0.5), shapes[k]) for k in KEYS}


def forward(p: dict[str, np.ndarray], x: np.ndarray, slip: str = "") -> np.ndarray:
    """TwoLayerNet's predict, or a learner's slip in it."""
    b1, b2 = (0 if slip in (f"no_{b}", "no_biases") else p[b] for b in ("b1", "b2"))
    a1 = np.dot(x, p["W1"]) + b1
    a2 = np.dot(a1 if slip == "no_sigmoid" else 1 / (1 + np.exp(-a1)), p["W2"]) + b2
    if slip in ("no_softmax", "sigmoid_out"):
        return a2 if slip == "no_softmax" else 1 / (1 + np.exp(-a2))
    shift = {"axis_0": a2.max(axis=0), "one_sum": a2.max(), "overflow": 0}
    e = np.exp(a2 - shift.get(slip, a2.max(axis=1, keepdims=True)))
    return e / {"axis_0": e.sum(axis=0), "one_sum": e.sum()}.get(slip, e.sum(axis=1, keepdims=True))


_SLIPS = ("no_sigmoid", "no_b1", "no_b2", "no_biases", "axis_0", "one_sum", "no_softmax", "sigmoid_out", "overflow")
PREDICT_SLIPS = {k: (lambda p, x, k=k: forward(p, x, k)) for k in _SLIPS}
_rng = np.random.default_rng(6)
PREDICT_CASES = [("case_batch", _params(_rng, (784, 50, 10)), _rng.random((5, 784)))]
PREDICT_CASES += [("case_one", _params(_rng, (784, 50, 10)), _rng.random((1, 784)))]
PREDICT_CASES += [("case_large", _params(_rng, (784, 50, 10), 2000.0), _rng.random((4, 784)))]


def _probabilities_of(answer, case: str, params: dict, x: np.ndarray) -> np.ndarray:
    try:
        raw = call(answer, {k: v.copy() for k, v in params.items()}, x.copy(), case=case)
    except NotYet as not_yet:  # x where z1 belongs, a bias of the other layer, a row sum without keepdims
        x_w2 = r"(dot\(\s*x\s*,|\bx\s*@).*W2.*\n.*align"
        patterns = {x_w2: "x_W2", r"(W1.*b2|W2.*b1).*\n.*broadcast": "bias_swap", r"sum.*\n.*broadcast": "keepdims"}
        raise by_line(not_yet, patterns) from None
    return numbers(raw, case, (len(x), 10))


compare("06.two_layer_predict", "write", PREDICT_CASES, forward, PREDICT_SLIPS, _probabilities_of, tol=(1e-6, 1e-9))


class _SpyNet(TwoLayerNet):
    """A small TwoLayerNet (12-5-3) that checks the batch a learner's step hands to its gradient."""

    def __init__(self, x_train: np.ndarray, t_train: np.ndarray) -> None:
        super().__init__(12, 5, 3)
        self.params = _params(np.random.default_rng(66), (12, 5, 3))
        self.x_train, self.t_train, self.case, self.grads = x_train, t_train, "", None
        self.rows = {row.tobytes(): i for i, row in enumerate(x_train)}

    def gradient(self, x, t) -> dict[str, np.ndarray]:
        x, t = np.asarray(x), np.asarray(t)
        if t.shape == x.shape and np.array_equal(t, x):
            raise NotYet("images_as_labels", case=self.case)
        if None in (found := [self.rows.get(row.tobytes()) for row in x] if x.ndim == 2 else [None]):
            raise NotYet("x_not_rows", case=self.case)
        if not np.array_equal(t.argmax(axis=1) if t.ndim == 2 else t, self.t_train[found].argmax(axis=1)):
            raise NotYet("two_masks", case=self.case)  # one-hot or integer labels, but those of these images
        self.grads = super().gradient(x, t)
        return self.grads

    numerical_gradient = gradient  # the printed book's loop calls it: the same numbers, much faster


@exercise("06.sgd_step", "bug hunt")
def check_sgd_step(answer) -> str:
    require_function(answer)
    data = np.random.default_rng(66)
    x_train, t_train = data.random((40, 12)), np.eye(3)[data.integers(0, 3, 40)]
    net, rng, lr = _SpyNet(x_train, t_train), np.random.default_rng(7), 0.1
    for case in ("case_step_1", "case_step_2", "case_step_3"):
        net.case, net.grads, state = case, None, rng.bit_generator.state
        before = {k: v.copy() for k, v in net.params.items()}
        try:
            call(answer, net, x_train, t_train, 8, lr, rng, case=case)
        except NotYet as not_yet:
            raise by_line(not_yet, {"attribute 'params'": "grads_params"}) from None
        if rng.bit_generator.state == state or net.grads is None:
            raise NotYet("rng_unused" if rng.bit_generator.state == state else "no_gradient", case=case)
        if not isinstance(net.params, dict) or any(k not in net.params for k in KEYS):
            raise NotYet("params_missing", case=case, got=describe(net.params))
        step = {k: before[k] - numbers(net.params[k], case, before[k].shape) for k in KEYS}
        factors = {"right": 1.0, "ascent": -1.0, "double": 2.0, "no_lr": 1 / lr}
        key = next((k for k, c in factors.items() if all(agree(step[p], c * lr * net.grads[p]) for p in KEYS)), "")
        if key != "right":
            raise NotYet(key or ("unchanged" if any(not step[p].any() for p in KEYS) else "update"), case=case)
    return "right"
