"""numba kernels of the state-vector engine.  Private: they trust their inputs.

A compiled program (see :mod:`qnnsym.numeric.program`) is a table ``ops`` of shape
``(n_ops, 4)`` whose rows are ``(kind, a, b, c)``:

==========  =====================================================================
kind        meaning
==========  =====================================================================
DENSE       ``psi <- W psi``; ``a`` indexes ``dense_t`` (``W^T``) and ``dense_c`` (``conj W``)
GATE1       one-qubit gate ``local[a][:2,:2]`` on bit position ``b``
GATE2       two-qubit gate ``local[a]`` on bit positions ``b`` (its first qubit) and ``c``
PAULI_ROT   ``exp(-i theta_a coeff_a P)`` with ``P`` = ``paulis[b]`` = (x_mask, z_mask, n_Y mod 4)
DIAG_ROT    ``exp(-i theta_a diag(diags[b]))``
ROT1        one-qubit Pauli rotation ``exp(-i theta_a coeff_a sigma)`` on bit ``b``, ``sigma`` = X, Y, Z for ``c`` = 1, 2, 3
CNOT        control bit ``a``, target bit ``b`` (a pair swap)
CZ          sign flip where bits ``a`` and ``b`` are both set
SWAP        exchange of bits ``a`` and ``b``
==========  =====================================================================

ROT1, CNOT, CZ and SWAP are the specialised forms of PAULI_ROT and GATE2 that the compiler
emits for one-qubit Pauli generators and for the named gates; they are checked against the
general kernels in the tests.

States are stored as rows of a C-contiguous ``(R, d)`` array, so a dense layer on all
rows is one matrix product ``psi @ W^T``.

The adjoint sweep (for ``U_l = exp(-i theta H)``): with ``psi_l`` the state after
gate ``l`` and ``lam_l = U_after^dag M_0 U_after psi_l``,
``d yhat / d theta_l = 2 Im <lam_l | H psi_l>``; both vectors are then moved back
through the gate with its inverse.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit

DENSE, GATE1, GATE2, PAULI_ROT, DIAG_ROT, ROT1, CNOT, CZ, SWAP = 0, 1, 2, 3, 4, 5, 6, 7, 8
MEAS_PAULI, MEAS_DIAG, MEAS_DENSE = 0, 1, 2


@njit
def _parity(v):
    v ^= v >> 32
    v ^= v >> 16
    v ^= v >> 8
    v ^= v >> 4
    v ^= v >> 2
    v ^= v >> 1
    return v & 1


@njit
def _i_pow(k):
    k = k % 4
    if k == 0:
        return 1.0 + 0.0j
    if k == 1:
        return 0.0 + 1.0j
    if k == 2:
        return -1.0 + 0.0j
    return 0.0 - 1.0j


@njit
def _apply_pauli_rows(psi, out, x, z, ny, scale, r0, r1):
    """``out[r] = scale * P psi[r]`` for rows ``r0 <= r < r1``."""
    d = psi.shape[1]
    ph = _i_pow(ny) * scale
    for r in range(r0, r1):
        for b in range(d):
            src = b ^ x
            sgn = 1.0 - 2.0 * _parity(src & z)
            out[r, b] = ph * sgn * psi[r, src]


@njit
def _pauli_rotation(S, x, z, ny, angle, r0, r1):
    """``S[r] <- exp(-i angle P) S[r]`` in place for rows ``r0 <= r < r1``."""
    d = S.shape[1]
    c = np.cos(angle)
    s = np.sin(angle)
    ph = _i_pow(ny)
    mis = -1j * s * ph
    if x == 0:
        for r in range(r0, r1):
            for b in range(d):
                sgn = 1.0 - 2.0 * _parity(b & z)
                S[r, b] = (c + mis * sgn) * S[r, b]
        return
    for r in range(r0, r1):
        for b in range(d):
            bb = b ^ x
            if b < bb:
                a0 = S[r, b]
                a1 = S[r, bb]
                s_b = 1.0 - 2.0 * _parity(b & z)
                s_bb = 1.0 - 2.0 * _parity(bb & z)
                S[r, b] = c * a0 + mis * s_bb * a1
                S[r, bb] = c * a1 + mis * s_b * a0


@njit
def _pauli_grad(S, R, x, z, ny, coeff, J, col):
    """``J[r, col] = 2 coeff Im <lam_r | P psi_r>`` with ``psi_r = S[r]``, ``lam_r = S[R + r]``."""
    d = S.shape[1]
    ph = _i_pow(ny)
    for r in range(R):
        acc = 0.0 + 0.0j
        for b in range(d):
            src = b ^ x
            sgn = 1.0 - 2.0 * _parity(src & z)
            acc += np.conj(S[R + r, b]) * sgn * S[r, src]
        J[r, col] = 2.0 * coeff * (ph * acc).imag


@njit
def _diag_rotation(S, h, angle, r0, r1):
    d = S.shape[1]
    ph = np.empty(d, dtype=np.complex128)
    for b in range(d):
        ph[b] = np.cos(angle * h[b]) - 1j * np.sin(angle * h[b])
    for r in range(r0, r1):
        for b in range(d):
            S[r, b] = ph[b] * S[r, b]


@njit
def _diag_grad(S, R, h, J, col):
    d = S.shape[1]
    for r in range(R):
        acc = 0.0
        for b in range(d):
            # Im(conj(lam) psi) = lam.re psi.im - lam.im psi.re
            lam = S[R + r, b]
            psi = S[r, b]
            acc += h[b] * (lam.real * psi.imag - lam.imag * psi.real)
        J[r, col] = 2.0 * acc


@njit
def _gate1(S, g, bit, r0, r1, dagger):
    d = S.shape[1]
    if dagger:
        g00, g01, g10, g11 = np.conj(g[0, 0]), np.conj(g[1, 0]), np.conj(g[0, 1]), np.conj(g[1, 1])
    else:
        g00, g01, g10, g11 = g[0, 0], g[0, 1], g[1, 0], g[1, 1]
    mask = 1 << bit
    for r in range(r0, r1):
        for i0 in range(d):
            if i0 & mask:
                continue
            i1 = i0 | mask
            a0 = S[r, i0]
            a1 = S[r, i1]
            S[r, i0] = g00 * a0 + g01 * a1
            S[r, i1] = g10 * a0 + g11 * a1


@njit
def _gate2(S, g, bit_a, bit_b, r0, r1, dagger):
    d = S.shape[1]
    m = np.empty((4, 4), dtype=np.complex128)
    for i in range(4):
        for j in range(4):
            m[i, j] = np.conj(g[j, i]) if dagger else g[i, j]
    ma = 1 << bit_a
    mb = 1 << bit_b
    a = np.empty(4, dtype=np.complex128)
    idx = np.empty(4, dtype=np.int64)
    for r in range(r0, r1):
        for base in range(d):
            if base & ma or base & mb:
                continue
            idx[0] = base
            idx[1] = base | mb
            idx[2] = base | ma
            idx[3] = base | ma | mb
            for i in range(4):
                a[i] = S[r, idx[i]]
            for i in range(4):
                acc = 0.0 + 0.0j
                for j in range(4):
                    acc += m[i, j] * a[j]
                S[r, idx[i]] = acc


@njit
def _rot1(S, bit, letter, angle, r0, r1):
    """``exp(-i angle sigma)`` on bit ``bit``; pairs ``(k, k + 2^bit)`` walked block by block
    (one loop nest per Pauli letter, so the inner loops carry no branches)."""
    d = S.shape[1]
    st = 1 << bit
    c = np.cos(angle)
    s = np.sin(angle)
    mis = -1j * s
    if letter == 1:  # X: [[c, -is], [-is, c]]
        for r in range(r0, r1):
            for base in range(0, d, 2 * st):
                for k in range(base, base + st):
                    a0 = S[r, k]
                    a1 = S[r, k + st]
                    S[r, k] = c * a0 + mis * a1
                    S[r, k + st] = c * a1 + mis * a0
    elif letter == 2:  # Y: [[c, -s], [s, c]]
        for r in range(r0, r1):
            for base in range(0, d, 2 * st):
                for k in range(base, base + st):
                    a0 = S[r, k]
                    a1 = S[r, k + st]
                    S[r, k] = c * a0 - s * a1
                    S[r, k + st] = s * a0 + c * a1
    else:  # Z: diag(c - is, c + is)
        e0 = c - 1j * s
        e1 = c + 1j * s
        for r in range(r0, r1):
            for base in range(0, d, 2 * st):
                for k in range(base, base + st):
                    S[r, k] = e0 * S[r, k]
                    S[r, k + st] = e1 * S[r, k + st]


@njit
def _rot1_grad(S, R, bit, letter, coeff, J, col):
    """``J[r, col] = 2 coeff Im <lam_r | sigma psi_r>`` for a one-qubit Pauli ``sigma`` on ``bit``:
    ``sigma psi`` is ``(p1, p0)`` for X, ``(-i p1, i p0)`` for Y, ``(p0, -p1)`` for Z."""
    d = S.shape[1]
    st = 1 << bit
    for r in range(R):
        acc = 0.0
        for base in range(0, d, 2 * st):
            for k in range(base, base + st):
                p0 = S[r, k]
                p1 = S[r, k + st]
                l0 = S[R + r, k]
                l1 = S[R + r, k + st]
                if letter == 1:
                    acc += (l0.real * p1.imag - l0.imag * p1.real) + (l1.real * p0.imag - l1.imag * p0.real)
                elif letter == 2:
                    acc += (l1.real * p0.real + l1.imag * p0.imag) - (l0.real * p1.real + l0.imag * p1.imag)
                else:
                    acc += (l0.real * p0.imag - l0.imag * p0.real) - (l1.real * p1.imag - l1.imag * p1.real)
        J[r, col] = 2.0 * coeff * acc


@njit
def _rot1_grad_unapply(S, R, bit, letter, coeff, angle, J, col):
    """:func:`_rot1_grad`, then ``exp(+i angle sigma)`` on psi and lam, in one pass over the pairs
    (the adjoint sweep's inner step for one-qubit rotations)."""
    d = S.shape[1]
    st = 1 << bit
    c = np.cos(angle)
    s = np.sin(angle)
    for r in range(R):
        acc = 0.0
        lr = R + r
        if letter == 1:  # inverse: [[c, is], [is, c]]
            pis = 1j * s
            for base in range(0, d, 2 * st):
                for k in range(base, base + st):
                    p0 = S[r, k]; p1 = S[r, k + st]; l0 = S[lr, k]; l1 = S[lr, k + st]  # noqa: E702
                    acc += (l0.real * p1.imag - l0.imag * p1.real) + (l1.real * p0.imag - l1.imag * p0.real)
                    S[r, k] = c * p0 + pis * p1; S[r, k + st] = c * p1 + pis * p0  # noqa: E702
                    S[lr, k] = c * l0 + pis * l1; S[lr, k + st] = c * l1 + pis * l0  # noqa: E702
        elif letter == 2:  # inverse: [[c, s], [-s, c]]
            for base in range(0, d, 2 * st):
                for k in range(base, base + st):
                    p0 = S[r, k]; p1 = S[r, k + st]; l0 = S[lr, k]; l1 = S[lr, k + st]  # noqa: E702
                    acc += (l1.real * p0.real + l1.imag * p0.imag) - (l0.real * p1.real + l0.imag * p1.imag)
                    S[r, k] = c * p0 + s * p1; S[r, k + st] = c * p1 - s * p0  # noqa: E702
                    S[lr, k] = c * l0 + s * l1; S[lr, k + st] = c * l1 - s * l0  # noqa: E702
        else:  # inverse: diag(c + is, c - is)
            e0 = c + 1j * s
            e1 = c - 1j * s
            for base in range(0, d, 2 * st):
                for k in range(base, base + st):
                    p0 = S[r, k]; p1 = S[r, k + st]; l0 = S[lr, k]; l1 = S[lr, k + st]  # noqa: E702
                    acc += (l0.real * p0.imag - l0.imag * p0.real) - (l1.real * p1.imag - l1.imag * p1.real)
                    S[r, k] = e0 * p0; S[r, k + st] = e1 * p1  # noqa: E702
                    S[lr, k] = e0 * l0; S[lr, k + st] = e1 * l1  # noqa: E702
        J[r, col] = 2.0 * coeff * acc


@njit
def _with_two_zero_bits(idx, lo, hi):
    """The ``idx``-th basis index whose bits ``lo < hi`` are both 0 (insert a 0 at ``lo``, then at ``hi``)."""
    i = ((idx >> lo) << (lo + 1)) | (idx & ((1 << lo) - 1))
    return ((i >> hi) << (hi + 1)) | (i & ((1 << hi) - 1))


@njit
def _cnot(S, cbit, tbit, r0, r1):
    d = S.shape[1]
    cm = 1 << cbit
    tm = 1 << tbit
    lo = min(cbit, tbit)
    hi = max(cbit, tbit)
    for r in range(r0, r1):
        for idx in range(d >> 2):
            i = _with_two_zero_bits(idx, lo, hi) | cm
            j = i | tm
            t = S[r, i]
            S[r, i] = S[r, j]
            S[r, j] = t


@njit
def _cz(S, abit, bbit, r0, r1):
    d = S.shape[1]
    both = (1 << abit) | (1 << bbit)
    lo = min(abit, bbit)
    hi = max(abit, bbit)
    for r in range(r0, r1):
        for idx in range(d >> 2):
            i = _with_two_zero_bits(idx, lo, hi) | both
            S[r, i] = -S[r, i]


@njit
def _swap(S, abit, bbit, r0, r1):
    d = S.shape[1]
    am = 1 << abit
    bm = 1 << bbit
    lo = min(abit, bbit)
    hi = max(abit, bbit)
    for r in range(r0, r1):
        for idx in range(d >> 2):
            i = _with_two_zero_bits(idx, lo, hi)
            i1 = i | am
            i2 = i | bm
            t = S[r, i1]
            S[r, i1] = S[r, i2]
            S[r, i2] = t


@njit
def _apply_op(k, ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, S, r0, r1, inverse):
    kind = ops[k, 0]
    if kind == DENSE:
        if inverse:
            S[r0:r1] = np.dot(S[r0:r1], dense_c[ops[k, 1]])
        else:
            S[r0:r1] = np.dot(S[r0:r1], dense_t[ops[k, 1]])
    elif kind == GATE1:
        _gate1(S, local[ops[k, 1]], ops[k, 2], r0, r1, inverse)
    elif kind == GATE2:
        _gate2(S, local[ops[k, 1]], ops[k, 2], ops[k, 3], r0, r1, inverse)
    elif kind == ROT1:
        l = ops[k, 1]
        angle = theta[l] * pcoeff[l]
        _rot1(S, ops[k, 2], ops[k, 3], -angle if inverse else angle, r0, r1)
    elif kind == CNOT:
        _cnot(S, ops[k, 1], ops[k, 2], r0, r1)
    elif kind == CZ:
        _cz(S, ops[k, 1], ops[k, 2], r0, r1)
    elif kind == SWAP:
        _swap(S, ops[k, 1], ops[k, 2], r0, r1)
    elif kind == PAULI_ROT:
        l = ops[k, 1]
        angle = theta[l] * pcoeff[l]
        if inverse:
            angle = -angle
        pi = ops[k, 2]
        _pauli_rotation(S, paulis[pi, 0], paulis[pi, 1], paulis[pi, 2], angle, r0, r1)
    else:  # DIAG_ROT
        angle = theta[ops[k, 1]]
        if inverse:
            angle = -angle
        _diag_rotation(S, diags[ops[k, 2]], angle, r0, r1)


@njit
def forward(ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, S, r0, r1):
    """Apply the whole circuit to rows ``r0:r1`` of ``S`` in place."""
    for k in range(ops.shape[0]):
        _apply_op(k, ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, S, r0, r1, False)


@njit
def apply_measurement(meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, S, R):
    """``S[R + r] <- M_0 S[r]`` and return ``yhat_r = Re <S[r] | M_0 S[r]>`` for ``r < R``."""
    d = S.shape[1]
    if meas_kind == MEAS_PAULI:
        _apply_pauli_rows(S, S[R:], meas_pauli[0], meas_pauli[1], meas_pauli[2], meas_coeff, 0, R)
    elif meas_kind == MEAS_DIAG:
        for r in range(R):
            for b in range(d):
                S[R + r, b] = meas_diag[b] * S[r, b]
    else:
        S[R : 2 * R] = np.dot(S[:R], meas_dense_t)
    y = np.empty(R)
    for r in range(R):
        acc = 0.0
        for b in range(d):
            acc += (np.conj(S[r, b]) * S[R + r, b]).real
        y[r] = acc
    return y


@njit
def predict_rows(ops, dense_t, dense_c, local, paulis, pcoeff, diags,
                 meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, theta, psi0):
    """Predictions ``yhat_r = <psi_r| U^dag M_0 U |psi_r>`` for every row of ``psi0``."""
    R, d = psi0.shape
    S = np.empty((2 * R, d), dtype=np.complex128)
    S[:R] = psi0
    forward(ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, S, 0, R)
    return apply_measurement(meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, S, R)


@njit
def adjoint_rows(ops, dense_t, dense_c, local, paulis, pcoeff, diags,
                 meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, theta, psi0, n_params):
    """Predictions and the Jacobian ``J[r, l] = d yhat_r / d theta_l`` by one adjoint sweep."""
    R, d = psi0.shape
    S = np.empty((2 * R, d), dtype=np.complex128)
    S[:R] = psi0
    forward(ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, S, 0, R)
    y = apply_measurement(meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, S, R)
    J = np.zeros((R, n_params))
    for k in range(ops.shape[0] - 1, -1, -1):
        kind = ops[k, 0]
        if kind == ROT1:  # gradient and inverse rotation in one pass
            l = ops[k, 1]
            _rot1_grad_unapply(S, R, ops[k, 2], ops[k, 3], pcoeff[l], theta[l] * pcoeff[l], J, l)
            continue
        if kind == PAULI_ROT:
            l = ops[k, 1]
            pi = ops[k, 2]
            _pauli_grad(S, R, paulis[pi, 0], paulis[pi, 1], paulis[pi, 2], pcoeff[l], J, l)
        elif kind == DIAG_ROT:
            _diag_grad(S, R, diags[ops[k, 2]], J, ops[k, 1])
        if k > 0:  # nothing before the first gate needs the states
            _apply_op(k, ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, S, 0, 2 * R, True)
    return y, J


@njit
def parameter_shift_rows(ops, dense_t, dense_c, local, paulis, pcoeff, diags,
                         meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, theta, psi0,
                         half_gap):
    """``J[:, l] = c_l (yhat(theta_l + s_l) - yhat(theta_l - s_l))`` with ``s_l = pi / (4 c_l)``,
    where ``c_l`` = half the gap between the generator's two eigenvalues (``half_gap[l]``;
    0 means the parameter cannot change the output)."""
    R = psi0.shape[0]
    p = theta.shape[0]
    J = np.zeros((R, p))
    th = theta.copy()
    for l in range(p):
        c = half_gap[l]
        if c == 0.0:
            continue
        s = np.pi / (4.0 * c)
        th[l] = theta[l] + s
        yp = predict_rows(ops, dense_t, dense_c, local, paulis, pcoeff, diags,
                          meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, th, psi0)
        th[l] = theta[l] - s
        ym = predict_rows(ops, dense_t, dense_c, local, paulis, pcoeff, diags,
                          meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, th, psi0)
        th[l] = theta[l]
        for r in range(R):
            J[r, l] = c * (yp[r] - ym[r])
    return J


@njit
def adjoint_rows_stored(ops, dense_t, dense_c, local, paulis, pcoeff, diags,
                        meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, theta, psi0, n_params):
    """As :func:`adjoint_rows`, but the forward pass keeps the state after every rotation, so
    the backward pass moves only ``lam`` back (two dense products per layer instead of three).
    Memory: ``n_params * R * d`` complex numbers."""
    R, d = psi0.shape
    S = np.empty((2 * R, d), dtype=np.complex128)
    S[:R] = psi0
    saved = np.empty((n_params, R, d), dtype=np.complex128)
    for k in range(ops.shape[0]):
        _apply_op(k, ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, S, 0, R, False)
        kind = ops[k, 0]
        if kind == PAULI_ROT or kind == DIAG_ROT or kind == ROT1:
            saved[ops[k, 1]] = S[:R]
    y = apply_measurement(meas_kind, meas_pauli, meas_coeff, meas_diag, meas_dense_t, S, R)
    J = np.zeros((R, n_params))
    for k in range(ops.shape[0] - 1, -1, -1):
        kind = ops[k, 0]
        if kind == PAULI_ROT or kind == DIAG_ROT or kind == ROT1:
            l = ops[k, 1]
            S[:R] = saved[l]
            if kind == ROT1:
                _rot1_grad(S, R, ops[k, 2], ops[k, 3], pcoeff[l], J, l)
            elif kind == PAULI_ROT:
                pi = ops[k, 2]
                _pauli_grad(S, R, paulis[pi, 0], paulis[pi, 1], paulis[pi, 2], pcoeff[l], J, l)
            else:
                _diag_grad(S, R, diags[ops[k, 2]], J, l)
        if k > 0:
            _apply_op(k, ops, dense_t, dense_c, local, paulis, pcoeff, diags, theta, S, R, 2 * R, True)
    return y, J
