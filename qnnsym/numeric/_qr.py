"""Householder QR with a fixed operation order, for the Haar sampler (no BLAS, no LAPACK).

:func:`haar_from_ginibre` turns ``n`` complex Ginibre matrices (given as their real and
imaginary parts) into Haar unitaries by Mezzadri's recipe: ``Z = QR`` and
``U = Q diag(R_jj / |R_jj|)``.  The QR is a plain Householder factorisation written out
in scalar loops, so every floating-point operation and its order is fixed by this file:
no BLAS (whose blocking and thread count vary between builds), no ``fastmath`` (so LLVM
may not reassociate sums or fuse multiply-adds), and only ``+ - * /`` and ``sqrt``
(correctly rounded in IEEE 754) -- no ``hypot`` or ``abs`` of a complex number, whose
libm implementations differ.  The same Ginibre input therefore gives the same bits on
every machine, whatever SIMD width the compiler picks (vector lanes hold different
columns, never parts of one sum).

Reflector for the column ``x = Z^{(j)}[j:, j]`` (length ``k = d - j``): with
``p = x_0/|x_0|``, ``alpha = -p ||x||``, ``v = x - alpha e_1`` (so ``v_0 = x_0 + p ||x||``),
``H = I - beta v v^H`` with ``beta = 2 / (v^H v) = 1 / (||x|| (||x|| + |x_0|))``, so
``H x = alpha e_1`` and ``R_jj = alpha`` (the last column needs no reflector:
``R_{d-1,d-1} = x_0``).  Then ``U = H_0 H_1 ... H_{d-2} Lambda`` with
``Lambda = diag(alpha_j / |alpha_j|)``, accumulated backwards.

Layout (level-2, vectorisable): both ``H A`` (factorisation) and ``H C`` (accumulation of
``U``) are computed as ``w = v^H A`` then ``A -= beta v w``, with ``A`` row-major and the
loops ordered ``t`` (row) outer, ``c`` (column) inner, on separate real and imaginary
arrays.  The inner loops are therefore contiguous and independent across ``c`` (each
``w_c`` is summed over ``t = j, j+1, ...`` in that order), which the compiler vectorises
without reordering any sum.  The work is done in place on the real and imaginary parts
(one ``d x d`` scratch for the reflectors), and ``U`` is finally interleaved into the
complex output.  ``Z`` is the same matrix the former LAPACK sampler factorised, so for a
given seed the unitaries agree with LAPACK's QR with the phase fix to round-off (about
``1e-15``), and numbers keyed to seeds elsewhere are unchanged to that precision.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit

__all__ = ["haar_from_ginibre", "haar_batch"]


@njit
def _reflect(vr, vi, beta, ar, ai, j, c0, d, wr, wi):
    """``A[j:, c0:] <- (I - beta v v^H) A[j:, c0:]`` with ``v = vr + i vi`` (entries ``j .. d-1``).

    The inner loops run over slices from index 0, so the compiler can see the indices are
    non-negative (no wrap-around test) and vectorise them.  Two rows ``t, t+1`` share one pass
    over ``w`` (half the loads and stores); each ``w_c`` still receives the row-``t`` term and
    then the row-``t+1`` term, one rounding each, exactly as the plain loop over ``t`` would."""
    n = d - c0
    w_r = wr[c0:d]
    w_i = wi[c0:d]
    for c in range(n):
        w_r[c] = 0.0
        w_i[c] = 0.0
    t = j
    while t + 1 < d:  # w_c = sum_t conj(v_t) A_tc, t in order
        xr, xi, yr, yi = vr[t], vi[t], vr[t + 1], vi[t + 1]
        rr, ri = ar[t, c0:d], ai[t, c0:d]
        sr, si = ar[t + 1, c0:d], ai[t + 1, c0:d]
        for c in range(n):
            a = w_r[c] + (xr * rr[c] + xi * ri[c])
            b = w_i[c] + (xr * ri[c] - xi * rr[c])
            w_r[c] = a + (yr * sr[c] + yi * si[c])
            w_i[c] = b + (yr * si[c] - yi * sr[c])
        t += 2
    if t < d:
        xr, xi = vr[t], vi[t]
        rr, ri = ar[t, c0:d], ai[t, c0:d]
        for c in range(n):
            w_r[c] += xr * rr[c] + xi * ri[c]
            w_i[c] += xr * ri[c] - xi * rr[c]
    for c in range(n):
        w_r[c] = beta * w_r[c]
        w_i[c] = beta * w_i[c]
    t = j
    while t + 1 < d:  # A_tc -= v_t (beta w_c), two rows per pass over w
        xr, xi, yr, yi = vr[t], vi[t], vr[t + 1], vi[t + 1]
        rr, ri = ar[t, c0:d], ai[t, c0:d]
        sr, si = ar[t + 1, c0:d], ai[t + 1, c0:d]
        for c in range(n):
            gr, gi = w_r[c], w_i[c]
            rr[c] -= xr * gr - xi * gi
            ri[c] -= xr * gi + xi * gr
            sr[c] -= yr * gr - yi * gi
            si[c] -= yr * gi + yi * gr
        t += 2
    if t < d:
        xr, xi = vr[t], vi[t]
        rr, ri = ar[t, c0:d], ai[t, c0:d]
        for c in range(n):
            rr[c] -= xr * w_r[c] - xi * w_i[c]
            ri[c] -= xr * w_i[c] + xi * w_r[c]


@njit
def _haar_one(ar, ai, vr, vi, beta, lam_r, lam_i, wr, wi, out, d):
    """One matrix ``Z = ar + i ai`` (row-major, overwritten) into ``out = Q diag(R_jj/|R_jj|)``.
    ``vr, vi`` (``d x d``) hold the reflectors (row ``j``: entries ``j .. d-1``)."""
    for j in range(d):
        nrm2 = 0.0
        for t in range(j, d):
            nrm2 += ar[t, j] * ar[t, j] + ai[t, j] * ai[t, j]
        nrm = np.sqrt(nrm2)
        x0r, x0i = ar[j, j], ai[j, j]
        a0 = np.sqrt(x0r * x0r + x0i * x0i)
        if a0 > 0.0:
            pr, pi = x0r / a0, x0i / a0
        else:
            pr, pi = 1.0, 0.0
        if j == d - 1 or nrm == 0.0:
            # no reflector: R_jj = x_0 itself (the last column needs none; a zero column has probability 0)
            lam_r[j], lam_i[j] = pr, pi
            beta[j] = 0.0
            continue
        lam_r[j], lam_i[j] = -pr, -pi  # R_jj = alpha = -(x0/|x0|) ||x||
        for t in range(j + 1, d):
            vr[j, t] = ar[t, j]
            vi[j, t] = ai[t, j]
        vr[j, j] = x0r + pr * nrm
        vi[j, j] = x0i + pi * nrm
        beta[j] = 1.0 / (nrm * (nrm + a0))  # 2 / (v^H v)
        _reflect(vr[j], vi[j], beta[j], ar, ai, j, j + 1, d, wr, wi)
    # U = H_0 (H_1 (... (H_{d-2} Lambda))): before H_j is applied, rows and columns < j + 1 of the
    # product are those of Lambda, so H_j only touches the block [j:, j:].
    for r in range(d):
        for t in range(d):
            ar[r, t] = 0.0
            ai[r, t] = 0.0
        ar[r, r] = lam_r[r]
        ai[r, r] = lam_i[r]
    for j in range(d - 2, -1, -1):
        if beta[j] != 0.0:
            _reflect(vr[j], vi[j], beta[j], ar, ai, j, j, d, wr, wi)
    for a in range(d):
        for b in range(d):
            out[a, b] = complex(ar[a, b], ai[a, b])


@njit
def haar_batch(re, im, out, lo, hi):
    """Matrices ``lo .. hi-1`` of the batch: ``out[s] = U(re[s] + i im[s])``; ``re, im`` are
    overwritten (scratch).  Independent per matrix, so disjoint ranges may run in parallel threads."""
    d = re.shape[1]
    vr = np.zeros((d, d))
    vi = np.zeros((d, d))
    beta = np.empty(d)
    lam_r = np.empty(d)
    lam_i = np.empty(d)
    wr = np.empty(d)
    wi = np.empty(d)
    for s in range(lo, hi):
        _haar_one(re[s], im[s], vr, vi, beta, lam_r, lam_i, wr, wi, out[s], d)


def haar_from_ginibre(re: np.ndarray, im: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
    """Haar unitaries ``(n, d, d)`` from the real and imaginary parts of ``n`` Ginibre matrices.

    Trusts its inputs (float64 arrays of equal shape ``(n, d, d)``); ``re`` and ``im`` are used
    as scratch when ``overwrite`` is true and C-contiguous float64, otherwise copied.  The public
    entry point is :func:`qnnsym.sampling.haar_unitaries`.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> U = haar_from_ginibre(rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 3, 3)))
    >>> bool(np.abs(U[1].conj().T @ U[1] - np.eye(3)).max() < 1e-14)
    True
    """
    re, im = scratch_copies(re, im, overwrite)
    out = np.empty(re.shape, dtype=np.complex128)
    from .parallel import run_chunks

    run_chunks(lambda lo, hi: haar_batch(re, im, out, lo, hi), re.shape[0], work=re.shape[0] * re.shape[1] ** 3)
    return out


def scratch_copies(re: np.ndarray, im: np.ndarray, overwrite: bool) -> tuple[np.ndarray, np.ndarray]:
    """``re, im`` as C-contiguous float64 arrays the kernel may overwrite."""
    if overwrite:
        return np.ascontiguousarray(re, dtype=np.float64), np.ascontiguousarray(im, dtype=np.float64)
    return np.array(re, dtype=np.float64, order="C"), np.array(im, dtype=np.float64, order="C")
