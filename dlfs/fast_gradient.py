"""The book's numerical gradient of TwoLayerNet, computed without 79,520 forward passes (notebook 07).

``TwoLayerNet.numerical_gradient`` nudges one parameter θ_i at a time by ±h and runs the whole network
twice for the central difference (중심 차분) g_i = (L(θ + h·e_i) − L(θ − h·e_i)) / 2h, with
L = −(1/N) Σ_n log(softmax(a2_n)[t_n] + 1e-7), a1 = x W1 + b1, z1 = sigmoid(a1), a2 = z1 W2 + b2. But
nudging W1[i, j] moves a1[n, j] by h·x[n, i] (one hidden unit, only samples whose pixel i is not zero),
b1[j] moves a1[:, j] by h, W2[j, k] moves a2[:, k] by h·z1[:, j], and b2[k] moves a2[:, k] by h. So each
nudged per-sample loss follows from the *unnudged* forward pass and a few numbers: this module evaluates
those per-sample loss changes for every parameter at once, in float64, and forms the same central
differences (not backpropagation, not a linearisation). Three devices keep it exact:

* sigmoid(a + s) − sigmoid(a) = −expm1(−s)·sigmoid(a + s)·sigmoid(−a), without cancellation;
* with p = softmax(a2_n), logits moved by δ, φ = Σ_k p_k expm1(δ_k) and r − 1 = (expm1(δ_t) − φ) / (1 + φ):
  ℓ(nudged) − ℓ = −log1p(p_t / (p_t + 1e-7) · (r − 1));
* for W1 and b1, δ_k = dz·W2[j, k] with a tiny dz, so the class sums are power series in dz whose
  coefficients Σ_k p_k W2[j, k]^m depend only on the sample and the hidden unit, stopped where the
  remainder is provably below float64 rounding (:func:`series_order`).

The loop subtracts two losses of about 2.3 and keeps about 1e-12 of rounding noise in every entry;
these differences do not, so the two agree within that noise (tests/test_fast_gradient.py).
"""

from __future__ import annotations

import numpy as np

from .checks import count, finite_parameters, flag, float_array, labels, number
from .functions import CROSS_ENTROPY_DELTA, sigmoid, softmax
from .gradient import H

#: Default ``chunk``: (sample, input) entries evaluated at once, about 83 MNIST images.
DEFAULT_CHUNK = 2**16

#: Highest power of the series; larger nudges evaluate every expm1 directly instead.
MAX_ORDER = 8

#: The series' remainder must stay below 2**-60 times the bound on its first term: 64 times below
#: the rounding of the same sum evaluated with one np.expm1 per class.
_TAIL = 2.0**-60

#: (sample, grey value) pairs whose nudges are evaluated together: arrays of _ROWS × hidden stay in cache.
_ROWS = 2048


def series_order(bound: float) -> int | None:
    """Lowest power M <= MAX_ORDER at which the series of Σ_k p_k expm1(v_k), |v| <= ``bound``, may stop.

    The Taylor remainder after the v^M term is at most bound^(M+1) e^bound / (M+1)! (Lagrange); M is
    the lowest power for which that is <= 2^-60 · bound, or None if none is (then every expm1 is
    evaluated directly). For MNIST (|x| <= 1, h = 1e-4, |W2| < 10) M is 3 or 4.
    """
    if bound == 0.0:
        return 1
    if not bound < 1.0:  # no M can be (e / 9! > 2^-60 already)
        return None
    factorial = 1.0
    for m in range(1, MAX_ORDER + 1):
        factorial *= m + 1
        if bound**m * np.exp(bound) / factorial <= _TAIL:
            return m
    return None


def fast_numerical_gradient(
    params: dict[str, np.ndarray],
    x: np.ndarray,
    t: np.ndarray,
    h: float = H,
    chunk: int | None = None,
    series: bool = True,
) -> dict[str, np.ndarray]:
    """For every parameter θ_i of a TwoLayerNet, (L(θ + h·e_i) − L(θ − h·e_i)) / 2h, like the book's loop.

    Call it as ``net.fast_numerical_gradient(x, t)``. Hundreds of times faster than
    ``net.numerical_gradient(x, t)`` on 784-50-10 and a batch of 100 MNIST images, within 1e-9 of it.

    Parameters
    ----------
    params : dict with 'W1', 'b1', 'W2', 'b2', float64 and finite (a TwoLayerNet's); only read
    x : array (N, input_size) of real numbers, finite; N >= 1
    t : integer labels (N,), in 0..output_size-1
    h : float > 0, default 1e-4 (the book's)
    chunk : int >= 1, default 65,536
        How many (sample, input) entries are evaluated at once: the samples are taken in blocks of
        ``max(1, chunk // (input_size + 1 + 2 · output_size))``. The working memory is then at most
        about 24 · chunk · hidden_size bytes (80 MB for a 50-unit net; about 12 MB on MNIST images,
        mostly zeros), whatever N is, as long as one block's row fits in ``chunk``.
    series : bool, default True
        Sum the classes by the power series; False evaluates np.expm1 for every class (slower; the
        same numbers to float64 rounding).

    Returns a dict of float64 arrays shaped like ``params``, finite: a gradient that is not (inputs
    or an ``h`` so large that the losses overflow) raises ValueError. Parameters that are not float64
    raise TypeError: with h = 1e-4, float32 keeps only about 3 digits of a difference.
    """
    where = "fast_numerical_gradient"
    for key in ("W1", "b1", "W2", "b2"):
        if params[key].dtype != np.float64:
            raise TypeError(f"{where}: params['{key}'] is {params[key].dtype}; build the net with dtype=np.float64.")
    finite_parameters(params, where)
    h, series = number(h, "h", where, positive=True), flag(series, "series", where)
    chunk = DEFAULT_CHUNK if chunk is None else count(chunk, "chunk", where, minimum=1)
    x = float_array(x, "x", where, bools=False)  # each block is converted to float64 on its own
    n_inputs, n_hidden = params["W1"].shape
    if x.ndim != 2 or x.shape[1] != n_inputs or len(x) == 0:
        raise ValueError(f"{where}: x must have shape (N, {n_inputs}) with N >= 1, got {x.shape}.")
    t = labels(t, len(x), params["W2"].shape[1], where)
    first, second = np.zeros((n_inputs + 1, n_hidden)), np.zeros((n_hidden + 1, params["W2"].shape[1]))
    rows = max(1, chunk // (n_inputs + 1 + 2 * params["W2"].shape[1]))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a gradient that is not finite: below
        for lo in range(0, len(x), rows):
            xb, tb = x[lo : lo + rows].astype(np.float64), t[lo : lo + rows]
            a1, z1, p, c = _forward(params, xb, tb, h)
            first += _first_layer(xb, tb, a1, p, c, params["W2"], h, series)
            second += _second_layer(z1, tb, p, c, h)
        scale = 1.0 / (2.0 * h * len(x))  # (L+ − L−) / 2h, with L the mean of the per-sample losses
        grads = {"W1": first[:-1] * scale, "b1": first[-1] * scale, "W2": second[:-1] * scale, "b2": second[-1] * scale}
    if not all(np.isfinite(g).all() for g in grads.values()):
        raise ValueError(
            f"{where}: the gradient is not finite: the inputs or h = {h:g} are too large for these weights."
        )
    return grads


def _forward(params: dict[str, np.ndarray], x: np.ndarray, t: np.ndarray, h: float):
    """The unnudged forward pass of a block: a1, z1, p = softmax(a2), and c = p_t / (p_t + 1e-7)."""
    a1 = x @ params["W1"] + params["b1"]
    if np.isnan(a1).any():  # ±inf is fine: the sigmoid's limits
        raise ValueError(f"fast_numerical_gradient: the inputs or h = {h:g} are too large for these weights.")
    z1 = sigmoid(a1)
    a2 = z1 @ params["W2"] + params["b2"]
    if not np.isfinite(a2).all():
        raise ValueError("fast_numerical_gradient: the inputs are too large for these weights (the scores overflow).")
    p = softmax(a2)
    pt = p[np.arange(len(t)), t]
    return a1, z1, p, pt / (pt + CROSS_ENTROPY_DELTA)  # c: how the book's 1e-7 enters the loss change


def _pairs(x: np.ndarray):
    """The distinct (sample, value) pairs among the nonzero entries of [x, 1] (the 1 is b1's input).

    Returns the pairs' samples and values, each nonzero entry's pair, and the entries' columns: two
    pixels of one sample with the same value give the same nudged loss (MNIST has 255 grey levels).
    """
    x_aug = np.concatenate([x, np.ones((len(x), 1))], axis=1)
    rows, cols = np.nonzero(x_aug)  # zero pixels change nothing, exactly
    values = x_aug[rows, cols]
    order = np.lexsort((values, rows))
    r_sorted, v_sorted = rows[order], values[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (r_sorted[1:] != r_sorted[:-1]) | (v_sorted[1:] != v_sorted[:-1])
    pair_of_entry = np.empty(len(order), dtype=np.intp)
    pair_of_entry[order] = np.cumsum(new) - 1
    return r_sorted[new], v_sorted[new], pair_of_entry, cols


def _coefficients(p: np.ndarray, W2: np.ndarray, t: np.ndarray):
    """Per-sample series coefficients, shape (MAX_ORDER, N, H) each, of the numerator and denominator.

    num = Σ_m dz^m / m! · Σ_k p_k (W2[j, t]^m − W2[j, k]^m) and den = 1 + Σ_m dz^m / m! · Σ_k p_k W2[j, k]^m.
    """
    w_target = W2.T[t]  # (N, H): W2[j, t_n]
    num = np.empty((MAX_ORDER, len(p), W2.shape[0]))
    den = np.empty_like(num)
    factorial = 1.0
    for m in range(1, MAX_ORDER + 1):
        factorial *= m
        w_m = W2**m
        den[m - 1] = (p @ w_m.T) / factorial
        # the k = t term vanishes exactly: no cancellation against a separately rounded w_t^m · Σ_k p_k
        num[m - 1] = np.einsum("nk,njk->nj", p, w_target[:, :, None] ** m - w_m[None, :, :]) / factorial
    return num, den


def _horner(dz: np.ndarray, coef: np.ndarray, order: int) -> np.ndarray:
    """Σ_{m=1..order} coef[m-1] · dz^m by Horner's rule; coef has shape (order, B, H)."""
    out = coef[order - 1].copy()
    for m in range(order - 1, 0, -1):
        out *= dz
        out += coef[m - 1]
    out *= dz
    return out


def _first_layer(x, t, a1, p, c, W2, h: float, series: bool) -> np.ndarray:
    """Σ_n (ℓ_n(+h) − ℓ_n(−h)) for every W1 entry and, in the last row, every b1 entry: shape (D + 1, H)."""
    pair_n, pair_v, pair_of_entry, cols = _pairs(x)
    num_coef, den_coef = _coefficients(p, W2, t) if series else (None, None)
    e_minus_a, z1_minus = np.exp(-a1), sigmoid(-a1)  # sigmoid(a + s) = 1 / (1 + e^-a e^-s); 1 − sigmoid(a)
    w_max = float(np.max(np.abs(W2)))
    diff = np.empty((len(pair_n), W2.shape[0]))  # ℓ(+h) − ℓ(−h) per (sample, value) pair and hidden unit
    for lo in range(0, len(pair_n), _ROWS):
        n_b, v_b = pair_n[lo : lo + _ROWS], pair_v[lo : lo + _ROWS, None]
        # |dz| <= |s| / 4 (the sigmoid's slope is at most 1/4), so |δ_k| <= this bound
        order = series_order(h * float(np.max(np.abs(v_b))) / 4.0 * w_max) if series else None
        q = {}
        for sign in (1.0, -1.0):
            s = (sign * h) * v_b  # how far a1[n, :] moves
            dz = 1.0 / (1.0 + e_minus_a[n_b] * np.exp(-s)) * z1_minus[n_b] * -np.expm1(-s)
            if order is not None:
                num, den = _horner(dz, num_coef[:order, n_b], order), _horner(dz, den_coef[:order, n_b], order)
            else:
                num, den = _direct(dz, W2, p[n_b], t[n_b])
            q[sign] = num / (1.0 + den) * c[n_b, None]  # p_t (r − 1) / (p_t + 1e-7); ℓ(nudged) − ℓ = −log1p(q)
        # ℓ(+) − ℓ(−) = log1p(q−) − log1p(q+) = −log1p((q+ − q−) / (1 + q−)): one log
        diff[lo : lo + _ROWS] = -np.log1p((q[1.0] - q[-1.0]) / (1.0 + q[-1.0]))
    # back from (sample, value) pairs to (input, hidden unit): sum over the samples
    by_col = np.argsort(cols, kind="stable")
    cols_sorted = cols[by_col]
    starts = np.flatnonzero(np.r_[True, cols_sorted[1:] != cols_sorted[:-1]])
    total = np.zeros((x.shape[1] + 1, W2.shape[0]))
    total[cols_sorted[starts]] = np.add.reduceat(diff[pair_of_entry[by_col]], starts, axis=0)
    return total


def _direct(dz: np.ndarray, W2: np.ndarray, p: np.ndarray, t: np.ndarray):
    """The series' numerator and denominator − 1 with one np.expm1 per class (for large nudges)."""
    den = np.zeros_like(dz)
    for k in range(W2.shape[1]):
        den += np.expm1(dz * W2[:, k]) * p[:, k : k + 1]
    return np.expm1(dz * W2.T[t]) - den, den


def _second_layer(z1: np.ndarray, t: np.ndarray, p: np.ndarray, c: np.ndarray, h: float) -> np.ndarray:
    """Σ_n (ℓ_n(+h) − ℓ_n(−h)) for every W2 entry and, in the last row, every b2 entry: shape (H + 1, K).

    Nudging W2[j, k] moves only logit k, by s = ±h·z1[n, j] (by ±h for b2[k]).
    """
    z_aug = np.concatenate([z1, np.ones((len(z1), 1))], axis=1)
    onehot = np.zeros((len(z1), 1, p.shape[1]))
    onehot[np.arange(len(z1)), 0, t] = 1.0
    change = {}
    for sign in (1.0, -1.0):
        e = np.expm1((sign * h) * z_aug)[:, :, None]  # expm1(δ_k) of the one logit that moves
        phi = p[:, None, :] * e  # Σ_k p_k expm1(δ_k) has that single term
        change[sign] = -np.log1p((onehot * e - phi) / (1.0 + phi) * c[:, None, None])  # ℓ(nudged) − ℓ
    return (change[1.0] - change[-1.0]).sum(axis=0)
