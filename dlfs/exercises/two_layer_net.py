"""Exercises of notebooks/06_two_layer_net_mnist.ipynb: TwoLayerNet's forward pass and one SGD step.

- "06.two_layer_predict" (write): ``predict(params, x)``, the forward pass (순전파) of TwoLayerNet
  for a batch: affine, sigmoid, affine, softmax.
- "06.sgd_step" (bug hunt): one iteration of the book's training loop, written with the mistakes
  of learners' notes (``t_batch = x_train[batch_mask]``, ``grads.params[key]``, ``+=``).
- "06.numerical_forward_passes" (predict): how many forward passes the book's
  ``numerical_gradient`` makes for one gradient of the 784-50-10 network.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from ..functions import sigmoid, softmax
from ..language import say
from ..nets import two_layer_loss_and_gradient
from .core import NotYet, as_array, call, exercise, require_function, require_number

NOTEBOOK = "06_two_layer_net_mnist.ipynb"

KEYS = ("W1", "b1", "W2", "b2")


# -- 06.two_layer_predict ------------------------------------------------------------------------
def _params(rng: np.random.Generator, sizes: tuple[int, int, int], scale: float = 1.0) -> dict[str, np.ndarray]:
    """Seeded float64 parameters with biases that are *not* zero, so a forgotten bias shows."""
    n_in, n_hidden, n_out = sizes
    return {
        "W1": rng.normal(0, 0.1, (n_in, n_hidden)) if n_in > 20 else rng.normal(0, 1.0, (n_in, n_hidden)),
        "b1": rng.normal(0, 0.5, n_hidden),
        "W2": scale * rng.normal(0, 0.5, (n_hidden, n_out)),
        "b2": rng.normal(0, 0.5, n_out),
    }


def _predict_cases() -> list[tuple[str, dict[str, np.ndarray], np.ndarray]]:
    """(name, params, x): an MNIST-shaped batch, a batch of one, and scores in the thousands."""
    rng = np.random.default_rng(6)
    return [
        (
            say("“a batch of 5 images, 784-50-10”", "“이미지 5장짜리 배치, 784-50-10”"),
            _params(rng, (784, 50, 10)),
            rng.random((5, 784)),
        ),
        (
            say("“a batch of one image, x of shape (1, 784)”", "“이미지 1장짜리 배치, x의 형상 (1, 784)”"),
            _params(rng, (784, 50, 10)),
            rng.random((1, 784)),
        ),
        (
            say("“scores in the thousands (W2 × 2000)”", "“수천 단위의 점수(W2 × 2000)”"),
            _params(rng, (784, 50, 10), scale=2000.0),
            rng.random((4, 784)),
        ),
    ]


def _forward(params: dict[str, np.ndarray], x: np.ndarray, skip: str = "") -> np.ndarray:
    """TwoLayerNet's forward pass, or a known-wrong variant of it (``skip`` names what is left out)."""
    W1, b1, W2, b2 = (params[k] for k in KEYS)
    a1 = x @ W1 + (0 if skip in ("b1", "biases") else b1)
    z1 = a1 if skip == "sigmoid" else sigmoid(a1)
    if skip == "x@W2":
        z1 = x
    a2 = z1 @ W2 + (0 if skip in ("b2", "biases") else b2)
    return softmax(a2)


def _fmt(row: np.ndarray) -> str:
    return np.array2string(row, precision=3, separator=", ", suppress_small=True, max_line_width=10_000)


def _predict_slips() -> list[tuple[str, str]]:
    """(variant of _forward, what the learner did) for results whose rows do sum to 1."""
    return [
        (
            "sigmoid",
            say(
                "That is the forward pass without the sigmoid: the hidden layer (은닉층) must apply the "
                "activation, z1 = sigmoid(a1), and the second layer takes z1.",
                "시그모이드 함수를 빼고 계산한 결과입니다. 은닉층에서 활성화 함수를 적용해 z1 = sigmoid(a1)을 "
                "구하고, 두 번째 층은 이 z1을 받아야 합니다.",
            ),
        ),
        (
            "b1",
            say(
                "That is the forward pass without b1: a1 = np.dot(x, W1) + b1.",
                "b1을 빼고 계산한 결과입니다. a1 = np.dot(x, W1) + b1이어야 합니다.",
            ),
        ),
        (
            "b2",
            say(
                "That is the forward pass without b2: a2 = np.dot(z1, W2) + b2.",
                "b2를 빼고 계산한 결과입니다. a2 = np.dot(z1, W2) + b2여야 합니다.",
            ),
        ),
        (
            "biases",
            say(
                "That is the forward pass without the biases b1 and b2. (A fresh TwoLayerNet starts with zero "
                "biases, so this slip only shows once the net has trained.)",
                "편향 b1과 b2를 모두 빼고 계산한 결과입니다. (새로 만든 TwoLayerNet은 편향이 0에서 시작하므로 "
                "이 실수는 학습한 뒤에야 드러납니다.)",
            ),
        ),
    ]


def _row_sum_hint(result: np.ndarray, a2: np.ndarray) -> str:
    """Why the rows of ``result`` do not sum to 1: no softmax, or a softmax over the wrong axis."""
    if result.shape[0] > 1 and np.allclose(result.sum(axis=0), 1.0):
        return say(
            "Each *column* sums to 1: the softmax normalised over axis 0, across the batch. Each row (one "
            "image) must be a probability distribution: np.sum(..., axis=1, keepdims=True), or use softmax.",
            "각 *열*의 합이 1입니다. 소프트맥스가 배치 방향(axis 0)으로 정규화한 것입니다. 확률 분포가 되어야 하는 "
            "것은 각 행(이미지 한 장)입니다. np.sum(..., axis=1, keepdims=True)로 나누거나 softmax 함수를 쓰세요.",
        )
    if np.isclose(result.sum(), 1.0):
        return say(
            "The whole array sums to 1: that is the 1-D softmax applied to a batch (one sum over all images). "
            "Normalise each row: np.sum(..., axis=1, keepdims=True), or use softmax.",
            "배열 전체의 합이 1입니다. 1차원용 소프트맥스를 배치에 적용해서 모든 이미지를 한꺼번에 더한 것입니다. "
            "np.sum(..., axis=1, keepdims=True)로 행마다 정규화하거나 softmax 함수를 쓰세요.",
        )
    if np.allclose(result, a2):
        return say(
            "These are the scores a2 themselves: the output layer needs the softmax, y = softmax(a2).",
            "점수 a2를 그대로 반환했습니다. 출력층에서 소프트맥스 함수를 적용해 y = softmax(a2)를 반환해야 합니다.",
        )
    return say(
        "The rows do not sum to 1, so they are not probabilities: the last step is y = softmax(a2) (a sigmoid "
        "at the output does not make rows sum to 1).",
        "행의 합이 1이 아니므로 확률이 아닙니다. 마지막 단계는 y = softmax(a2)입니다(출력층에 시그모이드 함수를 "
        "쓰면 행의 합이 1이 되지 않습니다).",
    )


def _wrong_probabilities_hint(result: np.ndarray, params: dict[str, np.ndarray], x: np.ndarray) -> str:
    """The known slip that explains a wrong ``result``, in the chapter's words, or a general hint."""
    if not np.isfinite(result).all():
        return say(
            "The result holds NaN or inf: np.exp of scores in the thousands overflows. Subtract each row's "
            "maximum before np.exp (the book's overflow guard, 오버플로 대책), or use softmax.",
            "결과에 NaN이나 inf가 있습니다. 수천 단위의 점수에 np.exp를 적용하면 오버플로가 일어납니다. np.exp를 "
            "적용하기 전에 각 행의 최댓값을 빼거나(책의 오버플로 대책) softmax 함수를 쓰세요.",
        )
    a2 = sigmoid(x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    if not np.allclose(result.sum(axis=1), 1.0):
        return _row_sum_hint(result, a2)
    for skip, hint in _predict_slips():
        if np.allclose(result, _forward(params, x, skip), rtol=1e-6, atol=1e-9):
            return hint
    return say(
        "Each row sums to 1 but the probabilities differ. The forward pass is a1 = np.dot(x, W1) + b1, "
        "z1 = sigmoid(a1), a2 = np.dot(z1, W2) + b2, y = softmax(a2).",
        "각 행의 합은 1이지만 확률이 기댓값과 다릅니다. 순전파는 a1 = np.dot(x, W1) + b1, z1 = sigmoid(a1), "
        "a2 = np.dot(z1, W2) + b2, y = softmax(a2)입니다.",
    )


def _shape_error_hint(answer: Callable, error: NotYet) -> NotYet:
    """``error`` with the trap behind a shape error named (np.dot(x, W2), a row sum without keepdims), if known.

    With 784 inputs and 50 hidden units np.dot(x, W2) is a shape error. On a net whose input
    and hidden layer have the same width it runs, and then gives softmax(x W2 + b2).
    """
    original = error.__context__
    if isinstance(original, ValueError) and "could not be broadcast" in str(original):
        return NotYet(
            say(
                "{error} — Dividing the (N, 10) array by its row sums needs those sums as a column of shape "
                "(N, 1): np.sum(..., axis=1, keepdims=True). Without keepdims they have shape (N,).",
                "{error} — (N, 10) 배열을 행의 합으로 나누려면 그 합이 형상 (N, 1)인 열이어야 합니다. "
                "np.sum(..., axis=1, keepdims=True)로 구하세요. keepdims가 없으면 형상이 (N,)이 됩니다.",
                error=error,
            )
        )
    rng = np.random.default_rng(60)
    params, x = _params(rng, (6, 6, 3)), rng.random((4, 6))
    try:
        result = np.asarray(call(answer, params, x, case="6-6-3"), dtype=np.float64)
    except (NotYet, TypeError, ValueError):
        return error
    if result.shape == (4, 3) and np.allclose(result, _forward(params, x, "x@W2"), rtol=1e-6):
        return NotYet(
            say(
                "{error} — The second layer multiplies the input x instead of the hidden layer's output: "
                "np.dot(x, W2) where it should be np.dot(z1, W2). x has 784 columns but W2 has 50 rows, so "
                "the shapes do not fit and NumPy stops at once (a 6-6-3 net, where they happen to fit, gives "
                "the wrong probabilities).",
                "{error} — 두 번째 층에서 은닉층의 출력 대신 입력 x를 곱했습니다. np.dot(z1, W2)여야 할 자리에 "
                "np.dot(x, W2)가 있습니다. x는 열이 784개인데 W2는 행이 50개라서 형상이 맞지 않아 NumPy가 바로 "
                "멈춥니다(형상이 우연히 맞는 6-6-3 신경망에서는 틀린 확률이 나옵니다).",
                error=error,
            )
        )
    return error


@exercise(
    "06.two_layer_predict",
    NOTEBOOK,
    "write",
    "TwoLayerNet's predict",
    "Write predict(params, x): the softmax probabilities (N, 10) of TwoLayerNet for a batch x (N, 784), "
    "from params with 'W1', 'b1', 'W2', 'b2': affine, sigmoid, affine, softmax.",
)
def check_two_layer_predict(answer) -> str:
    require_function(answer)
    for k, (name, params, x) in enumerate(_predict_cases()):
        try:
            raw = call(answer, {key: v.copy() for key, v in params.items()}, x.copy(), case=name)
        except NotYet as error:
            raise (_shape_error_hint(answer, error) if k == 0 else error) from None
        result = as_array(raw, (len(x), params["b2"].size), name)
        expected = _forward(params, x)
        if not np.allclose(result, expected, rtol=1e-6, atol=1e-9):
            row = int(np.argmax(np.abs(result - expected).max(axis=1))) if np.isfinite(result).all() else 0
            raise NotYet(
                say(
                    "Case {case}: row {row} should be {expected}, got {got}. {hint}",
                    "{case}에서 {row}번 행의 기댓값은 {expected}인데 결과는 {got}입니다. {hint}",
                    case=name,
                    row=row,
                    expected=_fmt(expected[row]),
                    got=_fmt(result[row]),
                    hint=_wrong_probabilities_hint(result, params, x),
                )
            )
    return say(
        "Affine, sigmoid, affine, softmax: each row is a probability distribution over the 10 digits, also for "
        "a batch of one and for scores in the thousands.",
        "Affine, 시그모이드, Affine, 소프트맥스 순서로 계산해 각 행이 숫자 10개에 대한 확률 분포가 됩니다. 이미지 "
        "한 장짜리 배치에서도, 수천 단위의 점수에서도 맞습니다.",
    )


# -- 06.sgd_step ---------------------------------------------------------------------------------
class _SpyNet:
    """A small TwoLayerNet (12-5-3, float64) that checks what the learner's step passes to it.

    ``gradient`` (and ``numerical_gradient``, which returns the same exact numbers here) raises
    NotYet when the batch is not the one ``rng.choice(train_size, batch_size)`` draws, or when the
    targets are images instead of labels.
    """

    def __init__(self, params: dict[str, np.ndarray], x_train: np.ndarray, t_train: np.ndarray) -> None:
        self.params = {k: v.copy() for k, v in params.items()}
        self.x_train, self.t_train = x_train, t_train
        self.expected_mask: np.ndarray | None = None
        self.case = ""

    def _labels(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t)
        return t.argmax(axis=1) if t.ndim == 2 else t.astype(np.intp)

    def _check_batch(self, x: np.ndarray, t: np.ndarray) -> None:
        x, t = np.asarray(x), np.asarray(t)
        expected_x = self.x_train[self.expected_mask]
        if x.shape != expected_x.shape or not np.array_equal(x, expected_x):
            raise NotYet(
                say(
                    "Case {case}: x_batch is not the mini-batch that batch_mask = rng.choice(train_size, "
                    "batch_size) draws. Draw it once per step from the rng passed in (not np.random, not a new "
                    "generator) and take x_batch = x_train[batch_mask].",
                    "{case}에서 x_batch가 batch_mask = rng.choice(train_size, batch_size)로 뽑은 미니배치가 "
                    "아닙니다. 단계마다 인수로 받은 rng에서 (np.random이나 새로 만든 생성기가 아니라) 한 번만 뽑고 "
                    "x_batch = x_train[batch_mask]로 가져오세요.",
                    case=self.case,
                )
            )
        if t.shape == x.shape and np.array_equal(t, x):
            raise NotYet(
                say(
                    "Case {case}: t_batch holds the images, not their labels: t_batch = x_train[batch_mask] "
                    "should be t_train[batch_mask]. (The gradient needs the answers (정답 레이블) of the batch.)",
                    "{case}에서 t_batch에 정답 레이블이 아니라 이미지가 들어 있습니다. t_batch = x_train[batch_mask]가 "
                    "아니라 t_train[batch_mask]여야 합니다. (기울기를 구하려면 배치의 정답 레이블이 필요합니다.)",
                    case=self.case,
                )
            )
        expected_t = self.t_train[self.expected_mask]
        if t.shape != expected_t.shape or not np.array_equal(t, expected_t):
            raise NotYet(
                say(
                    "Case {case}: t_batch is not t_train[batch_mask]: take the labels with the same batch_mask "
                    "as the images.",
                    "{case}에서 t_batch가 t_train[batch_mask]가 아닙니다. 이미지와 같은 batch_mask로 정답 레이블을 "
                    "가져오세요.",
                    case=self.case,
                )
            )

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        self._check_batch(x, t)
        return two_layer_loss_and_gradient(self.params, np.asarray(x, dtype=np.float64), self._labels(t))[1]

    numerical_gradient = gradient  # the same numbers, exactly: the exercise is about the loop, not the gradient

    def loss(self, x: np.ndarray, t: np.ndarray) -> float:
        return two_layer_loss_and_gradient(self.params, np.asarray(x, dtype=np.float64), self._labels(t))[0]


def _sgd_data() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Seeded 12-5-3 parameters, 40 training rows and their one-hot labels (as the book loads them)."""
    rng = np.random.default_rng(66)
    params = _params(rng, (12, 5, 3))
    x_train = rng.random((40, 12))
    t_train = np.eye(3)[rng.integers(0, 3, 40)]
    return params, x_train, t_train


def _update_hint(net: _SpyNet, before: dict[str, np.ndarray], grads: dict[str, np.ndarray], lr: float) -> str:
    """What the learner's update did to the parameters, in the chapter's words."""
    after = net.params

    def all_close(target: Callable[[str], np.ndarray]) -> bool:
        return all(np.allclose(after[k], target(k), rtol=1e-9, atol=1e-12) for k in KEYS)

    if all_close(lambda k: before[k] + lr * grads[k]):
        return say(
            "The parameters moved *up* the gradient: `+=` is gradient ascent (경사 상승법), which makes the loss "
            "larger. Step against the gradient: network.params[key] -= learning_rate * grad[key].",
            "매개변수가 기울기를 따라 *오르막*으로 움직였습니다. `+=`는 손실을 키우는 경사 상승법입니다. "
            "network.params[key] -= learning_rate * grad[key]로 기울기의 반대 방향으로 가세요.",
        )
    if all_close(lambda k: before[k] - grads[k]):
        return say(
            "The step is the whole gradient: multiply it by the learning rate (학습률), "
            "network.params[key] -= learning_rate * grad[key].",
            "학습률을 곱하지 않고 기울기를 그대로 뺐습니다. network.params[key] -= learning_rate * grad[key]처럼 "
            "학습률을 곱하세요.",
        )
    unchanged = [k for k in KEYS if np.array_equal(after[k], before[k])]
    if unchanged:
        return say(
            "{keys} did not change. Update every parameter in network.params itself — all four keys "
            "('W1', 'b1', 'W2', 'b2'), in place with -= (a local name such as W1 = W1 - ... changes nothing "
            "the network sees).",
            "바뀌지 않은 매개변수가 있습니다: {keys}. network.params 안의 매개변수 네 개('W1', 'b1', 'W2', 'b2')를 "
            "모두 -=로 제자리에서 갱신하세요(W1 = W1 - ...처럼 지역 변수를 바꾸면 신경망은 그 변화를 모릅니다).",
            keys=", ".join(unchanged),
        )
    return say(
        "The parameters are not params - learning_rate * grad: for each key, "
        "network.params[key] -= learning_rate * grad[key], with the gradient of this step's mini-batch.",
        "갱신한 매개변수가 params - learning_rate * grad와 다릅니다. 키마다 이번 미니배치의 기울기로 "
        "network.params[key] -= learning_rate * grad[key]를 계산하세요.",
    )


def _dict_has_no_params(error: NotYet) -> NotYet:
    """``error`` with the ``grads.params[key]`` slip explained, when that is what raised it."""
    original = error.__context__
    if isinstance(original, AttributeError) and "'dict' object has no attribute 'params'" in str(original):
        return NotYet(
            say(
                "{error} — grads is a plain dict {{'W1': ..., 'b1': ..., 'W2': ..., 'b2': ...}}: index it "
                "directly, grads[key]. .params is an attribute of the network (network.params), not of the "
                "gradient.",
                "{error} — grads는 {{'W1': ..., 'b1': ..., 'W2': ..., 'b2': ...}} 형태의 평범한 딕셔너리입니다. "
                "grads[key]로 바로 꺼내세요. .params는 기울기가 아니라 신경망의 속성(network.params)입니다.",
                error=error,
            )
        )
    return error


def _rng_hint(case: str) -> NotYet:
    return NotYet(
        say(
            "Case {case}: the step did not draw its mini-batch from the rng passed in, exactly once "
            "(batch_mask = rng.choice(train_size, batch_size)). A new generator inside the function draws the "
            "same batch at every step; np.random makes runs impossible to repeat.",
            "{case}에서 미니배치를 뽑는 방법이 틀렸습니다. 미니배치는 인수로 받은 rng로 단계마다 정확히 한 번 "
            "뽑아야 합니다(batch_mask = rng.choice(train_size, batch_size)). 함수 안에서 새 생성기를 만들면 매 "
            "단계 같은 배치가 뽑히고, np.random을 쓰면 실행 결과를 재현할 수 없습니다.",
            case=case,
        )
    )


@exercise(
    "06.sgd_step",
    NOTEBOOK,
    "bug hunt",
    "one step of the training loop",
    "sgd_step(network, x_train, t_train, batch_size, learning_rate, rng) should do one iteration of the "
    "book's loop: draw a mini-batch with rng.choice, compute network.gradient on it and update "
    "network.params in place. The code from learners' notes has three bugs; fix them.",
)
def check_sgd_step(answer) -> str:
    require_function(answer)
    params, x_train, t_train = _sgd_data()
    net = _SpyNet(params, x_train, t_train)
    rng = np.random.default_rng(7)
    batch_size, lr = 8, 0.5
    for step in range(3):  # several steps: each draws a new batch from the same generator
        net.case = say("“step {k} of 3 on a 12-5-3 net”", "“12-5-3 신경망, 3단계 중 {k}단계”", k=step + 1)
        drawn = copy.deepcopy(rng)  # the generator as it must be after this step's one draw
        net.expected_mask = drawn.choice(len(x_train), batch_size)
        before = {k: v.copy() for k, v in net.params.items()}
        expected = two_layer_loss_and_gradient(before, x_train[net.expected_mask], t_train[net.expected_mask].argmax(1))
        try:
            call(answer, net, x_train, t_train, batch_size, lr, rng, case=net.case)
        except NotYet as error:
            raise _dict_has_no_params(error) from None
        if rng.bit_generator.state != drawn.bit_generator.state:
            raise NotYet(_rng_hint(net.case))
        for key in KEYS:
            as_array(net.params.get(key), before[key].shape, net.case)
        grads = expected[1]
        if not all(np.allclose(net.params[k], before[k] - lr * grads[k], rtol=1e-9, atol=1e-12) for k in KEYS):
            raise NotYet(
                say(
                    "Case {case}: {hint}",
                    "{case}에서 {hint}",
                    case=net.case,
                    hint=_update_hint(net, before, grads, lr),
                )
            )
    return say(
        "Mini-batch from rng.choice, images with their labels, the gradient, and a step downhill for all four "
        "parameters: the four steps of 4.5, the book's loop body.",
        "rng.choice로 미니배치를 뽑고, 이미지와 그 정답 레이블을 짝지어 가져오고, 기울기를 구하고, 매개변수 네 "
        "개를 모두 내리막으로 갱신합니다. 4.5절의 네 단계, 곧 책의 반복문 본문 그대로입니다.",
    )


# -- 06.numerical_forward_passes -----------------------------------------------------------------
def _parameter_count(n_in: int, n_hidden: int, n_out: int) -> int:
    return n_in * n_hidden + n_hidden + n_hidden * n_out + n_out


def _forward_pass_slips() -> list[tuple[int, str]]:
    """(a wrong count, what it counts) for the predictions a learner is likely to make."""
    params = _parameter_count(784, 50, 10)
    return [
        (
            params,
            say(
                "{n:,} is the number of parameters (매개변수). The central difference evaluates the loss twice "
                "for each of them: at x + h and at x - h.",
                "{n:,}은 매개변수의 개수입니다. 중심 차분은 매개변수마다 손실을 두 번, 곧 x + h와 x - h에서 "
                "계산합니다.",
                n=params,
            ),
        ),
        (
            params + 1,
            say(
                "{n:,} = one pass per parameter plus f(x) once is a forward difference (전방 차분); the book's "
                "numerical_gradient is central: f(x + h) and f(x - h) for every parameter.",
                "{n:,}번은 매개변수마다 한 번씩 계산하고 f(x)를 한 번 더 계산하는 전방 차분의 횟수입니다. 책의 "
                "numerical_gradient는 중심 차분이라 매개변수마다 f(x + h)와 f(x - h)를 계산합니다.",
                n=params + 1,
            ),
        ),
        (
            2 * (784 * 50 + 50 * 10),
            say(
                "{n:,} leaves out the biases: numerical_gradient is also called for b1 (50) and b2 (10).",
                "{n:,}번에는 편향이 빠졌습니다. numerical_gradient는 b1(50개)과 b2(10개)에도 호출됩니다.",
                n=2 * (784 * 50 + 50 * 10),
            ),
        ),
        (
            2 * _parameter_count(784, 100, 10),
            say(
                "{n:,} is for 100 hidden units (the book's example in 4.5.1); the training in 4.5.2 uses 50.",
                "{n:,}번은 은닉층 뉴런이 100개일 때(4.5.1의 예)의 횟수입니다. 4.5.2의 학습은 50개를 씁니다.",
                n=2 * _parameter_count(784, 100, 10),
            ),
        ),
        (
            8,
            say(
                "numerical_gradient is called 4 times (W1, b1, W2, b2), but each call loops over every entry "
                "of its array and evaluates the loss twice per entry.",
                "numerical_gradient는 4번(W1, b1, W2, b2) 호출되지만, 호출마다 배열의 모든 원소를 돌며 원소마다 "
                "손실을 두 번 계산합니다.",
            ),
        ),
    ]


@exercise(
    "06.numerical_forward_passes",
    NOTEBOOK,
    "predict",
    "forward passes of one numerical gradient",
    "How many forward passes (calls of loss) does the book's numerical_gradient make to compute one gradient "
    "of the 784-50-10 TwoLayerNet?",
)
def check_numerical_forward_passes(answer) -> str:
    count = require_number(answer)
    params = _parameter_count(784, 50, 10)
    if count == 2 * params:
        return say(
            "2 × (784·50 + 50 + 50·10 + 10) = 2 × 39,760 = 79,520: two forward passes of a 100-image batch per "
            "parameter, for every one of the 10,000 iterations — which is why chapter 5's backpropagation, "
            "one forward and one backward pass, matters.",
            "2 × (784·50 + 50 + 50·10 + 10) = 2 × 39,760 = 79,520번입니다. 매개변수 하나마다 이미지 100장짜리 "
            "배치의 순전파를 두 번씩, 그것도 10,000번 반복할 때마다 합니다. 순전파 한 번과 역전파 한 번이면 되는 "
            "5장의 오차역전파법이 중요한 이유가 여기에 있습니다.",
        )
    known = [hint for value, hint in _forward_pass_slips() if count == value]
    hint = (
        known[0]
        if known
        else say(
            "Count the parameters of W1 (784×50), b1, W2 (50×10) and b2, and how many times the central "
            "difference evaluates the loss for each.",
            "W1(784×50), b1, W2(50×10), b2의 매개변수 개수를 세고, 중심 차분이 매개변수마다 손실을 몇 번 계산하는지 "
            "생각해 보세요.",
        )
    )
    raise NotYet(say("Your answer: {count:,g}. {hint}", "여러분의 답: {count:,g}. {hint}", count=count, hint=hint))
