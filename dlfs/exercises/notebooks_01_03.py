"""Checkers of notebooks 01 (loss functions), 02 (numerical differentiation) and 03 (gradients).

Each runs the learner's code on fixed cases, ordered so that the first wrong one tells the slips apart,
and names the known slip (written out below as a learner would write it) that gives the same results.
"""

from __future__ import annotations

import math

import numpy as np

from . import core
from .core import NotYet, agree, call, compare, exercise, number_of, numbers, require_function

H = 1e-4  # the book's h


def softmax(a: np.ndarray) -> np.ndarray:
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


# -- 01.cross_entropy, 01.mini_batch ------------------------------------------------------------------
def _picked(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The probability each sample gives its correct class (t one-hot or labels, y one sample or a batch)."""
    y2 = y.reshape(-1, y.shape[-1])
    return y2[np.arange(len(y2)), t.reshape(len(y2), -1).argmax(axis=1) if t.size == y2.size else t.reshape(-1)]


def cross_entropy(y: np.ndarray, t: np.ndarray) -> float:
    return float(-np.mean(np.log(_picked(y, t) + 1e-7)))


CE_SLIPS = {
    "no_delta": lambda y, t: -np.mean(np.log(_picked(y, t))),
    "clip": lambda y, t: -np.mean(np.log(np.clip(_picked(y, t), 1e-7, 1))),
    "log10": lambda y, t: -np.mean(np.log10(_picked(y, t) + 1e-7)),
    "sign": lambda y, t: -cross_entropy(y, t),
    "batch_sum": lambda y, t: cross_entropy(y, t) * _picked(y, t).size,
    "mean_all": lambda y, t: cross_entropy(y, t) / y.shape[-1],  # np.mean over all N x 10 entries
    "single_batch_size": lambda y, t: cross_entropy(y, t) * _picked(y, t).size / y.shape[0],
}
BOOK_Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])  # the book's prediction of a "2"
_rng = np.random.default_rng(1)
_Y3, _Y5 = softmax(2 * _rng.standard_normal((3, 10))), softmax(2 * _rng.standard_normal((5, 10)))
_Y3[1] = np.eye(10)[7]  # its correct class, 2, gets probability exactly 0
CE_CASES = [("case_batch_one_hot", _Y3, np.eye(10)[[4, 2, 9]]), ("case_book_one_hot", BOOK_Y, np.eye(10)[2])]
CE_CASES += [("case_book_label", BOOK_Y, np.array(2)), ("case_batch_labels", _Y5, _rng.integers(0, 10, size=5))]
_otherwise = lambda answer, r, y, t: "log_zero" if not math.isfinite(r) else "one_hot" if t.size == y.size else "labels"  # noqa: E731


compare("01.cross_entropy", "write", CE_CASES, cross_entropy, CE_SLIPS, number_of, _otherwise)


def _drawn_rows(answer, x, t, batch_size: int, seed: int, case: str) -> np.ndarray:
    """Run the learner's get_mini_batch once: the rows of x_train it drew, or NotYet at the first problem."""
    x_before, t_before = x.copy(), t.copy()
    result = call(answer, x, t, batch_size, np.random.default_rng(seed), case=case)
    if not (np.array_equal(x, x_before) and np.array_equal(t, t_before)):
        raise NotYet("changed_data", case=case)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise NotYet("pair", case=case, got=core.describe(result))
    xb, tb = numbers(result[0], case), numbers(result[1], case)
    want_x, want_t = (batch_size, x.shape[1]), (batch_size, *t.shape[1:])
    if xb.shape == want_t and tb.shape == want_x:
        raise NotYet("swapped", case=case)
    if tb.shape == want_x:
        raise NotYet("targets_are_images", case=case, n=batch_size, got=tb.shape, want=want_t)
    for name, got, want in (("x_batch", xb, want_x), ("t_batch", tb, want_t)):
        if got.shape != want:
            raise NotYet("batch_shape", case=case, name=name, got=got.shape, want=want, n=batch_size)
    rows = {row.tobytes(): i for i, row in enumerate(x)}
    found = [rows.get(row.astype(x.dtype).tobytes()) for row in xb]
    if None in found:
        raise NotYet("not_rows", case=case, i=found.index(None))
    drawn, label = np.array(found), (lambda v: int(np.argmax(v)) if t.ndim == 2 else int(v))
    for i in (i for i in range(batch_size) if not np.array_equal(tb[i], t[drawn[i]])):
        raise NotYet("two_masks", case=case, i=i, row=int(drawn[i]), want=label(t[drawn[i]]), got=label(tb[i]))
    if np.array_equal(drawn, np.arange(drawn[0], drawn[0] + batch_size)):
        raise NotYet("slice", case=case, first=int(drawn[0]), last=int(drawn[-1]))
    if drawn.max() < batch_size:
        raise NotYet("first_rows", case=case, n=batch_size, size=len(x))
    return drawn


@exercise("01.mini_batch", "bug hunt")
def check_mini_batch(answer) -> str:
    require_function(answer)
    rng = np.random.default_rng(2)
    x, labels = rng.random((300, 784), dtype=np.float32), rng.integers(0, 10, size=300)
    for case, t, batch_size in (("case_one_hot", np.eye(10)[labels], 10), ("case_labels", labels, 25)):
        first = _drawn_rows(answer, x, t, batch_size, 10, case)
        if np.array_equal(first, _drawn_rows(answer, x, t, batch_size, 11, case)):
            raise NotYet("same_rows", case=case)
    return "right"


# -- 02.numerical_diff, 02.fix_numerical_diff ---------------------------------------------------------------
function_1 = lambda x: 0.01 * x**2 + 0.1 * x  # noqa: E731 - the book's


def difference(f, x, h: float = H) -> dict[str, float]:
    """The book's central difference, and the learners' variants of it."""
    up, down, here = f(x + h), f(x - h), f(x)
    found = {"central": (up - down) / (2 * h), "forward": (up - here) / h, "backward": (here - down) / h}
    return found | {"no_2": (up - down) / h, "slash_2h": (up - down) / 2 * h}


DIFF_CASES = [("case_f1_5", function_1, 5.0), ("case_f1_10", function_1, 10.0)]
DIFF_CASES += [("case_cube", lambda x: x**3, 2.0), ("case_exp", np.exp, -1.0)]  # here h shows: error h², e^x h²/6
DIFF_SLIPS = {"zero": lambda f, x: 0.0, "both_slips": lambda f, x: difference(f, x, 1e-3)["slash_2h"]}
DIFF_SLIPS |= {k: (lambda f, x, k=k: difference(f, x)[k]) for k in ("forward", "backward", "no_2", "slash_2h")}
DIFF_SLIPS |= {"h_10e4": lambda f, x: difference(f, x, 1e-3)["central"]}
DIFF_SLIPS |= {"function_1": lambda f, x: difference(function_1, x)["central"]}


def other_h(answer) -> bool:
    """Whether the learner's function uses a step other than 1e-4: a float constant, global or closure below 0.1."""
    code, globals_ = getattr(answer, "__code__", None), getattr(answer, "__globals__", {})
    values = [c.cell_contents for c in getattr(answer, "__closure__", None) or ()]
    while code is not None:
        values += list(code.co_consts) + [globals_.get(name) for name in code.co_names]
        code = next((c for c in code.co_consts if hasattr(c, "co_consts")), None)
    steps = [v for v in values if isinstance(v, float) and 0 < v < 0.1]
    return bool(steps) and H not in steps


_h = lambda answer, result, f, x: "h_other" if other_h(answer) else "central"  # noqa: E731
for _id, _kind in (("02.numerical_diff", "write"), ("02.fix_numerical_diff", "bug hunt")):  # h = 1e-5: 8e-10 off
    _central = lambda f, x: difference(f, x)["central"]  # noqa: E731
    compare(_id, _kind, DIFF_CASES, _central, DIFF_SLIPS, number_of, _h, (1e-10, 1e-15))


# -- 03.numerical_gradient, 03.integer_array ------------------------------------------------------------------
BOOK_W = np.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
BOOK_X, BOOK_T = np.array([0.6, 0.9]), np.array([0, 0, 1])  # the book's SimpleNet example (4.4.2)
function_2 = lambda x: float(np.sum(np.asarray(x, dtype=np.float64) ** 2))  # noqa: E731 - the book's


def book_gradient(f, x: np.ndarray) -> np.ndarray:
    """The book's numerical_gradient as its code runs: np.nditer, in place, no check of x's dtype."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + H
        fxh1 = f(x)
        x[idx] = tmp_val - H
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * H)
        x[idx] = tmp_val
        it.iternext()
    return grad


def gradient_variant(f, x: np.ndarray, kind: str, h: float = H) -> np.ndarray:
    """A learner's variant of the gradient: ``difference(...)[kind]`` for each entry of a float64 copy of x."""
    x, grad = x.astype(np.float64), np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        value = x[idx]
        grad[idx] = difference(lambda v, idx=idx: f(x.__setitem__(idx, v) or x), value, h)[kind]  # f with x[idx] = v
        x[idx] = value
    return grad


GRAD_SLIPS = {k: (lambda f, x, k=k: gradient_variant(f, x, k)) for k in ("forward", "backward", "no_2", "slash_2h")}
GRAD_SLIPS |= {"live_view": lambda f, x: gradient_variant(f, x, "forward") / 2}  # tmp_val = it[0] moves with x
GRAD_SLIPS |= {"h_10e4": lambda f, x: gradient_variant(f, x, "central", 1e-3)}
SIMPLE_NET_LOSS = lambda W: cross_entropy(softmax(np.dot(BOOK_X, W)), BOOK_T)  # noqa: E731
GRAD_CASES = [("case_function_2", function_2, [3.0, 4.0]), ("case_cube", lambda x: np.sum(x**3), [0.1, -0.2, 0.3])]
GRAD_CASES += [("case_simple_net", SIMPLE_NET_LOSS, BOOK_W), ("case_lambda", SIMPLE_NET_LOSS, BOOK_W)]


def _gradient_of(answer, case: str, f, x: np.ndarray) -> np.ndarray:
    """The learner's gradient of f at x (which it nudges in place), as float64, or NotYet."""
    try:  # in case_lambda f is the book's lambda w: net.loss(x, t), which ignores w and reads the array itself
        raw = call(answer, (lambda w: f(x)) if case == "case_lambda" else f, x, case=case)
    except NotYet as not_yet:  # `for idx in range(x.size)` on a 2-D array: x[idx] is a row, and there are 2
        raise core.by_line(not_yet, {"out of bounds": "one_d_loop"}) from None
    if x.ndim > 1 and np.shape(raw) == (x.size,):
        raise NotYet("flat", case=case, got=np.shape(raw), want=x.shape)
    if numbers(raw, case).dtype == np.float32:
        raise NotYet("float32", case=case)
    return numbers(raw, case, x.shape)


def _x_changed(x: np.ndarray, before: np.ndarray) -> str:
    same, shifted, close = np.array_equal(x, before), agree(x, before - H), agree(x, before, 0, 1e-12)
    return "" if same else "not_restored" if shifted else "rounding" if close else "changed_x"


@exercise("03.numerical_gradient", "write")
def check_numerical_gradient(answer) -> str:
    require_function(answer)
    done, results = [], []
    for case, f, point in GRAD_CASES:
        before = np.array(point, dtype=np.float64)
        expected, x = book_gradient(f, before.copy()), before.copy()
        results.append(_gradient_of(answer, case, f, x))
        done.append((f, before))
        got = np.array2string(x, separator=", ")
        if not agree(results[-1], expected, rtol=1e-9, atol=1e-11):  # h = 1e-5 is 1e-8 off on the cube
            key = core.known_slip(GRAD_SLIPS, done, results, 1e-9, 1e-11) or ("h_other" if other_h(answer) else "")
            zeros = "zeros_lambda" if case == "case_lambda" else "zeros_2d" if x.ndim > 1 else "zeros"
            changed = _x_changed(x, before) or ("rows" if x.ndim > 1 else "recipe")
            raise NotYet(key or (zeros if not results[-1].any() else changed), case=case, got=got)
        if key := _x_changed(x, before):
            raise NotYet(key, case=case, got=got)
    return "right"


@exercise("03.integer_array", "bug hunt")
def check_integer_array(answer) -> str:
    require_function(answer)
    seen: list[tuple[np.dtype, tuple]] = []

    def numerical_gradient(f, x):  # the book's, as its code runs: it never looks at x's dtype
        if not isinstance(x, np.ndarray):
            raise NotYet("list", case="case_points", got=core.describe(x))
        seen.append((x.dtype, tuple(x.tolist())))
        return book_gradient(f, x)

    result = numbers(call(answer, numerical_gradient, case="case_points"), "case_points", (3, 2))
    if integers := [point for dtype, point in seen if dtype.kind in "iub"]:
        points = ", ".join(str(p) for p in integers)
        raise NotYet("start" if len(integers) == len(seen) else "integer", case="case_points", points=points)
    for dtype in (d for d in ("float16", "float32") if any(seen_dtype == d for seen_dtype, _ in seen)):
        raise NotYet(dtype, case="case_points")
    if not agree(result, [[6, 8], [0, 4], [6, 0]], rtol=1e-9, atol=1e-9):
        raise NotYet("order", case="case_points")
    return "right"
