"""Householder QR with a fixed operation order, for the Haar sampler (no BLAS, no LAPACK).

:func:`haar_from_ginibre` turns ``n`` complex Ginibre matrices (given as their real and
imaginary parts) into Haar unitaries by Mezzadri's recipe: ``Z = QR`` and
``U = Q diag(R_jj / |R_jj|)``.  The QR is a plain Householder factorisation written out
in scalar loops, so every floating-point operation and its order is fixed by this file:
no BLAS (whose blocking and thread count vary between builds), no ``fastmath`` (so LLVM
may not reassociate sums or fuse multiply-adds), and only ``+ - * /`` and ``sqrt``
(correctly rounded in IEEE 754) -- no ``hypot`` or ``abs`` of a complex number, whose
libm implementations differ.  The same Ginibre input therefore gives the same bits on
every machine.  Dot products use four partial sums combined in a fixed order, which
breaks the add-latency chain without making the order machine-dependent.

Layout: the kernel copies column ``j`` of ``Z = re + i im`` into row ``j`` of a work array,
which keeps every inner loop contiguous.  ``Z`` is the same matrix the former LAPACK
sampler factorised, so for a given seed the unitaries agree with the former ones to
round-off (about ``1e-15``), and numbers keyed to seeds elsewhere are unchanged.

Reflector for the column ``x`` (length ``k = d - j``): ``alpha = -(x_0/|x_0|) ||x||``,
``v = x - alpha e_1``, ``H = I - 2 v v^H / (v^H v)``, so ``H x = alpha e_1`` and
``R_jj = alpha`` (the last column needs no reflector: ``R_{d-1,d-1} = x_0``).  Then
``U = H_0 H_1 ... H_{d-2} Lambda`` with
``Lambda = diag(alpha_j / |alpha_j|)``, accumulated backwards on the rows of ``U^T``.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit

__all__ = ["haar_from_ginibre"]


@njit
def _dot_conj(ar, ai, br, bi, off, n):
    """``sum_t conj(a_t) b_t`` over ``t = off .. off+n-1``, four partial sums in a fixed order."""
    sr0 = sr1 = sr2 = sr3 = 0.0
    si0 = si1 = si2 = si3 = 0.0
    t = off
    end4 = off + (n // 4) * 4
    while t < end4:
        sr0 += ar[t] * br[t] + ai[t] * bi[t]
        si0 += ar[t] * bi[t] - ai[t] * br[t]
        sr1 += ar[t + 1] * br[t + 1] + ai[t + 1] * bi[t + 1]
        si1 += ar[t + 1] * bi[t + 1] - ai[t + 1] * br[t + 1]
        sr2 += ar[t + 2] * br[t + 2] + ai[t + 2] * bi[t + 2]
        si2 += ar[t + 2] * bi[t + 2] - ai[t + 2] * br[t + 2]
        sr3 += ar[t + 3] * br[t + 3] + ai[t + 3] * bi[t + 3]
        si3 += ar[t + 3] * bi[t + 3] - ai[t + 3] * br[t + 3]
        t += 4
    while t < off + n:
        sr0 += ar[t] * br[t] + ai[t] * bi[t]
        si0 += ar[t] * bi[t] - ai[t] * br[t]
        t += 1
    return (sr0 + sr1) + (sr2 + sr3), (si0 + si1) + (si2 + si3)


@njit
def _haar_one(ar, ai, vr, vi, cr, ci, out, d):
    """One matrix: ``ar, ai`` (``d x d``, row ``j`` = column ``j`` of ``Z``) are overwritten;
    ``vr, vi`` hold the reflectors (row ``j``: entries ``j..d-1``), ``cr, ci`` the rows of ``U^T``."""
    lam_r = np.empty(d)
    lam_i = np.empty(d)
    beta = np.zeros(d)
    for j in range(d):
        k = d - j
        nrm2, _ = _dot_conj(ar[j], ai[j], ar[j], ai[j], j, k)
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
            continue
        # R_jj = alpha = -(x0/|x0|) ||x||; its phase is -(x0/|x0|)
        lam_r[j], lam_i[j] = -pr, -pi
        for t in range(j, d):
            vr[j, t] = ar[j, t]
            vi[j, t] = ai[j, t]
        vr[j, j] = x0r + pr * nrm  # v_0 = x_0 - alpha = x_0 + (x0/|x0|) ||x||
        vi[j, j] = x0i + pi * nrm
        vv, _ = _dot_conj(vr[j], vi[j], vr[j], vi[j], j, k)
        beta[j] = 2.0 / vv
        for c in range(j + 1, d):  # apply H_j to the remaining columns of Z
            sr, si = _dot_conj(vr[j], vi[j], ar[c], ai[c], j, k)
            fr, fi = beta[j] * sr, beta[j] * si
            for t in range(j, d):
                ar[c, t] -= fr * vr[j, t] - fi * vi[j, t]
                ai[c, t] -= fr * vi[j, t] + fi * vr[j, t]
    # C = U^T = Lambda H_{d-2}^T ... H_0^T, built from C = Lambda; H^T = I - beta conj(v) v^T,
    # so a row c of C becomes c - beta (c . conj(v)) v^T.
    for r in range(d):
        for t in range(d):
            cr[r, t] = 0.0
            ci[r, t] = 0.0
        cr[r, r] = lam_r[r]
        ci[r, r] = lam_i[r]
    for j in range(d - 2, -1, -1):
        if beta[j] == 0.0:
            continue
        k = d - j
        for r in range(j, d):
            sr, si = _dot_conj(vr[j], vi[j], cr[r], ci[r], j, k)  # sum conj(v_t) c_t
            fr, fi = beta[j] * sr, beta[j] * si
            for t in range(j, d):
                cr[r, t] -= fr * vr[j, t] - fi * vi[j, t]
                ci[r, t] -= fr * vi[j, t] + fi * vr[j, t]
    for a in range(d):
        for b in range(d):
            out[a, b] = complex(cr[b, a], ci[b, a])


@njit
def _haar_batch(re, im, out):
    n, d = re.shape[0], re.shape[1]
    ar = np.empty((d, d))
    ai = np.empty((d, d))
    vr = np.zeros((d, d))
    vi = np.zeros((d, d))
    cr = np.empty((d, d))
    ci = np.empty((d, d))
    for s in range(n):
        for a in range(d):
            for b in range(d):
                ar[a, b] = re[s, b, a]  # row a of the work array = column a of Z
                ai[a, b] = im[s, b, a]
        _haar_one(ar, ai, vr, vi, cr, ci, out[s], d)


def haar_from_ginibre(re: np.ndarray, im: np.ndarray) -> np.ndarray:
    """Haar unitaries ``(n, d, d)`` from the real and imaginary parts of ``n`` Ginibre matrices.

    Trusts its inputs (C-contiguous float64 arrays of equal shape ``(n, d, d)``); the public
    entry point is :func:`qnnsym.sampling.haar_unitaries`.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> U = haar_from_ginibre(rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 3, 3)))
    >>> bool(np.abs(U[1].conj().T @ U[1] - np.eye(3)).max() < 1e-14)
    True
    """
    out = np.empty(re.shape, dtype=np.complex128)
    _haar_batch(np.ascontiguousarray(re, dtype=np.float64), np.ascontiguousarray(im, dtype=np.float64), out)
    return out
