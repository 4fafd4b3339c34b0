"""Argument checks shared by the whole package, each written once.

Every public function of dlfs refuses the inputs that would make the book's code return
a silent wrong answer; these helpers hold the checks that several modules need. The
convention everywhere: a value of the wrong *kind* (a float where a count is needed,
text where a number is needed) raises ``TypeError``; a value of the right kind but out
of range raises ``ValueError``. Each message names the argument, the value and the fix.
"""

from __future__ import annotations

import math

import numpy as np


def whole_number(value, name: str, minimum: int = 0, where: str = "") -> int:
    """``value`` as an int, checked to be a whole number >= ``minimum``.

    Raises
    ------
    TypeError
        ``value`` is not an int (bools and floats such as 2.0 or 2.5 are refused too).
    ValueError
        ``value`` is smaller than ``minimum``.
    """
    prefix = f"{where}: " if where else ""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{prefix}{name} must be a whole number (an int), got {value!r}.")
    if value < minimum:
        raise ValueError(f"{prefix}{name} must be at least {minimum}, got {value}.")
    return int(value)


def positive_number(value, name: str, where: str = "", hint: str = "") -> float:
    """``value`` as a float, checked to be finite and > 0 (a learning rate, a standard deviation).

    Raises
    ------
    TypeError
        ``value`` is not a real number (text, None, a complex number, an array).
    ValueError
        ``value`` is zero, negative, NaN or infinite.
    """
    prefix = f"{where}: " if where else ""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{prefix}{name} must be a number, got {value!r}.")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{prefix}{name} must be a finite number > 0, got {value!r}.{' ' + hint if hint else ''}")
    return number


def real_array(
    value, name: str, where: str, *, bools: bool = True, finite: bool = True, inf_ok: bool = False
) -> np.ndarray:
    """``value`` as an ndarray of real numbers (no copy when it already is one), checked.

    Parameters
    ----------
    value : array_like
    name, where : str
        The argument's name and the caller's, for the messages.
    bools : bool, default True
        Accept a bool array (False/True count as 0/1). TwoLayerNet's inputs refuse them.
    finite : bool, default True
        Refuse NaN and ±inf.
    inf_ok : bool, default False
        With ``finite``, refuse only NaN (sigmoid has limits at ±inf; NaN has no value).

    Returns
    -------
    ndarray of bool, integer or floating dtype, any shape (0-d and empty included).

    Raises
    ------
    TypeError
        Complex numbers (their imaginary part would be dropped silently), objects, text,
        dates; bools when ``bools`` is False.
    ValueError
        A ragged nested list; NaN or inf when they are refused.
    """
    prefix = f"{where}: " if where else ""
    try:
        x = np.asarray(value)
    except (ValueError, TypeError) as error:  # ragged lists, objects numpy cannot read
        raise ValueError(f"{prefix}{name} is not a rectangular array of numbers ({error}).") from error
    kind = x.dtype.kind
    if kind == "c":
        raise TypeError(f"{prefix}{name} holds complex numbers (dtype {x.dtype}); pass real numbers, e.g. {name}.real.")
    if kind == "b" and not bools:
        raise TypeError(f"{prefix}{name} must be real numbers, got dtype bool. Pass {name}.astype(float).")
    if kind not in "biuf":
        raise TypeError(
            f"{prefix}{name} must be real numbers, got dtype {x.dtype}. "
            f"Pass a numeric array, e.g. np.asarray({name}, dtype=float)."
        )
    if finite and kind == "f":
        bad = np.isnan(x) if inf_ok else ~np.isfinite(x)
        if bad.any():
            what = "NaN" if inf_ok else "NaN or inf"
            where_bad = np.argwhere(bad)[0] if x.ndim else ()
            raise ValueError(
                f"{prefix}{name} contains {what} (first at index {tuple(int(i) for i in where_bad)}: "
                f"{x[tuple(where_bad)]}); find where it came from (np.isfinite({name}).all())."
            )
    return x


#: The most memory that one array dlfs allocates at a caller's request may take: far more
#: than the chapter ever needs, and small enough to fail with a message instead of
#: a MemoryError (or a machine that swaps) when a slider or a typo asks for 10**12 rows.
MEMORY_BUDGET = 2**30


def within_budget(n_bytes: int, what: str, where: str, fix: str) -> None:
    """Refuse an allocation of ``n_bytes`` (an exact Python int) above :data:`MEMORY_BUDGET`.

    Raises
    ------
    ValueError
        Naming what would be allocated, its size, the budget and ``fix``.
    """
    if n_bytes > MEMORY_BUDGET:
        raise ValueError(
            f"{where}: {what} would take {n_bytes / 2**30:.3g} GiB, more than the "
            f"{MEMORY_BUDGET / 2**30:g} GiB dlfs allows for one array. {fix}"
        )


def as_labels(t: np.ndarray, n_rows: int, n_classes: int, where: str) -> np.ndarray:
    """Integer class labels of shape (n_rows,), from labels or from one-hot rows.

    Parameters
    ----------
    t : ndarray
        Labels of shape (n_rows,) (integers, or floats that are whole numbers), or one-hot
        rows of shape (n_rows, n_classes).
    n_rows, n_classes : int
        How many predictions there are, and of how many classes.
    where : str
        The caller's name, for the messages.

    Returns
    -------
    ndarray of intp, shape (n_rows,), values in 0..n_classes-1.

    Raises
    ------
    ValueError
        Wrong shape or count; a label outside 0..n_classes-1 (numpy would silently read
        the last class for -1); 2-D targets that are not one-hot.
    TypeError
        Labels that are not whole numbers (2.5, NaN), booleans, text or objects.
    """
    if t.ndim == 2 and t.shape[1] == n_classes and t.shape[0] == n_rows:
        if not np.all((t == 0) | (t == 1)) or not np.all(t.sum(axis=1) == 1):
            raise ValueError(
                f"{where}: 2-D targets must be one-hot rows (a single 1 and zeros). "
                "Pass integer labels of shape (N,) or one-hot rows of shape (N, classes)."
            )
        return t.argmax(axis=1)
    if t.ndim == 2:
        raise ValueError(
            f"{where}: one-hot targets of shape {t.shape} do not match predictions with "
            f"{n_rows} rows of {n_classes} classes. Pass targets of shape ({n_rows}, {n_classes}) "
            f"or labels of shape ({n_rows},)."
        )
    if t.ndim != 1:
        raise ValueError(
            f"{where}: targets must be labels of shape (N,) or one-hot rows of shape (N, classes); got shape {t.shape}."
        )
    if t.shape[0] != n_rows:
        raise ValueError(
            f"{where}: {n_rows} predictions but {t.shape[0]} targets. Pass exactly one target per prediction row."
        )
    if t.dtype == bool or not (np.issubdtype(t.dtype, np.integer) or np.issubdtype(t.dtype, np.floating)):
        raise TypeError(f"{where}: labels must be integers 0..{n_classes - 1}, got dtype {t.dtype}.")
    if np.issubdtype(t.dtype, np.floating):
        if not np.all(np.isfinite(t)) or not np.all(t == np.round(t)):
            raise TypeError(
                f"{where}: labels must be whole numbers 0..{n_classes - 1}, got non-integer values "
                f"such as {t[t != np.round(t)][:1]}. Pass integer class labels (t.astype(int)) or one-hot rows."
            )
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        bad = t[(t < 0) | (t >= n_classes)][0]
        raise ValueError(
            f"{where}: label {bad} is outside 0..{n_classes - 1} for {n_classes} classes "
            "(numpy would silently wrap a negative label to the last class). Pass labels in 0..classes-1."
        )
    return t.astype(np.intp)
