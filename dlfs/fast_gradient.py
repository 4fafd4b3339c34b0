"""The book's numerical gradient of TwoLayerNet, computed without 79,520 forward passes.

Taught in notebooks/07_fast_numerical_gradient.ipynb.

``TwoLayerNet.numerical_gradient`` nudges one parameter θ_i at a time by ±h and runs
the whole network twice to get the central difference (중심 차분)

    g_i = (L(θ + h·e_i) − L(θ − h·e_i)) / 2h,   h = 1e-4,

where L = −(1/N) Σ_n log(softmax(a2_n)[t_n] + 1e-7), a1 = x W1 + b1, z1 = sigmoid(a1),
a2 = z1 W2 + b2. Every one of those 2 × 39,760 forward passes (for 784-50-10) recomputes
numbers the nudge cannot change:

* nudging W1[i, j] moves a1[n, j] by h·x[n, i]: only hidden unit j, and only the
  samples whose pixel i is not zero (about 19 % of MNIST pixels are not zero);
* nudging b1[j] moves a1[:, j] by h: one hidden unit, every sample;
* nudging W2[j, k] moves a2[:, k] by h·z1[:, j], and b2[k] moves a2[:, k] by h.

So L(θ ± h·e_i) − L(θ) = (1/N) Σ_{affected n} (ℓ_n(nudged) − ℓ_n), and each nudged
per-sample loss ℓ_n follows from the *unnudged* forward pass and a handful of numbers.
This module evaluates those per-sample differences for every parameter at once, in
float64, and forms the same central difference. It is not backpropagation and not a
linearisation: each nudged loss is evaluated as the network would compute it; only the
parts a nudge cannot change are not recomputed. Zero pixels are skipped (their
contribution is exactly zero in the loop too), and each (sample, grey value) pair is
evaluated once.

Three devices keep it exact and fast:

* a sigmoid difference without cancellation:
  sigmoid(a + s) − sigmoid(a) = −expm1(−s) · sigmoid(a + s) · sigmoid(−a);
* the loss change when the logits move by δ (a vector over the classes):
  with p = softmax(a2_n), φ = Σ_k p_k expm1(δ_k) and r − 1 = (expm1(δ_t) − φ) / (1 + φ),
  ℓ(nudged) − ℓ = −log1p( p_t / (p_t + 1e-7) · (r − 1) ),
  because softmax(a2 + δ)_t = p_t e^{δ_t} / Σ_k p_k e^{δ_k} = p_t · r;
* for W1 and b1, δ_k = dz · W2[j, k] with a tiny dz, so the class sums are power series in
  dz whose coefficients Σ_k p_k W2[j, k]^m depend only on the sample and the hidden unit:
  they are computed once per sample, and the series stops where its remainder is provably
  below float64 rounding (:func:`series_order`; large nudges call np.expm1 per class).

The loop subtracts two full losses of about 2.3, which leaves rounding noise of about
1e-16 / 2e-4 ≈ 1e-12 in every entry; these per-sample differences do not, so the result
agrees with the loop within that noise and with a long-double evaluation of the same
central differences within about 1e-14 (tests/test_fast_gradient.py). Speed and memory:
benchmarks/fast_gradient.md.
"""

from __future__ import annotations

import numpy as np

from .checks import positive_number, whole_number
from .functions import CROSS_ENTROPY_DELTA, sigmoid, softmax

#: The book's step for the central difference.
H = 1e-4

#: Default number of (sample, pixel value) rows evaluated at once for W1 and b1. A block
#: holds (2·order + 6) arrays of ``chunk × hidden_size`` float64 numbers: for a 50-unit
#: net and a series of order 4 that is about 11 MB.
DEFAULT_CHUNK = 2048


def _loss_change(c: np.ndarray, et: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Per-sample loss change ℓ(nudged) − ℓ = −log1p(c · (r − 1)), computed in place.

    ``c`` is p_t / (p_t + 1e-7) (broadcastable), ``et`` = expm1(δ_t), ``phi`` =
    Σ_k p_k expm1(δ_k); ``et`` is overwritten with the result.
    """
    np.subtract(et, phi, out=et)
    np.add(phi, 1.0, out=phi)
    np.divide(et, phi, out=et)  # r − 1
    np.multiply(et, c, out=et)
    np.log1p(et, out=et)
    np.negative(et, out=et)
    return et


#: Highest power of the series in :func:`_first_layer`; larger nudges evaluate every
#: expm1 directly instead.
MAX_ORDER = 8

#: The truncated series' remainder must stay below 2**-60 ≈ 8.7e-19 times the bound on
#: its first term: at least 64 times below the rounding error of evaluating the same
#: sum with one np.expm1 per class (about 2**-53 times that bound).
_TAIL = 2.0**-60


def series_order(bound: float) -> int | None:
    """Lowest power M at which the power series of Σ_k p_k expm1(v_k) may stop.

    For |v| ≤ ``bound`` the Taylor remainder of expm1(v) after the v^M term is at most
    bound^(M+1) e^bound / (M+1)! (Lagrange). Returns the lowest M ≤ MAX_ORDER for which
    that is at most 2^-60 · bound, or None if no M is (the caller then calls np.expm1
    for every class). For MNIST (|x| ≤ 1, h = 1e-4, |W2| < 10) this is M = 3 or 4.
    """
    if bound == 0.0:
        return 1
    if not bound < 1.0:  # no M can (e / 9! > 2^-60 already); also keeps bound**m from overflowing
        return None
    factorial = 1.0
    for m in range(1, MAX_ORDER + 1):
        factorial *= m + 1  # (m + 1)!
        if bound**m * np.exp(bound) / factorial <= _TAIL:
            return m
    return None


def _horner(dz: np.ndarray, coef: np.ndarray, order: int) -> np.ndarray:
    """Σ_{m=1..order} coef[m-1] · dz^m by Horner's rule; coef has shape (order, B, H)."""
    out = coef[order - 1].copy()
    for m in range(order - 1, 0, -1):
        out *= dz
        out += coef[m - 1]
    out *= dz
    return out


def _first_layer(
    x: np.ndarray,
    labels: np.ndarray,
    a1: np.ndarray,
    p: np.ndarray,
    c: np.ndarray,
    W2: np.ndarray,
    h: float,
    chunk: int,
    series: bool = True,
) -> np.ndarray:
    """Σ_n (ℓ_n(+h) − ℓ_n(−h)) for every W1 entry and b1 entry, shape (D + 1, H).

    Row D (the last) is b1: a bias is a weight on an input that is always 1.

    Nudging W1[i, j] by ±h moves a1[n, j] by s = ±h·x[n, i], so z1[n, j] moves by
    dz = sigmoid(a + s) − sigmoid(a) and every logit k by δ_k = dz · W2[j, k]. The loss
    change needs num = expm1(δ_t) − Σ_k p_k expm1(δ_k) and den = 1 + Σ_k p_k expm1(δ_k).
    Both are power series in dz whose coefficients depend only on the sample and the
    hidden unit, not on which pixel was nudged:

        num = Σ_m dz^m / m! · Σ_k p_k (W2[j, t]^m − W2[j, k]^m)
        den = 1 + Σ_m dz^m / m! · Σ_k p_k W2[j, k]^m

    so the sum over the 10 classes is done once per sample (a few small matrix products)
    instead of once per nudge. The series stops where its remainder is provably below
    float64 rounding (:func:`series_order`); ``series=False``, or nudges too large for
    that, evaluate every np.expm1 directly instead (the tests compare the two).
    """
    n_samples, n_inputs = x.shape
    n_hidden, n_classes = W2.shape
    # b1 is W1's row for an extra input that is 1 for every sample.
    x_aug = np.concatenate([x, np.ones((n_samples, 1))], axis=1)
    rows, cols = np.nonzero(x_aug)  # zero pixels change nothing, exactly: skip them
    values = x_aug[rows, cols]
    # Two pixels of one sample with the same value give the same nudged loss
    # (MNIST has only 255 grey levels): evaluate each (sample, value) pair once.
    order = np.lexsort((values, rows))
    r_sorted, v_sorted = rows[order], values[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (r_sorted[1:] != r_sorted[:-1]) | (v_sorted[1:] != v_sorted[:-1])
    pair_n, pair_v = r_sorted[new], v_sorted[new]
    pair_of_entry = np.empty(len(order), dtype=np.intp)
    pair_of_entry[order] = np.cumsum(new) - 1  # nonzero (sample, pixel) -> its pair
    n_pairs = len(pair_n)

    W2T = np.ascontiguousarray(W2.T)  # row k: the weights from every hidden unit into class k
    w_target = W2T[labels]  # (N, H): W2[j, t_n]
    with np.errstate(over="ignore"):  # exp(750) = inf gives sigmoid = 0, which is right
        e_minus_a = np.exp(-a1)  # sigmoid(a + s) = 1 / (1 + e^-a · e^-s)
    z1_minus = sigmoid(-a1)  # 1 − sigmoid(a), without cancellation
    # Per-sample series coefficients (see the docstring), shape (MAX_ORDER, N, H).
    num_coef = np.empty((MAX_ORDER, n_samples, n_hidden))
    den_coef = np.empty((MAX_ORDER, n_samples, n_hidden))
    factorial = 1.0
    for m in range(1, MAX_ORDER + 1):
        factorial *= m
        w_m = W2**m  # (H, K)
        den_coef[m - 1] = (p @ w_m.T) / factorial
        # Σ_k p_k (w_t^m − w_k^m): the k = t term vanishes exactly, so no cancellation
        # against a separately rounded w_t^m · Σ_k p_k.
        gap = w_target[:, :, None] ** m - w_m[None, :, :]  # (N, H, K)
        num_coef[m - 1] = np.einsum("nk,njk->nj", p, gap) / factorial
    w_max = float(np.max(np.abs(W2)))

    diff = np.empty((n_pairs, n_hidden))  # ℓ(+h) − ℓ(−h) per (sample, value) and hidden unit
    for lo in range(0, n_pairs, chunk):
        hi = min(lo + chunk, n_pairs)
        n_b = pair_n[lo:hi]
        zm = z1_minus.take(n_b, axis=0)
        ea = e_minus_a.take(n_b, axis=0)
        c_b = c[n_b][:, None]
        v_b = pair_v[lo:hi][:, None]
        # |dz| ≤ |s| / 4 (the sigmoid's slope is at most 1/4), so |δ_k| ≤ bound
        order_m = series_order(h * float(np.max(np.abs(v_b))) / 4.0 * w_max) if series else None
        if order_m is not None:
            nc = num_coef[:order_m].take(n_b, axis=1)
            dc = den_coef[:order_m].take(n_b, axis=1)
        else:
            wt = w_target.take(n_b, axis=0)
            p_b = p.take(n_b, axis=0)
        q = {}
        for sign in (1.0, -1.0):
            s = (sign * h) * v_b  # (B, 1): how far a1[n, :] moves
            # dz = sigmoid(a + s) − sigmoid(a) = −expm1(−s) · sigmoid(a + s) · sigmoid(−a)
            with np.errstate(over="ignore"):
                dz = ea * np.exp(-s)
            dz += 1.0
            np.divide(1.0, dz, out=dz)  # sigmoid(a + s)
            dz *= zm
            dz *= -np.expm1(-s)
            if order_m is not None:
                num = _horner(dz, nc, order_m)
                den = _horner(dz, dc, order_m)
            else:
                num = np.expm1(dz * wt)
                den = np.zeros_like(dz)
                buf = np.empty_like(dz)
                for k in range(n_classes):
                    np.multiply(dz, W2T[k], out=buf)
                    np.expm1(buf, out=buf)
                    buf *= p_b[:, k : k + 1]
                    den += buf
                num -= den
            den += 1.0
            num /= den  # r − 1, where softmax(a2 + δ)_t = p_t · r
            num *= c_b
            q[sign] = num  # ℓ(nudged) − ℓ = −log1p(q)
        # ℓ(+) − ℓ(−) = log1p(q−) − log1p(q+) = −log1p((q+ − q−) / (1 + q−)): one log
        d = np.subtract(q[1.0], q[-1.0])
        q[-1.0] += 1.0
        d /= q[-1.0]
        np.log1p(d, out=d)
        np.negative(d, out=diff[lo:hi])

    # Back from (sample, value) pairs to (pixel, hidden unit): sum over the samples.
    by_col = np.argsort(cols, kind="stable")
    cols_sorted = cols[by_col]
    starts = np.flatnonzero(np.r_[True, cols_sorted[1:] != cols_sorted[:-1]])
    total = np.zeros((n_inputs + 1, n_hidden))
    total[cols_sorted[starts]] = np.add.reduceat(diff[pair_of_entry[by_col]], starts, axis=0)
    return total


def _second_layer(z1: np.ndarray, labels: np.ndarray, p: np.ndarray, c: np.ndarray, h: float) -> np.ndarray:
    """Σ_n (ℓ_n(+h) − ℓ_n(−h)) for every W2 entry and b2 entry, shape (H + 1, K).

    Nudging W2[j, k] moves only logit k, by s = ±h·z1[n, j]; row H (the last) is b2.
    """
    n_samples, n_classes = p.shape
    z_aug = np.concatenate([z1, np.ones((n_samples, 1))], axis=1)  # b2: an input that is 1
    onehot = np.zeros((n_samples, 1, n_classes))
    onehot[np.arange(n_samples), 0, labels] = 1.0
    pk = p[:, None, :]
    result = {}
    for sign in (1.0, -1.0):
        e = np.expm1((sign * h) * z_aug)[:, :, None]  # (N, H+1, 1): expm1(δ_k), the only δ
        phi = pk * e  # Σ_k p_k expm1(δ_k) has a single term
        et = onehot * e  # expm1(δ_t) is e when k is the target class, else 0
        result[sign] = _loss_change(c[:, None, None], et, phi)
    return (result[1.0] - result[-1.0]).sum(axis=0)


def _not_finite(params: dict[str, np.ndarray], x: np.ndarray, h: float) -> ValueError:
    """The error for a forward pass or gradient that is not finite, with its likeliest cause."""
    bad = [k for k in ("W1", "b1", "W2", "b2") if not np.isfinite(params[k]).all()]
    if bad:
        cause = f"params {bad} hold NaN or inf"
    else:
        largest = float(np.max(np.abs(x))) if x.size else 0.0
        cause = f"the inputs (largest |x| = {largest:.3g}) or h = {h:g} are too large for these weights"
    return ValueError(f"fast_numerical_gradient: the gradient is not finite: {cause}. The book uses h = 1e-4.")


def fast_numerical_gradient(
    params: dict[str, np.ndarray],
    x: np.ndarray,
    labels: np.ndarray,
    h: float = H,
    chunk: int = DEFAULT_CHUNK,
    series: bool = True,
) -> dict[str, np.ndarray]:
    """The book's central-difference gradient of TwoLayerNet's loss, without the loop.

    Call it as ``net.fast_numerical_gradient(x, t)``, which checks ``x`` and ``t`` first.
    Returns the same numbers as ``net.numerical_gradient(x, t)`` — for every parameter
    θ_i, (L(θ + h·e_i) − L(θ − h·e_i)) / 2h — but evaluates only the per-sample losses
    a nudge can change (see the module docstring), hundreds of times faster for
    784-50-10 on a batch of 100 MNIST images (benchmarks/fast_gradient.md). Taught in
    notebooks/07_fast_numerical_gradient.ipynb.

    Parameters
    ----------
    params : dict with 'W1', 'b1', 'W2', 'b2', float64 (a TwoLayerNet's ``params``)
        Read only; never modified (the loop nudges them in place).
    x : ndarray, shape (N, input_size), real and finite (already checked by the net)
    labels : ndarray of int, shape (N,), values 0..output_size-1 (already checked)
    h : float, default 1e-4
        The central difference's step, as in the book.
    chunk : int, default 2048
        How many (sample, pixel value) rows are evaluated at once. Bounds the working
        memory to about (2·order + 6) arrays of ``chunk × hidden_size`` float64 numbers,
        at most 18 MB for 2048 rows of 50 hidden units, whatever the batch size.
    series : bool, default True
        Sum the classes by the power series (fast). False calls np.expm1 for every
        class and nudge instead (slower; the same numbers to float64 rounding).

    Returns
    -------
    dict with 'W1', 'b1', 'W2', 'b2': float64 arrays shaped like ``params``, finite.

    NaN and infinity: a gradient that is not finite (parameters holding NaN/inf, inputs
    so large that the forward pass overflows, an ``h`` so large that the nudged losses
    do) raises ValueError instead of being returned.

    Raises
    ------
    TypeError
        If the net's parameters are not float64: the central difference with h = 1e-4
        keeps only about 3 digits in float32, and the loop it reproduces is float64.
    ValueError
        A step ``h`` that is not a positive finite number, or a ``chunk`` that is not a
        positive integer; a gradient that is not finite.
    """
    for key in ("W1", "b1", "W2", "b2"):
        if params[key].dtype != np.float64:
            raise TypeError(
                f"fast_numerical_gradient reproduces the book's float64 central difference, but "
                f"params['{key}'] is {params[key].dtype}. Build the net with dtype=np.float64 "
                "(float32 keeps only about 3 significant digits of a difference with h = 1e-4)."
            )
        if not np.isfinite(params[key]).all():  # nudging inf by ±h changes nothing: a silent 0
            raise _not_finite(params, x, h)
    h = positive_number(h, "h", where="fast_numerical_gradient", hint="The book uses h = 1e-4.")
    chunk = whole_number(chunk, "chunk (rows evaluated at once)", minimum=1, where="fast_numerical_gradient")
    n = len(labels)
    if n == 0:
        raise ValueError("fast_numerical_gradient: the batch is empty; pass at least one input row.")
    x = np.asarray(x, dtype=np.float64).reshape(n, -1)

    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    with np.errstate(over="ignore", invalid="ignore"):  # reported by _not_finite, with the cause
        a1 = x @ W1 + b1  # the one unnudged forward pass
        if np.isnan(a1).any():  # ±inf is fine: the sigmoid's limits
            raise _not_finite(params, x, h)
        z1 = sigmoid(a1)
        a2 = z1 @ W2 + b2
    if not np.isfinite(a2).all():
        raise _not_finite(params, x, h)
    p = softmax(a2)
    pt = p[np.arange(n), labels]
    c = pt / (pt + CROSS_ENTROPY_DELTA)  # how the book's 1e-7 enters the loss change

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # reported below
        first = _first_layer(x, labels, a1, p, c, W2, h, int(chunk), series=bool(series))
        second = _second_layer(z1, labels, p, c, h)
        # (L+ − L−) / 2h with L = (1/N) Σ_n ℓ_n
        scale = 1.0 / (2.0 * h * n)
        grads = {
            "W1": first[:-1] * scale,
            "b1": first[-1] * scale,
            "W2": second[:-1] * scale,
            "b2": second[-1] * scale,
        }
    if not all(np.isfinite(g).all() for g in grads.values()):
        raise _not_finite(params, x, h)
    return grads
