"""W3: one gradient-descent step of the paper's dense model.

``dense_haar_model(d, p)`` (i.i.d. Haar ``W_l``, ``H_l = diag(+-1)``, ``M_0 = Z`` on qubit 0)
with ``random_orthonormal_dataset(d, m)``; one step is ``theta - lr * grad L(theta)`` with
``L = 1/2 sum_i (yhat_i - y_i)^2``.  The timed call computes the gradient and the update
from the same ``theta_0`` every time (so every call does the same work).  The agreement
check compares both the gradient and the updated ``theta``.

Contenders: qnnsym (``qnnsym.numeric.loss_gradient``), the dense-numpy reference
(``qnnsym.numeric.reference.loss_gradient``) and torch autograd.
"""

from __future__ import annotations

import numpy as np

from .timing import Contender, Prepared
from .workload import Size, Target, Workload

__all__ = ["WORKLOAD", "sizes", "contenders"]

SEED = 20230325
LR = 0.1


def _label(d: int, p: int, m: int) -> str:
    return f"d={d}, p={p}, m={m}"


def sizes(quick: bool) -> list[Size]:
    if quick:
        grid = [(8, 100, 1, 9), (16, 500, 4, 7)]
    else:
        grid = [(8, 100, 1, 21), (16, 500, 4, 15), (32, 1000, 8, 11), (8, 2000, 8, 9), (64, 500, 8, 9), (64, 2000, 8, 9)]
    return [Size(_label(d, p, m), {"d": d, "p": p, "m": m}, rounds) for d, p, m, rounds in grid]


def contenders(size: Size) -> list[Contender]:
    from qnnsym import numeric as qn
    from qnnsym.model import dense_haar_model, random_orthonormal_dataset
    from qnnsym.numeric import reference

    d, p, m = size.params["d"], size.params["p"], size.params["m"]
    model = dense_haar_model(d, p, seed=SEED)
    data = random_orthonormal_dataset(d, m, seed=SEED + 1)
    theta0 = np.random.default_rng([SEED, d, p, m]).uniform(0.0, 2.0 * np.pi, p)

    def qnnsym_():
        def step():
            return theta0 - LR * qn.loss_gradient(model, data, theta0)

        return Prepared(step, lambda: np.concatenate([qn.loss_gradient(model, data, theta0), step()]))

    def reference_():
        def step():
            return theta0 - LR * reference.loss_gradient(model, data, theta0)

        return Prepared(step, lambda: np.concatenate([reference.loss_gradient(model, data, theta0), step()]))

    def torch_():
        from .peers.torch_peer import TorchDenseStep

        peer = TorchDenseStep(model, data, theta0, LR)
        return Prepared(peer, lambda: np.concatenate([peer.gradient(), peer()]))

    return [
        Contender("qnnsym", qnnsym_, "theta - lr * qnnsym.numeric.loss_gradient"),
        Contender("numpy reference", reference_, "theta - lr * qnnsym.numeric.reference.loss_gradient"),
        Contender("torch autograd", torch_, "torch (m, d) states, loss.backward()"),
    ]


WORKLOAD = Workload(
    key="W3",
    title="one gradient-descent step, dense Haar model",
    description=(
        "`dense_haar_model(d, p)` (i.i.d. Haar W_l, H_l = diag(±1), M_0 = Z on qubit 0) on "
        "`random_orthonormal_dataset(d, m)`. One step = θ − lr·∇L(θ) with L = ½Σ(ŷ − y)², "
        f"lr = {LR}, always from the same θ₀. Agreement covers both ∇L and the updated θ."
    ),
    sizes=sizes,
    contenders=contenders,
    targets=(
        Target(_label(64, 2000, 8), "torch autograd", 3.0),
        Target(_label(64, 2000, 8), "numpy reference", 2.0),
    ),
)
