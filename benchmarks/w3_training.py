"""W3T: a 1000-step gradient-descent training run of the paper's dense model.

The model and data are those of W3 (``dense_haar_model(d, p)``, ``random_orthonormal_dataset(d, m)``);
the timed call runs ``STEPS`` steps ``theta <- theta - lr grad L(theta)`` from the same ``theta_0``
and returns the final ``theta``, which is the compared output.  The per-step time is the
call time divided by ``STEPS`` (column *per step* in RESULTS.md).

Contenders: qnnsym (``qnnsym.numeric.gradient_descent`` with ``record_every = STEPS``: its
per-step divergence checks included), a torch loop (``loss.backward()`` and an in-place update
per step, the way the paper's experiments are written), and one ``jax.jit`` of the whole run
(``lax.fori_loop`` over the steps).
"""

from __future__ import annotations

import numpy as np

from ._util import remembering
from .timing import Contender
from .workload import Size, Target, Workload

__all__ = ["WORKLOAD", "sizes", "contenders", "STEPS"]

SEED = 20230325
LR = 0.01
STEPS = 1000


def _label(d: int, p: int, m: int) -> str:
    return f"d={d}, p={p}, m={m}, {STEPS} steps"


def sizes(quick: bool) -> list[Size]:
    grid = [(8, 20, 1, 2)] if quick else [(8, 100, 1, 5), (16, 200, 4, 3), (32, 300, 8, 3)]
    return [Size(_label(d, p, m), {"d": d, "p": p, "m": m, "steps": STEPS}, rounds) for d, p, m, rounds in grid]


def contenders(size: Size) -> list[Contender]:
    from qnnsym import numeric as qn
    from qnnsym.model import dense_haar_model, random_orthonormal_dataset

    d, p, m, steps = size.params["d"], size.params["p"], size.params["m"], size.params["steps"]
    model = dense_haar_model(d, p, seed=SEED)
    data = random_orthonormal_dataset(d, m, seed=SEED + 1)
    theta0 = np.random.default_rng([SEED, d, p, m]).uniform(0.0, 2.0 * np.pi, p)

    def qnnsym_():
        return remembering(lambda: qn.gradient_descent(model, data, theta0, lr=LR, steps=steps, record_every=steps).final)

    def torch_():
        from .peers.torch_peer import TorchDenseTraining

        return remembering(TorchDenseTraining(model, data, theta0, LR, steps))

    def jax_():
        from .peers.jax_peer import JaxDenseTraining

        return remembering(JaxDenseTraining(model, data, theta0, LR, steps))

    return [
        Contender("qnnsym", qnnsym_, "qnnsym.numeric.gradient_descent (record_every = steps)"),
        Contender("torch autograd", torch_, "Python loop of torch loss.backward() + in-place update"),
        Contender("jax jit", jax_, "one jax.jit of lax.fori_loop over the steps"),
    ]


WORKLOAD = Workload(
    key="W3T",
    title=f"{STEPS}-step gradient-descent training run, dense Haar model",
    description=(
        f"W3's model and data; the timed call runs {STEPS} steps θ ← θ − lr·∇L(θ) (lr = {LR}) from the same θ₀ and "
        "returns the final θ (the compared output). Per-step time = call time / steps. Sizes are smaller than W3's "
        "so that the torch loop stays within the run's time budget."
    ),
    sizes=sizes,
    contenders=contenders,
    targets=(Target(_label(32, 300, 8), "torch autograd", 10.0),),
    atol=1e-8,
    atol_reason="1000 steps accumulate round-off: the final θ of two correct float64 implementations differ by up to ~1e-10",
)
