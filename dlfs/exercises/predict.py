"""The "predict, then check" exercises: the answers accepted, a table of known slips, a message for the rest.

A slip is a range of answers and the key of the message (messages/*.toml) that explains it.
"""

from __future__ import annotations

import math
from typing import Any

from .core import NotYet, exercise, num, numbers


def near(value: float, rel: float = 0.01, spread: float = 0.0) -> tuple[float, float]:
    """The answers within ``rel`` (relative) or ``spread`` (absolute) of ``value``."""
    spread = max(abs(value) * rel, spread)
    return value - spread, value + spread


def slips(rel: float = 0.01, **table: float) -> dict[str, tuple[float, float]]:
    return {key: near(value, rel) for key, value in table.items()}


def _largest_lr(lr: float) -> tuple[str, dict[str, str]]:
    """Each step multiplies x0 by 1 - 0.1 lr and x1 by 1 - 2 lr (the curvatures of 0.05 x0² + x1²)."""
    r0, r1 = 1 - 0.1 * lr, 1 - 2 * lr
    if lr > 1:
        return "diverges", {"r1": f"{r1:.6g}", "size": f"{4 * abs(r1) ** 20:.3g}"}
    return "converges", {"r0": f"{r0:.3g}", "r1": f"{r1:.3g}"}


LOSS = -math.log(0.1 + 1e-7)  # 01.untrained_loss: every image costs -log(0.1 + 1e-7), so does the batch mean
PARAMETERS = 784 * 50 + 50 + 50 * 10 + 10  # W1, b1, W2, b2 of the book's 784-50-10 TwoLayerNet
PREDICTIONS = {  # id: (the answers accepted, known slips, the message for any other answer)
    "01.untrained_loss": (
        near(LOSS, 0, 0.005),
        slips(probability=0.1, sign=-LOSS, log10=1.0, batch_sum=100 * LOSS, all_classes=10 * LOSS, mean_all=LOSS / 10)
        | slips(squares=0.45, log_delta=-math.log(1e-7)),
        lambda value: "too_high" if value > LOSS else "too_low",
    ),
    "02.forward_slope": (near(0.31, 0, 1e-6), slips(exact_at_x=0.3, at_x_plus_h=0.32)),
    "02.partial_derivative": (
        near(10.0, 0, 1e-6),
        slips(x0_squared_only=6, d_dx1=3, value=21, x1_term_only=4)
        | {"forward": (10 + 1e-6, 10.0011), "backward": (10 - 0.0011, 10 - 1e-6)},  # 10 + h and 10 - h
    ),
    "03.call_count": (
        (12, 12),
        slips(0, one_per_entry=6, forward=7, plus_one=13, rows=4, sides=5, twice_sides=10, whole_array=2, product=36),
    ),
    "04.largest_lr": (
        (0.99, 1.0),
        slips(x0_alone=20, coefficient_x0=40, x0_one_step=10, coefficient_x1=2, x1_one_step=0.5)
        | slips(0.005, fastest=2 / 2.1)
        | {"just_above": (1.0 + 1e-12, 1.01), "positive": (-math.inf, 0.0)},
        _largest_lr,
    ),
    "05.negative_entries": (
        (3, 3),
        slips(0, book_x=2),
        lambda value: "fallback" if value.is_integer() and 0 <= value <= 6 else "count_range",
    ),
    "06.numerical_forward_passes": (
        (2 * PARAMETERS, 2 * PARAMETERS),
        slips(0, parameters=PARAMETERS, forward=PARAMETERS + 1, no_biases=2 * (784 * 50 + 50 * 10), four_calls=8)
        | slips(0, hidden_100=2 * (784 * 100 + 100 + 100 * 10 + 10)),
    ),
}


def check_prediction(exercise_id: str, answer: Any) -> str:
    """The key of the praise, or NotYet with the key of the slip (or of the fallback message) and the answer."""
    (low, high), table, *otherwise = PREDICTIONS[exercise_id]
    if answer is Ellipsis:
        raise NotYet("replace_dots")
    if not math.isfinite(value := numbers(answer, "", ())):
        raise NotYet("not_finite", value=num(value))
    if low <= value <= high:
        return "right"
    found = next((key for key, (a, b) in table.items() if a <= value <= b), None)
    key = found or (otherwise[0](value) if otherwise else "fallback")
    key, values = key if isinstance(key, tuple) else (key, {})
    raise NotYet(key, value=num(value), **values)


for _id in PREDICTIONS:
    exercise(_id, "predict")(lambda answer, _id=_id: check_prediction(_id, answer))
