"""Compile a :class:`~qnnsym.model.QNN` and a :class:`~qnnsym.model.Dataset` into the flat
arrays the numba kernels read.

Compilation rules:

- a :class:`~qnnsym.model.DenseUnitary` becomes one DENSE op; consecutive dense ops are
  multiplied together (one matrix product per run of dense ops);
- a :class:`~qnnsym.model.GateSequence` becomes GATE1/GATE2 ops (gates on 3+ qubits become DENSE);
- a Pauli generator becomes a PAULI_ROT (``O(d)`` per row: ``exp(-i a P) = cos a - i sin a P``);
- a diagonal generator becomes a DIAG_ROT;
- a dense Hermitian generator ``H = V diag(w) V^dag`` becomes DENSE(V^dag), DIAG_ROT(w), DENSE(V),
  and the dense ops merge with their neighbours.

A mixed input ``rho = sum_k w_k |v_k><v_k|`` becomes the rows ``v_k`` with weights ``w_k``
(eigendecomposition), so one pure-state kernel serves both; predictions and Jacobians
are linear in ``rho`` and are summed back per sample.

Compiled programs and prepared inputs are cached per (immutable) model and dataset.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidInput
from ..model import QNN, Dataset, DenseHermitian, DenseUnitary, DiagonalOperator, GateSequence, PauliOperator
from ..conventions import qubit_bit
from ..model.gates import NAMED_GATES
from . import _fused as _F
from . import _kernels as K

_SPECIAL_GATES = {"CNOT": K.CNOT, "CZ": K.CZ, "SWAP": K.SWAP}

__all__ = ["Program", "Inputs", "Schedule", "compile_model", "compile_schedule", "prepare_inputs"]

_EIG_TOL = 1e-9  # eigenvalues closer than this (relative to the spread) count as one for parameter shift


@dataclass(frozen=True, eq=False)
class Program:
    dim: int
    n_params: int
    ops: np.ndarray
    dense_t: np.ndarray
    dense_c: np.ndarray
    local: np.ndarray
    paulis: np.ndarray
    pcoeff: np.ndarray
    diags: np.ndarray
    meas_kind: int
    meas_pauli: np.ndarray
    meas_coeff: float
    meas_diag: np.ndarray
    meas_dense_t: np.ndarray
    half_gap: np.ndarray  # per parameter; NaN where parameter shift does not apply

    @property
    def circuit_args(self) -> tuple:
        return (self.ops, self.dense_t, self.dense_c, self.local, self.paulis, self.pcoeff, self.diags)

    @property
    def measurement_args(self) -> tuple:
        return (self.meas_kind, self.meas_pauli, self.meas_coeff, self.meas_diag, self.meas_dense_t)

    @property
    def has_dense(self) -> bool:
        return bool(np.any(self.ops[:, 0] == K.DENSE))

    @property
    def depth(self) -> int:
        return int(self.ops.shape[0])


@dataclass(frozen=True, eq=False)
class Inputs:
    rows: np.ndarray  # (R, d) pure-state rows
    weights: np.ndarray  # (R,)
    owner: np.ndarray  # (R,) sample index of each row
    m: int
    pure: bool

    def combine(self, values: np.ndarray) -> np.ndarray:
        """Sum per-row values (``(R,)`` or ``(R, p)``) into per-sample values."""
        if self.pure:
            return values
        out = np.zeros((self.m,) + values.shape[1:])
        np.add.at(out, self.owner, self.weights.reshape((-1,) + (1,) * (values.ndim - 1)) * values)
        return out


class _Builder:
    def __init__(self, d: int, n_qubits: int | None):
        self.d, self.n_qubits = d, n_qubits
        self.ops: list[tuple[int, int, int, int]] = []
        self.dense: list[np.ndarray] = []
        self.local: list[np.ndarray] = []
        self.paulis: list[tuple[int, int, int]] = []
        self.diags: list[np.ndarray] = []

    def dense_op(self, w: np.ndarray) -> None:
        if self.ops and self.ops[-1][0] == K.DENSE:
            idx = self.ops[-1][1]
            self.dense[idx] = w @ self.dense[idx]
            return
        self.dense.append(np.array(w, dtype=np.complex128))
        self.ops.append((K.DENSE, len(self.dense) - 1, 0, 0))

    def fixed(self, fixed) -> None:
        if isinstance(fixed, DenseUnitary):
            self.dense_op(np.asarray(fixed.matrix))
            return
        assert isinstance(fixed, GateSequence)
        for gate in fixed.gates:
            bits = fixed.bits(gate)
            if len(bits) > 2:
                self.dense_op(gate.full_matrix(fixed.n_qubits))
                continue
            special = _SPECIAL_GATES.get(gate.name)
            if special is not None and np.array_equal(gate.matrix, NAMED_GATES[gate.name]):
                self.ops.append((special, bits[0], bits[1], 0))
                continue
            g = np.zeros((4, 4), dtype=np.complex128)
            k = gate.matrix.shape[0]
            g[:k, :k] = gate.matrix
            self.local.append(g)
            if len(bits) == 1:
                self.ops.append((K.GATE1, len(self.local) - 1, bits[0], 0))
            else:
                self.ops.append((K.GATE2, len(self.local) - 1, bits[0], bits[1]))

    def rotation(self, l: int, gen, pcoeff: np.ndarray) -> None:
        if isinstance(gen, PauliOperator) and len(gen.pauli.support) == 1:
            q = gen.pauli.support[0]
            pcoeff[l] = gen.coeff
            self.ops.append((K.ROT1, l, qubit_bit(q, gen.pauli.n_qubits), "XYZ".index(gen.pauli.label[q]) + 1))
        elif isinstance(gen, PauliOperator):
            p = gen.pauli
            self.paulis.append((p.x_mask, p.z_mask, p.n_y % 4))
            pcoeff[l] = gen.coeff
            self.ops.append((K.PAULI_ROT, l, len(self.paulis) - 1, 0))
        elif isinstance(gen, DiagonalOperator):
            self.diags.append(np.asarray(gen.diagonal, dtype=np.float64))
            self.ops.append((K.DIAG_ROT, l, len(self.diags) - 1, 0))
        else:
            assert isinstance(gen, DenseHermitian)
            w, v = gen.eigh()
            self.dense_op(v.conj().T)
            self.diags.append(w)
            self.ops.append((K.DIAG_ROT, l, len(self.diags) - 1, 0))
            self.dense_op(v)


def _half_gap(gen) -> float:
    """Half the gap between a generator's two distinct eigenvalues (0: one eigenvalue; NaN: more than two)."""
    if isinstance(gen, PauliOperator):
        return 0.0 if gen.pauli.is_identity else abs(gen.coeff)
    w = np.asarray(gen.eigenvalues(), dtype=np.float64)  # ascending
    spread = float(w[-1] - w[0])
    if spread <= _EIG_TOL * max(1.0, abs(float(w[-1]))):
        return 0.0
    jumps = int(np.count_nonzero(np.diff(w) > _EIG_TOL * max(1.0, spread)))
    return spread / 2.0 if jumps == 1 else float("nan")


def _stack(items: list[np.ndarray], empty_shape: tuple[int, ...], dtype) -> np.ndarray:
    if not items:
        return np.zeros(empty_shape, dtype=dtype)
    return np.ascontiguousarray(np.stack(items), dtype=dtype)


_PROGRAMS: "weakref.WeakKeyDictionary[QNN, Program]" = weakref.WeakKeyDictionary()
_INPUTS: "weakref.WeakKeyDictionary[Dataset, Inputs]" = weakref.WeakKeyDictionary()


def compile_model(model: QNN) -> Program:
    """The kernel arrays for ``model`` (cached)."""
    if not isinstance(model, QNN):
        raise InvalidInput("model", "a qnnsym.model.QNN", type(model).__name__)
    prog = _PROGRAMS.get(model)
    if prog is not None:
        return prog
    d, p = model.dim, model.n_params
    b = _Builder(d, model.n_qubits)
    pcoeff = np.zeros(p)
    for l, layer in enumerate(model.layers):
        if layer.fixed is not None:
            b.fixed(layer.fixed)
        b.rotation(l, layer.generator, pcoeff)
    if model.final is not None:
        b.fixed(model.final)

    dense = b.dense
    m0 = model.measurement
    meas_pauli = np.zeros(3, dtype=np.int64)
    meas_diag = np.zeros(1)
    meas_dense_t = np.zeros((1, 1), dtype=np.complex128)
    meas_coeff = 1.0
    if isinstance(m0, PauliOperator):
        kind = K.MEAS_PAULI
        meas_pauli[:] = (m0.pauli.x_mask, m0.pauli.z_mask, m0.pauli.n_y % 4)
        meas_coeff = m0.coeff
    elif isinstance(m0, DiagonalOperator):
        kind = K.MEAS_DIAG
        meas_diag = np.asarray(m0.diagonal, dtype=np.float64).copy()
    else:
        kind = K.MEAS_DENSE
        meas_dense_t = np.ascontiguousarray(m0.matrix().T)

    prog = Program(
        dim=d,
        n_params=p,
        ops=np.array(b.ops, dtype=np.int64).reshape(-1, 4),
        dense_t=_stack([np.ascontiguousarray(w.T) for w in dense], (1, 1, 1), np.complex128),
        dense_c=_stack([np.ascontiguousarray(w.conj()) for w in dense], (1, 1, 1), np.complex128),
        local=_stack(b.local, (1, 4, 4), np.complex128),
        paulis=_stack([np.array(t, dtype=np.int64) for t in b.paulis], (1, 3), np.int64),
        pcoeff=pcoeff,
        diags=_stack(b.diags, (1, 1), np.float64),
        meas_kind=kind,
        meas_pauli=meas_pauli,
        meas_coeff=float(meas_coeff),
        meas_diag=meas_diag,
        meas_dense_t=meas_dense_t,
        half_gap=np.array([_half_gap(l.generator) for l in model.layers]),
    )
    _PROGRAMS[model] = prog
    return prog


def prepare_inputs(data: Dataset, dim: int) -> Inputs:
    """Pure-state rows (with weights) for ``data``, checked against the model dimension (cached)."""
    if not isinstance(data, Dataset):
        raise InvalidInput("data", "a qnnsym.model.Dataset", type(data).__name__)
    if data.dim != dim:
        raise InvalidInput("data", f"states of dimension {dim} (the model's)", f"dimension {data.dim}")
    inp = _INPUTS.get(data)
    if inp is not None:
        return inp
    m = data.m
    if data.kind == "pure":
        inp = Inputs(np.ascontiguousarray(data.states), np.ones(m), np.arange(m), m, True)
    else:
        rows, weights, owner = [], [], []
        for i, rho in enumerate(data.states):
            w, v = np.linalg.eigh(rho)
            keep = np.abs(w) > 1e-15
            rows.append(v[:, keep].T)
            weights.append(w[keep])
            owner.append(np.full(int(keep.sum()), i))
        inp = Inputs(np.ascontiguousarray(np.concatenate(rows)), np.concatenate(weights), np.concatenate(owner), m, False)
    _INPUTS[data] = inp
    return inp


@dataclass(frozen=True, eq=False)
class Schedule:
    """A program regrouped into fused stages (see :mod:`qnnsym.numeric._fused`)."""

    stages: np.ndarray  # (n_stages, 4) rows (kind, a, b, c)
    rots: np.ndarray  # (n_rotations, 2) rows (param, letter)
    perm_fwd: np.ndarray  # (n_perms, d) int32: new[i] = old[perm_fwd[j, i]]
    perm_inv: np.ndarray  # (n_perms, d) int32: the inverse gathers

    @property
    def forward_args(self) -> tuple:
        return (self.stages, self.rots, self.perm_fwd)

    @property
    def adjoint_args(self) -> tuple:
        return (self.stages, self.rots, self.perm_fwd, self.perm_inv)


_FUSABLE = {K.ROT1, K.CNOT, K.CZ, K.SWAP, K.GATE1, K.GATE2}
_PERMUTATIONS = (K.CNOT, K.SWAP)
_SCHEDULES: "weakref.WeakKeyDictionary[Program, Schedule | None]" = weakref.WeakKeyDictionary()


def _permutation(ops: np.ndarray, d: int) -> np.ndarray:
    """``src`` with ``new[i] = old[src[i]]`` for the CNOT/SWAP rows ``ops`` applied in order
    (the gates applied to a 'state' whose amplitudes are their own indices)."""
    v = np.arange(d, dtype=np.int64)
    i = np.arange(d, dtype=np.int64)
    for kind, a, b, _ in ops:
        ma, mb = 1 << int(a), 1 << int(b)
        if kind == K.CNOT:  # control a, target b: swap i and i | mb where bit a is set and bit b clear
            lo = i[((i & ma) != 0) & ((i & mb) == 0)]
            hi = lo | mb
        else:  # SWAP: exchange i (bit a set, bit b clear) and i ^ ma ^ mb
            lo = i[((i & ma) != 0) & ((i & mb) == 0)]
            hi = lo ^ ma ^ mb
        v[lo], v[hi] = v[hi], v[lo].copy()
    return v


#: Storage bits below this give blocks of fewer than 32 amplitude pairs, too short for the
#: vector loops LLVM builds for the backward stage (measured: 50 us against 18 us per pass at
#: 14 qubits).  For n >= 2 * _FAST_BIT qubits the schedule moves those qubits' rotations to a
#: storage layout with bits [0, 5) and [5, 10) exchanged (one extra gather per layer), see
#: :func:`compile_schedule`.
_FAST_BIT = 5


def _storage_bit(b: int, swapped: bool) -> int:
    """Storage bit of logical bit ``b`` in the natural (False) or field-swapped (True) layout."""
    if not swapped or b >= 2 * _FAST_BIT:
        return b
    return b + _FAST_BIT if b < _FAST_BIT else b - _FAST_BIT


def _layout(swapped: bool, n: int) -> np.ndarray:
    """Storage index of each basis index in the natural or field-swapped layout.  (The swap
    moves 32-element blocks within 1024-element tiles, so its gather stays in L1; a rotation of
    all n bits would stride by 2^(n-5) elements and thrash the cache sets: 56 against 12 us.)"""
    x = np.arange(1 << n, dtype=np.int64)
    out = np.zeros_like(x)
    for b in range(n):
        out |= ((x >> b) & 1) << _storage_bit(b, swapped)
    return out


def compile_schedule(prog: Program) -> Schedule | None:
    """The fused stages of ``prog`` (cached), or None when it has ops the fused kernels do not
    take (DENSE, multi-qubit Pauli and diagonal rotations).

    Inside each run of consecutive ROT1 ops the rotations are grouped by bit, keeping their
    order on each bit (rotations on different qubits commute): one stage per bit.  Each run
    of two or more CNOT/SWAP ops becomes one permutation (gather) stage; any other op stays one
    stage.  With ``n >= 10`` qubits, a run of rotations first treats the qubits stored at bits
    ``>= 5``, then gathers the state into the layout with bits ``[0, 5)`` and ``[5, 10)``
    exchanged and treats the rest there; the next gather (the CNOT chain's, or one added
    before a fixed gate and at the end) restores the natural layout.
    """
    if prog in _SCHEDULES:
        return _SCHEDULES[prog]
    ops = prog.ops
    kinds = set(int(k) for k in ops[:, 0])
    if not kinds <= _FUSABLE:
        _SCHEDULES[prog] = None
        return None
    d = prog.dim
    n = d.bit_length() - 1
    # 1. logical items: rotation runs grouped by bit, permutation runs, other ops
    items: list[tuple] = []
    k, n_ops = 0, ops.shape[0]
    while k < n_ops:
        kind = int(ops[k, 0])
        end = k + 1
        if kind == K.ROT1:
            while end < n_ops and ops[end, 0] == K.ROT1:
                end += 1
            by_bit: dict[int, list[tuple[int, int]]] = {}
            for _, l, bit, letter in ops[k:end]:
                by_bit.setdefault(int(bit), []).append((int(l), int(letter)))
            items.append(("rots", list(by_bit.items())))
        elif kind in _PERMUTATIONS:
            while end < n_ops and ops[end, 0] in _PERMUTATIONS:
                end += 1
            items.append(("perm", _permutation(ops[k:end], d)) if end - k > 1 else ("op", k))
        else:
            items.append(("op", k))
        k = end
    # 2. stages in storage coordinates
    stages: list[tuple[int, int, int, int]] = []
    rots: list[tuple[int, int]] = []
    perms: list[np.ndarray] = []
    perm_index: dict[bytes, int] = {}
    layouts = {False: np.arange(d, dtype=np.int64)}
    swapped = False

    def lay(sw: bool) -> np.ndarray:
        if sw not in layouts:
            layouts[sw] = _layout(sw, n)
        return layouts[sw]

    def gather(src, new_swapped: bool) -> None:
        """new[Lnew(x)] = old[Lcur(src(x))]: idx[i] = Lcur[src[Lnew^-1(i)]]."""
        inv_new = np.empty(d, dtype=np.int64)
        inv_new[lay(new_swapped)] = np.arange(d, dtype=np.int64)
        x = inv_new if src is None else src[inv_new]
        idx = lay(swapped)[x].astype(np.int32)
        key = idx.tobytes()
        if key not in perm_index:
            perm_index[key] = len(perms)
            perms.append(idx)
        stages.append((_F.S_PERM, perm_index[key], 0, 0))

    def rotation_stages(groups, sw: bool) -> None:
        for bit, group in groups:
            stages.append((_F.S_ROTS, _storage_bit(bit, sw), len(rots), len(group)))
            rots.extend(group)

    for item in items:
        if item[0] == "rots":
            groups = item[1]
            if not swapped and n >= 2 * _FAST_BIT and any(bit < _FAST_BIT for bit, _ in groups):
                rotation_stages([g for g in groups if g[0] >= _FAST_BIT], False)
                gather(None, True)
                swapped = True
                rotation_stages([g for g in groups if g[0] < _FAST_BIT], True)
            else:
                rotation_stages(groups, swapped)
        elif item[0] == "perm":
            gather(item[1], False)
            swapped = False
        else:
            if swapped:
                gather(None, False)
                swapped = False
            stages.append((_F.S_OP, item[1], 0, 0))
    if swapped:
        gather(None, False)
    inv = []
    for src in perms:
        back = np.empty_like(src)
        back[src] = np.arange(d, dtype=np.int32)
        inv.append(back)
    sched = Schedule(
        stages=np.array(stages, dtype=np.int64).reshape(-1, 4),
        rots=np.array(rots, dtype=np.int64).reshape(-1, 2),
        perm_fwd=_stack(perms, (1, 1), np.int32),
        perm_inv=_stack(inv, (1, 1), np.int32),
    )
    _SCHEDULES[prog] = sched
    return sched
