"""Exercises of notebooks/01_loss_functions.ipynb."""

from __future__ import annotations

import math

import numpy as np

from ..functions import CROSS_ENTROPY_DELTA, softmax
from ..language import say
from .core import NotYet, as_array, as_float, call, describe, exercise, require_function, require_number

NOTEBOOK = "01_loss_functions.ipynb"

_Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])  # the book's prediction of a "2"
_T = np.eye(10)[2]
_Y_ZERO = np.eye(10)[7]  # all probability on 7: the correct class 2 gets exactly 0


def _cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, y, t) for the cross entropy exercise: single samples, batches, labels and one-hot."""
    rng = np.random.default_rng(1)
    y5 = softmax(rng.standard_normal((5, 10)) * 2)
    labels5 = rng.integers(0, 10, size=5)
    return [
        (say("“the book's y and one-hot t”", "“책의 y와 원-핫 t”"), _Y, _T),
        (say("“the book's y and the label t = 2”", "“책의 y와 숫자 레이블 t = 2”"), _Y, np.array(2)),
        (say("“a batch of 5 with one-hot rows”", "“데이터 5개짜리 배치, 원-핫 행”"), y5, np.eye(10)[labels5]),
        (say("“a batch of 5 with labels”", "“데이터 5개짜리 배치, 숫자 레이블”"), y5, labels5),
        (say("“the correct class got probability exactly 0”", "“정답 클래스의 확률이 정확히 0”"), _Y_ZERO, _T),
    ]


def _reference(y: np.ndarray, t: np.ndarray, delta: float = CROSS_ENTROPY_DELTA) -> float:
    y2 = y.reshape(-1, y.shape[-1])
    labels = t.reshape(-1) if t.size == len(y2) else t.reshape(len(y2), -1).argmax(axis=1)
    return float(-np.sum(np.log(y2[np.arange(len(y2)), labels] + delta)) / len(y2))


@exercise(
    "01.cross_entropy",
    NOTEBOOK,
    "write",
    "cross_entropy_error for batches",
    "Write cross_entropy_error(y, t): the mean over the batch of -log(y[correct class] + 1e-7), "
    "for y of shape (10,) or (N, 10) and t as integer labels or one-hot rows.",
)
def check_cross_entropy(answer) -> str:
    require_function(answer)
    for name, y, t in _cases():
        result = as_float(call(answer, y.copy(), t.copy(), case=name), name)
        expected = _reference(y, t)
        if math.isclose(result, expected, rel_tol=1e-9, abs_tol=1e-12):
            continue
        n = len(y.reshape(-1, 10))
        if not math.isfinite(result):
            hint = say(
                "log(0) is -inf: add the book's delta 1e-7 inside the log, np.log(y + 1e-7).",
                "log(0)은 -inf입니다. 책처럼 로그 안에 delta 1e-7을 더하세요: np.log(y + 1e-7).",
            )
        elif math.isclose(result, _reference(y, t, delta=0.0), rel_tol=1e-12):
            hint = say(
                "That is the loss without the book's delta: use np.log(y + 1e-7).",
                "책의 delta(1e-7) 없이 계산한 손실입니다. np.log(y + 1e-7)을 쓰세요.",
            )
        elif math.isclose(result, -expected, rel_tol=1e-9):
            hint = say(
                "The sign is flipped: the loss is minus the log.",
                "부호가 반대입니다. 손실은 로그에 마이너스를 붙인 값입니다.",
            )
        elif n > 1 and math.isclose(result, n * expected, rel_tol=1e-9):
            hint = say(
                "That is {n} times the answer: you summed over the batch; divide by the batch size for the mean.",
                "정답의 {n}배입니다. 배치 전체를 더하기만 했습니다. 배치 크기로 나눠 평균을 내세요.",
                n=n,
            )
        elif n == 1 and math.isclose(result, expected / 10, rel_tol=1e-9):
            hint = say(
                "That is a tenth of the answer: for a single sample (y of shape (10,)) the batch size is 1, "
                "not y.shape[0] — reshape y to (1, 10) first, as the book does.",
                "정답의 1/10입니다. 데이터가 하나(y의 형상이 (10,))일 때 배치 크기는 y.shape[0]이 아니라 1입니다. "
                "책처럼 먼저 y를 형상 (1, 10)으로 reshape하세요.",
            )
        elif t.size == n:
            hint = say(
                "Here t holds labels, not one-hot rows: when t.size equals the batch size, the loss uses "
                "y[np.arange(batch_size), t], the probability of each sample's correct class.",
                "여기서 t는 원-핫 행이 아니라 숫자 레이블입니다. t.size가 배치 크기와 같으면 각 데이터의 정답 클래스 "
                "확률 y[np.arange(batch_size), t]로 손실을 계산합니다.",
            )
        else:
            hint = say(
                "Here t holds one-hot rows: the correct class of each row is t.argmax(axis=1).",
                "여기서 t는 원-핫 행입니다. 각 행의 정답 클래스는 t.argmax(axis=1)입니다.",
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
        "It gives the book's 0.5108 and handles single samples, batches, labels, one-hot rows and a zero probability.",
        "책의 0.5108이 나오고, 데이터 하나와 배치, 숫자 레이블과 원-핫 행, 확률 0까지 모두 처리합니다.",
    )


# ---------------------------------------------------------------------------------------------
# 01.mini_batch — a bug hunt: the learners' `t_batch = x_train[batch_mask]`
# ---------------------------------------------------------------------------------------------
_TRAIN_SIZE = 300  # a small stand-in for MNIST's 60,000: rows of 784 "pixels", 10 classes


def _training_set(one_hot: bool) -> tuple[np.ndarray, np.ndarray]:
    """(x_train (300, 784) float32 with distinct rows, t_train (300, 10) one-hot or (300,) labels)."""
    rng = np.random.default_rng(2)
    x = rng.random((_TRAIN_SIZE, 784), dtype=np.float32)
    labels = rng.integers(0, 10, size=_TRAIN_SIZE)
    return x, (np.eye(10)[labels] if one_hot else labels)


def _mini_batch_cases() -> list[tuple[str, bool, int]]:
    return [
        (say("“one-hot targets, batch_size 10”", "“원-핫 정답 레이블, batch_size 10”"), True, 10),
        (say("“label targets, batch_size 25”", "“숫자 레이블, batch_size 25”"), False, 25),
    ]


def _batch_pair(result, case: str) -> tuple[np.ndarray, np.ndarray]:
    """The two arrays of ``return x_batch, t_batch``, or NotYet naming what came back instead."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise NotYet(
            say(
                "Case {case}: return the two arrays, `return x_batch, t_batch`; got {what}.",
                "{case}에서 배열 두 개를 `return x_batch, t_batch`로 반환하세요. 받은 값: {what}",
                case=case,
                what=describe(result),
            )
        )
    try:
        return np.asarray(result[0]), np.asarray(result[1])
    except Exception:  # ragged lists and the like: numpy cannot make an array of them
        raise NotYet(
            say(
                "Case {case}: x_batch and t_batch must be arrays; got {x} and {t}.",
                "{case}에서 x_batch와 t_batch는 배열이어야 합니다. 받은 값: {x}, {t}",
                case=case,
                x=describe(result[0]),
                t=describe(result[1]),
            )
        ) from None


def _check_shapes(x_batch: np.ndarray, t_batch: np.ndarray, x_shape: tuple, t_shape: tuple, case: str) -> None:
    """NotYet when the batch arrays do not have the shapes of batch_size images and targets, naming the mix-up."""
    batch_size = x_shape[0]
    if x_batch.shape == t_shape and t_batch.shape == x_shape:
        raise NotYet(
            say(
                "Case {case}: x_batch has shape {xs} and t_batch {ts}: they are swapped. Return x_batch, t_batch "
                "in that order, images first.",
                "{case}에서 x_batch의 형상이 {xs}, t_batch의 형상이 {ts}입니다. 둘이 뒤바뀌었습니다. "
                "이미지가 먼저 오도록 x_batch, t_batch 순서로 반환하세요.",
                case=case,
                xs=x_batch.shape,
                ts=t_batch.shape,
            )
        )
    if t_batch.shape == x_shape:
        raise NotYet(
            say(
                "Case {case}: t_batch has shape {shape}, the shape of {n} images, not of {n} targets {want}: "
                "it was taken from x_train (the learners' `t_batch = x_train[batch_mask]`). Take the targets "
                "from t_train, with the same mask as the images: `t_batch = t_train[batch_mask]`.",
                "{case}에서 t_batch의 형상이 {shape}입니다. 이것은 이미지 {n}장의 형상이고, 정답 레이블 {n}개의 "
                "형상은 {want}입니다. t_batch를 x_train에서 가져왔습니다(학습자 노트의 "
                "`t_batch = x_train[batch_mask]`). 정답 레이블은 t_train에서, 이미지와 같은 마스크로 가져오세요: "
                "`t_batch = t_train[batch_mask]`.",
                case=case,
                shape=t_batch.shape,
                n=batch_size,
                want=t_shape,
            )
        )
    for name, got, want in (("x_batch", x_batch, x_shape), ("t_batch", t_batch, t_shape)):
        if got.shape != want:
            raise NotYet(
                say(
                    "Case {case}: {name} has shape {got}, expected {want} — one row for each of the "
                    "batch_size = {n} examples drawn.",
                    "{case}에서 {name}의 형상이 {got}입니다. 기대한 형상은 {want}입니다. 뽑은 데이터 "
                    "batch_size = {n}개마다 한 행씩 있어야 합니다.",
                    case=case,
                    name=name,
                    got=got.shape,
                    want=want,
                    n=batch_size,
                )
            )


def _check_targets_belong(t_batch: np.ndarray, t: np.ndarray, drawn: np.ndarray, case: str) -> None:
    """NotYet unless t_batch[i] is the target of the training example that x_batch[i] is (two masks, say)."""
    if not np.array_equal(t_batch, t[drawn]):
        i = int(np.flatnonzero([not np.array_equal(a, b) for a, b in zip(t_batch, t[drawn], strict=True)])[0])
        raise NotYet(
            say(
                "Case {case}: the targets do not belong to their images: row {i} of x_batch is training example "
                "{row}, whose target is {want}, but t_batch[{i}] is {got}. Did you draw two masks? Draw batch_mask "
                "once and index both x_train and t_train with it.",
                "{case}에서 정답 레이블이 이미지와 짝이 맞지 않습니다. x_batch의 {i}번 행은 {row}번 훈련 데이터이고 "
                "그 정답은 {want}인데, t_batch[{i}]의 값은 {got}입니다. 마스크를 두 번 뽑지 않았나요? batch_mask를 "
                "한 번만 뽑아서 x_train과 t_train을 둘 다 그 마스크로 인덱싱하세요.",
                case=case,
                i=i,
                row=int(drawn[i]),
                want=t[drawn[i]].argmax() if t.ndim == 2 else t[drawn[i]],
                got=t_batch[i].argmax() if t.ndim == 2 else t_batch[i],
            )
        )


def _check_random_rows(drawn: np.ndarray, batch_size: int, train_size: int, case: str) -> None:
    """NotYet for rows taken in order (a slice) or only from the first batch_size rows."""
    if np.array_equal(drawn, np.arange(drawn[0], drawn[0] + batch_size)):
        raise NotYet(
            say(
                "Case {case}: x_batch is rows {first} to {last} in order: a slice is not a random sample. "
                "Draw the row numbers at random, batch_mask = rng.choice(train_size, batch_size).",
                "{case}에서 x_batch가 {first}번부터 {last}번까지의 행을 차례대로 담고 있습니다. 잘라낸 구간은 "
                "무작위 표본이 아닙니다. 행 번호를 무작위로 뽑으세요: batch_mask = rng.choice(train_size, batch_size).",
                case=case,
                first=int(drawn[0]),
                last=int(drawn[-1]),
            )
        )
    if drawn.max() < batch_size:
        raise NotYet(
            say(
                "Case {case}: every row drawn is among the first {n} of the {size} training examples. "
                "rng.choice(batch_size, ...) draws from range(batch_size); draw row numbers from the whole set, "
                "rng.choice(train_size, batch_size) with train_size = x_train.shape[0].",
                "{case}에서 뽑힌 행이 모두 훈련 데이터 {size}개 중 처음 {n}개 안에 있습니다. "
                "rng.choice(batch_size, ...)는 range(batch_size)에서만 뽑습니다. 행 번호는 전체에서 뽑으세요: "
                "train_size = x_train.shape[0], rng.choice(train_size, batch_size).",
                case=case,
                n=batch_size,
                size=train_size,
            )
        )


def _drawn_rows(
    answer, x: np.ndarray, t: np.ndarray, batch_size: int, seed: int, case: str, rows: dict[bytes, int]
) -> np.ndarray:
    """Run the learner's function once; return the row numbers of x_train it drew, or NotYet at the first problem."""
    x_before, t_before = x.copy(), t.copy()
    result = call(answer, x, t, batch_size, np.random.default_rng(seed), case=case)
    if not (np.array_equal(x, x_before) and np.array_equal(t, t_before)):
        raise NotYet(
            say(
                "Case {case}: your function changed x_train or t_train. A mini-batch only picks rows "
                "(x_train[batch_mask]); shuffling or editing the training data in place changes it for "
                "every later step.",
                "{case}에서 함수가 x_train이나 t_train을 바꿨습니다. 미니배치는 행을 골라낼 뿐입니다"
                "(x_train[batch_mask]). 훈련 데이터를 제자리에서 섞거나 고치면 이후의 모든 단계가 "
                "바뀐 데이터를 쓰게 됩니다.",
                case=case,
            )
        )
    x_batch, t_batch = _batch_pair(result, case)
    x_shape, t_shape = (batch_size, x.shape[1]), (batch_size, *t.shape[1:])
    _check_shapes(x_batch, t_batch, x_shape, t_shape, case)
    x_batch, t_batch = as_array(x_batch, x_shape, case), as_array(t_batch, t_shape, case)  # numbers, as float64
    # the training rows are float32: converting a copied row back to float32 is exact, so its bytes match
    found = [rows.get(row.astype(np.float32).tobytes()) for row in x_batch]
    if None in found:
        raise NotYet(
            say(
                "Case {case}: row {i} of x_batch is not a row of x_train. Pick whole rows with a mask, "
                "x_train[batch_mask], and leave the pixels as they are.",
                "{case}에서 x_batch의 {i}번 행은 x_train에 없는 행입니다. 마스크로 행 전체를 골라내고"
                "(x_train[batch_mask]) 픽셀 값은 그대로 두세요.",
                case=case,
                i=found.index(None),
            )
        )
    drawn = np.array(found)
    _check_targets_belong(t_batch, t, drawn, case)
    _check_random_rows(drawn, batch_size, len(x), case)
    return drawn


@exercise(
    "01.mini_batch",
    NOTEBOOK,
    "bug hunt",
    "a mini-batch whose targets are images",
    "Fix get_mini_batch(x_train, t_train, batch_size, rng): it should return batch_size random training "
    "examples, (x_batch, t_batch), each image with its own target.",
)
def check_mini_batch(answer) -> str:
    require_function(answer)
    for name, one_hot, batch_size in _mini_batch_cases():
        x, t = _training_set(one_hot)
        rows = {row.tobytes(): i for i, row in enumerate(x)}
        first = _drawn_rows(answer, x, t, batch_size, 10, name, rows)
        second = _drawn_rows(answer, x, t, batch_size, 11, name, rows)
        if np.array_equal(first, second):
            raise NotYet(
                say(
                    "Case {case}: two calls with different generators drew the same rows {rows}. "
                    "Draw with the rng you are given, rng.choice(train_size, batch_size), not with a fixed list "
                    "or a generator seeded inside the function.",
                    "{case}에서 서로 다른 난수 생성기로 두 번 호출했는데 두 번 다 같은 행을 뽑았습니다: {rows}. "
                    "고정된 목록이나 함수 안에서 시드를 고정한 생성기가 아니라, 인수로 받은 rng로 뽑으세요: "
                    "rng.choice(train_size, batch_size).",
                    case=name,
                    rows=first.tolist(),
                )
            )
    return say(
        "Each image comes with its own target, drawn at random from the whole training set — the book's "
        "mini-batch of section 4.2.3.",
        "이미지마다 자기 정답 레이블이 짝지어져 있고, 훈련 데이터 전체에서 무작위로 뽑혔습니다. "
        "책 4.2.3절의 미니배치입니다.",
    )


# ---------------------------------------------------------------------------------------------
# 01.untrained_loss — predict, then check
# ---------------------------------------------------------------------------------------------
#: The answer: a prediction of 0.1 for every class costs -log(0.1 + 1e-7) on every image; the batch mean is the same.
UNTRAINED_LOSS = float(-np.log(0.1 + CROSS_ENTROPY_DELTA))
#: Any prediction within 0.005 counts (2.30 does): the question is about the idea, not the 7th digit the delta moves.
UNTRAINED_LOSS_TOLERANCE = 0.005
_UNTRAINED_BATCH = 100


def _untrained_traps() -> list[tuple[float, str]]:
    """(value, explanation) for the wrong answers a learner is likely to give."""
    per_class_sum = 10 * UNTRAINED_LOSS
    return [
        (
            0.1,
            say(
                "0.1 is the probability itself; the loss is minus its log, -log(0.1).",
                "0.1은 확률 그 자체입니다. 손실은 그 로그에 마이너스를 붙인 값, -log(0.1)입니다.",
            ),
        ),
        (
            -UNTRAINED_LOSS,
            say(
                "The sign is flipped: log(0.1) is negative, and the loss is minus the log.",
                "부호가 반대입니다. log(0.1)은 음수이고, 손실은 로그에 마이너스를 붙인 값입니다.",
            ),
        ),
        (
            1.0,
            say(
                "That is -log10(0.1). The book's log is the natural log (자연로그, np.log), base e.",
                "그 값은 -log10(0.1)입니다. 책의 log는 밑이 e인 자연로그(np.log)입니다.",
            ),
        ),
        (
            _UNTRAINED_BATCH * UNTRAINED_LOSS,
            say(
                "That is the sum over the {n} images. The book's loss is the batch mean, which is what "
                "one image costs.",
                "이미지 {n}장의 손실을 모두 더한 값입니다. 책의 손실은 배치 평균이므로 이미지 한 장의 손실과 같습니다.",
                n=_UNTRAINED_BATCH,
            ),
        ),
        (
            per_class_sum,
            say(
                "That adds -log(0.1) for all ten classes. With a one-hot t, only the correct class's term counts.",
                "클래스 10개 모두의 -log(0.1)을 더했습니다. 정답 레이블이 원-핫이면 정답 클래스의 항 하나만 남습니다.",
            ),
        ),
        (
            0.45,
            say(
                "0.45 is the sum of squares error (오차제곱합) of this prediction; the question asks for "
                "the cross entropy.",
                "0.45는 이 예측의 오차제곱합입니다. 묻는 것은 교차 엔트로피 오차입니다.",
            ),
        ),
        (
            float(-np.log(CROSS_ENTROPY_DELTA)),
            say(
                "That is -log(1e-7), the loss when the correct class gets probability 0; here it gets 0.1.",
                "그 값은 정답 클래스의 확률이 0일 때의 손실 -log(1e-7)입니다. 여기서는 정답 클래스의 확률이 0.1입니다.",
            ),
        ),
    ]


@exercise(
    "01.untrained_loss",
    NOTEBOOK,
    "predict",
    "the loss of a network that knows nothing",
    "An untrained 10-class network gives every class probability 0.1 for every image. Predict its cross "
    "entropy error (the book's batch mean, with the 1e-7) on a mini-batch of 100 images.",
)
def check_untrained_loss(answer) -> str:
    value = require_number(answer)
    if not math.isfinite(value):
        raise NotYet(
            say(
                "You predicted {value}; a loss of probabilities that are not 0 is a finite number.",
                "예측한 값은 {value}입니다. 확률이 0이 아니면 손실은 유한한 수입니다.",
                value=value,
            )
        )
    if abs(value - UNTRAINED_LOSS) <= UNTRAINED_LOSS_TOLERANCE:
        return say(
            "It is -log(0.1) = ln 10 ≈ 2.3026 for every image, so for the batch mean too (the 1e-7 moves it only "
            "in the 7th digit: {exact:.10f}). Answers within {tol} of it count, so 2.30 does. A freshly made "
            "TwoLayerNet, whose tiny weights make all ten classes about equally likely, starts at about this loss.",
            "이미지마다 손실이 -log(0.1) = ln 10 ≈ 2.3026이므로 배치 평균도 같습니다(1e-7은 유효숫자 일곱째 자리만 "
            "바꿉니다: {exact:.10f}). 이 값과 {tol} 이내면 정답으로 치므로 2.30도 맞습니다. 갓 만든 TwoLayerNet은 "
            "가중치가 아주 작아서 클래스 10개에 거의 같은 확률을 주므로, 손실이 이 값 근처에서 시작합니다.",
            tol=UNTRAINED_LOSS_TOLERANCE,
            exact=UNTRAINED_LOSS,
        )
    for trap, why in _untrained_traps():
        if math.isclose(value, trap, rel_tol=0.01, abs_tol=0.005):
            hint = why
            break
    else:
        hint = say(
            "Too {way}. With a one-hot t, the cross entropy of one image is -log(probability of its correct class); "
            "the batch mean of {n} equal losses is that same number.",
            "{way_ko}. 정답 레이블이 원-핫이면 이미지 한 장의 교차 엔트로피 오차는 -log(정답 클래스의 확률)입니다. "
            "같은 손실 {n}개의 배치 평균은 그 값 그대로입니다.",
            way="high" if value > UNTRAINED_LOSS else "low",
            way_ko="너무 큽니다" if value > UNTRAINED_LOSS else "너무 작습니다",
            n=_UNTRAINED_BATCH,
        )
    raise NotYet(
        say(
            "You predicted {value:.6g}. {hint}",
            "예측한 값은 {value:.6g}입니다. {hint}",
            value=value,
            hint=hint,
        )
    )
