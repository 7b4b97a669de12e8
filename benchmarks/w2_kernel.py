"""W2: the tangent kernel ``K = J J^T`` of ``m = 16`` angle-encoded inputs.

``hardware_efficient_ansatz(n, L)`` as in W1; the inputs are ``AngleEncoding(n)`` (``RY(x_q)``
on every qubit of ``|0...0>``) of 16 random feature vectors ``x in [0, pi)^n``.
``J[i, l] = d yhat_i / d theta_l`` with ``yhat_i = <phi(x_i)| U^dag Z_0 U |phi(x_i)>``; every
contender returns the ``(16, 16)`` kernel.

Contenders: qnnsym (``qnnsym.numeric.tangent_kernel``: one adjoint sweep over all 16 rows),
``lightning.qubit`` (one adjoint gradient per input, the encoding as non-trainable gates),
torch (one forward and one backward pass per input), JAX (``jit`` of ``vmap(grad)`` over the
inputs, then ``J J^T``), Qulacs (``backprop`` per input, the encoding prepended as fixed gates).
"""

from __future__ import annotations

import numpy as np

from .timing import Contender, Prepared
from .workload import Size, Target, Workload

__all__ = ["WORKLOAD", "sizes", "contenders"]

SEED = 20230326
M_INPUTS = 16


def _label(n: int, layers: int) -> str:
    return f"n={n}, L={layers} (p={2 * n * layers}), m={M_INPUTS}"


def sizes(quick: bool) -> list[Size]:
    grid = [(4, 4, 5)] if quick else [(4, 4, 9), (8, 10, 5), (12, 4, 3), (12, 10, 3), (14, 10, 3)]
    return [Size(_label(n, L), {"n": n, "layers": L, "m": M_INPUTS}, rounds) for n, L, rounds in grid]


def contenders(size: Size) -> list[Contender]:
    from qnnsym import numeric as qn
    from qnnsym.model import AngleEncoding, hardware_efficient_ansatz

    n, layers, m = size.params["n"], size.params["layers"], size.params["m"]
    model = hardware_efficient_ansatz(n, layers)
    rng = np.random.default_rng([SEED, n, layers])
    theta = rng.uniform(0.0, 2.0 * np.pi, model.n_params)
    enc = AngleEncoding(n)
    features = rng.uniform(0.0, np.pi, (m, n))
    data = enc.dataset(features, np.zeros(m))
    states = np.array(data.states)

    def qnnsym_():
        return Prepared(lambda: qn.tangent_kernel(model, data, theta))

    def two_threads_():
        from qnnsym.numeric import parallel

        def run():
            with parallel.threads(2):
                return qn.tangent_kernel(model, data, theta)

        return Prepared(run)

    def lightning_():
        from .peers.pennylane_peer import LightningTangentKernel

        return Prepared(LightningTangentKernel(model, enc, features, theta))

    def torch_():
        from .peers.torch_peer import TorchTangentKernel

        return Prepared(TorchTangentKernel(model, states, theta))

    def jax_():
        from .peers.jax_peer import JaxTangentKernel

        return Prepared(JaxTangentKernel(model, states, theta))

    def qulacs_():
        from .peers.qulacs_peer import QulacsTangentKernel

        return Prepared(QulacsTangentKernel(model, enc, features, theta))

    return [
        Contender("qnnsym", qnnsym_, "qnnsym.numeric.tangent_kernel (one adjoint sweep over the 16 rows, numba)"),
        Contender("qnnsym 2 threads", two_threads_, "the same call inside qnnsym.numeric.parallel.threads(2) (input rows on both cores)"),
        Contender("lightning.qubit adjoint", lightning_, "PennyLane lightning.qubit adjoint gradient per input, J J^T in numpy"),
        Contender("torch autograd", torch_, "torch forward + backward per input, J J^T"),
        Contender("jax jit", jax_, "jax.jit of vmap(grad) over the inputs, J J^T inside the jit"),
        Contender("qulacs backprop", qulacs_, "qulacs backprop per input (encoding prepended as fixed gates), J J^T in numpy"),
    ]


WORKLOAD = Workload(
    key="W2",
    title="tangent kernel K = J J^T, 16 angle-encoded inputs",
    description=(
        f"`hardware_efficient_ansatz(n, L)` on m = {M_INPUTS} inputs `AngleEncoding(n)` (RY(x_q) on every qubit) "
        "of random features in [0, π); each contender returns the (16, 16) kernel K = J J^T, "
        "J[i, l] = d ŷ_i/dθ_l."
    ),
    sizes=sizes,
    contenders=contenders,
    targets=tuple(
        Target(_label(n, L), name, f)
        for n, L in ((12, 4), (12, 10), (14, 10))
        for name, f in (("lightning.qubit adjoint", 10.0), ("torch autograd", 10.0), ("jax jit", 3.0), ("qulacs backprop", 3.0))
    ) + tuple(Target(_label(n, L), "qnnsym 2 threads", 1.7, speedup=True) for n, L in ((12, 10), (14, 10))),
)
