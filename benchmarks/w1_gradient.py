"""W1: the gradient of <Z_0> for a hardware-efficient ansatz, from |0...0>.

``hardware_efficient_ansatz(n, L)``: per layer RY on every qubit, RZ on every qubit, then
CNOT(q, q+1); ``p = 2 n L`` parameters; ``M_0 = Z`` on qubit 0.  Every contender returns
the ``(p,)`` gradient ``d<Z_0>/d theta`` at the same random ``theta``.

Contenders: qnnsym (``qnnsym.numeric.jacobian``, adjoint), the dense-numpy reference
(``qnnsym.numeric.reference.jacobian``; only ``n <= 4``, ``n <= 6`` with ``--quick``: it
builds ``d x d`` matrices),
torch autograd through a torch state-vector simulator, PennyLane ``lightning.qubit``
with ``diff_method="adjoint"``, ``jax.jit(jax.grad(...))`` through a jax.numpy state-vector
simulator, and Qulacs' ``ParametricQuantumCircuit.backprop`` (its C++ adjoint gradient).
"""

from __future__ import annotations

import numpy as np

from .timing import Contender, Prepared, Unavailable
from .workload import Size, Target, Workload

__all__ = ["WORKLOAD", "sizes", "contenders"]

REFERENCE_MAX_QUBITS = 4  # default run (the reference takes 2-5 s per call at n = 8, minutes per size); --quick stops at 6
QUICK_REFERENCE_MAX_QUBITS = 6
SEED = 20230325


def _label(n: int, layers: int) -> str:
    return f"n={n}, L={layers} (p={2 * n * layers})"


def sizes(quick: bool) -> list[Size]:
    if quick:
        grid = [(4, 4, 7), (6, 4, 7), (8, 4, 5)]
        ref_max = QUICK_REFERENCE_MAX_QUBITS
    else:
        grid = [(4, 4, 15), (4, 10, 15), (8, 4, 9), (8, 10, 9), (12, 4, 11), (12, 10, 11), (12, 20, 7),
                (14, 4, 7), (14, 10, 7), (16, 4, 5), (16, 10, 5)]
        ref_max = REFERENCE_MAX_QUBITS
    return [Size(_label(n, L), {"n": n, "layers": L, "reference_max_qubits": ref_max}, rounds) for n, L, rounds in grid]


def contenders(size: Size) -> list[Contender]:
    from qnnsym import numeric as qn
    from qnnsym.model import Dataset, hardware_efficient_ansatz
    from qnnsym.numeric import reference

    n, layers = size.params["n"], size.params["layers"]
    model = hardware_efficient_ansatz(n, layers)
    data = Dataset.basis_state(2**n)
    theta = np.random.default_rng([SEED, n, layers]).uniform(0.0, 2.0 * np.pi, model.n_params)

    def qnnsym_():
        return Prepared(lambda: qn.jacobian(model, data, theta)[0])

    def reference_():
        ref_max = size.params.get("reference_max_qubits", REFERENCE_MAX_QUBITS)
        if n > ref_max:
            raise Unavailable(f"not run above n = {ref_max} (dense d x d matrices, seconds per call)")
        return Prepared(lambda: reference.jacobian(model, data, theta)[0])

    def torch_():
        from .peers.torch_peer import TorchCircuitGradient

        return Prepared(TorchCircuitGradient(model, theta))

    def lightning_():
        from .peers.pennylane_peer import LightningAdjointGradient

        return Prepared(LightningAdjointGradient(model, theta))

    def jax_():
        from .peers.jax_peer import JaxCircuitGradient

        return Prepared(JaxCircuitGradient(model, theta))

    def qulacs_():
        from .peers.qulacs_peer import QulacsCircuitGradient

        return Prepared(QulacsCircuitGradient(model, theta))

    return [
        Contender("qnnsym", qnnsym_, "qnnsym.numeric.jacobian (adjoint, numba)"),
        Contender("numpy reference", reference_, "qnnsym.numeric.reference.jacobian (dense matrices)"),
        Contender("torch autograd", torch_, "torch state-vector simulator + autograd"),
        Contender("lightning.qubit adjoint", lightning_, "PennyLane lightning.qubit, diff_method='adjoint'"),
        Contender("jax jit", jax_, "jax.jit(jax.grad) of a jax.numpy state-vector simulator (lax.scan over layers)"),
        Contender("qulacs backprop", qulacs_, "qulacs ParametricQuantumCircuit.backprop (C++ adjoint)"),
    ]


WORKLOAD = Workload(
    key="W1",
    title="gradient of <Z_0>, hardware-efficient ansatz",
    description=(
        "`hardware_efficient_ansatz(n, L)`: per layer RY then RZ on every qubit, then CNOT(q, q+1); "
        "p = 2nL parameters, input |0...0>, M_0 = Z on qubit 0. Each contender returns the (p,) "
        "gradient d<Z_0>/dθ at the same random θ. The numpy reference (dense d × d matrices) runs only for n ≤ 4 in the default run (n ≤ 6 with `--quick`). "
        "Bound: `benchmarks/roofline.py` (flops and bytes of qnnsym's fused sweep; see *The limit*)."
    ),
    sizes=sizes,
    contenders=contenders,
    targets=tuple(
        Target(_label(n, L), name, f)
        for n in (12, 14)
        for L in (4, 10)
        for name, f in (("lightning.qubit adjoint", 10.0), ("torch autograd", 10.0), ("jax jit", 3.0), ("qulacs backprop", 3.0))
    ),
    growth=(("n", {"layers": 4}), ("n", {"layers": 10}), ("layers", {"n": 12})),
)
