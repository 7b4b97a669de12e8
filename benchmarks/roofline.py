"""Floating-point operations and bytes moved per call of qnnsym's adjoint kernels (W1, W2, W3).

The counts follow the code paths of ``qnnsym/numeric/_kernels.py`` (read, not changed) for the
op table that ``qnnsym.numeric.program.compile_model`` builds, with ``R`` state rows of length
``d`` (complex128, 16 bytes per amplitude):

``adjoint_rows`` (W1, W2: one-qubit rotations and CNOTs)
    forward, per op on ``R`` rows:
      ROT1 ``_rot1``: every amplitude read and written once (``32 R d`` bytes); 6 flops per
      amplitude (real x complex twice and a complex add for Y and X; one complex multiply for Z).
      CNOT ``_cnot``: a swap of half the amplitudes, ``16 R d`` bytes, no flops.
    measurement (``apply_measurement``, Pauli ``Z_0``): ``M psi`` into the adjoint rows
    (``32 R d`` bytes, 2 flops per amplitude) and ``Re <psi|M psi>`` (``32 R d`` bytes read,
    4 flops per amplitude).
    backward, per op (all but the first op is undone; the first ROT1's gradient is still taken):
      ROT1 ``_rot1_grad_unapply``: psi and lambda read and written (``64 R d`` bytes); the
      gradient term 4 flops per amplitude pair-half, the two inverse rotations 6 flops per
      amplitude each, 16 flops per amplitude in all.
      CNOT on ``2R`` rows: ``32 R d`` bytes.
``tangent_kernel`` (W2): the sweep above with ``R = m`` plus ``J J^T`` (``2 m^2 p`` flops).
``adjoint_rows_stored`` (W3: DENSE + DIAG_ROT per layer, chosen while ``p R d 16`` bytes fit in
256 MiB)
    forward, per layer: ``psi @ W^T`` (``8 R d^2`` flops; ``16 d^2`` bytes of ``W`` read plus
    ``32 R d`` for the rows), the diagonal rotation (6 flops, 32 bytes per amplitude, plus ``d``
    complex exponentials, counted as 2 flops each), and the saved state (``16 R d`` written).
    backward, per layer: the saved state restored (``32 R d``), the diagonal gradient
    (``32 R d`` bytes read, 4 flops per amplitude), the inverse rotation of lambda (6 flops,
    ``32 R d`` bytes), ``lambda @ conj(W)`` (``8 R d^2`` flops, ``16 d^2 + 32 R d`` bytes).
    ``loss_gradient`` adds ``J^T r`` (``2 m p`` flops).
``adjoint_fused`` (W1, W2 since qnnsym's fused sweep, ``qnnsym/numeric/_fused.py``: used
whenever ``compile_schedule`` accepts the program; the counts then follow its stages)
    per row, one row at a time (working set: two state vectors, ``32 d`` bytes):
    forward, per S_ROTS stage (all rotations of a run on one bit): one pass applying the product
    2 x 2 matrix (``32 d`` bytes; 14 flops per amplitude: two complex multiplies and an add);
    per S_PERM stage (a CNOT chain as one gather): ``16 d`` read, ``4 d`` of int32 indices,
    ``16 d`` written; S_OP as in ``adjoint_rows``; the measurement as above.
    backward, per S_ROTS stage with ``c`` rotations: psi and lambda read and written once
    (``64 d`` bytes), ``16 c`` flops per amplitude (gradient term and two un-rotations per
    rotation, in registers); per S_PERM stage both vectors gathered back (``72 d`` bytes).
The report uses the fused counts when qnnsym's code path is the fused sweep (it is the traffic
qnnsym's call actually has) and lists the per-gate counts beside them, which are also what a
simulator without fusion (every peer here) moves.
The working set (what must stay resident for the sweep) is ``2 R d 16`` bytes for W1/W2 and
``p (16 d^2 + 16 R d)`` for W3 (all ``W_l`` and the saved states), which decides the bandwidth
(:func:`benchmarks.limits.bandwidth_for`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Cost", "w1_cost", "w2_cost", "w3_cost", "circuit_cost", "fused_circuit_cost"]


@dataclass(frozen=True)
class Cost:
    flops: float
    bytes: float
    working_set: float
    detail: str


def circuit_cost(model, rows: int) -> Cost:
    """Cost of ``adjoint_rows`` for ``model`` on ``rows`` state rows, from its compiled op table."""
    from qnnsym.numeric import _kernels as K
    from qnnsym.numeric.program import compile_model

    prog = compile_model(model)
    d, R = prog.dim, rows
    kinds = [int(k) for k in prog.ops[:, 0]]
    unsupported = set(kinds) - {K.ROT1, K.CNOT}
    if unsupported:
        raise ValueError(f"cost model covers ROT1 and CNOT ops only, got kinds {sorted(unsupported)}")
    n_rot = kinds.count(K.ROT1)
    n_cnot = kinds.count(K.CNOT)
    flops = n_rot * 6 * R * d  # forward rotations
    byt = n_rot * 32 * R * d + n_cnot * 16 * R * d
    flops += 6 * R * d  # measurement
    byt += 64 * R * d
    first_is_cnot = kinds[0] == K.CNOT
    flops += n_rot * 16 * R * d  # backward fused gradient + two inverse rotations
    byt += n_rot * 64 * R * d + (n_cnot - (1 if first_is_cnot else 0)) * 32 * R * d
    return Cost(float(flops), float(byt), float(2 * R * d * 16), f"{n_rot} rotations, {n_cnot} CNOTs, d = {d}, R = {R}")


def fused_circuit_cost(model, rows: int) -> Cost | None:
    """Cost of qnnsym's fused sweep for ``model`` on ``rows`` rows, or None when qnnsym does not
    use it for this program (or this qnnsym has no fused sweep)."""
    try:
        from qnnsym.numeric import _fused as F
        from qnnsym.numeric import _kernels as K
        from qnnsym.numeric.program import compile_model, compile_schedule
    except ImportError:
        return None
    prog = compile_model(model)
    sched = compile_schedule(prog)
    if sched is None:
        return None
    d, R = prog.dim, rows
    flops = byt = 0.0
    n_rot = n_perm = n_op = 0
    for kind, a, b, c in (tuple(int(v) for v in row) for row in sched.stages):
        if kind == F.S_ROTS:
            flops += 14 * d + 16 * c * d
            byt += 32 * d + 64 * d
            n_rot += 1
        elif kind == F.S_PERM:
            byt += 36 * d + 72 * d
            n_perm += 1
        else:
            op_kind = int(prog.ops[a, 0])
            if op_kind not in (K.CNOT, K.CZ, K.SWAP):
                return None  # a general fixed gate: not modelled
            byt += 16 * d + 32 * d
            n_op += 1
    flops += 6 * d
    byt += 64 * d
    return Cost(float(R * flops), float(R * byt), float(32 * d),
                f"fused: {n_rot} rotation stages, {n_perm} gathers, {n_op} other ops, d = {d}, R = {R} (rows one at a time)")


def _hea(n: int, layers: int):
    from qnnsym.model import hardware_efficient_ansatz

    return hardware_efficient_ansatz(n, layers)


def w1_cost(n: int, layers: int, fused: bool = True) -> Cost:
    model = _hea(n, layers)
    return (fused and fused_circuit_cost(model, 1)) or circuit_cost(model, 1)


def w2_cost(n: int, layers: int, m: int, fused: bool = True) -> Cost:
    model = _hea(n, layers)
    c = (fused and fused_circuit_cost(model, m)) or circuit_cost(model, m)
    p = 2 * n * layers
    return Cost(c.flops + 2.0 * m * m * p, c.bytes + 8.0 * m * p * 2, c.working_set, c.detail + f", + J J^T ({m}x{p})")


def w3_cost(d: int, p: int, m: int) -> Cost:
    R = m
    fwd_f = 8 * R * d * d + 6 * R * d + 2 * d
    fwd_b = 16 * d * d + 32 * R * d + 32 * R * d + 16 * R * d
    bwd_f = 4 * R * d + 6 * R * d + 8 * R * d * d
    bwd_b = 32 * R * d + 32 * R * d + 32 * R * d + 16 * d * d + 32 * R * d
    flops = p * (fwd_f + bwd_f) + 2 * m * p + 6 * R * d
    byt = p * (fwd_b + bwd_b) + 64 * R * d
    return Cost(float(flops), float(byt), float(p * (16 * d * d + 16 * R * d)), f"p = {p} dense layers, d = {d}, R = {R} rows (stored states)")
