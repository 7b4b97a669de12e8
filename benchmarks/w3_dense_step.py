"""W3: one gradient-descent step of the paper's dense model.

``dense_haar_model(d, p)`` (i.i.d. Haar ``W_l``, ``H_l = diag(+-1)``, ``M_0 = Z`` on qubit 0)
with ``random_orthonormal_dataset(d, m)``; one step is ``theta - lr * grad L(theta)`` with
``L = 1/2 sum_i (yhat_i - y_i)^2``.  The timed call computes the gradient and the update
from the same ``theta_0`` every time (so every call does the same work).  The agreement
check compares both the gradient and the updated ``theta``.

Contenders: qnnsym (``qnnsym.numeric.loss_gradient``), the dense-numpy reference
(``qnnsym.numeric.reference.loss_gradient``), torch autograd and ``jax.jit`` of the step
(``lax.scan`` over the layers).  The 1000-step training run is W3T (``w3_training.py``).
"""

from __future__ import annotations

import numpy as np

from .timing import Contender, Prepared, Unavailable
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
        grid = [(8, 100, 1, 15), (16, 500, 4, 11), (32, 1000, 8, 9), (8, 2000, 8, 9), (64, 500, 8, 7), (64, 2000, 8, 7),
                # cost growth: p, d and m one at a time
                (32, 100, 4, 9), (32, 250, 4, 9), (32, 500, 4, 9), (32, 2000, 4, 7),
                (8, 500, 4, 9), (16, 500, 4, 9), (64, 500, 4, 7),
                (32, 500, 1, 9), (32, 500, 2, 9), (32, 500, 8, 9)]
    main = 2 if quick else 6  # the sizes after these are for the cost-growth fits only (no numpy reference)
    out, seen = [], set()
    for i, (d, p, m, rounds) in enumerate(grid):
        if (d, p, m) in seen:
            continue
        seen.add((d, p, m))
        out.append(Size(_label(d, p, m), {"d": d, "p": p, "m": m, "reference": i < main}, rounds))
    return out


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
        if not size.params.get("reference", True):
            raise Unavailable("not run on the sizes added for the cost-growth fits (seconds per call)")

        def step():
            return theta0 - LR * reference.loss_gradient(model, data, theta0)

        return Prepared(step, lambda: np.concatenate([reference.loss_gradient(model, data, theta0), step()]))

    def torch_():
        from .peers.torch_peer import TorchDenseStep

        peer = TorchDenseStep(model, data, theta0, LR)
        return Prepared(peer, lambda: np.concatenate([peer.gradient(), peer()]))

    def jax_():
        from .peers.jax_peer import JaxDenseStep

        peer = JaxDenseStep(model, data, theta0, LR)
        return Prepared(peer, lambda: np.concatenate([peer.gradient(), peer()]))

    return [
        Contender("qnnsym", qnnsym_, "theta - lr * qnnsym.numeric.loss_gradient"),
        Contender("numpy reference", reference_, "theta - lr * qnnsym.numeric.reference.loss_gradient"),
        Contender("torch autograd", torch_, "torch (m, d) states, loss.backward()"),
        Contender("jax jit", jax_, "jax.jit of theta - lr * jax.grad(L) (lax.scan over the layers)"),
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
        Target(_label(64, 2000, 8), "jax jit", 1.5),
    ),
    growth=(("p", {"d": 32, "m": 4}), ("d", {"p": 500, "m": 4}), ("m", {"d": 32, "p": 500})),
)
