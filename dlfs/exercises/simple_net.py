"""Exercises of notebooks/05_simple_net.ipynb: SimpleNet's loss as a function of its weights (가중치).

- "05.simple_net_loss" (write): ``loss(W, x, t)``, what ``SimpleNet.loss`` computes, written as a
  function of W: scores x·W, softmax, the cross entropy with the book's 1e-7.
- "05.loss_lambda" (bug hunt): a learner dropped the "useless" argument of the book's
  ``lambda W: net.loss(x, t)``; ``numerical_gradient`` calls f(W), so that raises TypeError.
  The fix asked for is a function that computes the loss *at the W it is given*, so it works on
  ``net.W`` and on a copy alike — which the book's lambda, ignoring its argument, does not.
- "05.negative_entries" (predict): how many entries of dW are negative for x = (0.6, −0.9).
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from ..functions import CROSS_ENTROPY_DELTA, softmax
from ..gradient import numerical_gradient
from ..language import say
from ..nets import SimpleNet
from .core import NotYet, as_array, as_float, call, exercise, require_function, require_number

NOTEBOOK = "05_simple_net.ipynb"

#: The book's printed example of section 4.4.2: W, the input x, the one-hot target of class 2, and dW.
BOOK_W = np.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
BOOK_X = np.array([0.6, 0.9])
BOOK_T = np.array([0, 0, 1])
BOOK_DW = np.array([[0.21924763, 0.14356247, -0.36281009], [0.32887144, 0.2153437, -0.54421514]])


def _loss(W: np.ndarray, x: np.ndarray, t: np.ndarray) -> float:
    """The right answer: SimpleNet's loss at weights W (one input or a batch, one-hot targets)."""
    return SimpleNet(W=W).loss(x, t)


def _variants(W: np.ndarray, x: np.ndarray, t: np.ndarray) -> dict[str, float]:
    """The values the learners' slips give for the case (W, x, t): the key names the slip."""
    x2, t2 = x.reshape(-1, 2), t.reshape(-1, 3)
    n = len(x2)
    labels = t2.argmax(axis=1)
    rows = np.arange(n)
    z = x2 @ W
    with np.errstate(all="ignore"):
        y = softmax(z)
        correct = y[rows, labels]
        values = {
            "no delta": float(-np.mean(np.log(correct))),
            "no softmax": float(-np.mean(np.log(z[rows, labels] + CROSS_ENTROPY_DELTA))),
            "sum": float(-np.sum(np.log(correct + CROSS_ENTROPY_DELTA))),
            "sign": float(np.mean(np.log(correct + CROSS_ENTROPY_DELTA))),
            "squares": float(0.5 * np.sum((y - t2) ** 2) / n),
            "squares sum": float(0.5 * np.sum((y - t2) ** 2)),
            "log10": float(-np.mean(np.log10(correct + CROSS_ENTROPY_DELTA))),
        }
        # a softmax written for one input, np.exp(z) / np.sum(np.exp(z)), shares one sum across a batch
        e = np.exp(z - z.max())
        values["one sum"] = float(-np.mean(np.log((e / e.sum())[rows, labels] + CROSS_ENTROPY_DELTA)))
    return values


def _close(a: float, b: float) -> bool:
    return math.isfinite(b) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# ---------------------------------------------------------------------------------------------
# 05.simple_net_loss — write SimpleNet's loss as a function of W
# ---------------------------------------------------------------------------------------------
def _loss_cases() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """(name, W, x, t): the book's example, another W, a batch, and inputs large enough to overflow exp."""
    rng = np.random.default_rng(5)
    W_random = rng.standard_normal((2, 3))
    x_batch = rng.uniform(-1, 1, size=(4, 2))
    t_batch = np.eye(3, dtype=int)[[2, 0, 1, 2]]
    return [
        (
            say("“the book's W, x = (0.6, 0.9), t = class 2”", "“책의 W, x = (0.6, 0.9), t = 클래스 2”"),
            BOOK_W,
            BOOK_X,
            BOOK_T,
        ),
        (
            say("“another W, x = (1.0, -0.5), t = class 0”", "“다른 W, x = (1.0, -0.5), t = 클래스 0”"),
            W_random,
            np.array([1.0, -0.5]),
            np.array([1, 0, 0]),
        ),
        (
            say(
                "“a batch of 4 inputs, x of shape (4, 2), one-hot t of shape (4, 3)”",
                "“입력 4개짜리 배치, 형상 (4, 2)인 x와 형상 (4, 3)인 원-핫 t”",
            ),
            W_random,
            x_batch,
            t_batch,
        ),
        (
            say(
                "“large inputs x = (600, 900), t = class 0: scores near 1000”",
                "“큰 입력 x = (600, 900), t = 클래스 0, 점수는 1000 안팎”",
            ),
            BOOK_W,
            np.array([600.0, 900.0]),
            np.array([1, 0, 0]),
        ),
    ]


def _shape_hint(not_yet: NotYet) -> NotYet:
    """The learner's shape error, with what the chapter does: scores = np.dot(x, W)."""
    text = str(not_yet)
    if "not aligned" in text or "matmul" in text or "broadcast" in text:
        return NotYet(
            text.rstrip(".")
            + say(
                ". The scores are np.dot(x, W): x of shape (2,) times W of shape (2, 3) gives 3 scores, one per "
                "class (and (N, 2) times (2, 3) gives (N, 3) for a batch). np.dot(W, x) multiplies in the wrong "
                "order.",
                ". 점수는 np.dot(x, W)입니다. 형상 (2,)인 x와 형상 (2, 3)인 W를 곱하면 클래스마다 하나씩 점수 3개가 "
                "나옵니다(배치라면 (N, 2)와 (2, 3)을 곱해 (N, 3)). np.dot(W, x)는 곱하는 순서가 반대입니다.",
            )
        )
    return not_yet


@exercise(
    "05.simple_net_loss",
    NOTEBOOK,
    "write",
    "SimpleNet's loss as a function of W",
    "Write my_simple_net_loss(W, x, t): the loss SimpleNet.loss computes, for weights W of shape (2, 3), an "
    "input x of shape (2,) or a batch (N, 2), and one-hot targets t: scores np.dot(x, W), softmax, then the "
    "cross entropy error with the book's 1e-7 (the batch mean for a batch).",
)
def check_simple_net_loss(answer) -> str:
    require_function(answer)
    for name, W, x, t in _loss_cases():
        W_in, x_in, t_in = W.copy(), x.copy(), t.copy()
        try:
            raw = call(answer, W_in, x_in, t_in, case=name)
        except NotYet as not_yet:
            raise _shape_hint(not_yet) from None
        if not (np.array_equal(W_in, W) and np.array_equal(x_in, x) and np.array_equal(t_in, t)):
            raise NotYet(
                say(
                    "Case {case}: your function changed one of its arguments W, x or t. Compute the loss from "
                    "them without writing into them (no -=, += or x[...] = on the arguments).",
                    "{case}에서 함수가 인수 W, x, t 중 하나를 바꿨습니다. 인수는 읽기만 하고(인수에 -=, +=, "
                    "x[...] = 금지) 그 값으로 손실을 계산하세요.",
                    case=name,
                )
            )
        result = as_float(raw, name)
        expected = _loss(W, x, t)
        if _close(result, expected):
            continue
        slips = _variants(W, x, t)
        n = len(x.reshape(-1, 2))
        if not math.isfinite(result):
            hint = say(
                "exp of scores near 1000 overflows to inf, and inf/inf is nan. Subtract the largest score before "
                "np.exp, as the book's softmax does (section 3.5.2), or use softmax from dlfs.",
                "점수가 1000 안팎이면 exp 값이 inf로 넘쳐서(오버플로) inf/inf = nan이 됩니다. 책의 softmax처럼"
                "(3.5.2절) np.exp에 넣기 전에 가장 큰 점수를 빼거나, dlfs의 softmax를 쓰세요.",
            )
        elif _close(result, _loss(BOOK_W, x, t)) and not np.array_equal(W, BOOK_W):
            hint = say(
                "That is the loss at the book's W, not at the W you were given: your function ignores its "
                "argument W (does it use the notebook's net?). Compute the scores from W itself: np.dot(x, W).",
                "주어진 W가 아니라 책의 W에서의 손실입니다. 함수가 인수 W를 무시하고 있습니다(노트북의 net을 "
                "쓰지 않았나요?). 점수는 인수로 받은 W로 계산하세요: np.dot(x, W).",
            )
        elif _close(result, slips["no delta"]):
            hint = say(
                "That is the loss without the book's delta: use np.log(y + 1e-7), as cross_entropy_error does.",
                "책의 delta(1e-7)를 빼고 계산한 값입니다. cross_entropy_error처럼 np.log(y + 1e-7)을 쓰세요.",
            )
        elif _close(result, slips["no softmax"]):
            hint = say(
                "That is the cross entropy of the scores themselves. The loss needs probabilities: apply softmax "
                "to the scores first, y = softmax(np.dot(x, W)).",
                "점수 자체로 교차 엔트로피 오차를 계산했습니다. 손실에는 확률이 필요합니다. 먼저 점수에 "
                "소프트맥스 함수를 적용하세요: y = softmax(np.dot(x, W)).",
            )
        elif n > 1 and _close(result, slips["sum"]):
            hint = say(
                "That is {n} times the answer: you summed over the batch; divide by the batch size for the mean.",
                "정답의 {n}배입니다. 배치 전체를 더하기만 했으니 배치 크기로 나눠 평균을 내세요.",
                n=n,
            )
        elif n > 1 and _close(result, slips["one sum"]):
            hint = say(
                "Your softmax divides by one sum over the whole batch, so the rows are not probabilities that add "
                "up to 1. Normalise each row by its own sum: np.sum(np.exp(z), axis=1, keepdims=True).",
                "소프트맥스가 배치 전체를 하나의 합으로 나눠서 각 행의 합이 1이 되지 않습니다. 행마다 자기 합으로 "
                "나누세요: np.sum(np.exp(z), axis=1, keepdims=True).",
            )
        elif _close(result, slips["sign"]):
            hint = say(
                "The sign is flipped: the loss is minus the log.",
                "부호가 반대입니다. 손실은 로그에 마이너스를 붙인 값입니다.",
            )
        elif _close(result, slips["squares"]) or _close(result, slips["squares sum"]):
            hint = say(
                "That is the sum of squares error (오차제곱합); SimpleNet's loss is the cross entropy error.",
                "오차제곱합으로 계산한 값입니다. SimpleNet의 손실은 교차 엔트로피 오차입니다.",
            )
        elif _close(result, slips["log10"]):
            hint = say(
                "That uses log10; the book's log is the natural log, np.log.",
                "log10을 썼습니다. 책의 log는 자연로그 np.log입니다.",
            )
        else:
            hint = say(
                "Follow SimpleNet.loss: z = np.dot(x, W), y = softmax(z), then cross_entropy_error(y, t).",
                "SimpleNet.loss의 순서를 따르세요: z = np.dot(x, W), y = softmax(z), 그다음 cross_entropy_error(y, t).",
            )
        raise NotYet(
            say(
                "Case {case}: expected {expected:.10g}, got {result:.10g}. {hint}",
                "{case}에서 기댓값은 {expected:.10g}인데 결과는 {result:.10g}입니다. {hint}",
                case=name,
                expected=expected,
                result=result,
                hint=hint,
            )
        )
    return say(
        "It gives the book's 0.9280682858 (the book printed 0.92806853663, computed without the 1e-7), works "
        "for any W, for a batch, and for scores near 1000. This is SimpleNet.loss as a function of W — the "
        "function whose gradient numerical_gradient takes.",
        "책의 예제에서 0.9280682858이 나옵니다(책이 출력한 0.92806853663은 1e-7 없이 계산한 값입니다). W가 "
        "무엇이든, 배치든, 점수가 1000 안팎이든 맞는 값을 냅니다. 이것이 W의 함수로 쓴 SimpleNet.loss, 곧 "
        "numerical_gradient가 기울기를 구하는 바로 그 함수입니다.",
    )


# ---------------------------------------------------------------------------------------------
# 05.loss_lambda — a bug hunt: the learners' `f = lambda: net.loss(x, t)`
# ---------------------------------------------------------------------------------------------
def _other_W() -> np.ndarray:
    return np.random.default_rng(7).standard_normal((2, 3))


def _takes_one_argument(answer) -> bool:
    """False when Python can tell that ``answer`` cannot be called with one positional argument."""
    try:
        inspect.signature(answer).bind(BOOK_W)
    except TypeError:
        return False
    except ValueError:  # no signature to inspect (some builtins): let the call decide
        return True
    return True


def _positional_count(answer) -> int | None:
    """How many positional parameters ``answer`` declares (None when it has no inspectable signature)."""
    try:
        parameters = inspect.signature(answer).parameters.values()
    except (TypeError, ValueError):
        return None
    kinds = (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.VAR_POSITIONAL,
    )
    return sum(p.kind in kinds for p in parameters)


def _value_at(answer, W: np.ndarray, case: str) -> float:
    """The learner's f(W) for a copy of W, checking that f leaves the array it is given as it was."""
    W_in = W.copy()
    value = as_float(call(answer, W_in, case=case), case)
    if not np.array_equal(W_in, W):
        raise NotYet(
            say(
                "Case {case}: your function changed the array it was given. numerical_gradient nudges that "
                "array itself and restores it; f should only read it.",
                "{case}에서 함수가 인수로 받은 배열을 바꿨습니다. 그 배열은 numerical_gradient가 직접 "
                "조금씩 바꿨다가 되돌려 놓습니다. f는 읽기만 해야 합니다.",
                case=case,
            )
        )
    return value


@exercise(
    "05.loss_lambda",
    NOTEBOOK,
    "bug hunt",
    "the lambda without its argument",
    "A learner dropped the argument of the book's lambda W: net.loss(x, t), since the lambda never used it, "
    "and numerical_gradient raised TypeError. Fix my_loss_W so that my_loss_W(W) is the loss of SimpleNet at "
    "the weights W it is given, for the book's x and t — so numerical_gradient(my_loss_W, W) works for "
    "net.W and for a copy alike.",
)
def check_loss_lambda(answer) -> str:
    require_function(answer)
    if not _takes_one_argument(answer):
        if _positional_count(answer) == 0:
            raise NotYet(
                say(
                    "Your function takes no argument, but numerical_gradient calls f(x) with one: the array it "
                    "nudges. That is the TypeError “takes 0 positional arguments but 1 was given”. Give f a "
                    "parameter, W, and compute the loss at that W.",
                    "함수가 인수를 하나도 받지 않습니다. 그런데 numerical_gradient는 자기가 조금씩 바꾸는 "
                    "배열을 인수로 넘겨 f(x)처럼 호출합니다. “takes 0 positional arguments but 1 was given”이라는 "
                    "TypeError가 나는 것은 이 때문입니다. f가 W를 인수로 받게 하고, 그 W에서의 손실을 계산하세요.",
                )
            )
        raise NotYet(
            say(
                "Your function cannot be called with one argument, but numerical_gradient calls f(x) with exactly "
                "one: the array it nudges. Give f a single parameter, W (x and t come from outside), and compute "
                "the loss at that W.",
                "함수를 인수 하나로 호출할 수 없습니다. 그런데 numerical_gradient는 자기가 조금씩 바꾸는 배열 하나만 "
                "넘겨 f(x)처럼 호출합니다. f가 W 하나만 인수로 받게 하고(x와 t는 바깥에서 가져옵니다), 그 W에서의 "
                "손실을 계산하세요.",
            )
        )
    book_case = say("“f(the book's W)”", "“f(책의 W)”")
    at_book = _value_at(answer, BOOK_W, book_case)
    expected = _loss(BOOK_W, BOOK_X, BOOK_T)
    if not _close(at_book, expected):
        raise NotYet(
            say(
                "Case {case}: expected the book's loss {expected:.10g}, got {got:.10g}. f(W) should be the loss "
                "of SimpleNet with weights W for the book's x = (0.6, 0.9) and t = (0, 0, 1).",
                "{case}에서 기댓값은 책의 손실 {expected:.10g}인데 결과는 {got:.10g}입니다. f(W)는 "
                "책의 x = (0.6, 0.9), t = (0, 0, 1)에 대해 가중치가 W인 SimpleNet의 손실이어야 합니다.",
                case=book_case,
                expected=expected,
                got=at_book,
            )
        )
    other = _other_W()
    other_case = say("“f(another W)”", "“f(다른 W)”")
    at_other = _value_at(answer, other, other_case)
    expected_other = _loss(other, BOOK_X, BOOK_T)
    if not _close(at_other, expected_other):
        if _close(at_other, at_book):
            hint = say(
                "Your f returns the same loss for every W: it ignores its argument, as the book's "
                "lambda W: net.loss(x, t) does. That only works while the array numerical_gradient nudges is "
                "net.W itself; handed a copy, the gradient comes out as zeros (section 3). Compute the loss at the "
                "W you are given, e.g. with a SimpleNet built from W.",
                "f가 어떤 W를 받아도 같은 손실을 돌려줍니다. 책의 lambda W: net.loss(x, t)처럼 인수를 무시하고 "
                "있습니다. 이 방식은 numerical_gradient가 조금씩 바꾸는 배열이 net.W 자체일 때만 통합니다. 복사본을 "
                "넘기면 기울기가 모두 0으로 나옵니다(3절). 주어진 W에서의 손실을 계산하세요. 예를 들어 W로 "
                "SimpleNet을 만들면 됩니다.",
            )
        else:
            hint = say(
                "f(W) should be the loss of SimpleNet with weights W for the book's x and t.",
                "f(W)는 책의 x와 t에 대해 가중치가 W인 SimpleNet의 손실이어야 합니다.",
            )
        raise NotYet(
            say(
                "Case {case}: expected {expected:.10g}, got {got:.10g}. {hint}",
                "{case}에서 기댓값은 {expected:.10g}인데 결과는 {got:.10g}입니다. {hint}",
                case=other_case,
                expected=expected_other,
                got=at_other,
                hint=hint,
            )
        )
    gradient_case = say(
        "“numerical_gradient(f, a copy of the book's W)”",
        "“numerical_gradient(f, 책의 W의 복사본)”",
    )
    dW = as_array(call(numerical_gradient, answer, BOOK_W.copy(), case=gradient_case), (2, 3), gradient_case)
    if not np.allclose(dW, BOOK_DW, atol=1e-6):
        raise NotYet(
            say(
                "Case {case}: expected the book's dW {book}, got {got}. f must compute the loss from the array "
                "numerical_gradient hands it, every time it is called.",
                "{case}에서 기댓값은 책의 dW {book}인데 결과는 {got}입니다. f는 호출될 때마다 "
                "numerical_gradient가 넘겨준 배열로 손실을 계산해야 합니다.",
                case=gradient_case,
                book=np.array2string(BOOK_DW, precision=4, separator=", ").replace("\n", ""),
                got=np.array2string(dW, precision=4, separator=", ").replace("\n", ""),
            )
        )
    return say(
        "f(W) is the loss at the W it is given, so numerical_gradient(f, W) gives the book's dW (to 1e-6) for "
        "net.W and for a copy alike — no in-place trick needed.",
        "f(W)가 주어진 W에서의 손실이므로, numerical_gradient(f, W)가 net.W에서도 복사본에서도 책의 dW와 "
        "(1e-6 이내로) 같은 값을 냅니다. 배열이 제자리에서 바뀌는 것에 기대는 요령은 필요 없습니다.",
    )


# ---------------------------------------------------------------------------------------------
# 05.negative_entries — predict, then check
# ---------------------------------------------------------------------------------------------
#: The input of the question: the book's x with its second feature negated.
FLIPPED_X = np.array([0.6, -0.9])


def negative_entries() -> int:
    """How many entries of the numerical dW are negative for FLIPPED_X, the book's W and target class 2."""
    net = SimpleNet(W=BOOK_W)
    dW = numerical_gradient(lambda W: net.loss(FLIPPED_X, BOOK_T), net.W)
    return int(np.sum(dW < 0))


@exercise(
    "05.negative_entries",
    NOTEBOOK,
    "predict",
    "the signs of dW for another input",
    "With the book's W and target class 2 but the input x = (0.6, -0.9), how many of the six entries of dW "
    "are negative? Predict it from dW = x^T (y - t) before computing it.",
)
def check_negative_entries(answer) -> str:
    value = require_number(answer)
    right = negative_entries()
    if value == right:
        return say(
            "{n}. Whatever W is, y - t = (y0, y1, y2 - 1) has the signs (+, +, -) for target class 2, since every "
            "probability lies between 0 and 1. Row i of dW is x[i]·(y - t): x[0] = 0.6 keeps the signs (+, +, -), "
            "x[1] = -0.9 flips them to (-, -, +). One negative entry in row 0, two in row 1.",
            "{n}개입니다. W가 무엇이든 확률은 0과 1 사이이므로, 정답이 클래스 2일 때 y - t = (y0, y1, y2 - 1)의 "
            "부호는 (+, +, -)입니다. dW의 i번 행은 x[i]·(y - t)입니다. x[0] = 0.6은 부호 (+, +, -)를 그대로 "
            "두고, x[1] = -0.9는 (-, -, +)로 뒤집습니다. 0번 행에 음수 하나, 1번 행에 음수 둘입니다.",
            n=right,
        )
    if not float(value).is_integer() or not 0 <= value <= 6:
        raise NotYet(
            say(
                "You predicted {value:g}; a count of entries of a 2×3 matrix is a whole number from 0 to 6.",
                "예측한 값은 {value:g}입니다. 2×3 행렬에서 음수인 원소를 센 개수이니 0부터 6까지의 정수여야 합니다.",
                value=value,
            )
        )
    if value == 2:
        hint = say(
            "2 is the count for the book's x = (0.6, 0.9): only the column of the correct class is negative. "
            "Row i of dW is x[i]·(y - t); what does the negative x[1] do to row 1?",
            "2는 책의 x = (0.6, 0.9)일 때의 개수입니다(정답 클래스의 열만 음수). dW의 i번 행은 "
            "x[i]·(y - t)입니다. 음수인 x[1]은 1번 행의 부호를 어떻게 바꿀까요?",
        )
    else:
        hint = say(
            "Use dW = x^T (y - t): row i is x[i] times the same vector y - t. Which signs does y - t have for "
            "target class 2, and what does the sign of each x[i] do to its row?",
            "dW = x^T (y - t)에서 출발하세요. i번 행은 같은 벡터 y - t에 x[i]를 곱한 것입니다. 정답이 클래스 "
            "2일 때 y - t의 부호는 어떻게 되고, 각 x[i]의 부호는 그 행의 부호를 어떻게 바꿀까요?",
        )
    raise NotYet(
        say(
            "You predicted {value:g}. {hint}",
            "예측한 값은 {value:g}입니다. {hint}",
            value=value,
            hint=hint,
        )
    )
