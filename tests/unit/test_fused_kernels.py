"""The fused adjoint sweep (``qnnsym.numeric._fused``) against the general op-by-op kernels.

The random circuits of the cross-checks have at most 3 qubits; these cases cover what only
larger circuits reach: the bit-rotated storage layout (n >= 10), every loop shape of the
rotation kernels (blocks of 1, 2 and >= 4 pairs), permutation stages composed with layout
changes, and fixed gates between rotations (which force the natural layout back).
"""

import numpy as np
import pytest

from qnnsym.model import AngleEncoding, Dataset, circuit, hardware_efficient_ansatz
from qnnsym.numeric import _fused as F
from qnnsym.numeric import _kernels as K
from qnnsym.numeric import jacobian, predict
from qnnsym.numeric.program import compile_model, compile_schedule, prepare_inputs


def _both(model, data, theta):
    prog = compile_model(model)
    sched = compile_schedule(prog)
    assert sched is not None
    inp = prepare_inputs(data, prog.dim)
    args = (*prog.circuit_args, *prog.measurement_args, theta, inp.rows)
    general = K.adjoint_rows(*args, prog.n_params)
    fused = F.adjoint_fused(*sched.adjoint_args, *args, prog.n_params)
    y = F.predict_fused(*sched.forward_args, *args)
    return general, fused, y, sched


def _mixed_circuit(n: int, seed: int):
    """Rotations of every letter (single, paired, tripled on one qubit), CNOT/SWAP chains,
    a lone CNOT, CZ, H, S and T, measured on a multi-qubit Pauli string."""
    rng = np.random.default_rng(seed)
    gates = []
    for _ in range(3):
        for q in range(n):
            for r in rng.choice(["RX", "RY", "RZ"], size=int(rng.integers(1, 4))):
                gates.append((str(r), q))
        gates += [("CNOT", q, q + 1) for q in range(n - 1)] + [("SWAP", 0, n - 1)]
        gates += [("H", int(rng.integers(n))), ("CZ", 1, 3), ("RY", 2), ("S", 0), ("CNOT", n - 1, 0), ("T", 4)]
    label = "".join(rng.choice(list("XYZ"), size=n))
    return circuit(n, gates, label)


@pytest.mark.parametrize("n", [10, 11])
def test_fused_sweep_matches_general_kernels_on_large_mixed_circuits(n):
    model = _mixed_circuit(n, seed=n)
    rng = np.random.default_rng(n)
    data = AngleEncoding(n).dataset(rng.uniform(0, np.pi, (2, n)), np.zeros(2))  # two product-state rows
    theta = rng.uniform(-np.pi, np.pi, model.n_params)
    (y0, j0), (y1, j1), y2, sched = _both(model, data, theta)
    kinds = set(sched.stages[:, 0].tolist())
    assert kinds == {F.S_ROTS, F.S_PERM, F.S_OP}
    assert set(sched.rots[:, 1].tolist()) == {1, 2, 3}
    assert np.max(np.abs(y0 - y1)) <= 1e-13 and np.max(np.abs(y0 - y2)) <= 1e-13
    assert np.max(np.abs(j0 - j1)) <= 1e-12
    assert np.max(np.abs(j0)) > 1e-3  # a non-trivial gradient was compared


def test_hardware_efficient_ansatz_uses_two_layouts_per_layer_and_matches():
    n, layers = 10, 3
    model = hardware_efficient_ansatz(n, layers)
    theta = np.random.default_rng(7).uniform(0, 2 * np.pi, model.n_params)
    data = Dataset.basis_state(2**n)
    (y0, j0), (y1, j1), y2, sched = _both(model, data, theta)
    # per layer: n rotation stages (RY+RZ each), the layout change and the CNOT-chain gather
    assert np.sum(sched.stages[:, 0] == F.S_ROTS) == n * layers
    assert np.all(sched.stages[sched.stages[:, 0] == F.S_ROTS, 1] >= 5)  # no stage on a short-block bit
    assert np.sum(sched.stages[:, 0] == F.S_PERM) == 2 * layers
    assert np.all(sched.rots[:, 1].reshape(-1, 2) == [2, 3])
    assert np.max(np.abs(j0 - j1)) <= 1e-12 and abs(y0[0] - y1[0]) <= 1e-13 and abs(y0[0] - y2[0]) <= 1e-13
    # jacobian() takes the fused path; predict() (general kernels) agrees with it
    assert np.max(np.abs(jacobian(model, data, theta) - j0)) <= 1e-12
    assert abs(predict(model, data, theta)[0] - y0[0]) <= 1e-13


@pytest.mark.parametrize("bit", [0, 1, 2, 3, 6])
def test_rotation_kernels_every_loop_shape(bit):
    """One stage on each loop shape (blocks of 1, 2 and >= 4 pairs) of the forward 2 x 2 pass and
    both backward bodies (RY+RZ and the one-hot body for other letters) against numpy."""
    n = 7
    d = 2**n
    rng = np.random.default_rng(bit)
    psi = rng.normal(size=d) + 1j * rng.normal(size=d)
    lam = rng.normal(size=d) + 1j * rng.normal(size=d)
    st = 1 << bit
    lo = np.array([k for k in range(d) if not k & st])
    sig = {1: np.array([[0, 1], [1, 0]]), 2: np.array([[0, -1j], [1j, 0]]), 3: np.diag([1.0, -1.0])}

    def rot(letter, a):
        return np.cos(a) * np.eye(2) - 1j * np.sin(a) * sig[letter]

    def on_pairs(m, v):
        out = v.copy()
        out[lo], out[lo + st] = m[0, 0] * v[lo] + m[0, 1] * v[lo + st], m[1, 0] * v[lo] + m[1, 1] * v[lo + st]
        return out

    def grad(letter, p, l):
        return float(np.imag(np.vdot(l, on_pairs(sig[letter], p))))

    for la, lb in [(2, 3), (1, 2), (3, 1)]:
        a, b = 0.7, -1.1
        w = np.empty((4, d))
        w[0], w[1], w[2], w[3] = psi.real, psi.imag, lam.real, lam.imag
        ta, tb = np.empty(d // 2), np.empty(d // 2)
        acc_a, acc_b = F._back2(w[0], w[1], w[2], w[3], st, la, np.cos(a), np.sin(a), lb, np.cos(b), np.sin(b), ta, tb)
        gb = grad(lb, psi, lam)
        p1, l1 = on_pairs(rot(lb, -b), psi), on_pairs(rot(lb, -b), lam)
        ga = grad(la, p1, l1)
        p0, l0 = on_pairs(rot(la, -a), p1), on_pairs(rot(la, -a), l1)
        assert abs(acc_a - ga) <= 1e-12 and abs(acc_b - gb) <= 1e-12
        assert np.max(np.abs(w[0] + 1j * w[1] - p0)) <= 1e-13 and np.max(np.abs(w[2] + 1j * w[3] - l0)) <= 1e-13
        g = F._stage_matrix(np.array([[0, la], [1, lb]]), 0, 2, np.ones(2), np.array([a, b]))
        assert np.max(np.abs(g - rot(lb, b) @ rot(la, a))) <= 1e-15
        r, i = psi.real.copy(), psi.imag.copy()
        F._gate2x2(r, i, st, g)
        assert np.max(np.abs(r + 1j * i - on_pairs(g, psi))) <= 1e-13
        w[0], w[1], w[2], w[3] = psi.real, psi.imag, lam.real, lam.imag
        acc = F._back1(w[0], w[1], w[2], w[3], st, la, np.cos(a), np.sin(a), ta)
        assert abs(acc - grad(la, psi, lam)) <= 1e-12
        assert np.max(np.abs(w[0] + 1j * w[1] - on_pairs(rot(la, -a), psi))) <= 1e-13
