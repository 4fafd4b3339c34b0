"""The one validation layer: every public function of dlfs checks its arguments here, at its entry.

A value of the wrong kind (text where a number is meant, a float where a count is meant, complex
numbers, a masked array) raises ``TypeError``; the right kind with a wrong value (out of range, NaN,
a shape that numpy would silently broadcast) raises ``ValueError``. Each message says where, which
argument, and the fix. Behind these checks the kernels of each module run unchecked.
"""

from __future__ import annotations

import math

import numpy as np


def number(value, name: str, where: str, *, positive: bool = False) -> float:
    """``value`` as a finite float: an int, a float, a numpy real scalar or a 0-d array of one.

    Refused: bools, text, complex numbers, arrays (TypeError); NaN, ±inf, an int beyond the float
    range and, when ``positive``, a value <= 0 (ValueError).
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: {name} must be a real number, got {value!r:.80}.")
    try:
        result = float(value)
    except OverflowError:  # an int beyond 1.8e308
        result = math.inf
    if not math.isfinite(result) or (positive and result <= 0):
        raise ValueError(f"{where}: {name} must be a finite number{' > 0' if positive else ''}, got {value!r:.80}.")
    return result


def count(value, name: str, where: str, minimum: int = 0) -> int:
    """``value`` as an int >= ``minimum``; bools and floats (even 2.0) are refused (TypeError)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: {name} must be a whole number (an int), got {value!r:.80}.")
    if value < minimum:
        raise ValueError(f"{where}: {name} must be at least {minimum}, got {value}.")
    return int(value)


def flag(value, name: str, where: str) -> bool:
    """``value`` as a bool; anything else, the text "False" above all, is refused (TypeError)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{where}: {name} must be True or False, got {value!r:.80}.")
    return bool(value)


def real_array(
    value, name: str, where: str, *, bools: bool = True, inf_ok: bool = False, finite: bool = True
) -> np.ndarray:
    """``value`` as an ndarray of real numbers (no copy if it is one), without NaN (nor ±inf unless ``inf_ok``).

    Refused with TypeError: complex numbers (their imaginary part would be dropped), text, objects,
    bools unless ``bools``, masked arrays (their mask would be dropped) and ``np.matrix`` (its ``*`` is
    a matrix product). A ragged nested list raises ValueError, and so do NaN and inf unless ``finite``
    is False (for a caller that checks its results instead, which costs less).
    """
    if isinstance(value, (np.ma.MaskedArray, np.matrix)):
        raise TypeError(f"{where}: {name} is a {type(value).__name__}; pass a plain array, e.g. np.asarray(...).")
    try:
        x = np.asarray(value)
    except (ValueError, TypeError) as error:  # ragged lists
        raise ValueError(f"{where}: {name} is not a rectangular array of numbers ({error}).") from None
    if x.dtype.kind not in "biuf" or (x.dtype.kind == "b" and not bools):
        hint = f" For complex numbers, pass {name}.real if that is what you mean." if x.dtype.kind == "c" else ""
        raise TypeError(f"{where}: {name} must hold real numbers, got dtype {x.dtype}.{hint}")
    if finite and x.dtype.kind == "f" and not (np.isfinite(x).all() or (inf_ok and not np.isnan(x).any())):
        raise ValueError(f"{where}: {name} contains {'NaN' if inf_ok else 'NaN or inf'}; find where it came from.")
    return x


def float_array(value, name: str, where: str, **options) -> np.ndarray:
    """:func:`real_array`, with integers and bools as float64 (floats keep their dtype)."""
    x = real_array(value, name, where, **options)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def nudgeable(x, h, where: str) -> float:
    """Check ``x`` for a nudge by ±``h`` in place: a writable float32/float64 ndarray, finite, x ± h too; returns h.

    Integers are refused (x + 1e-4 is truncated back to x), and so is float16 (x ± 1e-4 rounds back to x).
    """
    if type(x) is not np.ndarray:
        raise TypeError(f"{where}: x must be a numpy array of floats, got {type(x).__name__}.")
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"{where}: x must be float32 or float64, got {x.dtype}; pass x.astype(float).")
    if not x.flags.writeable:
        raise ValueError(f"{where}: x is read-only, but it is nudged in place; pass a writable copy, x.copy().")
    real_array(x, "x", where)  # no NaN or inf
    h = number(h, "h", where, positive=True)
    if x.size and float(np.abs(x).max()) + h > float(np.finfo(x.dtype).max):
        raise ValueError(f"{where}: x ± h overflows {x.dtype}; use a smaller h (the book uses 1e-4).")
    return h


def labels(t, n_rows: int, n_classes: int, where: str) -> np.ndarray:
    """Integer class labels of shape (n_rows,), from labels (n_rows,) or one-hot rows (n_rows, n_classes).

    Labels must be whole numbers in 0..n_classes-1 (numpy would silently read -1 as the last class).
    """
    t = real_array(t, "t", where, bools=False)
    if t.ndim == 2:
        if t.shape != (n_rows, n_classes) or not (np.isin(t, (0, 1)).all() and (t.sum(axis=1) == 1).all()):
            raise ValueError(f"{where}: 2-D targets must be one-hot rows of shape ({n_rows}, {n_classes}).")
        return t.argmax(axis=1)
    if t.shape != (n_rows,):
        raise ValueError(f"{where}: {n_rows} rows need {n_rows} targets (labels or one-hot rows), got {t.shape}.")
    if t.dtype.kind == "f" and not (t == np.round(t)).all():
        raise TypeError(f"{where}: labels must be whole numbers 0..{n_classes - 1}; pass t.astype(int).")
    if n_rows and (t.min() < 0 or t.max() >= n_classes):
        raise ValueError(f"{where}: labels must be in 0..{n_classes - 1}, got {t.min():g}..{t.max():g}.")
    return t.astype(np.intp, copy=False)


def bad_parameter(params: dict[str, np.ndarray]) -> str | None:
    """The name of the first parameter holding NaN or inf (say, after a diverged update), or None."""
    return next((key for key, value in params.items() if not np.isfinite(value).all()), None)


def finite_parameters(params: dict[str, np.ndarray], where: str) -> None:
    """Refuse parameters holding NaN or inf (ValueError naming the parameter)."""
    key = bad_parameter(params)
    if key is not None:
        raise ValueError(f"{where}: params['{key}'] holds NaN or inf; build a new net (and lower the learning rate).")
