"""Fused numba kernels for qubit circuits of one-qubit Pauli rotations and fixed gates.  Private.

A compiled :class:`~qnnsym.numeric.program.Program` whose parameterised ops are all ROT1 (and
which has no DENSE op) is rescheduled by :func:`qnnsym.numeric.program.compile_schedule` into
*stages* (``stages`` rows ``(kind, a, b, c)``):

==========  =====================================================================
kind        meaning
==========  =====================================================================
S_ROTS      rotations ``rots[b : b + c]`` (rows ``(param, letter)``), in this order, all on bit ``a``
S_PERM      a basis permutation (a run of CNOT/SWAP ops): ``new[i] = old[perm_fwd[a, i]]``
S_OP        op ``a`` of the program's op table (a fixed gate), through the general kernels
==========  =====================================================================

Rotations on different qubits commute, so the compiler gathers every rotation on one bit
inside a run of rotations into one stage.  One stage is one pass over the state:

- forward, the stage's rotations are multiplied into one 2 x 2 matrix ``G`` and applied to each
  amplitude pair ``(k, k + 2^bit)``;
- backward, for each pair the rotations are taken last to first: the gradient term
  ``Im(conj(lam) sigma psi)`` of the rotation is accumulated, then the rotation is undone on
  ``psi`` and ``lam`` (``d yhat / d theta_l = 2 coeff_l Im <lam_l | sigma psi_l>``, see
  :mod:`qnnsym.numeric._kernels`), all while the pair is in registers;
- a run of CNOT/SWAP gates is one gather through a precomputed index table instead of one
  pass per gate.

Each input row is swept on its own (forward, measurement, backward), so the working set is two
state vectors (``32 d`` bytes) whatever the number of rows: a 14-qubit row pair stays in L2.

The kernels work on the float64 view of the complex state (``re, im`` interleaved) with the
arithmetic written out in real numbers, in a fixed order (no fastmath: nothing is reassociated);
the gradient sums run over the pairs in index order.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit
from ._kernels import _apply_op, apply_measurement

S_ROTS, S_PERM, S_OP = 0, 1, 2


@njit(inline="always")
def _term(letter, p0r, p0i, p1r, p1i, l0r, l0i, l1r, l1i):
    """``Im(conj(l0) q0 + conj(l1) q1)`` with ``(q0, q1) = sigma (p0, p1)``."""
    if letter == 1:  # sigma p = (p1, p0)
        return (l0r * p1i - l0i * p1r) + (l1r * p0i - l1i * p0r)
    if letter == 2:  # sigma p = (-i p1, i p0)
        return (l1r * p0r + l1i * p0i) - (l0r * p1r + l0i * p1i)
    return (l0r * p0i - l0i * p0r) - (l1r * p1i - l1i * p1r)  # sigma p = (p0, -p1)


@njit(inline="always")
def _unrot(letter, c, s, x0r, x0i, x1r, x1i):
    """``exp(+i a sigma) (x0, x1)`` with ``c = cos a``, ``s = sin a``."""
    if letter == 1:  # [[c, is], [is, c]]
        return c * x0r - s * x1i, c * x0i + s * x1r, c * x1r - s * x0i, c * x1i + s * x0r
    if letter == 2:  # [[c, s], [-s, c]]
        return c * x0r + s * x1r, c * x0i + s * x1i, c * x1r - s * x0r, c * x1i - s * x0i
    return c * x0r - s * x0i, c * x0i + s * x0r, c * x1r + s * x1i, c * x1i - s * x1r  # diag(c + is, c - is)


@njit(inline="always")
def _term_u(ex, ey, ez, p0r, p0i, p1r, p1i, l0r, l0i, l1r, l1i):
    """:func:`_term` for ``sigma = ex X + ey Y + ez Z`` with one of ``ex, ey, ez`` 1 and the
    others 0 (one loop body for all letters; the zero products are exact)."""
    q0r = (ex * p1r + ey * p1i) + ez * p0r
    q0i = (ex * p1i - ey * p1r) + ez * p0i
    q1r = (ex * p0r - ey * p0i) - ez * p1r
    q1i = (ex * p0i + ey * p0r) - ez * p1i
    return (l0r * q0i - l0i * q0r) + (l1r * q1i - l1i * q1r)


@njit(inline="always")
def _unrot_u(c, sx, sy, sz, x0r, x0i, x1r, x1i):
    """:func:`_unrot` with ``(sx, sy, sz)`` = ``s`` times the one-hot letter (exact for each letter)."""
    return (c * x0r + sy * x1r - (sx * x1i + sz * x0i), c * x0i + sy * x1i + (sx * x1r + sz * x0r),
            c * x1r - sy * x0r - (sx * x0i - sz * x1i), c * x1i - sy * x0i + (sx * x0r - sz * x1r))


@njit
def _one_hot(letter):
    return (1.0 if letter == 1 else 0.0), (1.0 if letter == 2 else 0.0), (1.0 if letter == 3 else 0.0)


@njit(inline="always")
def _back2_pair(Pr, Pi, Lr, Li, k, j, la, ca, sa, lb, cb, sb):
    """Rotations A then B (forward order) on the pair ``(k, j)``: B's gradient term, undo B,
    A's gradient term, undo A.  Returns ``(term_a, term_b)``."""
    p0r = Pr[k]; p0i = Pi[k]; p1r = Pr[j]; p1i = Pi[j]  # noqa: E702
    l0r = Lr[k]; l0i = Li[k]; l1r = Lr[j]; l1i = Li[j]  # noqa: E702
    tb = _term(lb, p0r, p0i, p1r, p1i, l0r, l0i, l1r, l1i)
    p0r, p0i, p1r, p1i = _unrot(lb, cb, sb, p0r, p0i, p1r, p1i)
    l0r, l0i, l1r, l1i = _unrot(lb, cb, sb, l0r, l0i, l1r, l1i)
    ta = _term(la, p0r, p0i, p1r, p1i, l0r, l0i, l1r, l1i)
    Pr[k], Pi[k], Pr[j], Pi[j] = _unrot(la, ca, sa, p0r, p0i, p1r, p1i)
    Lr[k], Li[k], Lr[j], Li[j] = _unrot(la, ca, sa, l0r, l0i, l1r, l1i)
    return ta, tb


# Loop shapes.  All index arithmetic is unsigned (``_U``), so that numba emits no negative-index
# wraparound, which keeps LLVM from vectorising (fastmath stays off: nothing is reassociated).
# LLVM then vectorises the loop over the pairs of a block when blocks are long (the backward
# bodies reach full speed from 32 pairs per block; the schedule keeps them there for n >= 10,
# see ``program.compile_schedule``), and, in the forward pass, the loop over the blocks when
# ``st`` is a compile-time constant 1 or 2 (interleaved loads).  Backward loop shapes for short
# blocks are not compiled: each costs seconds of compile time and serves only n < 10.  The
# gradient terms go to the scratch arrays ``ta``/``tb`` (one entry per pair, in index order)
# and are summed afterwards by :func:`_sum8`: a running sum would be a loop-carried dependence
# that LLVM may not reorder.

_U = np.uint64

#: Padding (in float64) after each row of the work arrays, so that the four planes (and the two
#: buffers) do not start at the same offset modulo the cache way size: with power-of-two rows
#: the eight streams of a backward pass on a high bit would compete for the same L1/L2 sets.
_PAD = 24


@njit(inline="always")
def _back2_loops(Pr, Pi, Lr, Li, st, la, ca, sa, lb, cb, sb, ta, tb):
    d = _U(Pr.shape[0])
    s = _U(st)
    for b0 in range(d // (s + s)):
        b = _U(b0)
        base = b * (s + s)
        t0 = b * s
        for u0 in range(s):
            u = _U(u0)
            ta[t0 + u], tb[t0 + u] = _back2_pair(Pr, Pi, Lr, Li, base + u, base + u + s, la, ca, sa, lb, cb, sb)


@njit
def _back1(Pr, Pi, Lr, Li, st, la, ca, sa, ta):
    """Gradient sum of one rotation (letter ``la``, angle with ``cos = ca``, ``sin = sa``) on the
    pairs ``(k, k + st)``, undoing it on psi ``(Pr, Pi)`` and lam ``(Lr, Li)`` (one body for all
    letters: stages with one rotation are not the hot path of the layered ansatze)."""
    ex, ey, ez = _one_hot(la)
    sx, sy, sz = sa * ex, sa * ey, sa * ez
    d = _U(Pr.shape[0])
    s = _U(st)
    for b0 in range(d // (s + s)):
        b = _U(b0)
        base = b * (s + s)
        t0 = b * s
        for u0 in range(s):
            u = _U(u0)
            k = base + u
            j = k + s
            p0r = Pr[k]; p0i = Pi[k]; p1r = Pr[j]; p1i = Pi[j]  # noqa: E702
            l0r = Lr[k]; l0i = Li[k]; l1r = Lr[j]; l1i = Li[j]  # noqa: E702
            ta[t0 + u] = _term_u(ex, ey, ez, p0r, p0i, p1r, p1i, l0r, l0i, l1r, l1i)
            Pr[k], Pi[k], Pr[j], Pi[j] = _unrot_u(ca, sx, sy, sz, p0r, p0i, p1r, p1i)
            Lr[k], Li[k], Lr[j], Li[j] = _unrot_u(ca, sx, sy, sz, l0r, l0i, l1r, l1i)
    return _sum8(ta[: Pr.shape[0] // 2])


@njit
def _back2_any(Pr, Pi, Lr, Li, st, la, ca, sa, lb, cb, sb, ta, tb):
    """:func:`_back2` for any letters, one loop body (one-hot letter coefficients)."""
    ax, ay, az = _one_hot(la)
    bx, by, bz = _one_hot(lb)
    sax, say, saz = sa * ax, sa * ay, sa * az
    sbx, sby, sbz = sb * bx, sb * by, sb * bz
    d = _U(Pr.shape[0])
    s = _U(st)
    for b0 in range(d // (s + s)):
        b = _U(b0)
        base = b * (s + s)
        t0 = b * s
        for u0 in range(s):
            u = _U(u0)
            k = base + u
            j = k + s
            p0r = Pr[k]; p0i = Pi[k]; p1r = Pr[j]; p1i = Pi[j]  # noqa: E702
            l0r = Lr[k]; l0i = Li[k]; l1r = Lr[j]; l1i = Li[j]  # noqa: E702
            tb[t0 + u] = _term_u(bx, by, bz, p0r, p0i, p1r, p1i, l0r, l0i, l1r, l1i)
            p0r, p0i, p1r, p1i = _unrot_u(cb, sbx, sby, sbz, p0r, p0i, p1r, p1i)
            l0r, l0i, l1r, l1i = _unrot_u(cb, sbx, sby, sbz, l0r, l0i, l1r, l1i)
            ta[t0 + u] = _term_u(ax, ay, az, p0r, p0i, p1r, p1i, l0r, l0i, l1r, l1i)
            Pr[k], Pi[k], Pr[j], Pi[j] = _unrot_u(ca, sax, say, saz, p0r, p0i, p1r, p1i)
            Lr[k], Li[k], Lr[j], Li[j] = _unrot_u(ca, sax, say, saz, l0r, l0i, l1r, l1i)
    h = Pr.shape[0] // 2
    return _sum8(ta[:h]), _sum8(tb[:h])


@njit
def _back2(Pr, Pi, Lr, Li, st, la, ca, sa, lb, cb, sb, ta, tb):
    """Gradient sums ``(acc_a, acc_b)`` of rotations A then B (forward order) on one bit, undoing
    both.  RY then RZ (the hardware-efficient ansatz's pair) has its own loop bodies with the
    letters fixed (a third of the flops of the one-hot form); every other pair takes
    :func:`_back2_any` (one body each would cost seconds of compile time per letter pair)."""
    if la == 2 and lb == 3:
        _back2_loops(Pr, Pi, Lr, Li, st, 2, ca, sa, 3, cb, sb, ta, tb)
        h = Pr.shape[0] // 2
        return _sum8(ta[:h]), _sum8(tb[:h])
    return _back2_any(Pr, Pi, Lr, Li, st, la, ca, sa, lb, cb, sb, ta, tb)


@njit
def _sum8(x):
    """``sum(x)`` in a fixed order: eight running sums over ``x[8i + j]``, added pairwise at the
    end (independent chains, so the adds pipeline; the order never depends on the data)."""
    n = x.shape[0]
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    m = n - n % 8
    for i in range(0, m, 8):
        a0 += x[i]; a1 += x[i + 1]; a2 += x[i + 2]; a3 += x[i + 3]  # noqa: E702
        a4 += x[i + 4]; a5 += x[i + 5]; a6 += x[i + 6]; a7 += x[i + 7]  # noqa: E702
    for i in range(m, n):
        a0 += x[i]
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))


@njit(inline="always")
def _gate_pair(R, I, k, j, g00r, g00i, g01r, g01i, g10r, g10i, g11r, g11i):
    x0r = R[k]; x0i = I[k]; x1r = R[j]; x1i = I[j]  # noqa: E702
    R[k] = (g00r * x0r - g00i * x0i) + (g01r * x1r - g01i * x1i)
    I[k] = (g00r * x0i + g00i * x0r) + (g01r * x1i + g01i * x1r)
    R[j] = (g10r * x0r - g10i * x0i) + (g11r * x1r - g11i * x1i)
    I[j] = (g10r * x0i + g10i * x0r) + (g11r * x1i + g11i * x1r)


@njit
def _gate2x2(R, I, st, g):
    """``(x_k, x_{k+st}) <- g (x_k, x_{k+st})`` on one state stored as ``R + i I`` (loop shapes
    as for the backward kernels)."""
    g00r = g[0, 0].real; g00i = g[0, 0].imag; g01r = g[0, 1].real; g01i = g[0, 1].imag  # noqa: E702
    g10r = g[1, 0].real; g10i = g[1, 0].imag; g11r = g[1, 1].real; g11i = g[1, 1].imag  # noqa: E702
    d = _U(R.shape[0])
    one = _U(1)
    if st == 1:
        for t0 in range(d // _U(2)):
            k = _U(t0) * _U(2)
            _gate_pair(R, I, k, k + one, g00r, g00i, g01r, g01i, g10r, g10i, g11r, g11i)
    elif st == 2:
        for t0 in range(d // _U(4)):
            k = _U(t0) * _U(4)
            _gate_pair(R, I, k, k + _U(2), g00r, g00i, g01r, g01i, g10r, g10i, g11r, g11i)
            _gate_pair(R, I, k + one, k + _U(3), g00r, g00i, g01r, g01i, g10r, g10i, g11r, g11i)
    else:
        s = _U(st)
        for b0 in range(d // (s + s)):
            base = _U(b0) * (s + s)
            for u0 in range(s):
                k = base + _U(u0)
                _gate_pair(R, I, k, k + s, g00r, g00i, g01r, g01i, g10r, g10i, g11r, g11i)


@njit
def _rotation_matrix(letter, angle):
    """``exp(-i angle sigma)`` as a 2 x 2 complex matrix."""
    c = np.cos(angle)
    s = np.sin(angle)
    g = np.zeros((2, 2), dtype=np.complex128)
    if letter == 1:
        g[0, 0] = c; g[0, 1] = -1j * s; g[1, 0] = -1j * s; g[1, 1] = c  # noqa: E702
    elif letter == 2:
        g[0, 0] = c; g[0, 1] = -s; g[1, 0] = s; g[1, 1] = c  # noqa: E702
    else:
        g[0, 0] = c - 1j * s; g[1, 1] = c + 1j * s  # noqa: E702
    return g


@njit
def _stage_matrix(rots, first, count, pcoeff, theta):
    """The product ``R_count ... R_1`` of a stage's rotations (applied first to last)."""
    l = rots[first, 0]
    g = _rotation_matrix(rots[first, 1], theta[l] * pcoeff[l])
    for q in range(first + 1, first + count):
        l = rots[q, 0]
        h = _rotation_matrix(rots[q, 1], theta[l] * pcoeff[l])
        g2 = np.empty((2, 2), dtype=np.complex128)
        for i in range(2):
            for j in range(2):
                g2[i, j] = h[i, 0] * g[0, j] + h[i, 1] * g[1, j]
        g = g2
    return g


@njit
def _gather(dst, src, idx, rows):
    """``dst[r, i] = src[r, idx[i]]`` for ``r < rows`` (2 or 4: one index load for all rows)."""
    d = idx.shape[0]
    if rows == 2:
        for i in range(d):
            j = idx[i]
            dst[0, i] = src[0, j]
            dst[1, i] = src[1, j]
    else:
        for i in range(d):
            j = idx[i]
            dst[0, i] = src[0, j]
            dst[1, i] = src[1, j]
            dst[2, i] = src[2, j]
            dst[3, i] = src[3, j]


@njit
def _pack(C, W, rows):
    """``C[r] = W[2r] + i W[2r + 1]`` (planar to complex) for ``r < rows``."""
    for r in range(rows):
        for i in range(C.shape[1]):
            C[r, i] = complex(W[2 * r, i], W[2 * r + 1, i])


@njit
def _unpack(W, C, rows):
    for r in range(rows):
        for i in range(C.shape[1]):
            W[2 * r, i] = C[r, i].real
            W[2 * r + 1, i] = C[r, i].imag


@njit(inline="always")
def _forward_row(stages, rots, perm_fwd, ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, cur, alt, C):
    """Forward sweep of psi ``= cur[0] + i cur[1]`` (ping-pong with ``alt`` at permutations;
    fixed gates through the complex buffer ``C``).  Returns the buffer holding the result, then
    the other one."""
    d = C.shape[1]
    for s in range(stages.shape[0]):
        kind = stages[s, 0]
        if kind == S_ROTS:
            g = _stage_matrix(rots, stages[s, 2], stages[s, 3], pcoeff, theta)
            _gate2x2(cur[0, :d], cur[1, :d], 1 << stages[s, 1], g)
        elif kind == S_PERM:
            _gather(alt, cur, perm_fwd[stages[s, 1]], 2)
            cur, alt = alt, cur
        else:
            _pack(C, cur, 1)
            _apply_op(stages[s, 1], ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, C, 0, 1, False)
            _unpack(cur, C, 1)
    return cur, alt


@njit(inline="always")
def _backward_row(stages, rots, perm_inv, ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta,
                  cur, alt, C, ta, tb, J, r):
    """Backward sweep of psi ``= cur[0] + i cur[1]`` and lam ``= cur[2] + i cur[3]``, writing ``J[r, :]``."""
    d = C.shape[1]
    for s in range(stages.shape[0] - 1, -1, -1):
        kind = stages[s, 0]
        if kind == S_ROTS:
            st = 1 << stages[s, 1]
            first = stages[s, 2]
            count = stages[s, 3]
            if count == 2:
                la = rots[first, 0]
                lb = rots[first + 1, 0]
                aa = theta[la] * pcoeff[la]
                ab = theta[lb] * pcoeff[lb]
                acc_a, acc_b = _back2(cur[0, :d], cur[1, :d], cur[2, :d], cur[3, :d], st, rots[first, 1], np.cos(aa), np.sin(aa),
                                      rots[first + 1, 1], np.cos(ab), np.sin(ab), ta, tb)
                J[r, lb] = 2.0 * pcoeff[lb] * acc_b
                J[r, la] = 2.0 * pcoeff[la] * acc_a
            else:
                for q in range(first + count - 1, first - 1, -1):
                    l = rots[q, 0]
                    a = theta[l] * pcoeff[l]
                    J[r, l] = 2.0 * pcoeff[l] * _back1(cur[0, :d], cur[1, :d], cur[2, :d], cur[3, :d], st, rots[q, 1],
                                                       np.cos(a), np.sin(a), ta)
        elif kind == S_PERM:
            _gather(alt, cur, perm_inv[stages[s, 1]], 4)
            cur, alt = alt, cur
        else:
            _pack(C, cur, 2)
            _apply_op(stages[s, 1], ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, C, 0, 2, True)
            _unpack(cur, C, 2)


@njit(inline="always")
def _measure_row(meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, cur, C):
    """``yhat = <psi|M_0|psi>`` and lam ``= M_0 psi`` into ``cur[2], cur[3]``."""
    _pack(C, cur, 1)
    y = apply_measurement(meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, C, 1)[0]
    for i in range(C.shape[1]):
        cur[2, i] = C[1, i].real
        cur[3, i] = C[1, i].imag
    return y


@njit
def predict_fused(stages, rots, perm_fwd, ops, dense_t, dense_c, local, paulis, pcoeff, diags,
                  meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, theta, psi0):
    """Predictions for every row of ``psi0`` (as :func:`qnnsym.numeric._kernels.predict_rows`)."""
    R, d = psi0.shape
    y = np.empty(R)
    a = np.empty((4, d + _PAD))
    b = np.empty((4, d + _PAD))
    C = np.empty((2, d), dtype=np.complex128)
    for r in range(R):
        C[0] = psi0[r]
        _unpack(a, C, 1)
        cur, alt = _forward_row(stages, rots, perm_fwd, ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, a, b, C)
        y[r] = _measure_row(meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, cur, C)
    return y


@njit
def adjoint_fused(stages, rots, perm_fwd, perm_inv, ops, dense_t, dense_c, local, paulis, pcoeff, diags,
                  meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, theta, psi0, n_params):
    """Predictions and the Jacobian by one adjoint sweep per row (as
    :func:`qnnsym.numeric._kernels.adjoint_rows`)."""
    R, d = psi0.shape
    y = np.empty(R)
    J = np.zeros((R, n_params))
    a = np.empty((4, d + _PAD))
    b = np.empty((4, d + _PAD))
    C = np.empty((2, d), dtype=np.complex128)
    h = max(d // 2, 1)
    scratch = np.empty((2, h + _PAD))
    ta = scratch[0, :h]
    tb = scratch[1, :h]
    for r in range(R):
        C[0] = psi0[r]
        _unpack(a, C, 1)
        cur, alt = _forward_row(stages, rots, perm_fwd, ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, a, b, C)
        y[r] = _measure_row(meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, cur, C)
        _backward_row(stages, rots, perm_inv, ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta,
                      cur, alt, C, ta, tb, J, r)
    return y, J
